package org.tatami.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tatami.activations.ActivationFunction;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Tensor;

/** A classifier's output read as class probabilities: softmax where the model gives logits, and the top classes. */
public final class ClassScores {
    /** One class and its probability. */
    public record Ranked(int classIndex, float probability) {
    }

    private ClassScores() {
    }

    /**
     * Whether the (first) output is a softmax's, looking inside a nested model that produces it; a model
     * without one (as many ONNX exports) gives logits.
     */
    public static boolean endsInSoftmax(Model net) {
        SymbolicTensor t = net.outputs().get(0);
        while (t.layer() instanceof Model inner) {
            t = inner.outputs().get(t.index());
        }
        return t.layer().activation() == ActivationFunction.SOFTMAX;
    }

    /**
     * Turns {@code scores}, the model's (first) output of shape (N, classes), into probabilities in place:
     * a softmax over each row if the model gives logits, nothing if it ends in a softmax.
     */
    public static void toProbabilities(Model net, Tensor scores) {
        if (endsInSoftmax(net)) {
            return;
        }
        int classes = scores.shape(scores.rank() - 1);
        for (int off = 0; off < scores.size(); off += classes) {
            ActivationFunction.softmaxRow(scores.data(), off, classes);
        }
    }

    /** The {@code k} most probable of the {@code classes} values from {@code offset}, most probable first. */
    public static List<Ranked> top(float[] p, int offset, int classes, int k) {
        Integer[] order = new Integer[classes];
        Arrays.setAll(order, j -> j);
        Arrays.sort(order, (a, b) -> Float.compare(p[offset + b], p[offset + a]));
        List<Ranked> out = new ArrayList<>(k);
        for (int j = 0; j < Math.min(k, classes); j++) {
            out.add(new Ranked(order[j], p[offset + order[j]]));
        }
        return out;
    }
}
