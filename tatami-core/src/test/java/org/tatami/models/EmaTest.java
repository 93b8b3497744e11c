package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.callbacks.Callback;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.Optimizer;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** With use_ema, fit ends with the weights' moving averages in place of the weights, as Keras's fit. */
class EmaTest {
    private static final Tensor X = Tensor.of(data(40 * 5), 40, 5);
    private static final IntTensor Y = IntTensor.vector(labels(40));

    private static float[] data(int n) {
        SplittableRandom r = new SplittableRandom(2);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static int[] labels(int n) {
        int[] l = new int[n];
        Arrays.setAll(l, i -> i % 3);
        return l;
    }

    @Test
    void fitEndsWithTheAverages() {
        Tatami.setRandomSeed(1);
        Sequential m = new Sequential(new Dense(8).activation("relu").inputShape(5), new Dense(3).activation("softmax"));
        Optimizer adam = new Adam(0.05).useEma(true).emaMomentum(0.9);
        m.compile(adam, new SparseCategoricalCrossentropy(), "accuracy");
        List<float[]> lastWeights = new ArrayList<>();
        List<float[]> averages = new ArrayList<>();
        m.fit(X, Y, new FitOptions().batchSize(8).epochs(2).verbose(0).callbacks(new Callback() {
            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                lastWeights.clear();
                averages.clear();
                for (Tensor w : m.namedWeights().values()) {
                    lastWeights.add(w.data().clone());
                    averages.add(adam.state(w.data())[2].clone());
                }
            }
        }));
        List<Tensor> now = new ArrayList<>(m.namedWeights().values());
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(averages.get(i), now.get(i).data(), "weight " + i + " is its average");
            assertFalse(Arrays.equals(lastWeights.get(i), now.get(i).data()), "weight " + i + " was swapped");
        }
    }
}
