package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.Simd;
import org.tatami.tensor.Tensor;

/**
 * Conv2D(relu) + MaxPool2D(2) run as one fused step against the two layers run one by one (whose
 * gradients {@link GradientCheckTest} checks against finite differences).
 */
class ConvPoolTest {

    /**
     * Forward: the same bits. Backward: the same bits for the scalar way; the vector way sums the
     * gradients in another order, so it agrees to rounding, except with small-integer data, where
     * every sum is exact and ties between window values are everywhere (the winner rule is tested).
     */
    @ParameterizedTest(name = "{6} {0}x{1} images, {2} filters of {7}x{7}, bias {3}, input gradient {4}, integers {5}")
    @CsvSource({
        "28, 28, 3, true, false, false, 3, 3",
        "28, 28, 3, true, false, true, 3, 3",
        "9, 40, 2, false, false, false, 3, 3",
        "11, 29, 5, true, false, true, 3, 3",
        "7, 38, 4, true, false, false, 3, 3",
        "28, 28, 3, true, true, false, 3, 3",
        "10, 12, 2, true, true, true, 3, 3",
        // more images than the vector way's backward pass takes in one block
        "28, 28, 3, true, false, true, 100, 3",
        "28, 28, 2, false, false, false, 100, 3",
        // three filters, whose rows move by lane shuffles: rows of one vector or more, the last vector
        // overlapping the one before; a single image (no room past the last rows)
        "9, 40, 3, false, false, true, 3, 3",
        "7, 38, 3, true, false, false, 5, 3",
        "11, 29, 3, true, false, true, 1, 3",
        // filters that fill vectors at every width: the convolution direct (pooled in its tiles, or,
        // with an input gradient, pooled after it), or through im2col; odd outputs (their last row and
        // column are not pooled)
        "28, 28, 32, true, false, false, 3, 3",
        "27, 27, 32, false, false, true, 3, 3",
        "27, 25, 32, true, false, false, 2, 3",
        "28, 28, 32, true, true, false, 2, 3",
        // a 5x5 kernel, convolved directly and pooled in its tiles
        "28, 28, 32, true, false, false, 3, 5",
        "13, 13, 64, true, true, false, 2, 3",
        "12, 12, 16, false, true, true, 2, 3"})
    void fusedStepMatchesTheLayers(int h, int w, int filters, boolean bias, boolean inputGradient, boolean integers,
                                    int n, int kernel) {
        SplittableRandom random = new SplittableRandom(h * 100 + w);
        Conv2D conv = new Conv2D(filters, kernel).activation("relu").useBias(bias);
        conv.build(h, w, 1);
        MaxPool2D pool = new MaxPool2D(2);
        pool.build(conv.outputShape());
        // Weights from this case's own generator, so that no case depends on what ran before it.
        List<Tensor> weights = conv.getWeights();
        for (Tensor t : weights) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = integers ? random.nextInt(3) - 1 : (float) (0.3 * random.nextGaussian());
            }
        }
        conv.setWeights(weights);
        ConvPool fused = ConvPool.of(conv, pool, inputGradient);
        if (!conv.transposed()) {
            if (!Simd.ENABLED || filters % Simd.lanes() != 0) {
                assertNull(fused, "not held transposed, and the filters do not fill whole vectors");
                assumeTrue(false, filters + " filters at " + Simd.lanes() + " lanes: no fused step");
            }
            assertEquals(conv.directByFilters() && !inputGradient ? ConvPool.Way.DIRECT : ConvPool.Way.CHANNELS,
                    fused.way(), "way chosen");
        } else {
            assertEquals(Simd.ENABLED && !inputGradient ? ConvPool.Way.VECTORS : ConvPool.Way.TRANSPOSED, fused.way(),
                    "way chosen");
        }

        float[] x = values(random, n * h * w, integers);
        float[] dy = values(random, n * pool.outputShape()[0] * pool.outputShape()[1] * filters, integers);
        int convSize = n * conv.outputShape()[0] * conv.outputShape()[1] * filters;

        float[] convOut = new float[convSize];
        float[] dConv = new float[convSize];
        float[] y1 = new float[dy.length];
        float[] dx1 = inputGradient ? new float[x.length] : null;
        float[][] g1 = grads(conv);
        conv.prepare(true);
        Object cs = conv.createScratch(n);
        Object ps = pool.createScratch(n);
        conv.forward(x, convOut, n, cs, true, random);
        pool.forward(convOut, y1, n, ps, true, random);
        pool.backward(convOut, y1, dy, dConv, n, ps, new float[0][]);
        ActivationFunction.RELU.backward(convOut, dConv, 0, convSize / filters, filters);
        conv.backward(x, convOut, dConv, dx1, n, cs, g1);

        float[] y2 = new float[dy.length];
        float[] dx2 = inputGradient ? new float[x.length] : null;
        float[][] g2 = grads(conv);
        float[] inferred = new float[dy.length];
        Object fs = fused.createScratch(n);
        fused.forward(x, inferred, n, fs, false);
        fused.forward(x, y2, n, fs, true);
        fused.backward(x, y2, dy, dx2, n, fs, g2);

        assertArrayEquals(y1, y2, "pooled output");
        assertArrayEquals(y1, inferred, "pooled output at inference");
        if (inputGradient) {
            assertArrayEquals(dx1, dx2, "input gradient");
        }
        for (int p = 0; p < g1.length; p++) {
            if (fused.way() == ConvPool.Way.VECTORS && !integers) {
                // Another order of the same terms: apart by rounding, bounded by the terms' magnitudes.
                float[] scale = termMagnitudes(x, dConv, n, h, w, filters, p);
                for (int i = 0; i < g1[p].length; i++) {
                    assertEquals(g1[p][i], g2[p][i], 1e-6f * scale[i], "gradient " + p + "[" + i + "]");
                }
            } else {
                assertArrayEquals(g1[p], g2[p], "gradient " + p);
            }
        }
    }

    @Test
    void onlyReluConvolutionsFollowedByTwoByTwoPoolingFuse() {
        Conv2D linear = new Conv2D(3, 3);
        linear.build(28, 28, 1);
        MaxPool2D pool = new MaxPool2D(2);
        pool.build(linear.outputShape());
        assertNull(ConvPool.of(linear, pool, false), "no ReLU");
        Conv2D wide = new Conv2D(32, 3).activation("relu");
        wide.build(28, 28, 1);
        MaxPool2D pool32 = new MaxPool2D(2);
        pool32.build(wide.outputShape());
        ConvPool direct = ConvPool.of(wide, pool32, false);
        ConvPool channels = ConvPool.of(wide, pool32, true);
        if (Simd.ENABLED) {
            assertEquals(ConvPool.Way.DIRECT, direct.way(), "a first layer whose filters fill vectors");
            assertEquals(ConvPool.Way.CHANNELS, channels.way(), "the same with an input gradient");
        } else {
            assertNull(direct, "filters that fill vectors, without the vector path");
            assertNull(channels, "filters that fill vectors, without the vector path");
        }
        Conv2D relu = new Conv2D(3, 3).activation("relu");
        relu.build(28, 28, 1);
        MaxPool2D three = new MaxPool2D(3);
        three.build(relu.outputShape());
        assertNull(ConvPool.of(relu, three, false), "3x3 pooling");
        assertNull(ConvPool.of(pool, relu, false), "wrong order");
    }

    /**
     * For the kernel gradient (p 0), the sum over output positions of |x under the tap| x |dConv|, per
     * (tap, filter); for the bias gradient (p 1), the sum of |dConv| per filter.
     */
    private static float[] termMagnitudes(float[] x, float[] dConv, int n, int h, int w, int filters, int p) {
        int oh = h - 2;
        int ow = w - 2;
        float[] scale = new float[p == 0 ? 9 * filters : filters];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int f = 0; f < filters; f++) {
                        float d = Math.abs(dConv[((b * oh + oy) * ow + ox) * filters + f]);
                        if (p == 1) {
                            scale[f] += d;
                            continue;
                        }
                        for (int t = 0; t < 9; t++) {
                            scale[t * filters + f] += d * Math.abs(x[(b * h + oy + t / 3) * w + ox + t % 3]);
                        }
                    }
                }
            }
        }
        return scale;
    }

    private static float[] values(SplittableRandom random, int size, boolean integers) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = integers ? random.nextInt(4) : (float) random.nextGaussian();
        }
        return v;
    }

    private static float[][] grads(Conv2D conv) {
        return conv.parameters().stream().map(p -> new float[p.value().size()]).toArray(float[][]::new);
    }
}
