package org.tatami.callbacks;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code LearningRateScheduler}: at the start of each epoch, sets the optimizer's learning rate to
 * {@code schedule(epoch, rate)}, where {@code epoch} counts from 0 and {@code rate} is the current rate.
 * As in Keras, each epoch's logs get the rate as {@code learning_rate}.
 * {@code new LearningRateScheduler((epoch, lr) -> epoch < 10 ? lr : lr * Math.exp(-0.1))}.
 */
public final class LearningRateScheduler implements Callback {
    /** Keras's {@code schedule}: the rate for {@code epoch} (from 0), given the current one. */
    @FunctionalInterface
    public interface Schedule {
        double rate(int epoch, double learningRate);
    }

    private final Schedule schedule;
    private final int verbose;
    private final PrintWriter out;
    private TrainingControl model;

    public LearningRateScheduler(Schedule schedule) {
        this(schedule, 0);
    }

    /** With {@code verbose} 1, says the rate set at each epoch on standard output. */
    public LearningRateScheduler(Schedule schedule, int verbose) {
        this(schedule, verbose, new PrintWriter(System.out, true));
    }

    public LearningRateScheduler(Schedule schedule, int verbose, PrintWriter out) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.verbose = verbose;
        this.out = out;
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onEpochBegin(int epoch) {
        double rate = schedule.rate(epoch, model.optimizer().learningRate());
        if (!Double.isFinite(rate)) {
            throw new IllegalArgumentException("The output of the `schedule` function should be a finite float,"
                    + " got " + rate + " at epoch " + epoch);
        }
        model.optimizer().setLearningRate((float) rate);
        if (verbose > 0) {
            out.println("\nEpoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + rate + ".");
            out.flush();
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("learning_rate", (double) model.optimizer().learningRate());
    }
}
