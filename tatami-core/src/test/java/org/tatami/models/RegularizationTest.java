package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.constraints.MaxNorm;
import org.tatami.data.Dataset;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.losses.MeanSquaredError;
import org.tatami.optimizers.SGD;
import org.tatami.regularizers.L1L2;
import org.tatami.regularizers.L2;
import org.tatami.tensor.Tensor;

/**
 * Regularizers and constraints in training: the step's gradient is that of the loss plus the
 * penalties (checked against central differences of the evaluated loss), the reported loss includes
 * the penalties, constraints hold after each step, and all of it saves and loads.
 */
class RegularizationTest {
    @TempDir
    Path dir;

    @BeforeEach
    void fresh() {
        Tatami.clearSession();
        Tatami.setRandomSeed(41);
    }

    private static final Tensor X = FunctionalModelTest.randomTensor(42, 8, 4);
    private static final Tensor Y = FunctionalModelTest.randomTensor(43, 8, 3);

    /** A Dense layer with L1L2 on its kernel and L2 on its bias, weights at least 0.1 from 0 (L1's kink). */
    private static Sequential regularized(double learningRate) {
        Sequential model = new Sequential(new Dense(3).kernelRegularizer(new L1L2(0.05, 0.1))
                .biasRegularizer(new L2(0.2)).inputShape(4));
        model.compile(new SGD(learningRate), new MeanSquaredError());
        SplittableRandom r = new SplittableRandom(44);
        float[] k = new float[12];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) ((r.nextBoolean() ? 1 : -1) * r.nextDouble(0.1, 1));
        }
        model.layers().get(0).setWeights(List.of(Tensor.of(k, 4, 3), Tensor.of(new float[] {0.5f, -0.3f, 0.2f}, 3)));
        return model;
    }

    /** One SGD step at learning rate 1 moves the weights by minus the gradient it used. */
    @Test
    void theStepsGradientIsThatOfTheLossPlusThePenalties() {
        Sequential model = regularized(1);
        List<Tensor> before = model.getWeights();
        model.fit(X, Y, new FitOptions().batchSize(8).epochs(1).shuffle(false).verbose(0));
        List<Tensor> after = model.getWeights();
        model.setWeights(before);
        double h = 1e-2;
        for (int t = 0; t < before.size(); t++) {
            float[] w = model.layers().get(0).parameters().get(t).value().data();
            for (int i = 0; i < w.length; i++) {
                float saved = w[i];
                w[i] = (float) (saved + h);
                double plus = model.evaluate(X, Y).get("loss");
                w[i] = (float) (saved - h);
                double minus = model.evaluate(X, Y).get("loss");
                w[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double used = before.get(t).data()[i] - after.get(t).data()[i];
                assertEquals(numeric, used, 1e-3 + 1e-3 * Math.abs(numeric), "tensor " + t + ", weight " + i);
            }
        }
    }

    @Test
    void theReportedLossIncludesThePenalties() {
        Sequential plain = new Sequential(new Dense(3).inputShape(4));
        plain.compile(new SGD(0.1), new MeanSquaredError());
        Sequential model = regularized(0.1);
        plain.layers().get(0).setWeights(model.layers().get(0).getWeights());
        float[] k = model.getWeights().get(0).data();
        float[] b = model.getWeights().get(1).data();
        double penalty = 0;
        for (float v : k) {
            penalty += 0.05f * Math.abs(v) + 0.1f * v * v;
        }
        for (float v : b) {
            penalty += 0.2f * v * v;
        }
        double data = plain.evaluate(X, Y).get("loss");
        assertEquals(data + penalty, model.evaluate(X, Y).get("loss"), 1e-6);
        assertEquals(data + penalty, model.evaluate(Dataset.fromTensorSlices(X, Y).batch(3)).get("loss"), 1e-6);
        // One batch: the epoch's loss is the loss before the step, penalties included, as Keras reports it;
        // so it is for a Dataset.
        Sequential twin = regularized(0.1);
        History h = model.fit(X, Y, new FitOptions().batchSize(8).epochs(1).verbose(0));
        assertEquals(data + penalty, h.get("loss").get(0), 1e-6);
        History fromDataset = twin.fit(Dataset.fromTensorSlices(X, Y).batch(8), new FitOptions().epochs(1).verbose(0));
        assertEquals(h.get("loss").get(0), fromDataset.get("loss").get(0), 1e-9);
        // A frozen layer is not regularized: its loss is the data's alone.
        model.layers().get(0).trainable(false);
        plain.layers().get(0).setWeights(model.layers().get(0).getWeights());
        assertEquals(plain.evaluate(X, Y).get("loss"), model.evaluate(X, Y).get("loss"), 1e-9);
    }

    @Test
    void constraintsHoldAfterEveryStep() {
        Sequential model = new Sequential(
                new Conv2D(4, 3).kernelConstraint(new MaxNorm(0.5, 0, 1, 2)).biasConstraint("non_neg")
                        .inputShape(5, 5, 2),
                new Flatten(),
                new Dense(3).kernelConstraint("unit_norm"));
        model.compile(new SGD(5), new MeanSquaredError());
        model.fit(FunctionalModelTest.randomTensor(45, 16, 5, 5, 2), FunctionalModelTest.randomTensor(46, 16, 3),
                new FitOptions().batchSize(8).epochs(2).verbose(0));
        float[] conv = model.getWeights().get(0).data();
        for (int f = 0; f < 4; f++) {
            double sq = 0;
            for (int i = f; i < conv.length; i += 4) {
                sq += conv[i] * conv[i];
            }
            assertTrue(Math.sqrt(sq) <= 0.5 + 1e-6, "filter " + f + " norm " + Math.sqrt(sq));
        }
        for (float v : model.getWeights().get(1).data()) {
            assertTrue(v >= 0, "bias " + v);
        }
        float[] dense = model.getWeights().get(2).data();
        for (int u = 0; u < 3; u++) {
            double sq = 0;
            for (int i = u; i < dense.length; i += 3) {
                sq += dense[i] * dense[i];
            }
            assertEquals(1, Math.sqrt(sq), 1e-5, "unit " + u);
        }
    }

    @Test
    void regularizersAndConstraintsSaveAndLoad() throws Exception {
        Sequential model = regularized(0.1);
        Path file = dir.resolve("regularized.tatami");
        model.save(file);
        Model loaded = Model.load(file);
        assertEquals(model.layers().get(0).config(), loaded.layers().get(0).config());
        assertEquals(model.evaluate(X, Y).get("loss"), loaded.evaluate(X, Y).get("loss"));
        model.fit(X, Y, new FitOptions().batchSize(4).epochs(2).shuffle(false).verbose(0));
        loaded.fit(X, Y, new FitOptions().batchSize(4).epochs(2).shuffle(false).verbose(0));
        assertArrayEquals(FunctionalModelTest.flatten(model.getWeights()), FunctionalModelTest.flatten(loaded.getWeights()));
    }
}
