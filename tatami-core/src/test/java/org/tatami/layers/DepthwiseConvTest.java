package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tatami.Tatami;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * DepthwiseConv2D and SeparableConv2D: forward on values worked out by hand and against
 * {@link DepthwiseReference} (backward too; {@code GradientCheckTest} checks it by finite
 * differences), weight layout and names, shape errors and parameter counts.
 */
class DepthwiseConvTest {
    /**
     * A 3x3 image of two channels: channel 0 holds 1..9, channel 1 their squares; a 2x2 kernel per
     * channel, k0 = [[1, 0], [0, 2]] and k1 = [[0, 1], [-1, 0]]; bias (0.5, -1).
     */
    @Test
    void depthwiseOnAKnownInput() {
        float[] x = new float[18];
        for (int p = 0; p < 9; p++) {
            x[2 * p] = p + 1;
            x[2 * p + 1] = (p + 1) * (p + 1);
        }
        DepthwiseConv2D conv = new DepthwiseConv2D(2);
        conv.build(3, 3, 2);
        // (kh, kw, in_channels, depth_multiplier): k(ky, kx, c, 0) at (ky * 2 + kx) * 2 + c.
        float[] k = {1, 0, 0, 1, 0, -1, 2, 0};
        conv.setWeights(List.of(Tensor.of(k, 2, 2, 2, 1), Tensor.vector(0.5f, -1f)));
        Tensor y = conv.call(Tensor.of(x, 1, 3, 3, 2));
        assertArrayEquals(new int[] {1, 2, 2, 2}, y.shape());
        // Channel 0: x(i, j) + 2 x(i+1, j+1) + 0.5 = (3i + j + 1) + 2 (3i + j + 5) + 0.5 = 9i + 3j + 11.5.
        // Channel 1: x(i, j+1) - x(i+1, j) - 1: 4 - 16 - 1, 9 - 25 - 1, 25 - 49 - 1, 36 - 64 - 1.
        assertArrayEquals(new float[] {11.5f, -13, 14.5f, -17, 20.5f, -25, 23.5f, -29}, y.data());
    }

