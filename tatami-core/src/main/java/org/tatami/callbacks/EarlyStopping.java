package org.tatami.callbacks;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.tatami.tensor.Tensor;

/**
 * Keras's {@code EarlyStopping}: stops training when the monitored figure has stopped improving.
 * Each epoch from {@code start_from_epoch} on, a value better than the best so far by more than
 * {@code min_delta} is an improvement; after {@code patience} epochs without one, training stops. With a
 * {@code baseline}, the waiting only restarts on values that also beat the baseline. With
 * {@code restore_best_weights}, the model ends with the weights of its best epoch (as in Keras, only if
 * some epoch was watched). Set with chained setters:
 * {@code new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true)}.
 */
public final class EarlyStopping implements Callback {
    private String monitor = "val_loss";
    private double minDelta = 0;
    private int patience = 0;
    private int verbose = 0;
    private String mode = "auto";
    private Double baseline;
    private boolean restoreBestWeights = false;
    private int startFromEpoch = 0;
    private PrintWriter out = new PrintWriter(System.out, true);

    private TrainingControl model;
    private int wait;
    private int stoppedEpoch;
    private Double best;
    private List<Tensor> bestWeights;
    private int bestEpoch;
    private boolean warned;

    /** Keras's {@code monitor}, {@code "val_loss"} by default. */
    public EarlyStopping monitor(String name) {
        this.monitor = name;
        return this;
    }

    /** Keras's {@code min_delta}, 0 by default; its sign is ignored. */
    public EarlyStopping minDelta(double delta) {
        this.minDelta = Math.abs(delta);
        return this;
    }

    /** Keras's {@code patience}: epochs without improvement before stopping, 0 by default. */
    public EarlyStopping patience(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + epochs);
        }
        this.patience = epochs;
        return this;
    }

    /** Keras's {@code verbose}: 1 says when it stops and when it restores weights. */
    public EarlyStopping verbose(int level) {
        this.verbose = level;
        return this;
    }

    /** Where verbose messages and warnings go; standard output by default. */
    public EarlyStopping output(PrintWriter to) {
        this.out = to;
        return this;
    }

    /** Keras's {@code mode}: "auto" (larger is better for names containing "acc"), "min" or "max". */
    public EarlyStopping mode(String m) {
        this.mode = Monitor.checkMode(m);
        return this;
    }

    /** Keras's {@code baseline}: null (the default) for none. */
    public EarlyStopping baseline(Double value) {
        this.baseline = value;
        return this;
    }

    /** Keras's {@code restore_best_weights}, false by default. */
    public EarlyStopping restoreBestWeights(boolean on) {
        this.restoreBestWeights = on;
        return this;
    }

    /** Keras's {@code start_from_epoch}: epochs (from 0) before any is watched, 0 by default. */
    public EarlyStopping startFromEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("start_from_epoch must be >= 0, got " + epoch);
        }
        this.startFromEpoch = epoch;
        return this;
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        wait = 0;
        stoppedEpoch = 0;
        best = null;
        bestWeights = null;
        bestEpoch = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            if (!warned) {
                out.println("Early stopping conditioned on metric `" + monitor
                        + "` which is not available. Available metrics are: " + String.join(",", logs.keySet()));
                out.flush();
                warned = true;
            }
            return;
        }
        if (epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            // As Keras: if no epoch has been best yet, the current weights are.
            bestWeights = model.getWeights();
            bestEpoch = epoch;
        }
        wait++;
        if (isImprovement(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = model.getWeights();
            }
            if (baseline == null || isImprovement(current, baseline)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            model.stopTraining(true);
        }
    }

    @Override
    public void onTrainEnd() {
        if (stoppedEpoch > 0 && verbose > 0) {
            out.println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) {
                out.println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
            }
            model.setWeights(bestWeights);
        }
        out.flush();
    }

    private boolean isImprovement(double value, Double reference) {
        if (reference == null) {
            return true;
        }
        return Monitor.maximize(mode, monitor) ? value - minDelta > reference : value + minDelta < reference;
    }

    @Override
    public CallbackState state() {
        return new CallbackState().put("wait", (double) wait).put("stopped_epoch", (double) stoppedEpoch)
                .put("best", best).put("best_epoch", (double) bestEpoch).put("best_weights", bestWeights);
    }

    /** Takes the waiting back; a backup written after this callback stopped training stops the resumed fit. */
    @Override
    public void restoreState(CallbackState state) {
        wait = state.integer("wait", 0);
        stoppedEpoch = state.integer("stopped_epoch", 0);
        best = state.number("best");
        bestEpoch = state.integer("best_epoch", 0);
        bestWeights = state.tensors("best_weights");
        if (stoppedEpoch > 0) {
            model.stopTraining(true);
        }
    }

    /** The epoch (from 0) at which training was stopped, or 0 if it was not, as Keras's {@code stopped_epoch}. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch (from 0) with the best value, as Keras's {@code best_epoch}. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best value seen, or null, as Keras's {@code best}. */
    public Double best() {
        return best;
    }
}
