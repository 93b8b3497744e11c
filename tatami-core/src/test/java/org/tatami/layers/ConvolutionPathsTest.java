package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.ImplicitConv;
import org.tatami.kernels.Simd;

/**
 * The convolution's faster paths against im2col and the matrix products ({@code CpuOptions} conv
 * "im2col"), on the same weights and data: the direct one with vectors along the filters (few
 * channels, no padding) and the implicit one (stride 1, windows read in place, forward and for the
 * input gradient as a convolution with the flipped kernel) give the same bits as im2col of the same
 * convolutions, for the output and every gradient. Shapes with strides, dilations, padding, several
 * channels, rows that span blocks and outputs that are not a multiple of the tiles.
 */
class ConvolutionPathsTest {
    private enum Path { DIRECT, IMPLICIT, IM2COL }

    @Test
    void firstLayerOfTheFashionResNet() {
        check(() -> new Conv2D(32, 3).activation("relu"), 3, 28, 28, 1, Path.DIRECT);
    }

    @Test
    void directWithStridesDilationsAndChannels() {
        check(() -> new Conv2D(64, 3).strides(2), 2, 15, 13, 3, Path.DIRECT);
        check(() -> new Conv2D(32, 2, 3).dilationRate(2), 2, 9, 17, 2, Path.DIRECT);
        check(() -> new Conv1D(32, 5).strides(3), 4, 1, 50, 1, Path.DIRECT);
        // bias and ReLU are applied in the tiles, any other activation in a pass after them
        check(() -> new Conv2D(32, 3).activation("sigmoid"), 2, 9, 12, 1, Path.DIRECT);
        check(() -> new Conv2D(32, 3).activation("relu").useBias(false), 2, 9, 12, 2, Path.DIRECT);
    }

    /**
     * The ResNet's block convolutions ("same", 32 and 64 channels), a dilated one and a causal Conv1D.
     * The path needs the filters (and channels) in tiles that read A in place (whole tiles of two or four
     * vectors, the last perhaps of two: 32 at 16 lanes) and the patch in one pass; the last shape fits at
     * every width.
     */
    @Test
    void implicit() {
        check(() -> new Conv2D(64, 2).padding("same"), 2, 5, 6, 64, Path.IMPLICIT);
        check(() -> new Conv2D(32, 3).padding("same").useBias(false), 3, 13, 13, 32, Path.IMPLICIT);
        check(() -> new Conv2D(64, 3).padding("same").useBias(false), 2, 6, 6, 32, Path.IMPLICIT);
        check(() -> new Conv2D(32, 2, 3).dilationRate(2, 1).padding("same"), 2, 7, 9, 16, Path.IMPLICIT);
        check(() -> new Conv1D(32, 3).padding("causal"), 3, 1, 20, 16, Path.IMPLICIT);
    }

    @Test
    void fallsBackWhereThePathsDoNotApply() {
        // "same" padding with one channel: the direct path reads no padding; a stride of 2: not implicit.
        check(() -> new Conv2D(32, 5).padding("same").useBias(false), 1, 5, 7, 1, Path.IM2COL);
        check(() -> new Conv2D(32, 3).strides(2).padding("same"), 2, 9, 9, 32, Path.IM2COL);
        // Valid: the input gradient adds the im2col matrix's back; the forward reads the windows from the
        // image only where it packs them (64 filters at 4 lanes), else im2col (as fast). 1x1: the input
        // gradient as the flipped convolution, so the implicit path wherever the forward packs.
        check(() -> new Conv2D(64, 1), 3, 6, 6, 32, ImplicitConv.packs(64) ? Path.IMPLICIT : Path.IM2COL);
        check(() -> new Conv2D(64, 3).activation("relu"), 5, 13, 13, 32, Path.IM2COL);
        check(() -> new Conv1D(64, 3), 3, 1, 20, 16, Path.IM2COL);
        // A dilated width: the flipped convolution's windows are not runs, so it goes through im2col.
        check(() -> new Conv2D(32, 3).dilationRate(1, 2).padding("same"), 2, 7, 9, 32, Path.IM2COL);
    }

    /** Runs the layer built both ways on the same weights and data. */
    private static void check(Supplier<KernelLayer<?>> make, int n, int h, int w, int c, Path path) {
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
        boolean taken = Simd.ENABLED && (path != Path.IMPLICIT || implicitFits(fast, c));
        assertEquals(path == Path.DIRECT && taken, directByFilters(fast), "direct path taken");
        assertEquals(path == Path.IMPLICIT && taken, implicit(fast), "implicit path taken");
        assertEquals(false, directByFilters(reference) || implicit(reference));
        reference.setWeights(fast.getWeights());
        SplittableRandom random = new SplittableRandom(h * 31 + w);
        int[] out = fast.outputShape();
        int filters = out[out.length - 1];
        float[] x = gaussian(random, n * h * w * c);
        float[] dy = gaussian(random, n * Arrays.stream(out).reduce(1, (a, b) -> a * b));
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
            results[v] = new float[][] {y, grads[0], grads[1], firstLayerGrads[0], dx};
        }
        String[] names = {"output", "kernel gradient", "bias gradient", "kernel gradient without dx", "input gradient"};
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

    /** Whether the tiles of this width take the layer's forward product and input gradient. */
    private static boolean implicitFits(KernelLayer<?> layer, int c) {
        Geometry g = layer instanceof Conv1D conv1d ? conv1d.geometry() : ((Conv2D) layer).geometry();
        int filters = layer.outputShape()[layer.outputShape().length - 1];
        return ImplicitConv.fits(g.kw() * c, g.kh() * g.kw() * c, filters, g.oh() * g.ow())
                && ImplicitConv.fits(g.kw() * filters, g.kh() * g.kw() * filters, c, g.h() * g.w());
    }

    private static boolean directByFilters(KernelLayer<?> layer) {
        return layer instanceof Conv1D conv1d ? conv1d.directByFilters() : ((Conv2D) layer).directByFilters();
    }

    private static boolean implicit(KernelLayer<?> layer) {
        return layer instanceof Conv1D conv1d ? conv1d.implicit() : ((Conv2D) layer).implicit();
    }

    private static float[] gaussian(SplittableRandom random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
