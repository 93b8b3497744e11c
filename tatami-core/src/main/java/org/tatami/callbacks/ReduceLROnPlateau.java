package org.tatami.callbacks;

import java.io.PrintWriter;
import java.util.Map;
import org.tatami.optimizers.Optimizer;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the optimizer's learning rate by {@code factor} when the
 * monitored figure has not improved by more than {@code min_delta} for {@code patience} epochs, never
 * below {@code min_lr}; after a reduction, {@code cooldown} epochs pass before waiting starts again. As
 * in Keras, each epoch's logs get the current rate as {@code learning_rate}.
 * {@code new ReduceLROnPlateau().factor(0.5).patience(3)}.
 */
public final class ReduceLROnPlateau implements Callback {
    private String monitor = "val_loss";
    private double factor = 0.1;
    private int patience = 10;
    private int verbose = 0;
    private String mode = "auto";
    private double minDelta = 1e-4;
    private int cooldown = 0;
    private double minLr = 0;
    private PrintWriter out = new PrintWriter(System.out, true);

    private TrainingControl model;
    private double best;
    private int wait;
    private int cooldownCounter;
    private boolean warned;

    /** Keras's {@code monitor}, {@code "val_loss"} by default. */
    public ReduceLROnPlateau monitor(String name) {
        this.monitor = name;
        return this;
    }

    /** Keras's {@code factor}, 0.1 by default: the new rate is {@code rate * factor}; must be below 1. */
    public ReduceLROnPlateau factor(double f) {
        if (!(f < 1.0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1.0. Received factor="
                    + f);
        }
        this.factor = f;
        return this;
    }

    /** Keras's {@code patience}, 10 by default. */
    public ReduceLROnPlateau patience(int epochs) {
        this.patience = epochs;
        return this;
    }

    /** Keras's {@code verbose}: 1 says when the rate is reduced. */
    public ReduceLROnPlateau verbose(int level) {
        this.verbose = level;
        return this;
    }

    /** Where verbose messages and warnings go; standard output by default. */
    public ReduceLROnPlateau output(PrintWriter to) {
        this.out = to;
        return this;
    }

    /** Keras's {@code mode}: "auto" (larger is better for names containing "acc"), "min" or "max". */
    public ReduceLROnPlateau mode(String m) {
        this.mode = Monitor.checkMode(m);
        return this;
    }

    /** Keras's {@code min_delta}, 1e-4 by default. */
    public ReduceLROnPlateau minDelta(double delta) {
        this.minDelta = delta;
        return this;
    }

    /** Keras's {@code cooldown}, 0 by default. */
    public ReduceLROnPlateau cooldown(int epochs) {
        this.cooldown = epochs;
        return this;
    }

    /** Keras's {@code min_lr}, 0 by default. */
    public ReduceLROnPlateau minLr(double rate) {
        this.minLr = rate;
        return this;
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        best = Monitor.maximize(mode, monitor) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        cooldownCounter = 0;
        wait = 0;
    }

    @Override
    public CallbackState state() {
        return new CallbackState().put("best", best).put("wait", (double) wait)
                .put("cooldown_counter", (double) cooldownCounter);
    }

    @Override
    public void restoreState(CallbackState state) {
        best = state.number("best");
        wait = state.integer("wait", 0);
        cooldownCounter = state.integer("cooldown_counter", 0);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Optimizer opt = model.optimizer();
        logs.put("learning_rate", (double) opt.learningRate());
        Double current = logs.get(monitor);
        if (current == null) {
            if (!warned) {
                out.println("Learning rate reduction is conditioned on metric `" + monitor
                        + "` which is not available. Available metrics are: " + String.join(",", logs.keySet()));
                out.flush();
                warned = true;
            }
            return;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        boolean better = Monitor.maximize(mode, monitor) ? current > best + minDelta : current < best - minDelta;
        if (better) {
            best = current;
            wait = 0;
        } else if (cooldownCounter <= 0) {
            wait++;
            if (wait >= patience) {
                double oldLr = opt.learningRate();
                if (oldLr > (float) minLr) {
                    double newLr = Math.max(oldLr * factor, minLr);
                    opt.setLearningRate((float) newLr);
                    if (verbose > 0) {
                        out.println("\nEpoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to "
                                + (float) newLr + ".");
                        out.flush();
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }
}
