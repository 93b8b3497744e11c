package org.tatami.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Stopping a fit from a callback (Keras's model.stop_training), and TerminateOnNaN on a diverging run. */
class TerminateOnNaNTest {
    private static final int SAMPLES = 64;

    private static Sequential model(double learningRate) {
        Tatami.setRandomSeed(0);
        Sequential m = new Sequential(new Dense(8).activation("relu").inputShape(4),
                new Dense(3).activation("softmax"));
        m.compile(new SGD(learningRate), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    private static History fit(Sequential m, int epochs, Callback... callbacks) {
        float[] x = new float[SAMPLES * 4];
        int[] y = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) Math.sin(i * 7 + j * 3);
            }
            y[i] = i % 3;
        }
        return m.fit(Tensor.of(x, SAMPLES, 4), IntTensor.of(y, SAMPLES), new FitOptions().batchSize(16)
                .epochs(epochs).verbose(0).shuffle(false).callbacks(callbacks));
    }

    @Test
    void aCallbackStopsTheFitAndTheHistoryHoldsTheWholeEpochs() {
        Sequential m = model(0.01);
        int[] batches = {0};
        Callback stopInEpochThree = new Callback() {
            private TrainingControl model;
            private int epoch;

            @Override
            public void setModel(TrainingControl model) {
                this.model = model;
            }

            @Override
            public void onEpochBegin(int epoch) {
                this.epoch = epoch;
            }

            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                batches[0]++;
                if (epoch == 2 && step == 2) {
                    model.stopTraining(true);
                }
            }
        };
        History h = fit(m, 10, stopInEpochThree);
        assertEquals(2, h.epochs(), "epochs 1 and 2 finished; epoch 3 was cut short");
        assertEquals(4 + 4 + 2, batches[0], "no batch runs after the request");
        assertSame(h, m.history());
        assertTrue(m.stopTraining());
        // The next fit starts afresh, as Keras resets stop_training.
        assertEquals(1, fit(m, 1).epochs());
        assertFalse(m.stopTraining());
    }

    @Test
    void aRequestBeforeTheFirstBatchRunsNone() {
        Sequential m = model(0.01);
        List<Double> before = m.getWeights().stream().map(t -> (double) t.data()[0]).toList();
        Callback stopAtOnce = new Callback() {
            private TrainingControl model;

            @Override
            public void setModel(TrainingControl model) {
                this.model = model;
            }

            @Override
            public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
                model.stopTraining(true);
            }
        };
        assertEquals(0, fit(m, 3, stopAtOnce).epochs());
        assertEquals(before, m.getWeights().stream().map(t -> (double) t.data()[0]).toList());
    }

    @Test
    void stopsAtTheFirstNonFiniteLoss() {
        StringWriter said = new StringWriter();
        TerminateOnNaN nan = new TerminateOnNaN(new PrintWriter(said));
        History h = fit(model(1e30), 5, nan);
        assertEquals(0, h.epochs(), "the first epoch diverged: " + h.history());
        assertTrue(nan.reason().matches("epoch 1, batch [2-4] of 4: invalid loss (NaN|Infinity)"), nan.reason());
        assertEquals("E" + nan.reason().substring(1) + ", terminating training", said.toString().strip());
    }

    @Test
    void aLiveProgressBarCutShortEndsItsLine() {
        StringWriter drawn = new StringWriter();
        fit(model(1e30), 5, new ProgressBar(new PrintWriter(drawn), true),
                new TerminateOnNaN(new PrintWriter(new StringWriter())));
        assertTrue(drawn.toString().endsWith("\u001b[K\n"), drawn.toString());
    }

    @Test
    void aFiniteRunIsLeftAlone() {
        TerminateOnNaN nan = new TerminateOnNaN(new PrintWriter(new StringWriter()));
        assertEquals(3, fit(model(0.01), 3, nan).epochs());
        assertNull(nan.reason());
    }
}
