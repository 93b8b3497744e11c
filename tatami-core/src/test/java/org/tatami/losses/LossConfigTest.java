package org.tatami.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;
import org.tatami.layers.Dense;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/** Losses by Keras's strings, and their settings (from_logits, label_smoothing, delta) through a saved model. */
class LossConfigTest {
    @TempDir
    Path dir;

    private static final Tensor X = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0.5f, -1}, 4, 2);

    private Model saveAndLoad(Loss loss, int outputs) throws IOException {
        Tatami.setRandomSeed(1);
        Sequential m = new Sequential(new Dense(outputs).inputShape(2));
        m.compile(new Adam(), loss);
        Path file = dir.resolve("m.tatami");
        m.save(file);
        return Model.load(file);
    }

    @Test
    void settingsSurviveSaveAndLoad() throws IOException {
        for (Loss loss : List.of(new BinaryCrossentropy(true, 0.1), new BinaryCrossentropy(), new Huber(2.5),
                new CategoricalCrossentropy(true, 0.2), new CategoricalCrossentropy(false, 0.05),
                new SparseCategoricalCrossentropy(true), new MeanAbsoluteError(), new MeanSquaredError())) {
            Model back = saveAndLoad(loss, 3);
            assertEquals(loss.getClass(), back.loss().getClass());
            assertEquals(loss.config(), back.loss().config(), loss.className());
            Tensor y = loss instanceof SparseCategoricalCrossentropy ? Tensor.vector(0, 1, 2, 1)
                    : Tensor.of(new float[] {0, 1, 0, 1, 0, 0, 0, 0, 1, 0.5f, 0.5f, 0}, 4, 3);
            assertEquals(loss.compute(back.predict(X).data(), y.data(), 4, 3, null, 0f) / 4,
                    back.evaluate(X, y).get("loss"), 1e-7, loss.className());
        }
    }

    @Test
    void kerasStrings() {
        assertInstanceOf(BinaryCrossentropy.class, Loss.of("binary_crossentropy"));
        assertInstanceOf(Huber.class, Loss.of("huber"));
        assertInstanceOf(MeanAbsoluteError.class, Loss.of("mae"));
        assertInstanceOf(MeanAbsoluteError.class, Loss.of("mean_absolute_error"));
        assertTrue(Loss.of("binary_crossentropy", true).fromLogits());
        assertEquals(1.0f, ((Huber) Loss.of("huber")).delta());
        // Defaults are saved as Keras saves strings; settings as Keras's serialized loss object.
        assertEquals("huber", new Huber().serialize());
        assertEquals("binary_crossentropy", new BinaryCrossentropy().serialize());
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) new Huber(2).serialize();
        assertEquals("Huber", object.get("class_name"));
        assertEquals(Map.of("name", "huber_loss", "reduction", "sum_over_batch_size", "delta", 2.0), object.get("config"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.of("hinge"));
        assertTrue(e.getMessage().contains("binary_crossentropy") && e.getMessage().contains("huber"), e.getMessage());
    }

    /** Keras 3's own get_config() output reads as it is; an option tatami lacks is named. */
    @Test
    void kerasConfigs() {
        Loss bce = Loss.fromConfig("BinaryCrossentropy", Fields.of("t", "", "c", JsonParser.parseString(
                "{\"name\": \"binary_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": true,"
                        + " \"label_smoothing\": 0.1, \"axis\": -1, \"dtype\": null}")));
        assertTrue(bce.fromLogits());
        assertEquals(0.1f, ((BinaryCrossentropy) bce).labelSmoothing());
        ModelConfigException sum = assertThrows(ModelConfigException.class, () -> Loss.fromConfig("Huber",
                Fields.of("t", "", "c", JsonParser.parseString("{\"reduction\": \"sum\", \"delta\": 1.0}"))));
        assertTrue(sum.getMessage().contains("reduction"), sum.getMessage());
        ModelConfigException unknown = assertThrows(ModelConfigException.class, () -> Loss.fromConfig("Hinge",
                Fields.of("t", "", "c", JsonParser.parseString("{}"))));
        assertTrue(unknown.getMessage().contains("Huber"), unknown.getMessage());
    }
}
