package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.Simd;

/**
 * The direct convolution with vectors along the filters (few channels, no padding) against im2col and
 * the matrix products: the same bits forward, for the kernel gradient and for the input gradient, on
 * shapes with strides, dilations, several channels, rows that span blocks of the kernel gradient and
 * output rows that are not a multiple of its tiles.
 */
class DirectConvTest {
    @Test
    void firstLayerOfTheFashionResNet() {
        check(() -> new Conv2D(32, 3).activation("relu"), 3, 28, 28, 1);
    }

    @Test
    void stridedDilatedAndSeveralChannels() {
        check(() -> new Conv2D(64, 3).strides(2), 2, 15, 13, 3);
        check(() -> new Conv2D(32, 2, 3).dilationRate(2), 2, 9, 17, 2);
        check(() -> new Conv2D(32, 5).padding("same").useBias(false), 1, 5, 7, 1, false);
    }

    @Test
    void conv1dOfOneChannel() {
        check(() -> new Conv1D(32, 5).strides(3), 4, 1, 50, 1);
    }

    private static void check(Supplier<KernelLayer<?>> make, int n, int h, int w, int c) {
        check(make, n, h, w, c, true);
    }

    /** Runs the layer built both ways on the same weights and data; {@code direct}: whether it should go direct. */
    private static void check(Supplier<KernelLayer<?>> make, int n, int h, int w, int c, boolean direct) {
        KernelLayer<?> fast = make.get();
        KernelLayer<?> reference;
        CpuOptions before = CpuOptions.current();
        CpuOptions.set(new CpuOptions(true, "im2col"));
        try {
            reference = make.get();
            build(reference, h, w, c);
        } finally {
            CpuOptions.set(before);
        }
        build(fast, h, w, c);
        assertEquals(direct && Simd.ENABLED, directByFilters(fast), "direct path taken");
        assertEquals(false, directByFilters(reference));
        reference.setWeights(fast.getWeights());
        SplittableRandom random = new SplittableRandom(h * 31 + w);
        int[] out = fast.outputShape();
        float[] x = gaussian(random, n * h * w * c);
        int filters = out[out.length - 1];
        float[] dy = gaussian(random, n * java.util.Arrays.stream(out).reduce(1, (a, b) -> a * b));
        float[][][] results = new float[2][][];
        KernelLayer<?>[] layers = {fast, reference};
        for (int v = 0; v < 2; v++) {
            KernelLayer<?> layer = layers[v];
            Object scratch = layer.createScratch(n);
            layer.prepare(true);
            float[] y = new float[dy.length];
            layer.forward(x, y, n, scratch, true, random);
            float[][] grads = {new float[layer.getWeights().get(0).size()],
                new float[layer.useBias() ? filters : 0]};
            float[] dx = new float[x.length];
            layer.backward(x, y, dy, dx, n, scratch, grads);
            float[][] firstLayerGrads = {new float[grads[0].length], new float[grads[1].length]};
            layer.backward(x, y, dy, null, n, scratch, firstLayerGrads);
            results[v] = new float[][] {y, grads[0], grads[1], dx, firstLayerGrads[0]};
        }
        String[] names = {"output", "kernel gradient", "bias gradient", "input gradient", "kernel gradient without dx"};
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(results[1][i], results[0][i], names[i] + " of " + fast.name());
        }
    }

    private static void build(KernelLayer<?> layer, int h, int w, int c) {
        if (layer instanceof Conv1D) {
            layer.build(w, c);
        } else {
            layer.build(h, w, c);
        }
    }

    private static boolean directByFilters(KernelLayer<?> layer) {
        return layer instanceof Conv1D conv1d ? conv1d.directByFilters() : ((Conv2D) layer).directByFilters();
    }

    private static float[] gaussian(SplittableRandom random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
