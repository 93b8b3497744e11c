package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Keras's train_on_batch, test_on_batch and predict_on_batch. */
class OnBatchTest {
    private static final Tensor X = features();
    private static final IntTensor Y = IntTensor.vector(0, 1, 2, 0, 1, 2, 0, 1, 2, 0);

    private static Tensor features() {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[10 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, 10, 4);
    }

    private static Sequential model(boolean dropout) {
        Tatami.setRandomSeed(9);
        Sequential m = dropout
                ? new Sequential(new Dense(8).activation("relu").inputShape(4), new Dropout(0.5),
                        new Dense(3).activation("softmax"))
                : new Sequential(new Dense(8).activation("relu").inputShape(4), new Dense(3).activation("softmax"));
        m.compile(new Adam(0.05), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    /** One call is one step of fit over the whole batch, in order: the same weights and figures. */
    @Test
    void trainOnBatchIsOneStepOfFit() {
        Sequential a = model(true);
        Map<String, Double> logs = a.trainOnBatch(X, Y);
        Sequential b = model(true);
        History h = b.fit(X, Y, new FitOptions().batchSize(10).epochs(1).shuffle(false).verbose(0));
        assertEquals(h.get("loss").get(0), logs.get("loss"), 0.0);
        assertEquals(h.get("accuracy").get(0), logs.get("accuracy"), 0.0);
        for (int i = 0; i < a.getWeights().size(); i++) {
            assertArrayEquals(b.getWeights().get(i).data(), a.getWeights().get(i).data(), "weight " + i);
        }
    }

    /** Each call reports its own batch (Keras 3 resets the metrics at each call), not a running mean. */
    @Test
    void eachCallReportsItsOwnBatch() {
        Sequential m = model(false);
        m.trainOnBatch(X, Y);
        Map<String, Double> before = m.testOnBatch(X, Y);
        assertEquals(m.evaluate(X, Y), before);
        Map<String, Double> second = m.trainOnBatch(X, Y);
        assertEquals(before.get("loss"), second.get("loss"), 1e-6, "the loss before the second step");
        assertEquals(List.of("loss", "accuracy"), List.copyOf(second.keySet()));
        assertArrayEquals(m.predict(X).data(), m.predictOnBatch(X).data());
        assertThrows(IllegalStateException.class, () -> new Sequential(new Dense(2).inputShape(4)).trainOnBatch(X, Y));
    }
}
