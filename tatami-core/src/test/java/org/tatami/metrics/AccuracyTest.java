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
        assertEquals(1, Accuracy.forTargets(1, 3).countCorrect(pred, new float[] {1, 2}, 2, 3));
        assertEquals(2, Accuracy.forTargets(3, 3).countCorrect(pred, new float[] {0, 1, 0, 1, 0, 0}, 2, 3));
        assertEquals(1, Accuracy.forTargets(1, 1).countCorrect(new float[] {0.8f, 0.4f}, new float[] {1, 1}, 2, 1));
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
        int hits = Accuracy.forTargets(1, 3).countCorrect(p.data(), y.data(), 4, 3);
        assertEquals(hits / 4.0, result.get("accuracy"), 1e-12);
    }
}
