package org.tatami.layers;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Central finite-difference check of a merge layer's backward: {@link GradientCheck} run on a
 * single-input layer that cuts the merge layer's inputs out of its one input, so the functional, the
 * step, the double-precision sums and the tolerance are {@link GradientCheck}'s.
 *
 * <p>Each input of the merge layer is fed by one of several sources; a source may feed two inputs
 * ({@code Add()(x, x)}), and then the very same array is passed for both, and the gradient checked
 * for that source is the sum of the two inputs' gradients. The inputs' gradient arrays are separate
 * and pre-filled with NaN, so backward must overwrite them.
 *
 * <p>The tolerance reasoning carries over: the merge layers are affine in each single input value
 * (multilinear for Multiply; x * x when a source feeds both inputs is quadratic, for which the central
 * difference is exact), and Maximum and Minimum are piecewise affine, smooth within ±h as long as no
 * two competing values are within 2h; the callers draw them 0.05 apart. What is left is the float32
 * rounding of the outputs a value feeds, a few ulps each amplified by 1/(2h) = 50: about 3e-6 times
 * the output's magnitude per output, well within the tolerance for the values drawn here (below 4 in
 * magnitude; products of three below 50).
 */
final class MergeGradientCheck {
    /** A merge layer's backward with the engine's arguments; tests swap in broken ones. */
    @FunctionalInterface
    interface Backward {
        void run(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch);
    }

    private final Layer merge;
    private final int n;
    private final int[] wiring;
    private final int[] sizes;
    private final int[] offsets;
    private final GradientCheck check;
    private final Packed packed;

    /**
     * @param merge a merge layer built for the inputs' shapes
     * @param sources {@code n} samples of each source
     * @param wiring for each input of the merge layer, the index of the source feeding it
     * @param r weights of the functional, one per output value
     */
    MergeGradientCheck(Layer merge, int n, float[][] sources, int[] wiring, float[] r) {
        this.merge = merge;
        this.n = n;
        this.wiring = wiring.clone();
        this.sizes = new int[sources.length];
        this.offsets = new int[sources.length];
        int per = 0;
        for (int s = 0; s < sources.length; s++) {
            sizes[s] = sources[s].length / n;
            offsets[s] = per;
            per += sizes[s];
        }
        // Samples of the single input: each source's values of that sample, one source after another.
        float[] x = new float[n * per];
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < sources.length; s++) {
                System.arraycopy(sources[s], b * sizes[s], x, b * per + offsets[s], sizes[s]);
            }
        }
        this.packed = new Packed(per);
        packed.build(new int[] {per}, new SplittableRandom(0));
        this.check = new GradientCheck(packed, n, x, r, false, 0);
    }

    GradientCheck.Result run() {
        return run((xs, y, dy, dxs, n, scratch) -> merge.backward(xs, y, dy, dxs, n, scratch, new float[0][]));
    }

    GradientCheck.Result run(Backward backward) {
        return check.run((x, y, dOut, dx, grads) -> packed.backward(backward, x, y, dOut, dx, n));
    }

    /** The merge layer behind one input: unpacks the sources, runs it, and packs the gradients. */
    private final class Packed extends Layer {
        private final int per;

        Packed(int per) {
            this.per = per;
        }

        @Override
        public String className() {
            return "Packed" + merge.className();
        }

        @Override
        protected String baseName() {
            return "packed";
        }

        @Override
        protected int[] computeOutputShape(int[] inputShape) {
            return merge.outputShape();
        }

        @Override
        public Object createScratch(int maxBatch) {
            return merge.createScratch(maxBatch);
        }

        /** The merge layer's inputs: one array per source, shared by the inputs it feeds. */
        private float[][] inputs(float[] x, int n) {
            float[][] sources = new float[sizes.length][];
            for (int s = 0; s < sizes.length; s++) {
                sources[s] = new float[n * sizes[s]];
                for (int b = 0; b < n; b++) {
                    System.arraycopy(x, b * per + offsets[s], sources[s], b * sizes[s], sizes[s]);
                }
            }
            float[][] xs = new float[wiring.length][];
            for (int i = 0; i < wiring.length; i++) {
                xs[i] = sources[wiring[i]];
            }
            return xs;
        }

        @Override
        public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
            merge.forward(inputs(x, n), y, n, scratch, training, random);
        }

        @Override
        public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
            throw new UnsupportedOperationException("run through MergeGradientCheck.run");
        }

        void backward(Backward backward, float[] x, float[] y, float[] dy, float[] dx, int n) {
            float[][] xs = inputs(x, n);
            float[][] dxs = new float[xs.length][];
            for (int i = 0; i < xs.length; i++) {
                dxs[i] = new float[xs[i].length];
                Arrays.fill(dxs[i], Float.NaN);
            }
            // The engine runs backward right after forward, on the same scratch.
            Object scratch = createScratch(n);
            merge.forward(xs, y.clone(), n, scratch, false, new SplittableRandom(0));
            backward.run(xs, y, dy, dxs, n, scratch);
            Arrays.fill(dx, 0f);
            for (int i = 0; i < xs.length; i++) {
                int s = wiring[i];
                for (int b = 0; b < n; b++) {
                    for (int k = 0; k < sizes[s]; k++) {
                        dx[b * per + offsets[s] + k] += dxs[i][b * sizes[s] + k];
                    }
                }
            }
        }
    }
}
