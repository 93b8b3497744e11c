package org.tatami.callbacks;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN}: stops training at the first batch whose loss is NaN or infinite,
 * instead of running every remaining epoch on weights that can no longer recover. The epoch it cuts
 * short is not in the History; the weights are those after that batch (not finite any more).
 */
public final class TerminateOnNaN implements Callback {
    private final PrintWriter out;
    private TrainingControl model;
    private int epoch;
    private int steps;
    private String reason;

    /** Says so on standard output, as Keras does. */
    public TerminateOnNaN() {
        this(new PrintWriter(System.out, true));
    }

    /** Says so on {@code out}: {@code Epoch 3, batch 2 of 15: invalid loss NaN, terminating training}. */
    public TerminateOnNaN(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        steps = stepsPerEpoch;
        reason = null;
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss) && reason == null) {
            reason = "epoch " + (epoch + 1) + ", batch " + step + (steps < 0 ? "" : " of " + steps)
                    + ": invalid loss " + loss;
            out.println(Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ", terminating training");
            out.flush();
            model.stopTraining(true);
        }
    }

    /** A backup written after a loss went non-finite stops the resumed fit as well. */
    @Override
    public CallbackState state() {
        return new CallbackState().put("reason", reason);
    }

    @Override
    public void restoreState(CallbackState state) {
        reason = state.text("reason");
        if (reason != null) {
            model.stopTraining(true);
        }
    }

    /** Where and why training was stopped ({@code epoch 3, batch 2 of 15: invalid loss NaN}), or null. */
    public String reason() {
        return reason;
    }
}