    /** Output channel c * depth_multiplier + m is input channel c times window m, as in Keras. */
    @Test
    void depthMultiplierOrdersTheOutputChannelsByInputChannel() {
        DepthwiseConv2D conv = new DepthwiseConv2D(1).depthMultiplier(2).useBias(false);
        conv.build(1, 2, 2);
        // k(0, 0, c, m) at c * 2 + m.
        conv.setWeights(List.of(Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 2, 2)));
        Tensor y = conv.call(Tensor.of(new float[] {2, 3, 5, 7}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 2, 4}, y.shape());
        assertArrayEquals(new float[] {2, 20, 300, 3000, 5, 50, 700, 7000}, y.data());
    }

    /**
     * A 2x2 image of two channels (1..4 and 5..8), k0 = [[1, 0], [0, 1]] and k1 = [[0, 1], [-1, 0]]:
     * the depthwise step gives 1 + 4 = 5 and 6 - 7 = -1, which the pointwise kernel [[1, 2, 0],
     * [0, 1, -3]] and bias (0.5, 0, 1) turn into 5.5, 10 - 1 = 9 and 3 + 1 = 4.
     */
    @Test
    void separableOnAKnownInput() {
        SeparableConv2D conv = new SeparableConv2D(3, 2).activation("relu");
        conv.build(2, 2, 2);
        float[] depthwise = {1, 0, 0, 1, 0, -1, 1, 0};
        float[] pointwise = {1, 2, 0, 0, 1, -3};
        conv.setWeights(List.of(Tensor.of(depthwise, 2, 2, 2, 1), Tensor.of(pointwise, 1, 1, 2, 3),
                Tensor.vector(0.5f, 0f, 1f)));
        float[] x = {1, 5, 2, 6, 3, 7, 4, 8};
        Tensor y = conv.call(Tensor.of(x, 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 1, 1, 3}, y.shape());
        assertArrayEquals(new float[] {5.5f, 9, 4}, y.data());
        // -x: depthwise -5 and 1, outputs -4.5, -9 and -2 before the ReLU.
        for (int i = 0; i < x.length; i++) {
            x[i] = -x[i];
        }
        assertArrayEquals(new float[] {0, 0, 0}, conv.call(Tensor.of(x, 1, 2, 2, 2)).data());
    }

    /**
     * Random weights and inputs against the reference: forward, and backward for DepthwiseConv2D. The
     * channel counts cover the scalar path (fewer channels than a vector has lanes), blocks of four
     * vectors, single vectors and a last vector overlapping the one before it (8 or 16 lanes).
     */
    @ParameterizedTest(name = "{0}x{1} s({2},{3}) {4}, {5} channels x {6}")
    @CsvSource({
        "3, 3, 2, 2, same,  3, 2",
        "3, 3, 2, 2, same, 16, 2",
        "3, 3, 2, 2, same, 13, 2",
        "3, 3, 1, 1, same, 32, 1",
        "3, 3, 1, 1, valid, 35, 1",
        "5, 3, 2, 1, valid, 9, 3",
        "4, 4, 3, 3, same, 24, 1",
        "3, 3, 1, 1, same, 35, 2",
    })
    void depthwiseMatchesTheReference(int kh, int kw, int sh, int sw, String padding, int c, int m) {
        int[] in = {11, 10, c};
        int n = 3;
        SplittableRandom rnd = new SplittableRandom(kh * 1000 + c * 10 + m);
        DepthwiseConv2D conv = new DepthwiseConv2D(kh, kw).strides(sh, sw).padding(padding).depthMultiplier(m);
        conv.build(in, rnd);
        randomize(conv, rnd);
        DepthwiseReference ref = new DepthwiseReference(n, in, kh, kw, sh, sw, padding, m);
        float[] x = uniform(rnd, n * 11 * 10 * c);
        float[] k = conv.getWeights().get(0).data();
        float[] bias = conv.getWeights().get(1).data();
        assertArrayEquals(new int[] {ref.oh, ref.ow, c * m}, conv.outputShape());

        Object scratch = conv.createScratch(n);
        conv.prepare(true);
        float[] y = new float[n * ref.oh * ref.ow * c * m];
        conv.forward(x, y, n, scratch, true, rnd);
        DepthwiseReference.assertClose(ref.forward(x, k, bias), y, kh * kw + 2, "output");

        float[] dy = uniform(rnd, y.length);
        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        float[][] grads = {new float[k.length], new float[bias.length]};
        conv.backward(x, y, dy, dx, n, scratch, grads);
        DepthwiseReference.assertClose(ref.inputGradient(dy, k), dx, kh * kw * m + m + 2, "input gradient");
        DepthwiseReference.assertClose(ref.kernelGradient(x, dy), grads[0], n * ref.oh * ref.ow + 2,
                "kernel gradient");
    }

    /** Same padding, strides 2, depth multiplier 2, against the reference's depthwise then pointwise step. */
    @ParameterizedTest(name = "{0} channels")
    @CsvSource({"3", "12"})
    void separableMatchesTheReference(int c) {
        int[] in = {9, 8, c};
        int n = 2;
        int filters = 10;
        SplittableRandom rnd = new SplittableRandom(c);
        SeparableConv2D conv = new SeparableConv2D(filters, 3).strides(2).padding("same").depthMultiplier(2);
        conv.build(in, rnd);
        randomize(conv, rnd);
        List<Tensor> weights = conv.getWeights();
        DepthwiseReference ref = new DepthwiseReference(n, in, 3, 3, 2, 2, "same", 2);
        float[] x = uniform(rnd, n * 9 * 8 * c);
        Tensor y = conv.call(Tensor.of(x, n, 9, 8, c));
        assertArrayEquals(new int[] {n, 5, 4, filters}, y.shape());
        DepthwiseReference.Sums expected = ref.pointwise(ref.forward(x, weights.get(0).data(), null),
                weights.get(1).data(), filters, weights.get(2).data());
        DepthwiseReference.assertClose(expected, y.data(), 9 + 2 * c + 3, "output");
    }

    @Test
    void weightsHaveKerasNamesAndShapes() {
        Tatami.clearSession();
        DepthwiseConv2D dw = new DepthwiseConv2D(3).depthMultiplier(2);
        SeparableConv2D sep = new SeparableConv2D(5, 3, 2).useBias(false);
        Sequential model = new Sequential(dw.inputShape(8, 8, 4), sep);
        assertEquals(List.of("depthwise_conv2d/depthwise_kernel", "depthwise_conv2d/bias",
                "separable_conv2d/depthwise_kernel", "separable_conv2d/pointwise_kernel"),
                List.copyOf(model.namedWeights().keySet()));
        assertArrayEquals(new int[] {3, 3, 4, 2}, dw.getWeights().get(0).shape());
        assertArrayEquals(new int[] {8}, dw.getWeights().get(1).shape());
        assertArrayEquals(new int[] {3, 2, 8, 1}, sep.getWeights().get(0).shape());
        assertArrayEquals(new int[] {1, 1, 8, 5}, sep.getWeights().get(1).shape());
        assertArrayEquals(new int[] {6, 6, 8}, dw.outputShape());
        assertArrayEquals(new int[] {4, 5, 5}, sep.outputShape());
    }

    @Test
    void summaryCountsTheParametersAsKeras() {
        Tatami.clearSession();
        DepthwiseConv2D alone = new DepthwiseConv2D(3);
        alone.build(8, 8, 4);
        assertEquals(3 * 3 * 4 + 4, alone.countParams());
        SeparableConv2D separable = new SeparableConv2D(8, 3);
        separable.build(8, 8, 4);
        assertEquals(36 + 32 + 8, separable.countParams());

        Sequential model = new Sequential(new DepthwiseConv2D(3).padding("same").name("dw").inputShape(8, 8, 4),
                new SeparableConv2D(8, 3).name("sep"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(Pattern.compile("dw \\(DepthwiseConv2D\\) +\\(None, 8, 8, 4\\) +40 ").matcher(text).find(), text);
        assertTrue(Pattern.compile("sep \\(SeparableConv2D\\) +\\(None, 6, 6, 8\\) +76 ").matcher(text).find(), text);
        assertTrue(text.contains("Total params: 116"), text);
    }

    @Test
    void shapeErrorsNameTheLayerWhatItExpectsAndWhatItGot() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> new DepthwiseConv2D(3).name("dw").build(8, 8));
        assertTrue(rank.getMessage().contains("dw (DepthwiseConv2D) expects input of shape (height, width, channels),"
                + " got (None, 8, 8)"), rank.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> new DepthwiseConv2D(3, 5).name("dw2").build(6, 4, 2));
        assertTrue(window.getMessage().contains("dw2 (DepthwiseConv2D): input width 4 is smaller than the window 5"
                + " with padding 'valid'"), window.getMessage());
        IllegalArgumentException separable = assertThrows(IllegalArgumentException.class,
                () -> new SeparableConv2D(4, 3).name("sep").build(2, 8, 3));
        assertTrue(separable.getMessage().contains("sep (SeparableConv2D): input height 2 is smaller than the window"
                + " 3"), separable.getMessage());
        // Same padding takes any size.
        new DepthwiseConv2D(5).padding("same").build(2, 2, 1);

        IllegalArgumentException called = assertThrows(IllegalArgumentException.class,
                () -> new DepthwiseConv2D(3).name("dw3").call(Tensor.zeros(1, 8, 8)));
        assertTrue(called.getMessage().contains("dw3 (DepthwiseConv2D) expects input of shape"), called.getMessage());
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(0));
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(3).depthMultiplier(0));
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(3).strides(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SeparableConv2D(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new SeparableConv2D(4, 3, -1));
        DepthwiseConv2D built = new DepthwiseConv2D(3);
        built.build(4, 4, 1);
        assertThrows(IllegalStateException.class, () -> built.depthMultiplier(2));
    }

    /** Bias and activation are fused into forward: the same values as applying them afterwards. */
    @Test
    void fusedActivationEqualsActivationAppliedAfterwards() {
        SplittableRandom rnd = new SplittableRandom(9);
        Tensor x = Tensor.of(uniform(rnd, 2 * 6 * 6 * 10), 2, 6, 6, 10);
        for (String act : new String[] {"relu", "softmax", "tanh"}) {
            List<Layer> fused = List.of(new DepthwiseConv2D(3).activation(act),
                    new SeparableConv2D(4, 3).activation(act));
            List<Layer> linear = List.of(new DepthwiseConv2D(3), new SeparableConv2D(4, 3));
            for (int i = 0; i < 2; i++) {
                fused.get(i).build(new int[] {6, 6, 10}, new SplittableRandom(i));
                linear.get(i).build(new int[] {6, 6, 10}, new SplittableRandom(i));
                randomize(linear.get(i), new SplittableRandom(i));
                fused.get(i).setWeights(linear.get(i).getWeights());
                Tensor expected = linear.get(i).call(x);
                int width = expected.shape()[3];
                org.tatami.activations.ActivationFunction.of(act).forward(expected.data(), 0,
                        expected.size() / width, width);
                assertArrayEquals(expected.data(), fused.get(i).call(x).data(), act + ", " + fused.get(i).className());
            }
        }
    }

    private static Sequential blocks() {
        return new Sequential(
                new DepthwiseConv2D(3).padding("same").activation("relu").inputShape(8, 8, 3),
                new SeparableConv2D(8, 3).strides(2).padding("same").depthMultiplier(2).activation("relu"),
                new GlobalAveragePooling2D(),
                new Dense(2).activation("softmax"));
    }

    /**
     * MobileNet-style blocks train through the engine (batches split among its workers) on a task they
     * can learn, which channel is brighter on average, and their weights reload by name.
     */
    @Test
    void blocksTrainAndTheirWeightsReload(@TempDir Path dir) throws IOException {
        Tatami.clearSession();
        Tatami.setRandomSeed(1);
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 256;
        float[] v = new float[n * 8 * 8 * 3];
        int[] labels = new int[n];
        for (int b = 0; b < n; b++) {
            labels[b] = rnd.nextInt(2);
            for (int p = 0; p < 64; p++) {
                for (int ch = 0; ch < 3; ch++) {
                    v[(b * 64 + p) * 3 + ch] = (float) rnd.nextDouble() + (ch == labels[b] ? 0.3f : 0f);
                }
            }
        }
        Tensor x = Tensor.of(v, n, 8, 8, 3);
        Sequential model = blocks();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        History h = model.fit(x, IntTensor.of(labels, n), new FitOptions().batchSize(32).epochs(8).verbose(0));
        assertTrue(h.get("loss").get(7) < 0.5 * h.get("loss").get(0), "loss: " + h.get("loss"));
        assertTrue(h.get("accuracy").get(7) > 0.95, "accuracy: " + h.get("accuracy"));

        Path file = dir.resolve("blocks.safetensors");
        model.saveWeights(file);
        Tatami.clearSession();
        Sequential fresh = blocks();
        fresh.loadWeights(file);
        assertEquals(model.predict(x), fresh.predict(x));
    }

    /** All weights (bias too) uniform in [-1, 1]. */
    private static void randomize(Layer layer, SplittableRandom rnd) {
        for (Parameter p : layer.parameters()) {
            float[] u = uniform(rnd, p.value().size());
            System.arraycopy(u, 0, p.value().data(), 0, u.length);
        }
    }

    private static float[] uniform(SplittableRandom rnd, int n) {
        return GradientCheckTest.uniform(rnd, n, -1, 1);
    }
}
