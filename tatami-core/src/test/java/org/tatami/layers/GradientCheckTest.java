package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.Simd;

/**
 * Every layer's backward against central finite differences (see {@link GradientCheck} for the
 * functional, the step and the tolerance). Batches have several samples, so per-sample offsets and
 * the summing of parameter gradients over the batch are checked too.
 */
class GradientCheckTest {
    private static final double H = GradientCheck.H;

    // ---- Conv2D ----

    static Stream<Arguments> convolutions() {
        return Stream.of(
                // name, filters, kh, kw, sh, sw, padding, bias, input (h, w, c)
                Arguments.of("3x3 valid s1, 1->1", 1, 3, 3, 1, 1, "valid", true, new int[] {5, 5, 1}),
                Arguments.of("3x3 same s1, 2->3", 3, 3, 3, 1, 1, "same", true, new int[] {5, 6, 2}),
                Arguments.of("3x3 valid s2, 3->2, no bias", 2, 3, 3, 2, 2, "valid", false, new int[] {7, 6, 3}),
                // Even input, stride 2: the one padding row/column goes after, none before.
                Arguments.of("3x2 same s2, 2->4", 4, 3, 2, 2, 2, "same", true, new int[] {6, 5, 2}),
                Arguments.of("2x3 same s(2,1), 1->2, no bias", 2, 2, 3, 2, 1, "same", false, new int[] {5, 4, 1}),
                Arguments.of("1x1 valid s1, 3->2", 2, 1, 1, 1, 1, "valid", true, new int[] {3, 4, 3}),
                // Even kernel: padding 1 before and 2 after on each axis.
                Arguments.of("4x4 same s3, 2->2", 2, 4, 4, 3, 3, "same", true, new int[] {7, 8, 2}),
                // Fewer filters than vector lanes run transposed, more run directly: check both paths.
                Arguments.of("3x3 same s1, 2->17", 17, 3, 3, 1, 1, "same", true, new int[] {4, 5, 2}),
                Arguments.of("3x3 valid s2, 1->33", 33, 3, 3, 2, 2, "valid", true, new int[] {6, 6, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void conv2d(String name, int filters, int kh, int kw, int sh, int sw, String padding, boolean bias, int[] in) {
        Conv2D conv = new Conv2D(filters, kh, kw).strides(sh, sw).padding(padding).useBias(bias);
        assertPasses(check(conv, in, 2, 11));
    }

    @Test
    void conv2dWithActivations() {
        for (String act : new String[] {"sigmoid", "tanh", "softmax"}) {
            Conv2D conv = new Conv2D(3, 2, 3).padding("same").activation(act);
            assertPasses(check(conv, new int[] {4, 5, 2}, 2, 12));
        }
        assertPasses(reluCheck(() -> new Conv2D(3, 3, 2).strides(1, 2).activation("relu"), new int[] {5, 6, 2}, 2));
    }

    /**
     * One-channel images, 3x3, stride 1, valid, few filters: convolved directly from the images. Rows
     * of 17 outputs end in a vector that overlaps the one before it; rows of 32 are two whole vectors.
     */
    @Test
    void conv2dDirect() {
        for (int[] in : new int[][] {{4, 19, 1}, {3, 34, 1}}) {
            Conv2D conv = new Conv2D(3, 3);
            GradientCheck.Result check = check(conv, in, 2, 13);
            assertEquals(Simd.ENABLED, conv.direct(), "direct path taken for " + java.util.Arrays.toString(in));
            assertPasses(check);
        }
        assertPasses(reluCheck(() -> new Conv2D(2, 3).activation("relu"), new int[] {3, 20, 1}, 3));
    }

    /**
     * Stride 1 with 16 to 64 channels and filters: the windows read in place ({@code ImplicitConv}), the input
     * gradient as the convolution of the padded output gradient with the flipped kernel.
     */
    @Test
    void conv2dImplicit() {
        Conv2D fitsEveryWidth = new Conv2D(64, 2).padding("same");
        GradientCheck.Result check = check(fitsEveryWidth, new int[] {3, 4, 64}, 2, 40);
        assertEquals(Simd.ENABLED, fitsEveryWidth.implicit(), "implicit path taken");
        assertPasses(check);
        assertPasses(check(new Conv2D(16, 3).padding("same"), new int[] {4, 5, 16}, 2, 41));
        assertPasses(check(new Conv2D(16, 2, 3).dilationRate(2, 1).padding("same"), new int[] {5, 5, 16}, 2, 42));
        assertPasses(check(new Conv1D(16, 3).padding("causal"), new int[] {7, 16}, 2, 43));
        // Dilated along the width: the flipped convolution through an im2col matrix instead.
        assertPasses(check(new Conv2D(16, 3).dilationRate(1, 2).padding("same"), new int[] {4, 6, 16}, 2, 44));
    }

    /** Dilated kernels, on the transposed path (few filters) and the direct one (more filters than lanes). */
    @Test
    void dilatedConvolutions() {
        assertPasses(check(new Conv2D(3, 3).dilationRate(2), new int[] {6, 7, 2}, 2, 31));
        assertPasses(check(new Conv2D(2, 2, 3).dilationRate(2, 1).padding("same"), new int[] {5, 4, 2}, 2, 32));
        assertPasses(check(new Conv2D(17, 2).dilationRate(3).padding("same"), new int[] {4, 5, 2}, 2, 33));
        assertPasses(check(new Conv2D(2, 3).dilationRate(1, 2).padding("same").useBias(false), new int[] {6, 6, 1}, 2,
                34));
        assertPasses(check(new Conv1D(3, 3).dilationRate(2).padding("causal"), new int[] {7, 2}, 2, 35));
        assertPasses(check(new Conv1D(2, 2).dilationRate(3).padding("same"), new int[] {6, 3}, 2, 36));
        assertPasses(check(new Conv2DTranspose(3, 3).dilationRate(2), new int[] {3, 2, 2}, 2, 37));
        assertPasses(check(new Conv2DTranspose(2, 2, 3).dilationRate(2).padding("same"), new int[] {3, 4, 2}, 2, 38));
    }

    // ---- Conv2DTranspose ----

    static Stream<Arguments> transposedConvolutions() {
        return Stream.of(
                // name, filters, kh, kw, sh, sw, padding, bias, input (h, w, c)
                Arguments.of("3x3 valid s1, 2->3", 3, 3, 3, 1, 1, "valid", true, new int[] {3, 4, 2}),
                Arguments.of("3x3 same s2, 3->2", 2, 3, 3, 2, 2, "same", true, new int[] {3, 2, 3}),
                Arguments.of("2x2 valid s2, 1->4, no bias", 4, 2, 2, 2, 2, "valid", false, new int[] {2, 3, 1}),
                // A window smaller than the stride leaves output positions no input reaches.
                Arguments.of("1x2 valid s3, 2->2", 2, 1, 2, 3, 3, "valid", true, new int[] {2, 2, 2}),
                Arguments.of("4x3 same s(2,1), 2->3", 3, 4, 3, 2, 1, "same", true, new int[] {3, 3, 2}),
                Arguments.of("3x3 same s1, 2->17", 17, 3, 3, 1, 1, "same", true, new int[] {3, 3, 2}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposedConvolutions")
    void conv2dTranspose(String name, int filters, int kh, int kw, int sh, int sw, String padding, boolean bias,
                         int[] in) {
        Conv2DTranspose conv = new Conv2DTranspose(filters, kh, kw).strides(sh, sw).padding(padding).useBias(bias);
        assertPasses(check(conv, in, 2, 15));
    }

    @Test
    void conv2dTransposeWithActivations() {
        assertPasses(check(new Conv2DTranspose(3, 3).strides(2).padding("same").activation("tanh"),
                new int[] {2, 3, 2}, 2, 16));
        assertPasses(check(new Conv2DTranspose(4, 2).activation("softmax"), new int[] {2, 2, 3}, 2, 17));
        // An output sums up to 4 products of inputs and weights in [-1, 1]: a step h moves it by up to 4h.
        assertPasses(reluCheck(() -> new Conv2DTranspose(2, 2).strides(2).activation("relu"), new int[] {2, 3, 2}, 2,
                4));
    }

    // ---- Conv1D ----

    @Test
    void conv1d() {
        assertPasses(check(new Conv1D(3, 3), new int[] {7, 2}, 2, 18));
        assertPasses(check(new Conv1D(2, 4).strides(2).padding("same").useBias(false), new int[] {9, 3}, 2, 19));
        assertPasses(check(new Conv1D(3, 3).padding("causal"), new int[] {5, 2}, 2, 20));
        assertPasses(check(new Conv1D(2, 2).strides(3).padding("causal").activation("tanh"), new int[] {8, 1}, 2, 29));
        // More filters than vector lanes: vectors along the filters rather than the steps.
        assertPasses(check(new Conv1D(17, 3).padding("same"), new int[] {4, 2}, 2, 30));
    }

    // ---- DepthwiseConv2D, SeparableConv2D ----

    static Stream<Arguments> depthwiseConvolutions() {
        return Stream.of(
                // name, kh, kw, sh, sw, padding, depth multiplier, bias, input (h, w, c)
                Arguments.of("3x3 valid s1, m1", 3, 3, 1, 1, "valid", 1, true, new int[] {5, 5, 2}),
                Arguments.of("3x3 same s1, m2", 3, 3, 1, 1, "same", 2, true, new int[] {4, 5, 3}),
                Arguments.of("3x3 valid s2, m2, no bias", 3, 3, 2, 2, "valid", 2, false, new int[] {7, 6, 2}),
                Arguments.of("3x3 same s2, m1, no bias", 3, 3, 2, 2, "same", 1, false, new int[] {6, 5, 3}),
                // Even input, stride 2: the one padding row/column goes after, none before.
                Arguments.of("3x2 same s2, m2", 3, 2, 2, 2, "same", 2, true, new int[] {6, 5, 2}),
                Arguments.of("2x3 same s(2,1), m3, no bias", 2, 3, 2, 1, "same", 3, false, new int[] {5, 4, 1}),
                // Even kernel: padding 1 before and 2 after on each axis.
                Arguments.of("4x4 same s3, m1", 4, 4, 3, 3, "same", 1, true, new int[] {7, 8, 2}),
                // At least a vector of channels (SIMD path), the last vector overlapping the one before.
                Arguments.of("3x3 same s2, 9 channels x 2", 3, 3, 2, 2, "same", 2, true, new int[] {5, 4, 9}),
                Arguments.of("3x3 valid s1, 19 channels", 3, 3, 1, 1, "valid", 1, true, new int[] {4, 4, 19}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwiseConvolutions")
    void depthwiseConv2d(String name, int kh, int kw, int sh, int sw, String padding, int m, boolean bias, int[] in) {
        DepthwiseConv2D conv = new DepthwiseConv2D(kh, kw).strides(sh, sw).padding(padding).depthMultiplier(m)
                .useBias(bias);
        assertPasses(check(conv, in, 2, 111));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwiseConvolutions")
    void separableConv2d(String name, int kh, int kw, int sh, int sw, String padding, int m, boolean bias, int[] in) {
        SeparableConv2D conv = new SeparableConv2D(3, kh, kw).strides(sh, sw).padding(padding).depthMultiplier(m)
                .useBias(bias);
        assertPasses(check(conv, in, 2, 112));
    }

    @Test
    void depthwiseConvolutionsWithActivations() {
        for (String act : new String[] {"sigmoid", "tanh", "softmax"}) {
            assertPasses(check(new DepthwiseConv2D(3).padding("same").depthMultiplier(2).activation(act),
                    new int[] {4, 5, 2}, 2, 113));
            assertPasses(check(new SeparableConv2D(4, 2, 3).padding("same").activation(act), new int[] {4, 5, 2}, 2,
                    114));
        }
        assertPasses(reluCheck(() -> new DepthwiseConv2D(3).strides(2).padding("same").depthMultiplier(2)
                .activation("relu"), new int[] {6, 5, 3}, 2));
        assertPasses(reluCheck(() -> new DepthwiseConv2D(3).activation("relu"), new int[] {5, 5, 9}, 2));
        // A pointwise weight multiplies a depthwise output, a sum of 4 products of a 2x2 window: perturbing
        // it moves z by up to 4h (other elements by at most h, the depth multiplier being 1).
        assertPasses(reluCheck(() -> new SeparableConv2D(2, 2).strides(1, 2).padding("same").activation("relu"),
                new int[] {3, 4, 2}, 2, 4));
    }

    // ---- Dense ----

    @Test
    void denseOnVectors() {
        assertPasses(check(new Dense(4), new int[] {7}, 3, 21));
        assertPasses(check(new Dense(3).useBias(false), new int[] {5}, 3, 22));
        assertPasses(check(new Dense(1), new int[] {1}, 2, 23));
        // Fewer units than vector lanes run as dot products, more as vector rows: check both paths.
        assertPasses(check(new Dense(19), new int[] {5}, 3, 27));
        assertPasses(check(new Dense(35), new int[] {2, 4}, 2, 28));
    }

    /** On (2, 3, 5) Dense acts on the last axis: 6 rows per sample share one (5, 4) kernel. */
    @Test
    void denseOnTheLastAxisOfARank3Input() {
        Dense dense = new Dense(4);
        assertPasses(check(dense, new int[] {2, 3, 5}, 2, 24));
        assertArrayEquals(new int[] {2, 3, 4}, dense.outputShape());
        assertArrayEquals(new int[] {5, 4}, dense.parameters().get(0).value().shape());
    }

    @Test
    void denseWithActivations() {
        for (String act : new String[] {"linear", "sigmoid", "tanh", "softmax"}) {
            assertPasses(check(new Dense(4).activation(act), new int[] {6}, 3, 25));
            // Softmax over the last axis of each of the 3 rows of a sample.
            assertPasses(check(new Dense(4).activation(act), new int[] {3, 5}, 2, 26));
        }
        assertPasses(reluCheck(() -> new Dense(5).activation("relu"), new int[] {6}, 3));
    }

    // ---- MaxPool2D ----

    static Stream<Arguments> poolings() {
        return Stream.of(
                // name, ph, pw, sh, sw, padding, input (h, w, c)
                Arguments.of("2x2 valid", 2, 2, 2, 2, "valid", new int[] {4, 4, 2}),
                Arguments.of("2x2 valid, odd input (last row and column unused)", 2, 2, 2, 2, "valid",
                        new int[] {5, 5, 1}),
                Arguments.of("3x3 same", 3, 3, 3, 3, "same", new int[] {5, 7, 2}),
                // Overlapping windows: an input that wins two windows gets both gradients.
                Arguments.of("3x3 s2 valid", 3, 3, 2, 2, "valid", new int[] {7, 7, 1}),
                Arguments.of("3x3 s1 same", 3, 3, 1, 1, "same", new int[] {4, 5, 2}),
                // Stride larger than the pool: skipped inputs get zero.
                Arguments.of("2x2 s3 valid", 2, 2, 3, 3, "valid", new int[] {7, 8, 1}),
                Arguments.of("2x2 s3 same", 2, 2, 3, 3, "same", new int[] {7, 8, 1}),
                Arguments.of("2x3 s(1,2) same", 2, 3, 1, 2, "same", new int[] {5, 6, 2}),
                // Channels that fill whole vectors: pooled with vectors along the channels.
                Arguments.of("2x2 valid, 32 channels", 2, 2, 2, 2, "valid", new int[] {4, 4, 32}),
                Arguments.of("2x2 valid, 16 channels, odd input", 2, 2, 2, 2, "valid", new int[] {5, 3, 16}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolings")
    void maxPool2d(String name, int ph, int pw, int sh, int sw, String padding, int[] in) {
        MaxPool2D pool = new MaxPool2D(ph, pw).strides(sh, sw).padding(padding);
        pool.build(in, new SplittableRandom(1));
        int n = 2;
        SplittableRandom rnd = new SplittableRandom(31);
        assertPasses(new GradientCheck(pool, n, distinct(rnd, n * size(in)), uniform(rnd, n * size(pool.outputShape()),
                -1, 1), false, 0).run());
    }

    // ---- ZeroPadding2D, Cropping2D, UpSampling2D, GlobalMaxPooling2D ----

    @Test
    void zeroPaddingAndCropping() {
        assertPasses(check(new ZeroPadding2D(1, 2, 0, 3), new int[] {3, 2, 2}, 2, 71));
        assertPasses(check(new ZeroPadding2D(), new int[] {2, 3, 1}, 2, 72));
        assertPasses(check(new Cropping2D(1, 0, 2, 1), new int[] {4, 5, 3}, 2, 73));
        assertPasses(check(new Cropping2D(1), new int[] {3, 4, 2}, 2, 74));
    }

    @Test
    void upSampling2d() {
        assertPasses(check(new UpSampling2D(2, 3), new int[] {2, 3, 2}, 2, 75));
        assertPasses(check(new UpSampling2D(), new int[] {3, 2, 1}, 2, 76));
    }

    @Test
    void globalMaxPooling2d() {
        for (boolean keepdims : new boolean[] {false, true}) {
            GlobalMaxPooling2D pool = new GlobalMaxPooling2D(keepdims);
            int[] in = {3, 4, 5};
            pool.build(in, new SplittableRandom(1));
            int n = 2;
            SplittableRandom rnd = new SplittableRandom(77);
            assertPasses(new GradientCheck(pool, n, distinct(rnd, n * size(in)), uniform(rnd, n * 5, -1, 1), false, 0)
                    .run());
        }
    }

    // ---- LayerNormalization ----

    @Test
    void layerNormalization() {
        assertPasses(check(new LayerNormalization(), new int[] {3, 5}, 2, 81));
        assertPasses(check(new LayerNormalization().epsilon(1e-5), new int[] {2, 3, 4}, 2, 82));
        assertPasses(check(new LayerNormalization().center(false), new int[] {6}, 3, 83));
        assertPasses(check(new LayerNormalization().scale(false), new int[] {6}, 3, 84));
        assertPasses(check(new LayerNormalization().center(false).scale(false), new int[] {2, 7}, 2, 85));
    }

    // ---- MaxPooling1D, AveragePooling1D ----

    @Test
    void pooling1d() {
        int n = 2;
        MaxPooling1D[] pools = {new MaxPooling1D(), new MaxPooling1D(3).strides(2).padding("same")};
        for (MaxPooling1D pool : pools) {
            int[] in = {7, 3};
            pool.build(in, new SplittableRandom(1));
            SplittableRandom rnd = new SplittableRandom(86);
            assertPasses(new GradientCheck(pool, n, distinct(rnd, n * size(in)),
                    uniform(rnd, n * size(pool.outputShape()), -1, 1), false, 0).run());
        }
        assertPasses(check(new AveragePooling1D(), new int[] {6, 2}, n, 87));
        assertPasses(check(new AveragePooling1D(3).strides(1).padding("same"), new int[] {5, 3}, n, 88));
    }

    // ---- Embedding ----

    /**
     * Ids are truncated to integers as Keras casts them: drawn as k + 0.5, a step of h keeps each in its
     * row, so the ids' numeric gradient is 0, as the layer says; 12 ids over 5 rows repeat rows, whose
     * gradients must add up.
     */
    @Test
    void embedding() {
        for (int[] in : new int[][] {{6}, {2, 3}}) {
            Embedding embedding = new Embedding(5, 3);
            embedding.build(in, new SplittableRandom(1));
            SplittableRandom rnd = new SplittableRandom(89);
            int n = 2;
            float[] x = new float[n * size(in)];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(5) + 0.5f;
            }
            assertPasses(new GradientCheck(embedding, n, x, uniform(rnd, x.length * 3, -1, 1), false, 0).run());
        }
    }

    // ---- Flatten, Activation, Dropout ----

    @Test
    void flatten() {
        assertPasses(check(new Flatten(), new int[] {3, 2, 4}, 2, 41));
    }

    /** Each function's backward, through the Activation layer; softmax normalises rows of 5. */
    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void activation(ActivationFunction function) {
        Activation layer = new Activation(function);
        int[] in = {3, 5};
        layer.build(in, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(51 + function.ordinal());
        int n = 2;
        // ReLU's kink at 0: no input within 0.1 (= 10h) of it. Range ±2 covers sigmoid and tanh's curvature.
        float[] x = awayFromZero(rnd, n * size(in), 0.1, 2);
        assertPasses(new GradientCheck(layer, n, x, uniform(rnd, x.length, -1, 1), false, 0).run());
    }

    /**
     * ReLU6 clips at 6 too (Keras's "relu6"): values on both sides of the upper kink, none within 10h of
     * it, check that the slope is 1 below 6 and 0 above; the forward clips as {@code min(max(x, 0), 6)}.
     */
    @Test
    void relu6AtItsUpperBound() {
        Activation layer = new Activation("relu6");
        assertEquals("relu6", layer.activation().kerasName());
        int[] in = {4, 5};
        layer.build(in, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(52);
        int n = 2;
        float[] x = awayFromZero(rnd, n * size(in), 0.1, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] += 6f;
        }
        assertPasses(new GradientCheck(layer, n, x, uniform(rnd, x.length, -1, 1), false, 0).run());
        float[] v = {-1f, 0f, 2.5f, 6f, 7.25f};
        ActivationFunction.RELU6.forward(v, 0, 1, 5);
        assertArrayEquals(new float[] {0f, 0f, 2.5f, 6f, 6f}, v);
        float[] dy = {1f, 1f, 1f, 1f, 1f};
        ActivationFunction.RELU6.backward(v, dy, 0, 1, 5);
        assertArrayEquals(new float[] {0f, 0f, 1f, 0f, 0f}, dy);
    }

    /** Keras's definitions at points worked out by hand, including where softplus would overflow. */
    @Test
    void activationValues() {
        float[] x = {-1f, 1f, 0f, 100f, -100f, -3f, 1.5f, 4f, -2f};
        float[][] expected = {
            // elu: e^x - 1 below 0
            {-0.63212055f, 1f, 0f, 100f, -1f, -0.95021296f, 1.5f, 4f, -0.86466473f},
            // selu: 1.0507 * (x, or 1.6733 * (e^x - 1))
            {-1.1113307f, 1.0507010f, 0f, 105.07010f, -1.7580993f, -1.6705687f, 1.5760515f, 4.202804f, -1.5201665f},
            // softplus: log(1 + e^x)
            {0.31326169f, 1.3132616f, 0.69314718f, 100f, 3.7200760e-44f, 0.048587352f, 1.7014132f, 4.0181499f,
                0.12692801f},
            // hard_sigmoid: relu6(x + 3) / 6
            {1f / 3, 2f / 3, 0.5f, 1f, 0f, 0f, 0.75f, 1f, 1f / 6},
            // leaky_relu: 0.2 x below 0
            {-0.2f, 1f, 0f, 100f, -20f, -0.6f, 1.5f, 4f, -0.4f}};
        ActivationFunction[] functions = {ActivationFunction.ELU, ActivationFunction.SELU, ActivationFunction.SOFTPLUS,
            ActivationFunction.HARD_SIGMOID, ActivationFunction.LEAKY_RELU};
        for (int f = 0; f < functions.length; f++) {
            float[] v = x.clone();
            functions[f].forward(v, 0, 1, v.length);
            for (int i = 0; i < v.length; i++) {
                assertEquals(expected[f][i], v[i], Math.max(1e-6f, Math.ulp(expected[f][i]) * 4),
                        functions[f].kerasName() + "(" + x[i] + ")");
            }
            assertEquals(functions[f], ActivationFunction.of(functions[f].kerasName()));
        }
        // hard_sigmoid's slope is 1/6 strictly inside its ramp (-3 < x < 3), 0 outside.
        float[] y = {0f, 0.5f, 1f};
        float[] dy = {1f, 1f, 1f};
        ActivationFunction.HARD_SIGMOID.backward(y, dy, 0, 1, 3);
        assertArrayEquals(new float[] {0f, 1f / 6, 0f}, dy);
    }

    @Test
    void dropoutInTraining() {
        Dropout dropout = new Dropout(0.4);
        int[] in = {4, 5};
        dropout.build(in, new SplittableRandom(1));
        int n = 3;
        SplittableRandom rnd = new SplittableRandom(61);
        float[] x = uniform(rnd, n * size(in), -1, 1);
        GradientCheck check = new GradientCheck(dropout, n, x, uniform(rnd, x.length, -1, 1), true, 99);
        assertPasses(check.run());
        // The mask is not trivial: some inputs are dropped, the others scaled by 1 / (1 - 0.4).
        float[] y = check.preActivation();
        int dropped = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 0f) {
                dropped++;
            } else {
                assertTrue(Math.abs(y[i] - x[i] / 0.6f) <= 1e-6f, "kept value " + i);
            }
        }
        assertTrue(dropped > 5 && dropped < 55, dropped + " of 60 dropped");
    }

    /** Whole channels of a sample are dropped or kept: every position of a channel has the same factor. */
    @Test
    void spatialDropout2dInTraining() {
        SpatialDropout2D dropout = new SpatialDropout2D(0.5);
        int[] in = {2, 3, 8};
        dropout.build(in, new SplittableRandom(1));
        int n = 3;
        SplittableRandom rnd = new SplittableRandom(62);
        float[] x = awayFromZero(rnd, n * size(in), 0.1, 1);
        GradientCheck check = new GradientCheck(dropout, n, x, uniform(rnd, x.length, -1, 1), true, 98);
        assertPasses(check.run());
        float[] y = check.preActivation();
        int dropped = 0;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < 8; ch++) {
                int first = b * 48 + ch;
                float factor = y[first] / x[first];
                assertTrue(factor == 0f || Math.abs(factor - 2f) <= 1e-6f, "factor " + factor);
                dropped += factor == 0f ? 1 : 0;
                for (int p = 1; p < 6; p++) {
                    int i = first + p * 8;
                    assertEquals(x[i] * factor, y[i], 1e-6f, "sample " + b + ", channel " + ch + ", position " + p);
                }
            }
        }
        assertTrue(dropped > 2 && dropped < 22, dropped + " of 24 channels dropped");
    }

    @Test
    void dropoutAtInferenceIsTheIdentity() {
        Dropout dropout = new Dropout(0.5);
        dropout.build(new int[] {6}, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(62);
        float[] x = uniform(rnd, 12, -1, 1);
        GradientCheck check = new GradientCheck(dropout, 2, x, uniform(rnd, 12, -1, 1), false, 99);
        assertArrayEquals(x, check.preActivation());
        assertPasses(check.run());
    }

    // ---- AveragePooling2D, GlobalAveragePooling2D, Reshape ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolings")
    void averagePooling2d(String name, int ph, int pw, int sh, int sw, String padding, int[] in) {
        assertPasses(check(new AveragePooling2D(ph, pw).strides(sh, sw).padding(padding), in, 2, 81));
    }

    @Test
    void globalAveragePooling2d() {
        assertPasses(check(new GlobalAveragePooling2D(), new int[] {3, 4, 2}, 2, 82));
        assertPasses(check(new GlobalAveragePooling2D(true), new int[] {2, 3, 3}, 3, 83));
    }

    @Test
    void reshape() {
        assertPasses(check(new Reshape(4, -1), new int[] {2, 3, 2}, 2, 84));
    }

    // ---- BatchNormalization ----

    static Stream<Arguments> batchNormalizations() {
        return Stream.of(
                // name, center, scale, training, input
                Arguments.of("training, images", true, true, true, new int[] {2, 3, 2}),
                Arguments.of("training, vectors", true, true, true, new int[] {4}),
                Arguments.of("training, no scale", true, false, true, new int[] {2, 2, 3}),
                Arguments.of("training, no center", false, true, true, new int[] {3}),
                Arguments.of("inference", true, true, false, new int[] {2, 2, 3}));
    }

    /**
     * In training the mean and variance are functions of the batch, so every input's gradient has
     * terms through them; 3 samples of several positions give each channel 3 to 18 rows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNormalizations")
    void batchNormalization(String name, boolean center, boolean scale, boolean training, int[] in) {
        BatchNormalization bn = new BatchNormalization().center(center).scale(scale);
        SplittableRandom rnd = new SplittableRandom(91);
        bn.build(in, rnd);
        for (Parameter p : bn.parameters()) {
            // Variances must be positive; the other values any.
            float[] u = p.name().equals("moving_variance") ? uniform(rnd, p.value().size(), 0.5, 2)
                    : uniform(rnd, p.value().size(), -1, 1);
            System.arraycopy(u, 0, p.value().data(), 0, u.length);
        }
        int n = 3;
        float[] x = uniform(rnd, n * size(in), -1, 1);
        assertPasses(new GradientCheck(bn, n, x, uniform(rnd, x.length, -1, 1), training, 0).run());
    }

    // ---- the check itself: mistakes must fail it ----

    @Test
    void aGradientOffByAFewPercentFails() {
        GradientCheck check = setUp(new Conv2D(2, 3).padding("same"), new int[] {4, 4, 2}, 2, 71);
        assertPasses(check.run());
        assertFails(check.run((x, y, d, dx, g) -> {
            check.engineBackward(x, y, d, dx, g);
            scale(g[0], 1.03f);
        }));
    }

    @Test
    void anInputGradientAtTheWrongIndexFails() {
        GradientCheck check = setUp(new Conv2D(2, 3).strides(2, 2), new int[] {5, 5, 1}, 2, 72);
        assertFails(check.run((x, y, d, dx, g) -> {
            check.engineBackward(x, y, d, dx, g);
            if (dx != null) {
                float first = dx[0];
                System.arraycopy(dx, 1, dx, 0, dx.length - 1);
                dx[dx.length - 1] = first;
            }
        }));
    }

    /** Bias gradient averaged instead of summed over the batch (3 samples). */
    @Test
    void aBiasGradientNotSummedOverTheBatchFails() {
        GradientCheck check = setUp(new Dense(3), new int[] {4}, 3, 73);
        assertFails(check.run((x, y, d, dx, g) -> {
            check.engineBackward(x, y, d, dx, g);
            scale(g[1], 1f / 3);
        }));
    }

    /** Gradients added to stale values instead of overwriting them. */
    @Test
    void accumulatingIntoTheGradientBuffersFails() {
        GradientCheck check = setUp(new Dense(3), new int[] {4}, 2, 74);
        assertFails(check.run((x, y, d, dx, g) -> {
            float[][] fresh = new float[g.length][];
            for (int p = 0; p < g.length; p++) {
                fresh[p] = new float[g[p].length];
            }
            check.engineBackward(x, y, d, dx, fresh);
            for (int p = 0; p < g.length; p++) {
                for (int i = 0; i < g[p].length; i++) {
                    g[p][i] = (Float.isNaN(g[p][i]) ? 0.5f : g[p][i]) + fresh[p][i];
                }
            }
        }));
    }

    /** Softmax's backward taken element-wise, y(1 - y), instead of with its full Jacobian. */
    @Test
    void anElementWiseSoftmaxBackwardFails() {
        Activation softmax = new Activation("softmax");
        softmax.build(new int[] {5}, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(75);
        GradientCheck check = new GradientCheck(softmax, 2, uniform(rnd, 10, -2, 2), uniform(rnd, 10, -1, 1), false, 0);
        assertFails(check.run((x, y, d, dx, g) -> {
            ActivationFunction.SIGMOID.backward(y, d, 0, 2, 5);
            System.arraycopy(d, 0, dx, 0, d.length);
        }));
    }

    /** Dropout's gradient without the mask (all ones). */
    @Test
    void dropoutIgnoringItsMaskFails() {
        Dropout dropout = new Dropout(0.4);
        dropout.build(new int[] {8}, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(76);
        GradientCheck check = new GradientCheck(dropout, 2, uniform(rnd, 16, -1, 1), uniform(rnd, 16, -1, 1), true, 5);
        assertFails(check.run((x, y, d, dx, g) -> System.arraycopy(d, 0, dx, 0, d.length)));
    }

    /** MaxPool's gradient sent to the first element of each window instead of the largest. */
    @Test
    void maxPoolRoutingToTheWrongElementFails() {
        MaxPool2D pool = new MaxPool2D(2);
        pool.build(new int[] {4, 4, 1}, new SplittableRandom(1));
        SplittableRandom rnd = new SplittableRandom(77);
        GradientCheck check = new GradientCheck(pool, 1, distinct(rnd, 16), uniform(rnd, 4, -1, 1), false, 0);
        assertPasses(check.run());
        assertFails(check.run((x, y, d, dx, g) -> {
            java.util.Arrays.fill(dx, 0f);
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    dx[(2 * oy) * 4 + 2 * ox] += d[oy * 2 + ox];
                }
            }
        }));
    }

    // ---- helpers ----

    private static void assertPasses(GradientCheck.Result result) {
        assertTrue(result.checked() > 0, "nothing checked");
        assertTrue(result.passed(), () -> "worst at " + result.where() + " (error / tolerance = " + result.ratio()
                + ")");
    }

    private static void assertFails(GradientCheck.Result result) {
        assertFalse(result.passed(), () -> "a wrong gradient passed; closest: " + result.where());
    }

    /** A built layer with random parameters (bias too), random inputs and r. */
    private static GradientCheck setUp(Layer layer, int[] in, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        layer.build(in, rnd);
        for (Parameter p : layer.parameters()) {
            float[] v = p.value().data();
            float[] u = uniform(rnd, v.length, -1, 1);
            System.arraycopy(u, 0, v, 0, v.length);
        }
        float[] x = uniform(rnd, n * size(in), -1, 1);
        int outs = n * size(layer.outputShape());
        return new GradientCheck(layer, n, x, uniform(rnd, outs, -1, 1), false, 0);
    }

    private static GradientCheck.Result check(Layer layer, int[] in, int n, long seed) {
        return setUp(layer, in, n, seed).run();
    }

    /**
     * A ReLU layer is only differentiable where no pre-activation z is 0. Perturbing one input or
     * weight by h moves z by at most h * max(1, |x|, |w|) <= h (all drawn in [-1, 1]); a draw is kept
     * only if every |z| is above twice that, else the next seed is tried.
     */
    private static GradientCheck.Result reluCheck(java.util.function.Supplier<Layer> layer, int[] in, int n) {
        return reluCheck(layer, in, n, 1);
    }

    /** {@link #reluCheck} for layers where perturbing an element by h moves z by up to {@code slope} * h. */
    private static GradientCheck.Result reluCheck(java.util.function.Supplier<Layer> layer, int[] in, int n,
                                                  double slope) {
        for (long seed = 1; seed < 200; seed++) {
            GradientCheck check = setUp(layer.get(), in, n, 1000 + seed);
            if (check.minAbsPreActivation() > 2 * H * slope) {
                return check.run();
            }
        }
        throw new AssertionError("no draw keeps the pre-activations away from 0");
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(lo, hi);
        }
        return v;
    }

    private static float[] awayFromZero(SplittableRandom rnd, int n, double min, double max) {
        float[] v = uniform(rnd, n, min, max);
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean()) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    /**
     * Values 0.05 apart in random order: no two within 2h, so perturbing one by ±h never changes
     * which element of a pooling window is the largest.
     */
    static float[] distinct(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.05f;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    private static void scale(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
    }
}
