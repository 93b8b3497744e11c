package org.tatami.models;

import java.util.Map;

/**
 * Where a running {@code fit} stands: the epoch, the batches of it done, the epoch's loss sums, metric
 * states, samples and the weights' penalties so far, and the History. What a backup saves of the fit
 * itself, and what a resumed fit goes on from.
 */
final class FitState {
    final Engine.Objective objective;
    /** Samples and batches per epoch, -1 when not known (a Dataset's); the batch size asked for. */
    final int samples;
    final int batch;
    final int steps;
    int epoch;
    /** Batches of {@link #epoch} done. */
    int step;
    double[] lossSums;
    double[][][] metrics;
    /** Samples of the epoch seen so far, and the weights' penalties summed over them. */
    long seen;
    double penalties;
    History history = new History();
    /** Seconds the current epoch ran before a restart (0 in a run never stopped). */
    double secondsBefore;
    /** The learning rate to put back when a resumed epoch has begun (its callbacks may set another), or null. */
    Float resumeLearningRate;

    FitState(Engine.Objective objective, int samples, int batch, int steps, int initialEpoch) {
        this.objective = objective;
        this.samples = samples;
        this.batch = batch;
        this.steps = steps;
        this.epoch = initialEpoch;
        startEpoch();
    }

    private void startEpoch() {
        step = 0;
        lossSums = new double[objective.losses().length];
        metrics = objective.newStates();
        seen = 0;
        penalties = 0;
        secondsBefore = 0;
    }

    /** Adds one batch's figures, in batch order: its totals, its samples and its penalties (times its samples). */
    void add(Engine.Totals t, int count, double penalty) {
        for (int k = 0; k < lossSums.length; k++) {
            lossSums[k] += t.loss()[k];
            for (int m = 0; m < metrics[k].length; m++) {
                Engine.addInto(metrics[k][m], t.metrics()[k][m]);
            }
        }
        seen += count;
        penalties += penalty;
        step++;
    }

    /** Whether the epoch beginning now goes on from a backup written in its middle. */
    boolean midEpoch() {
        return step > 0;
    }

    /** Records the finished epoch's figures and moves to the next epoch. */
    void endEpoch(Map<String, Double> figures, double seconds) {
        history.append(epoch, figures, secondsBefore + seconds);
        epoch++;
        startEpoch();
    }
}
