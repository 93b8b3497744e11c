package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.callbacks.LearningRateScheduler;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** History records each epoch's learning rate and wall seconds, and shows them. */
class HistoryTest {
    private static Sequential model() {
        Tatami.setRandomSeed(0);
        Sequential m = new Sequential(new Dense(3).activation("softmax").inputShape(2));
        m.compile(new SGD(0.1), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    private static final Tensor X = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, 4, 2);
    private static final IntTensor Y = IntTensor.vector(0, 1, 2, 0);

    @Test
    void recordsTheRateAndTheSecondsOfEachEpoch() {
        History h = model().fit(X, Y, new FitOptions().epochs(3).verbose(0).callbacks(
                new LearningRateScheduler((epoch, lr) -> epoch == 0 ? lr : lr / 2)));
        assertEquals(List.of("loss", "accuracy", "learning_rate"), List.copyOf(h.history().keySet()));
        assertEquals(List.of((double) 0.1f, (double) 0.05f, (double) 0.025f), h.get("learning_rate"));
        assertEquals(3, h.seconds().size());
        assertTrue(h.seconds().stream().allMatch(s -> s > 0 && s < 60), h.seconds().toString());
        String csv = h.toCsv();
        assertTrue(csv.startsWith("epoch,loss,accuracy,learning_rate,seconds\n"), csv);
        assertEquals(4, csv.split("\n").length);
        assertTrue(h.tail(1).lines().findFirst().orElseThrow().endsWith("seconds"), h.tail(1));
    }

    @Test
    void aFixedRateIsRecordedToo() {
        History h = model().fit(X, Y, new FitOptions().epochs(2).verbose(0));
        assertEquals(List.of((double) 0.1f, (double) 0.1f), h.get("learning_rate"));
    }
}
