package org.tatami.cli;

import java.util.List;
import java.util.Map;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.CallbackState;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * Keeps, in memory, a copy of the weights as they were at the end of the last finished epoch whose
 * weights are all finite, so that a run stopped in the middle of an epoch (Ctrl-C, a loss gone NaN)
 * saves weights that belong to its history instead of half-updated or non-finite ones.
 */
final class EpochWeights implements Callback {
    private final Model model;
    private List<Tensor> weights;
    private int epoch;

    EpochWeights(Model model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        keep(0);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        keep(epoch + 1);
    }

    private void keep(int finishedEpochs) {
        List<Tensor> now = model.getWeights();
        if (now.stream().allMatch(EpochWeights::finite)) {
            weights = now;
            epoch = finishedEpochs;
        }
    }

    private static boolean finite(Tensor t) {
        for (float v : t.data()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CallbackState state() {
        return new CallbackState().put("weights", weights).put("epoch", (double) epoch);
    }

    @Override
    public void restoreState(CallbackState state) {
        weights = state.tensors("weights");
        epoch = state.integer("epoch", 0);
    }

    /** Puts the kept weights back into the model and returns how many epochs they had trained (0: none). */
    int restore() {
        if (weights != null) {
            model.setWeights(weights);
        }
        return epoch;
    }
}
