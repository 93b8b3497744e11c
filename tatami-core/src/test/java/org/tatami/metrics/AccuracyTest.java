package org.tatami.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.losses.Loss;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.Sequential;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.Tensor;

/** Keras's "accuracy" follows the targets' shape, not the loss's class. */
class AccuracyTest {
    @Test
    void integerLabelsOneHotRowsAndSingleOutputs() {
        float[] pred = {0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f};
        assertEquals(0.5, accuracy(new float[] {1, 2}, 1, pred, 3));
        assertEquals(1.0, accuracy(new float[] {0, 1, 0, 1, 0, 0}, 3, pred, 3));
        assertEquals(0.5, accuracy(new float[] {1, 1}, 1, new float[] {0.8f, 0.4f}, 1));
    }

    /** A loss of one's own on integer labels: sparse accuracy, as the targets say (it used to index past them). */
    @Test
    void aCustomSparseLossGetsSparseAccuracy() {
        Loss custom = new Loss() {
            private final Loss inner = new SparseCategoricalCrossentropy();

            @Override
            public String name() {
                return "my_sparse_loss";
            }

            @Override
            public int targetWidth(int outputWidth) {
                return 1;
            }

            @Override
            public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
                return inner.compute(yPred, yTrue, rows, width, grad, scale);
            }
        };
        Tatami.setRandomSeed(3);
        Sequential model = new Sequential(new Dense(3).activation("softmax").inputShape(2));
        model.compile(new SGD(0.1), custom, "accuracy");
        Tensor x = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, 4, 2);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0}, 4);
        Map<String, Double> result = model.evaluate(x, y);
        Tensor p = model.predict(x);
        assertEquals(accuracy(y.data(), 1, p.data(), 3), result.get("accuracy"), 1e-12);
    }

    private static double accuracy(float[] yTrue, int trueWidth, float[] yPred, int width) {
        Accuracy a = new Accuracy();
        double[] state = new double[a.stateSize()];
        a.accumulate(yTrue, trueWidth, yPred, width, yPred.length / width, null, state);
        return a.result(state);
    }
}
