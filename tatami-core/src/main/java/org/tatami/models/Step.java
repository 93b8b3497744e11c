package org.tatami.models;

import java.util.SplittableRandom;
import org.tatami.layers.BatchStatistics;
import org.tatami.layers.ConvPool;
import org.tatami.layers.Layer;

/**
 * One step of the CPU engine: an op of the graph, or several fused. It reads some values, writes one,
 * and writes the parameter gradients of {@link #owner()}.
 */
abstract sealed class Step {
    final Layer owner;
    final int[] inputs;
    final int output;

    Step(Layer owner, int[] inputs, int output) {
        this.owner = owner;
        this.inputs = inputs;
        this.output = output;
    }

    /** The layer whose parameters this step's gradients are for. */
    Layer owner() {
        return owner;
    }

    abstract Object createScratch(int capacity);

    abstract void forward(float[][] xs, float[] y, int n, Object scratch, boolean training, SplittableRandom random);

    /**
     * From the gradient w.r.t. the output ({@code preActivation}: already w.r.t. the layer's output before
     * its activation), the parameter gradients and the input gradients ({@code dxs[i]} null: not needed).
     */
    abstract void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch, float[][] grads,
                           boolean preActivation);

    /** Whether {@link #forward} with this output's activation is what the loss may fuse with (softmax). */
    Layer lastLayer() {
        return owner;
    }

    /** One layer, as it computes itself. */
    static sealed class Plain extends Step permits Normalize {
        Plain(Layer layer, int[] inputs, int output) {
            super(layer, inputs, output);
        }

        @Override
        Object createScratch(int capacity) {
            return owner.createNodeScratch(capacity);
        }

        @Override
        void forward(float[][] xs, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
            owner.forwardActivated(xs, y, n, scratch, training, random);
        }

        @Override
        void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch, float[][] grads,
                      boolean preActivation) {
            owner.backwardActivated(xs, y, dy, dxs, n, scratch, grads, preActivation);
        }
    }

    /**
     * A layer that needs the batch's statistics in training: the engine runs its parts chunk by chunk
     * around a meeting point (see {@link BatchStatistics}); elsewhere it runs as a plain layer.
     */
    static final class Normalize extends Plain {
        final BatchStatistics stats;

        Normalize(Layer layer, BatchStatistics stats, int[] inputs, int output) {
            super(layer, inputs, output);
            this.stats = stats;
        }
    }

    /** A Conv2D and the MaxPool2D that reads it, as one {@link ConvPool} step. */
    static final class Fused extends Step {
        final ConvPool fused;

        Fused(ConvPool fused, Layer conv, int[] inputs, int output) {
            super(conv, inputs, output);
            this.fused = fused;
        }

        @Override
        Object createScratch(int capacity) {
            return fused.createScratch(capacity);
        }

        @Override
        void forward(float[][] xs, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
            fused.forward(xs[0], y, n, scratch, training);
        }

        @Override
        void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch, float[][] grads,
                      boolean preActivation) {
            fused.backward(xs[0], y, dy, dxs[0], n, scratch, grads);
        }

        /** The pool: linear, so never fused with a softmax loss. */
        @Override
        Layer lastLayer() {
            return null;
        }
    }
}
