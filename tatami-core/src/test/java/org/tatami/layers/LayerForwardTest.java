package org.tatami.layers;

import org.tatami.kernels.CpuOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.tensor.Tensor;

/** Forward passes against values worked out by hand, and output shapes and parameter counts. */
class LayerForwardTest {
    /** x[i][j] = 4i + j + 1: the 4x4 image 1..16, one channel. */
    private static final float[] IMAGE = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        13, 14, 15, 16};

    /**
     * 3x3, neither symmetric nor transpose-symmetric, so a flipped (true convolution) or transposed
     * kernel gives other numbers: k[0][0] = 1, k[1][2] = 2, k[2][1] = -1; bias 0.5.
     */
    private static Conv2D conv3x3(String padding) {
        Conv2D conv = new Conv2D(1, 3).padding(padding);
        conv.build(4, 4, 1);
        float[] k = new float[9];
        k[0] = 1;
        k[1 * 3 + 2] = 2;
        k[2 * 3 + 1] = -1;
        conv.setWeights(List.of(Tensor.of(k, 3, 3, 1, 1), Tensor.vector(0.5f)));
        return conv;
    }

    /**
     * The direct convolution computes each output as the same multiply-add chain as im2col + GEMM:
     * identical bits forward; the kernel gradient sums in another order, so it agrees to rounding.
     */
    @Test
    void directConvolutionMatchesIm2col() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int n = 5;
        float[] x = new float[n * 28 * 28];
        float[] dy = new float[n * 26 * 26 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) random.nextGaussian();
        }
        Conv2D direct = new Conv2D(3, 3);
        direct.build(28, 28, 1);
        Conv2D im2col;
        CpuOptions before = CpuOptions.current();
        CpuOptions.set(new CpuOptions(true, "im2col"));
        try {
            im2col = new Conv2D(3, 3);
            im2col.build(28, 28, 1);
        } finally {
            CpuOptions.set(before);
        }
        im2col.setWeights(direct.getWeights());
        assertEquals(org.tatami.kernels.Simd.ENABLED, direct.direct());
        assertTrue(!im2col.direct());
        float[][] ys = new float[2][];
        float[][] grads = new float[2][];
        Conv2D[] layers = {direct, im2col};
        for (int v = 0; v < 2; v++) {
            Object scratch = layers[v].createScratch(n);
            layers[v].prepare(true);
            ys[v] = new float[dy.length];
            layers[v].forward(x, ys[v], n, scratch, true, random);
            float[][] g = {new float[27], new float[3]};
            layers[v].backward(x, ys[v], dy, null, n, scratch, g);
            grads[v] = g[0];
        }
        assertArrayEquals(ys[1], ys[0], "forward, direct vs im2col");
        for (int i = 0; i < 27; i++) {
            assertEquals(grads[1][i], grads[0][i], 1e-5f * Math.max(1f, Math.abs(grads[1][i])), "kernel gradient " + i);
        }
    }

    @Test
    void conv2dValid() {
        // y[i][j] = x[i][j] + 2 x[i+1][j+2] - x[i+2][j+1] + 0.5
        //         = (4i+j+1) + 2(4i+j+7) - (4i+j+10) + 0.5 = 8i + 2j + 5.5
        Tensor y = conv3x3("valid").call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape());
        assertArrayEquals(new float[] {5.5f, 7.5f, 13.5f, 15.5f}, y.data());
    }

    @Test
    void conv2dSame() {
        // One row/column of zeros on each side: y[i][j] = x[i-1][j-1] + 2 x[i][j+1] - x[i+1][j] + 0.5,
        // x = 0 outside. E.g. y[0][0] = 0 + 2*2 - 5 + 0.5 = -0.5, y[3][3] = x[2][2] + 0.5 = 11.5; the
        // centre 2x2 is the valid result.
        Tensor y = conv3x3("same").call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new int[] {1, 4, 4, 1}, y.shape());
        assertArrayEquals(new float[] {
            -0.5f, 0.5f, 1.5f, -7.5f,
            3.5f, 5.5f, 7.5f, -8.5f,
            7.5f, 13.5f, 15.5f, -8.5f,
            28.5f, 39.5f, 42.5f, 11.5f}, y.data());
    }

    /** The kernel is (kh, kw, in_channels, filters), row-major, filters fastest; images are NHWC. */
    @Test
    void conv2dKernelLayoutWithTwoChannels() {
        Conv2D conv = new Conv2D(2, 2).useBias(false);
        conv.build(2, 2, 2);
        // x(i, j, c) is at (i*2 + j)*2 + c: the values 1..8.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        // Filter 0 reads x(0, 1, 1) = 4; filter 1 reads x(1, 0, 0) = 5 and 10 x(1, 1, 1) = 80.
        // k(ky, kx, c, f) is at ((ky*2 + kx)*2 + c)*2 + f.
        float[] k = new float[16];
        k[((0 * 2 + 1) * 2 + 1) * 2 + 0] = 1;
        k[((1 * 2 + 0) * 2 + 0) * 2 + 1] = 1;
        k[((1 * 2 + 1) * 2 + 1) * 2 + 1] = 10;
        conv.setWeights(List.of(Tensor.of(k, 2, 2, 2, 2)));
        Tensor y = conv.call(Tensor.of(x, 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 2}, y.shape());
        assertArrayEquals(new float[] {4, 85}, y.data());
    }

    @Test
    void conv2dStrideTwoSamePadsAfter() {
        // 4x4, 3x3 kernel of ones, stride 2, same: output 2x2, total padding 1, all of it after
        // (TensorFlow's split), so windows start at rows/columns 0 and 2.
        Conv2D conv = new Conv2D(1, 3).strides(2).padding("same").useBias(false);
        conv.build(4, 4, 1);
        float[] ones = new float[9];
        java.util.Arrays.fill(ones, 1f);
        conv.setWeights(List.of(Tensor.of(ones, 3, 3, 1, 1)));
        Tensor y = conv.call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        // rows 0-2 x cols 0-2: 1+2+3+5+6+7+9+10+11 = 54; cols 2-3: 3+4+7+8+11+12 = 45;
        // rows 2-3 x cols 0-2: 9+10+11+13+14+15 = 72; cols 2-3: 11+12+15+16 = 54.
        assertArrayEquals(new float[] {54, 45, 72, 54}, y.data());
    }

    /**
     * 2x2 pooling of 16 or 32 channels (vectors along the channels on the SIMD path) against a plain
     * reference with MaxPool2D's rule, on small integers so that windows are full of ties: the same
     * outputs, and each window's gradient at the same input.
     */
    @Test
    void maxPool2dOfManyChannelsKeepsTheWinnerRule() {
        for (int c : new int[] {16, 32}) {
            int n = 2;
            int h = 6;
            int w = 5;
            java.util.SplittableRandom random = new java.util.SplittableRandom(c);
            float[] x = new float[n * h * w * c];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(3);
            }
            MaxPool2D pool = new MaxPool2D(2);
            pool.build(h, w, c);
            float[] y = new float[n * 3 * 2 * c];
            float[] dy = new float[y.length];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = i + 1;
            }
            float[] dx = new float[x.length];
            java.util.Arrays.fill(dx, Float.NaN);
            Object scratch = pool.createScratch(n);
            pool.forward(x, y, n, scratch, true, random);
            pool.backward(x, y, dy, dx, n, scratch, new float[0][]);
            float[] expectedY = new float[y.length];
            float[] expectedDx = new float[x.length];
            int o = 0;
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < 3; oy++) {
                    for (int ox = 0; ox < 2; ox++) {
                        for (int ch = 0; ch < c; ch++, o++) {
                            int best = -1;
                            for (int[] d : new int[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}) {
                                int i = ((b * h + 2 * oy + d[0]) * w + 2 * ox + d[1]) * c + ch;
                                if (best < 0 || x[i] > x[best]) {
                                    best = i;
                                }
                            }
                            expectedY[o] = x[best];
                            expectedDx[best] = dy[o];
                        }
                    }
                }
            }
            assertArrayEquals(expectedY, y, 0f, c + " channels, output");
            assertArrayEquals(expectedDx, dx, 0f, c + " channels, input gradient");
        }
    }

    @Test
    void maxPool2dOnAKnownInput() {
        // Channel 0 is v, channel 1 is -v (per-channel pooling).
        float[] v = {
            1, 5, 2, 12,
            3, 4, 8, 1,
            9, 13, 6, 7,
            2, 11, 3, 10};
        float[] x = new float[32];
        for (int i = 0; i < 16; i++) {
            x[2 * i] = v[i];
            x[2 * i + 1] = -v[i];
        }
        Tensor y = new MaxPool2D(2).call(Tensor.of(x, 1, 4, 4, 2));
        assertArrayEquals(new int[] {1, 2, 2, 2}, y.shape());
        // Windows {1,5,3,4} {2,12,8,1} {9,13,2,11} {6,7,3,10}: maxima 5 12 13 10, minima 1 1 2 3.
        assertArrayEquals(new float[] {5, -1, 12, -1, 13, -2, 10, -3}, y.data());

        Tensor overlapping = new MaxPool2D(2).strides(1, 1).call(Tensor.of(v.clone(), 1, 4, 4, 1));
        assertArrayEquals(new float[] {5, 8, 12, 13, 13, 8, 13, 13, 10}, overlapping.data());
    }

    /** Same padding pools over the real inputs only (as if padded with -inf), never over zeros. */
    @Test
    void maxPool2dSameIgnoresThePadding() {
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        // 3x3, pool 2, stride 2: windows start at 0 and 2 (the padding goes after).
        Tensor y = new MaxPool2D(2).padding("same").call(Tensor.of(x.clone(), 1, 3, 3, 1));
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape());
        assertArrayEquals(new float[] {-1, -3, -7, -9}, y.data());
        // Pool 3, stride 1: one row/column of padding on each side.
        Tensor z = new MaxPool2D(3).strides(1, 1).padding("same").call(Tensor.of(x.clone(), 1, 3, 3, 1));
        assertArrayEquals(new float[] {-1, -1, -2, -1, -1, -2, -4, -4, -5}, z.data());
    }

    private static Dense dense3to2() {
        Dense dense = new Dense(2);
        dense.build(3);
        // Kernel (in, out): column j holds the weights of unit j.
        dense.setWeights(List.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), Tensor.vector(0.5f, -1f)));
        return dense;
    }

    @Test
    void denseWithKnownKernelAndBias() {
        // [1 2 3] . [[1 2] [3 4] [5 6]] = [1+6+15, 2+8+18] = [22, 28]; + [0.5, -1].
        Tensor y = dense3to2().call(Tensor.of(new float[] {1, 2, 3}, 1, 3));
        assertArrayEquals(new float[] {22.5f, 27f}, y.data());
    }

    @Test
    void denseOnTheLastAxis() {
        Dense dense = new Dense(2);
        dense.build(2, 3);
        dense.setWeights(List.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), Tensor.vector(0.5f, -1f)));
        Tensor y = dense.call(Tensor.of(new float[] {1, 2, 3, 0, 1, 0}, 1, 2, 3));
        assertArrayEquals(new int[] {1, 2, 2}, y.shape());
        // Second row [0 1 0] picks the kernel's row 1: [3, 4] + bias.
        assertArrayEquals(new float[] {22.5f, 27f, 3.5f, 3f}, y.data());
    }

    /** Flatten keeps NHWC row-major order: (i, j, c) goes to (i*W + j)*C + c, not channels first. */
    @Test
    void flattenOrder() {
        int h = 2;
        int w = 3;
        int c = 2;
        Tensor x = Tensor.zeros(2, h, w, c);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        x.set(1000 * b + 100 * i + 10 * j + ch, b, i, j, ch);
                    }
                }
            }
        }
        Tensor y = new Flatten().call(x);
        assertArrayEquals(new int[] {2, 12}, y.shape());
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        assertEquals(1000 * b + 100 * i + 10 * j + ch, y.get(b, (i * w + j) * c + ch));
                    }
                }
            }
        }
    }

    @Test
    void callRunsABatchAndAppliesTheActivation() {
        Conv2D conv = new Conv2D(1, 3).activation("relu");
        conv.build(4, 4, 1);
        conv.setWeights(conv3x3("valid").getWeights());
        float[] x = new float[32];
        for (int i = 0; i < 16; i++) {
            x[i] = IMAGE[i];
            x[16 + i] = -IMAGE[i];
        }
        // Sample 1 is -x: 1 - (8i + 2j + 5.5) < 0 everywhere, so ReLU gives zeros.
        Tensor y = conv.call(Tensor.of(x, 2, 4, 4, 1));
        assertArrayEquals(new int[] {2, 2, 2, 1}, y.shape());
        assertArrayEquals(new float[] {5.5f, 7.5f, 13.5f, 15.5f, 0, 0, 0, 0}, y.data());

        Dense dense = dense3to2().activation("softmax");
        Tensor p = dense.call(Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3));
        // Logits [22.5, 27] and [0.5, -1]: softmax = [1, e^4.5] / (1 + e^4.5) and [1, e^-1.5] / (1 + e^-1.5).
        assertArrayEquals(new float[] {0.010986943f, 0.98901306f, 0.81757448f, 0.18242552f}, p.data(), 1e-6f);
    }

    @Test
    void callChecksTheInputShape() {
        Conv2D conv = conv3x3("valid");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.call(Tensor.zeros(1, 5, 5, 1)));
        assertTrue(e.getMessage().contains("expected input shape (None, 4, 4, 1), got (1, 5, 5, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(3, 5).build(4, 4, 1));
    }

    @Test
    void shapesAndParameterCounts() {
        Conv2D conv = new Conv2D(3, 3);
        conv.build(28, 28, 1);
        assertArrayEquals(new int[] {26, 26, 3}, conv.outputShape());
        assertEquals(30, conv.countParams());
        assertArrayEquals(new int[] {3, 3, 1, 3}, conv.getWeights().get(0).shape());
        assertArrayEquals(new int[] {3}, conv.getWeights().get(1).shape());

        assertOutput(new int[] {28, 28, 3}, new Conv2D(3, 3).padding("same"), 28, 28, 1);
        assertOutput(new int[] {14, 14, 3}, new Conv2D(3, 3).padding("same").strides(2), 28, 28, 1);
        assertOutput(new int[] {13, 13, 3}, new Conv2D(3, 3).strides(2), 28, 28, 1);
        Conv2D rect = new Conv2D(8, 5, 3).useBias(false);
        assertOutput(new int[] {6, 10, 8}, rect, 10, 12, 4);
        assertEquals(5 * 3 * 4 * 8, rect.countParams());

        MaxPool2D pool = new MaxPool2D(2);
        assertOutput(new int[] {13, 13, 3}, pool, 26, 26, 3);
        assertEquals(0, pool.countParams());
        assertOutput(new int[] {13, 13, 3}, new MaxPool2D(2), 27, 27, 3);
        assertOutput(new int[] {14, 14, 3}, new MaxPool2D(2).padding("same"), 27, 27, 3);
        assertOutput(new int[] {3, 3, 1}, new MaxPool2D(3).strides(2, 2), 7, 7, 1);
        assertOutput(new int[] {4, 4, 1}, new MaxPool2D(3).strides(2, 2).padding("same"), 7, 7, 1);

        assertOutput(new int[] {507}, new Flatten(), 13, 13, 3);
        Dense dense = new Dense(100);
        assertOutput(new int[] {100}, dense, 507);
        assertEquals(50_800, dense.countParams());
        Dense last = new Dense(4);
        assertOutput(new int[] {2, 3, 4}, last, 2, 3, 5);
        assertEquals(5 * 4 + 4, last.countParams());
    }

    @Test
    void averagePooling2dValid() {
        // Each 2x2 block of 1..16: e.g. (1 + 2 + 5 + 6) / 4 = 3.5.
        Tensor y = new AveragePooling2D(2).call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape());
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, y.data());
    }

    /**
     * 3x3 windows, stride 2, "same" on 4x4: one padding row and column, after. Only the covered
     * values count: (0,0) averages 9 values, (0,1) and (1,0) 6, (1,1) 4.
     */
    @Test
    void averagePooling2dSameAveragesOnlyTheValuesUnderTheWindow() {
        Tensor y = new AveragePooling2D(3).strides(2, 2).padding("same").call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape());
        assertArrayEquals(new float[] {
            (1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9f, (3 + 4 + 7 + 8 + 11 + 12) / 6f,
            (9 + 10 + 11 + 13 + 14 + 15) / 6f, (11 + 12 + 15 + 16) / 4f}, y.data());
    }

    @Test
    void globalAveragePooling2d() {
        // 2x2 pixels, 2 channels: channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 20, 30, 40.
        float[] x = {1, 10, 2, 20, 3, 30, 4, 40};
        Tensor y = new GlobalAveragePooling2D().call(Tensor.of(x.clone(), 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 2}, y.shape());
        assertArrayEquals(new float[] {2.5f, 25f}, y.data());
        Tensor kept = new GlobalAveragePooling2D(true).call(Tensor.of(x.clone(), 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 2}, kept.shape());
        assertArrayEquals(new float[] {2.5f, 25f}, kept.data());
    }

    /**
     * Each input pixel paints the kernel, scaled by its value, at its place in the output: with
     * k = [[1, 10], [100, 1000]] and x = [[1, 2], [3, 4]], stride 2 tiles four scaled copies of k,
     * stride 1 overlaps them (e.g. the centre is 1 * 1000 + 2 * 100 + 3 * 10 + 4 * 1).
     */
    @Test
    void conv2dTransposePaintsTheKernel() {
        List<Tensor> weights = List.of(Tensor.of(new float[] {1, 10, 100, 1000}, 2, 2, 1, 1), Tensor.vector(0.5f));
        Conv2DTranspose tiled = new Conv2DTranspose(1, 2).strides(2);
        tiled.build(2, 2, 1);
        tiled.setWeights(weights);
        assertArrayEquals(new float[] {
            1.5f, 10.5f, 2.5f, 20.5f,
            100.5f, 1000.5f, 200.5f, 2000.5f,
            3.5f, 30.5f, 4.5f, 40.5f,
            300.5f, 3000.5f, 400.5f, 4000.5f}, tiled.call(Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1)).data());
        Conv2DTranspose overlapping = new Conv2DTranspose(1, 2);
        overlapping.build(2, 2, 1);
        overlapping.setWeights(weights);
        assertArrayEquals(new float[] {
            1.5f, 12.5f, 20.5f,
            103.5f, 1234.5f, 2040.5f,
            300.5f, 3400.5f, 4000.5f}, overlapping.call(Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1)).data());
    }

    /**
     * TensorFlow defines conv2d_transpose as the input gradient of conv2d: so, on any shape, padding
     * and stride, the transposed convolution of v equals Conv2D's backward of v, with the same kernel
     * (Conv2D's (kh, kw, in, out) is Conv2DTranspose's (kh, kw, filters, in)) and no bias.
     */
    @Test
    void conv2dTransposeIsTheGradientOfConv2D() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(8);
        int[][] cases = {
            // kh, kw, sh, sw, same, input h, w, c, filters[, dilation]
            {3, 3, 2, 2, 1, 3, 4, 2, 3}, {3, 3, 2, 2, 0, 3, 4, 2, 3}, {4, 4, 2, 2, 1, 2, 3, 3, 2},
            {2, 3, 3, 1, 0, 2, 2, 1, 2}, {1, 1, 3, 3, 0, 2, 2, 2, 1}, {5, 3, 1, 2, 1, 3, 3, 2, 2},
            // dilated: strides 1
            {3, 3, 1, 1, 0, 3, 2, 2, 2, 2}, {2, 3, 1, 1, 1, 4, 3, 2, 3, 3}};
        for (int[] k : cases) {
            String padding = k[4] == 1 ? "same" : "valid";
            int d = k.length > 9 ? k[9] : 1;
            Conv2DTranspose t = new Conv2DTranspose(k[8], k[0], k[1]).strides(k[2], k[3]).dilationRate(d)
                    .padding(padding).useBias(false);
            t.build(k[5], k[6], k[7]);
            int[] out = t.outputShape();
            Conv2D conv = new Conv2D(k[7], k[0], k[1]).strides(k[2], k[3]).dilationRate(d).padding(padding)
                    .useBias(false);
            conv.build(out);
            assertArrayEquals(new int[] {k[5], k[6], k[7]}, conv.outputShape(), java.util.Arrays.toString(k));
            conv.setWeights(t.getWeights());
            int n = 2;
            float[] v = new float[n * k[5] * k[6] * k[7]];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            float[] x = new float[n * out[0] * out[1] * out[2]];
            Object scratch = conv.createScratch(n);
            conv.prepare(true);
            conv.forward(x, new float[v.length], n, scratch, true, random);
            float[] expected = new float[x.length];
            conv.backward(x, null, v.clone(), expected, n, scratch, new float[][] {new float[t.countParams()]});
            float[] actual = t.call(Tensor.of(v, n, k[5], k[6], k[7])).data();
            assertArrayEquals(expected, actual, 1e-5f, java.util.Arrays.toString(k));
        }
    }

    /** Keras's output size: input * stride, plus max(kernel - stride, 0) with padding valid. */
    @Test
    void conv2dTransposeShapes() {
        Conv2DTranspose t = new Conv2DTranspose(4, 3, 2);
        assertOutput(new int[] {7, 6, 4}, t, 5, 5, 3);
        assertArrayEquals(new int[] {3, 2, 4, 3}, t.getWeights().get(0).shape());
        assertEquals(3 * 2 * 4 * 3 + 4, t.countParams());
        assertOutput(new int[] {11, 11, 4}, new Conv2DTranspose(4, 3).strides(2), 5, 5, 3);
        assertOutput(new int[] {10, 10, 4}, new Conv2DTranspose(4, 3).strides(2).padding("same"), 5, 5, 3);
        assertOutput(new int[] {15, 15, 4}, new Conv2DTranspose(4, 1).strides(3), 5, 5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2DTranspose(4, 3).name("up").build(5, 5));
        assertTrue(e.getMessage().contains("up (Conv2DTranspose) expects input of shape (height, width, channels), got"
                + " (None, 5, 5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2DTranspose(0, 3));
    }

    /**
     * Steps 1, 2, 3, 4 under the kernel [1, 10] with bias 0.5: valid gives 1 + 20, 2 + 30, 3 + 40;
     * causal puts the one zero before the first step (0 + 10 first); same puts it after (4 + 0 last).
     */
    @Test
    void conv1dPaddings() {
        List<Tensor> weights = List.of(Tensor.of(new float[] {1, 10}, 2, 1, 1), Tensor.vector(0.5f));
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4, 1);
        String[] paddings = {"valid", "causal", "same"};
        float[][] expected = {{21.5f, 32.5f, 43.5f}, {10.5f, 21.5f, 32.5f, 43.5f}, {21.5f, 32.5f, 43.5f, 4.5f}};
        for (int i = 0; i < 3; i++) {
            Conv1D conv = new Conv1D(1, 2).padding(paddings[i]);
            conv.build(4, 1);
            conv.setWeights(weights);
            assertArrayEquals(expected[i], conv.call(x).data(), paddings[i]);
        }
        Conv1D strided = new Conv1D(4, 3).strides(2);
        assertOutput(new int[] {4, 4}, strided, 9, 2);
        assertArrayEquals(new int[] {3, 2, 4}, strided.getWeights().get(0).shape());
        assertOutput(new int[] {5, 4}, new Conv1D(4, 3).strides(2).padding("causal"), 9, 2);
        assertOutput(new int[] {5, 4}, new Conv1D(4, 3).strides(2).padding("same"), 9, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv1D(4, 3).name("c1").build(9, 9, 2));
        assertTrue(e.getMessage().contains("c1 (Conv1D) expects input of shape (steps, channels), got (None, 9, 9, 2)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv1D(4, 3).padding("full"));
    }

    /**
     * Steps of two channels, (1, 10), (5, 20), (3, 60), (2, 40), (4, 50): windows of 2 give the
     * maxima (5, 20), (3, 60), and with "same" a last window of one step, (4, 50). Averages of 3 with
     * stride 1 and "same" on 1, 2, 3, 4 count only the steps under the window: 1.5, 2, 3, 3.5.
     */
    @Test
    void pooling1d() {
        float[] x = {1, 10, 5, 20, 3, 60, 2, 40, 4, 50};
        assertArrayEquals(new float[] {5, 20, 3, 60}, forward(new MaxPooling1D(), x, 1, false, 5, 2));
        assertArrayEquals(new float[] {5, 20, 3, 60, 4, 50},
                forward(new MaxPooling1D().padding("same"), x, 1, false, 5, 2));
        assertArrayEquals(new float[] {1.5f, 2, 3, 3.5f},
                forward(new AveragePooling1D(3).strides(1).padding("same"), new float[] {1, 2, 3, 4}, 1, false, 4, 1));
        assertOutput(new int[] {3, 8}, new MaxPooling1D(3).name("mp1").padding("valid"), 10, 8);
        assertOutput(new int[] {4, 8}, new AveragePooling1D(4).strides(2), 10, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaxPooling1D().name("mp").build(4, 4, 1));
        assertTrue(e.getMessage().contains("mp (MaxPooling1D) expects input of shape (steps, channels), got"
                + " (None, 4, 4, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AveragePooling1D(5).name("ap").build(4, 1));
        assertTrue(e.getMessage().contains("ap"), e.getMessage());
    }

    @Test
    void embeddingLooksUpRows() {
        // Setters chain after name and inputShape.
        Embedding embedding = new Embedding(4, 2).name("emb").embeddingsInitializer("uniform");
        embedding.build(3);
        assertArrayEquals(new int[] {3, 2}, embedding.outputShape());
        assertArrayEquals(new int[] {4, 2}, embedding.getWeights().get(0).shape());
        for (float v : embedding.getWeights().get(0).data()) {
            assertTrue(v >= -0.05f && v < 0.05f, "Keras's default: uniform in [-0.05, 0.05), got " + v);
        }
        embedding.setWeights(List.of(Tensor.of(new float[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2)));
        // 2.7 is truncated to 2, as Keras casts ids to int32.
        Tensor y = embedding.call(Tensor.of(new float[] {2, 0, 3, 2.7f, 1, 1}, 2, 3));
        assertArrayEquals(new int[] {2, 3, 2}, y.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 30, 31, 20, 21, 10, 11, 10, 11}, y.data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> embedding.call(Tensor.of(new float[] {1, 4, 0}, 1, 3)));
        assertTrue(e.getMessage().contains("emb (Embedding): id 4.0 is outside [0, 4), the input_dim"), e.getMessage());
        assertOutput(new int[] {5, 6, 8}, new Embedding(10, 8), 5, 6);
    }

    /**
     * A 2x2 kernel with dilation 2 reads x[i][j], x[i][j+2], x[i+2][j] and x[i+2][j+2] of the image
     * 1..16: with weights 1, 10, 100, 1000 the first output is 1 + 30 + 900 + 11000.
     */
    @Test
    void conv2dDilation() {
        Conv2D conv = new Conv2D(1, 2).dilationRate(2).useBias(false);
        conv.build(4, 4, 1);
        conv.setWeights(List.of(Tensor.of(new float[] {1, 10, 100, 1000}, 2, 2, 1, 1)));
        assertArrayEquals(new float[] {11931, 13042, 16375, 17486},
                conv.call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1)).data());
        assertOutput(new int[] {3, 3, 2}, new Conv2D(2, 3).dilationRate(2), 7, 7, 1);
        assertOutput(new int[] {7, 7, 2}, new Conv2D(2, 3).dilationRate(2).padding("same"), 7, 7, 1);
        assertOutput(new int[] {5, 2}, new Conv1D(2, 3).dilationRate(2), 9, 1);
        assertOutput(new int[] {9, 2}, new Conv1D(2, 3).dilationRate(2).padding("causal"), 9, 1);
        // Keras's output size counts the dilated span: 3 * 1 + (5 - 1) for a 3-tap kernel of dilation 2.
        assertOutput(new int[] {7, 7, 2}, new Conv2DTranspose(2, 3).dilationRate(2), 3, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2D(2, 3).strides(2).dilationRate(2).name("atrous").build(9, 9, 1));
        assertTrue(e.getMessage().contains("atrous (Conv2D): strides (2, 2) and dilation_rate (2, 2) cannot both"
                + " exceed 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3).dilationRate(0));
    }

    /** Runs forward into an output filled with NaN, so that every value must be written. */
    private static float[] forward(Layer layer, float[] x, int n, boolean training, int... in) {
        layer.build(in);
        int size = 1;
        for (int d : layer.outputShape()) {
            size *= d;
        }
        float[] y = new float[n * size];
        java.util.Arrays.fill(y, Float.NaN);
        layer.forward(x, y, n, layer.createScratch(n), training, new java.util.SplittableRandom(3));
        return y;
    }

    @Test
    void zeroPadding2dPadsEachSideWithZeros() {
        // 1 row at the top, none at the bottom, 2 columns at the left, 1 at the right.
        ZeroPadding2D pad = new ZeroPadding2D(1, 0, 2, 1);
        assertArrayEquals(new float[] {
            0, 0, 0, 0, 0,
            0, 0, 1, 2, 0,
            0, 0, 3, 4, 0}, forward(pad, new float[] {1, 2, 3, 4}, 1, false, 2, 2, 1));
        assertArrayEquals(new int[] {3, 5, 1}, pad.outputShape());
        assertOutput(new int[] {6, 6, 3}, new ZeroPadding2D(), 4, 4, 3);
        assertOutput(new int[] {8, 6, 3}, new ZeroPadding2D(2, 1), 4, 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ZeroPadding2D().name("pad").build(4, 4));
        assertTrue(e.getMessage().contains("pad (ZeroPadding2D) expects input of shape (height, width, channels), got"
                + " (None, 4, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ZeroPadding2D(1, -1));
    }

    @Test
    void cropping2dRemovesEachSide() {
        // Two images of (2, 3, 2): values 1..12 and 13..24; none from the top, 1 row from the bottom,
        // 1 column from the left, none from the right.
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        Cropping2D crop = new Cropping2D(0, 1, 1, 0);
        assertArrayEquals(new float[] {3, 4, 5, 6, 15, 16, 17, 18}, forward(crop, x, 2, false, 2, 3, 2));
        assertArrayEquals(new int[] {1, 2, 2}, crop.outputShape());
        Tensor y = new Cropping2D(1, 0, 1, 2).call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new float[] {6, 10, 14}, y.data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Cropping2D(2).name("crop").build(4, 4, 1));
        assertTrue(e.getMessage().contains("crop (Cropping2D) removes (2, 2) rows and (2, 2) columns, more than the"
                + " input (None, 4, 4, 1) has"), e.getMessage());
    }

    @Test
    void upSampling2dRepeatsRowsAndColumns() {
        UpSampling2D up = new UpSampling2D(2, 3);
        assertArrayEquals(new float[] {
            1, 1, 1, 2, 2, 2,
            1, 1, 1, 2, 2, 2,
            3, 3, 3, 4, 4, 4,
            3, 3, 3, 4, 4, 4}, forward(up, new float[] {1, 2, 3, 4}, 1, false, 2, 2, 1));
        // Channels stay together: pixel (0, 0) holds (1, 10), pixel (0, 1) holds (2, 20).
        assertArrayEquals(new float[] {1, 10, 1, 10, 2, 20, 2, 20, 1, 10, 1, 10, 2, 20, 2, 20},
                forward(new UpSampling2D(), new float[] {1, 10, 2, 20}, 1, false, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UpSampling2D().name("up").build(4, 4, 1, 1));
        assertTrue(e.getMessage().contains("up (UpSampling2D) expects input of shape (height, width, channels), got"
                + " (None, 4, 4, 1, 1)"), e.getMessage());
    }

    @Test
    void globalMaxPooling2d() {
        // 2x2 pixels, 2 channels: channel 0 holds 1, 4, 3, 2; channel 1 holds 40, 20, 30, 10.
        float[] x = {1, 40, 4, 20, 3, 30, 2, 10};
        assertArrayEquals(new float[] {4, 40}, forward(new GlobalMaxPooling2D(), x, 1, false, 2, 2, 2));
        Tensor kept = new GlobalMaxPooling2D(true).call(Tensor.of(x.clone(), 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 2}, kept.shape());
        assertArrayEquals(new float[] {4f, 40f}, kept.data());
    }

    /** As TensorFlow's reduce_max: positions that tie for the maximum share its gradient. */
    @Test
    void globalMaxPooling2dSharesTheGradientOfTies() {
        GlobalMaxPooling2D pool = new GlobalMaxPooling2D();
        float[] x = {5, 5, 1, 5};
        float[] y = forward(pool, x, 1, false, 2, 2, 1);
        float[] dx = new float[4];
        pool.backward(x, y, new float[] {6}, dx, 1, pool.createScratch(1), new float[0][]);
        assertArrayEquals(new float[] {2, 2, 0, 2}, dx);
    }

    @Test
    void spatialDropout2dIsTheIdentityAtInference() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(x, forward(new SpatialDropout2D(0.5), x, 1, false, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new SpatialDropout2D(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpatialDropout2D(0.5).name("sd").build(4, 4));
        assertTrue(e.getMessage().contains("sd (SpatialDropout2D) expects input of shape (height, width, channels),"
                + " got (None, 4, 4)"), e.getMessage());
    }

    @Test
    void reshapeKeepsTheOrderAndInfersOneDimension() {
        Tensor y = new Reshape(2, -1, 2).call(Tensor.of(IMAGE.clone(), 1, 4, 4, 1));
        assertArrayEquals(new int[] {1, 2, 4, 2}, y.shape());
        assertArrayEquals(IMAGE, y.data());
        assertOutput(new int[] {16}, new Reshape(-1), 4, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Reshape(5, -1).name("r").build(4, 4, 1));
        assertTrue(e.getMessage().contains("r (Reshape)") && e.getMessage().contains("16 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Reshape(3, 5).build(4, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Reshape(0, 4));
    }

    /**
     * Each row on its own: [1, 3] has mean 2 and variance 1, so xhat = -+1 / sqrt(1 + 0.001); [5, 5] has
     * variance 0, so xhat = 0 and y = beta. gamma = [2, 1], beta = [0.5, -1].
     */
    @Test
    void layerNormalizationNormalizesEachRow() {
        LayerNormalization ln = new LayerNormalization();
        ln.build(2);
        assertEquals(List.of("gamma", "beta"), ln.parameters().stream().map(Parameter::name).toList());
        ln.setWeights(List.of(Tensor.of(new float[] {2, 1}, 2), Tensor.of(new float[] {0.5f, -1}, 2)));
        float s = (float) (1 / Math.sqrt(1.001));
        Tensor y = ln.call(Tensor.of(new float[] {1, 3, 5, 5}, 2, 2));
        assertArrayEquals(new float[] {-2 * s + 0.5f, s - 1, 0.5f, -1}, y.data(), 1e-6f);
        // Training changes nothing: no batch statistics, no state.
        float[] trained = new float[4];
        ln.forward(new float[] {1, 3, 5, 5}, trained, 2, ln.createScratch(2), true, new java.util.SplittableRandom(1));
        assertArrayEquals(y.data(), trained);
        LayerNormalization plain = new LayerNormalization().name("plain").center(false).scale(false);
        plain.build(3, 4);
        assertEquals(0, plain.countParams());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerNormalization().axis(1).name("ln").build(5, 5, 8));
        assertTrue(e.getMessage().contains("ln (LayerNormalization): axis 1 on input (None, 5, 5, 8)"),
                e.getMessage());
    }

    /** gamma 3, beta 1, moving mean 1, moving variance 3.75 and epsilon 0.25: y = 3 (x - 1) / 2 + 1. */
    @Test
    void batchNormalizationAtInferenceUsesTheMovingStatistics() {
        BatchNormalization bn = new BatchNormalization().epsilon(0.25);
        bn.build(1);
        bn.setWeights(List.of(Tensor.vector(3f), Tensor.vector(1f), Tensor.vector(1f), Tensor.vector(3.75f)));
        Tensor y = bn.call(Tensor.of(new float[] {1, 3, -1, 5}, 4, 1));
        assertArrayEquals(new float[] {1, 4, -2, 7}, y.data());
    }

    /**
     * A batch of 4 rows, 2 channels: channel 0 is 1, 3, 1, 3 (mean 2, biased variance 1), channel 1
     * is 0, 0, 4, 4 (mean 2, variance 4). With gamma 1, beta 0: y = (x - mean) / sqrt(var + eps).
     * The moving statistics move by (1 - momentum) towards the batch's: 0.9 * 0 + 0.1 * 2 = 0.2 for the
     * means, 0.9 * 1 + 0.1 * var for the variances (1.0 and 1.3).
     */
    @Test
    void batchNormalizationInTrainingUsesTheBatchAndMovesTheStatistics() {
        BatchNormalization bn = new BatchNormalization().momentum(0.9);
        bn.build(2);
        float[] x = {1, 0, 3, 0, 1, 4, 3, 4};
        float[] y = new float[8];
        bn.forward(x, y, 4, bn.createScratch(4), true, new java.util.SplittableRandom(1));
        float s0 = (float) (1 / Math.sqrt(1 + 1e-3f));
        float s1 = (float) (1 / Math.sqrt(4 + 1e-3f));
        float[] expected = {-s0, -2 * s1, s0, -2 * s1, -s0, 2 * s1, s0, 2 * s1};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], y[i], 1e-6f, "y[" + i + "]");
        }
        List<Tensor> w = bn.getWeights();
        assertArrayEquals(new float[] {0.2f, 0.2f}, w.get(2).data(), 1e-7f);
        assertArrayEquals(new float[] {1.0f, 1.3f}, w.get(3).data(), 1e-6f);
    }

    @Test
    void batchNormalizationWeightsAndTrainability() {
        BatchNormalization bn = new BatchNormalization();
        bn.build(5, 5, 8);
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"),
                bn.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of(true, true, false, false), bn.parameters().stream().map(Parameter::trainable).toList());
        assertEquals(32, bn.countParams());
        assertEquals(16, bn.countTrainableParams());
        BatchNormalization plain = new BatchNormalization().center(false).scale(false);
        plain.build(8);
        assertEquals(List.of("moving_mean", "moving_variance"),
                plain.parameters().stream().map(Parameter::name).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchNormalization().axis(1).name("bn").build(5, 5, 8));
        assertTrue(e.getMessage().contains("bn (BatchNormalization): axis 1"), e.getMessage());
        new BatchNormalization().axis(3).build(5, 5, 8);
    }

    private static void assertOutput(int[] expected, Layer layer, int... in) {
        layer.build(in);
        assertArrayEquals(expected, layer.outputShape());
    }

    /** Kernel layers fuse bias and activation into one pass: the same values as applying them apart. */
    @Test
    void fusedActivationEqualsActivationAppliedAfterwards() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        float[] values = new float[2 * 6 * 6 * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Tensor x = Tensor.of(values, 2, 6, 6, 2);
        for (String act : new String[] {"relu", "softmax", "tanh"}) {
            for (int filters : new int[] {3, 20}) {
                Conv2D fused = new Conv2D(filters, 3).activation(act);
                fused.build(new int[] {6, 6, 2}, new java.util.SplittableRandom(1));
                Conv2D linear = new Conv2D(filters, 3);
                linear.build(new int[] {6, 6, 2}, new java.util.SplittableRandom(1));
                Tensor expected = linear.call(x);
                org.tatami.activations.ActivationFunction.of(act).forward(expected.data(), 0,
                        expected.size() / filters, filters);
                assertArrayEquals(expected.data(), fused.call(x).data(), act + ", " + filters + " filters");
            }
            Dense dense = new Dense(7).activation(act);
            dense.build(new int[] {72}, new java.util.SplittableRandom(2));
            Dense plain = new Dense(7);
            plain.build(new int[] {72}, new java.util.SplittableRandom(2));
            Tensor flat = x.reshape(2, 72);
            Tensor expected = plain.call(flat);
            org.tatami.activations.ActivationFunction.of(act).forward(expected.data(), 0, 2, 7);
            assertArrayEquals(expected.data(), dense.call(flat).data(), act + ", dense");
        }
    }
}
