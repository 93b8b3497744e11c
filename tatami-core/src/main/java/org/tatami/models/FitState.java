package org.tatami.models;

import java.util.Map;

/**
 * Where a running {@code fit} stands: the epoch, the batches of it done, the epoch's loss sums and
 * metric states so far, and the History. What a backup saves of the fit itself, and what a resumed
 * fit goes on from.
 */
final class FitState {
    final Engine.Objective objective;
    final int samples;
    final int batch;
    final int steps;
    int epoch;
    /** Batches of {@link #epoch} done. */
    int step;
    double[] lossSums;
    double[][][] metrics;
    History history = new History();
    /** Seconds the current epoch ran before a restart (0 in a run never stopped). */
    double secondsBefore;
    /** The learning rate to put back when a resumed epoch has begun (its callbacks may set another), or null. */
    Float resumeLearningRate;

    FitState(Engine.Objective objective, int samples, int batch, int steps) {
        this.objective = objective;
        this.samples = samples;
        this.batch = batch;
        this.steps = steps;
        startEpoch();
    }

    private void startEpoch() {
        step = 0;
        lossSums = new double[objective.losses().length];
        metrics = objective.newStates();
        secondsBefore = 0;
    }

    /** Adds one batch's figures, in batch order. */
    void add(Engine.Totals t) {
        for (int k = 0; k < lossSums.length; k++) {
            lossSums[k] += t.loss()[k];
            for (int m = 0; m < metrics[k].length; m++) {
                Engine.addInto(metrics[k][m], t.metrics()[k][m]);
            }
        }
        step++;
    }

    /** Samples of the epoch seen so far. */
    int seen() {
        return Math.min(step * batch, samples);
    }

    /** Whether the epoch beginning now goes on from a backup written in its middle. */
    boolean midEpoch() {
        return step > 0;
    }

    /** Records the finished epoch's figures and moves to the next epoch. */
    void endEpoch(Map<String, Double> figures, double seconds) {
        history.append(figures, secondsBefore + seconds);
        epoch++;
        startEpoch();
    }
}
