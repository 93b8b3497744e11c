package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.Loss;
import org.tatami.losses.LossRegistry;
import org.tatami.losses.MeanSquaredError;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/** {@code .tatami} files of graph models: what is loaded computes the bits that were saved. */
class GraphModelFileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void seed() {
        Tatami.clearSession();
        Tatami.setRandomSeed(11);
    }

    private static Tensor random(long seed, int... shape) {
        return FunctionalModelTest.randomTensor(seed, shape);
    }

    /** Saves, loads, and checks that every output of the loaded model has the original's bits. */
    private Model saveAndLoad(Model model, List<Tensor> x) throws Exception {
        Path file = dir.resolve(model.name() + ".tatami");
        model.save(file);
        Model loaded = Model.load(file);
        assertEquals(model.className(), loaded.className());
        assertEquals(model.layers().stream().map(Layer::name).toList(),
                loaded.layers().stream().map(Layer::name).toList());
        List<Tensor> expected = model.predict(x);
        List<Tensor> actual = loaded.predict(x);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "output " + i);
        }
        return loaded;
    }

    @Test
    void aTrainedResidualModelWithBatchNormalizationLoadsToTheSameBits() throws Exception {
        Model model = FunctionalModelTest.residualModel("relu");
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        Tensor x = random(1, 32, 8, 8, 2);
        // Training moves the weights and the normalization statistics away from their initial values.
        model.fit(x, FunctionalModelTest.labels(2, 32, 3), new FitOptions().epochs(2).batchSize(16).verbose(0));
        Model loaded = saveAndLoad(model, List.of(x));
        assertEquals("sparse_categorical_crossentropy", loaded.loss().name());
        assertEquals(List.of("accuracy"), loaded.metrics());
    }

    @Test
    void aModelOfTwoInputsAndTwoOutputsKeepsItsLossesAndWeights() throws Exception {
        SymbolicTensor image = Input.of("image", 6, 6, 1);
        SymbolicTensor extra = Input.of("extra", 3);
        SymbolicTensor features = new Flatten().apply(new MaxPool2D(2).apply(new Conv2D(2, 3).apply(image)));
        SymbolicTensor joined = new Concatenate().apply(features, extra);
        SymbolicTensor cls = new Dense(3).activation("softmax").name("cls").apply(joined);
        SymbolicTensor reg = new Dense(1).name("reg").apply(joined);
        Model model = new Model("two_by_two", List.of(image, extra), List.of(cls, reg));
        model.compile(new Adam(0.001), List.of(new SparseCategoricalCrossentropy(), new MeanSquaredError()),
                List.of(1.0, 0.5));
        Model loaded = saveAndLoad(model, List.of(random(3, 4, 6, 6, 1), random(4, 4, 3)));
        assertEquals(List.of("image", "extra"), loaded.inputNames());
        assertEquals(List.of("cls", "reg"), loaded.outputNames());
        assertEquals(List.of("sparse_categorical_crossentropy", "mean_squared_error"),
                loaded.losses().stream().map(l -> l.name()).toList());
        assertEquals(List.of(1.0, 0.5), loaded.lossWeights());
    }

    @Test
    void aNestedModelLoadsWithItsWeights() throws Exception {
        SymbolicTensor innerIn = Input.of(5);
        Model inner = new Model("inner", List.of(innerIn), List.of(new Dense(4).activation("relu").apply(innerIn)));
        SymbolicTensor in = Input.of(5);
        SymbolicTensor out = new Dense(2).apply(inner.apply(in));
        Model model = new Model("outer", List.of(in), List.of(out));
        Model loaded = saveAndLoad(model, List.of(random(5, 3, 5)));
        assertTrue(loaded.getLayer("inner") instanceof Model);
        assertEquals(model.namedWeights().keySet(), loaded.namedWeights().keySet());
    }

    /** Mean absolute error: a loss of the program's own. */
    static final class AbsoluteError extends Loss {
        @Override
        public String name() {
            return "absolute_error_for_tests";
        }

        @Override
        public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
            double total = 0;
            for (int i = 0; i < rows * width; i++) {
                float d = yPred[i] - yTrue[i];
                total += Math.abs(d) / width;
                if (grad != null) {
                    grad[i] = Math.signum(d) / width * scale;
                }
            }
            return total;
        }
    }

    @Test
    void aCustomLossIsReadOnceRegistered() throws Exception {
        SymbolicTensor in = Input.of(4);
        Model model = new Model(in, new Dense(2).apply(in));
        model.compile(new Adam(0.01), new AbsoluteError());
        Path file = dir.resolve("custom.tatami");
        model.save(file);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(file));
        assertTrue(e.getMessage().contains("absolute_error_for_tests") && e.getMessage().contains("LossRegistry"),
                e.getMessage());

        LossRegistry.register("absolute_error_for_tests", AbsoluteError::new);
        assertTrue(Model.load(file).loss() instanceof AbsoluteError);
        assertThrows(IllegalArgumentException.class, () -> LossRegistry.register("mse", AbsoluteError::new));
    }

    @Test
    void frozenLayersStayFrozen() throws Exception {
        Model model = FunctionalModelTest.residualModel("relu");
        model.getLayer("conv2d").trainable(false);
        model.getLayer("batch_normalization").trainable(false);
        Model loaded = saveAndLoad(model, List.of(random(6, 2, 8, 8, 2)));
        assertFalse(loaded.getLayer("conv2d").trainable());
        assertFalse(loaded.getLayer("batch_normalization").trainable());
        assertTrue(loaded.getLayer("conv2d_1").trainable());
        assertEquals(model.countTrainableParams(), loaded.countTrainableParams());
    }
}
