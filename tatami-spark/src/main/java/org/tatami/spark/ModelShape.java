package org.tatami.spark;

import java.io.Serializable;
import org.tatami.activations.ActivationFunction;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;

/**
 * What the Spark stages need to know of a classifier before running it: its input shape, its classes,
 * and whether it gives probabilities or logits. One input and one output of shape (classes,) only, as
 * {@code tatami predict} takes.
 */
record ModelShape(int[] input, int classes, boolean softmax) implements Serializable {
    static ModelShape of(Model net, String source) {
        if (net.inputs().size() != 1) {
            throw new IllegalArgumentException(source + ": the model has " + net.inputs().size() + " inputs "
                    + net.inputNames() + "; tatami on Spark feeds a model one input column");
        }
        if (net.outputs().size() != 1) {
            throw new IllegalArgumentException(source + ": the model has " + net.outputs().size() + " outputs "
                    + net.outputNames() + "; tatami on Spark reads class scores from a model with one output");
        }
        int[] out = net.outputShape();
        if (out.length != 1) {
            throw new IllegalArgumentException(source + ": a classifier has output (None, classes), this model gives "
                    + Shape.withBatch(out));
        }
        return new ModelShape(net.inputShape(), out[0], net.outputActivation(0) == ActivationFunction.SOFTMAX);
    }

    /** Values per input. */
    int inputSize() {
        return Shape.size(input);
    }

    /** A batch's shape: {@code n} inputs. */
    int[] batch(int n) {
        int[] shape = new int[input.length + 1];
        shape[0] = n;
        System.arraycopy(input, 0, shape, 1, input.length);
        return shape;
    }
}
