package org.tatami.optimizers.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;

/** Each schedule at a few steps against Keras's formulas worked by hand, and its Keras config. */
class LearningRateScheduleTest {
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    @Test
    void exponentialDecay() {
        // 0.1 * 0.5^(step / 10); staircase floors the exponent.
        ExponentialDecay s = new ExponentialDecay(0.1, 10, 0.5);
        assertEquals(0.1f, s.call(0));
        assertEquals(0.07071067811865475, s.call(5), 1e-8);
        assertEquals(0.025f, s.call(20));
        assertEquals(0.05f, new ExponentialDecay(0.1, 10, 0.5, true, "ExponentialDecay").call(15));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.1, 0, 0.5));
    }

    @Test
    void inverseTimeDecay() {
        // 0.1 / (1 + 0.5 * step / 10).
        InverseTimeDecay s = new InverseTimeDecay(0.1, 10, 0.5);
        assertEquals(0.08f, s.call(5));
        assertEquals(0.05f, s.call(20));
        assertEquals(0.1 / 1.5, new InverseTimeDecay(0.1, 10, 0.5, true, "InverseTimeDecay").call(15), 1e-8);
    }

    @Test
    void piecewiseConstantDecay() {
        // 1.0 up to step 10 included, 0.5 up to 20 included, then 0.1.
        PiecewiseConstantDecay s = new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {1, 0.5, 0.1});
        assertEquals(1f, s.call(0));
        assertEquals(1f, s.call(10));
        assertEquals(0.5f, s.call(11));
        assertEquals(0.5f, s.call(20));
        assertEquals(0.1f, s.call(21));
        assertThrows(IllegalArgumentException.class, () -> new PiecewiseConstantDecay(new long[] {10}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {20, 10}, new double[] {1, 2, 3}));
    }

    @Test
    void cosineDecay() {
        // 0.1 * 0.5 (1 + cos(pi step / 100)), held after step 100; alpha 0.1 lifts the floor to 0.01.
        CosineDecay s = new CosineDecay(0.1, 100);
        assertEquals(0.1f, s.call(0));
        assertEquals(0.05f, s.call(50), 1e-8);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.call(25), 1e-8);
        assertEquals(0f, s.call(100), 1e-9);
        assertEquals(0f, s.call(1000), 1e-9);
        CosineDecay floor = new CosineDecay(0.1, 100, 0.1, "CosineDecay", null, 0);
        assertEquals(0.055f, floor.call(50), 1e-8);
        assertEquals(0.01f, floor.call(500), 1e-8);
    }

    @Test
    void cosineDecayWithWarmUp() {
        // From 0 up to 0.1 linearly over 10 steps, then the cosine from 0.1 over 100 steps.
        CosineDecay s = new CosineDecay(0.0, 100, 0.0, 0.1, 10);
        assertEquals(0f, s.call(0));
        assertEquals(0.05f, s.call(5), 1e-8);
        assertEquals(0.1f, s.call(10), 1e-8);
        assertEquals(0.05f, s.call(60), 1e-8);
        assertEquals(0f, s.call(110), 1e-9);
        assertEquals(0f, s.call(5000), 1e-9);
    }

    /** Keras 3's serialized form and config keys, read back to the same schedule. */
    @Test
    void configsRoundTrip() {
        List<LearningRateSchedule> all = List.of(new ExponentialDecay(0.1, 1000, 0.96, true, "ExponentialDecay"),
                new InverseTimeDecay(0.1, 1, 0.5), new PiecewiseConstantDecay(new long[] {5}, new double[] {0.1, 0.01}),
                new CosineDecay(0.001, 1000, 0.0, 0.01, 100), new CosineDecay(0.01, 500));
        for (LearningRateSchedule s : all) {
            String json = GSON.toJson(s.serialize());
            LearningRateSchedule back = LearningRateSchedule.deserialize(
                    Fields.of("test", "", "schedule", GSON.fromJson(json, JsonObject.class)));
            assertEquals(json, GSON.toJson(back.serialize()));
            assertEquals(s.call(7), back.call(7));
        }
        assertEquals("{\"module\":\"keras.optimizers.schedules\",\"class_name\":\"CosineDecay\",\"config\":"
                + "{\"initial_learning_rate\":0.01,\"decay_steps\":500,\"alpha\":0.0,\"name\":\"CosineDecay\","
                + "\"warmup_target\":null,\"warmup_steps\":0},\"registered_name\":null}",
                GSON.toJson(new CosineDecay(0.01, 500).serialize()));
        assertEquals("{\"boundaries\":[5],\"values\":[0.1,0.01],\"name\":\"PiecewiseConstant\"}",
                GSON.toJson(all.get(2).config()));
        JsonObject unknown = GSON.fromJson(GSON.toJson(all.get(1).serialize()), JsonObject.class);
        unknown.addProperty("class_name", "PolynomialDecay");
        assertThrows(ModelConfigException.class,
                () -> LearningRateSchedule.deserialize(Fields.of("test", "", "schedule", unknown)));
        unknown.addProperty("class_name", "InverseTimeDecay");
        unknown.getAsJsonObject("config").addProperty("cycle", true);
        assertThrows(ModelConfigException.class,
                () -> LearningRateSchedule.deserialize(Fields.of("test", "", "schedule", unknown)));
    }
}
