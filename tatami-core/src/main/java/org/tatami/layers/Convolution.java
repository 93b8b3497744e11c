package org.tatami.layers;

import java.util.Arrays;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.DirectConv;
import org.tatami.kernels.DirectConv3x3;
import org.tatami.kernels.Gemm;

/**
 * The arithmetic of a convolution layer (Conv2D, Conv1D as a convolution of height 1) on its
 * geometry: im2col followed by one matrix product, so the kernel (patch, filters) is used as stored;
 * transposed when there are fewer filters than vector lanes; or, for the shapes where that loses,
 * directly from the images. The layer's kernel, bias and activation are read through the layer.
 */
final class Convolution {
    private final KernelLayer<?> layer;
    private final Geometry g;
    private final int filters;
    private final boolean direct;
    /** The direct path with vectors along the filters (few channels, no padding), or null. */
    private final DirectConv byFilters;

    /**
     * @param direct whether to convolve directly from the images ({@link DirectConv3x3}: one channel,
     *               3x3, stride 1, no padding)
     */
    Convolution(KernelLayer<?> layer, Geometry g, int filters, boolean direct) {
        this.layer = layer;
        this.g = g;
        this.filters = filters;
        this.direct = direct;
        byFilters = !transposed() && readsNoPadding(g) && g.c() <= DIRECT_CHANNELS && DirectConv.fits(filters, g.ow())
                && CpuOptions.current().conv().equals("auto")
                ? new DirectConv(g.h(), g.w(), g.c(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(), g.oh(), g.ow())
                : null;
    }

    /**
     * Up to this many channels, a convolution that reads no padding runs {@link DirectConv}: its im2col
     * rows, kh x kw x channels floats, are too short for the product to run well, and making them costs
     * more than the multiply-adds (the first layer of a ResNet on one-channel images: 9 floats a row).
     */
    private static final int DIRECT_CHANNELS = 4;

    /** Whether every window lies inside the image (no padding, no partial window at the end). */
    private static boolean readsNoPadding(Geometry g) {
        return g.padTop() == 0 && g.padLeft() == 0 && (g.oh() - 1) * g.sh() + Geometry.span(g.kh(), g.dh()) <= g.h()
                && (g.ow() - 1) * g.sw() + Geometry.span(g.kw(), g.dw()) <= g.w();
    }

    Geometry geometry() {
        return g;
    }

    boolean direct() {
        return direct;
    }

    boolean directByFilters() {
        return byFilters != null;
    }

    private int patch() {
        return g.kh() * g.kw() * g.c();
    }

    /**
     * With fewer filters than a vector has lanes, vectors along the filters would run mostly empty:
     * such convolutions run transposed, with vectors along the output positions instead.
     */
    boolean transposed() {
        return CpuOptions.current().transposed(filters);
    }

    boolean readsTransposedKernel(boolean training) {
        return transposed() ? !direct : training;
    }

    /**
     * Floats of the im2col matrix made and used at a time on the plain path: a block of 192 KB stays in
     * the core's L2 cache from im2col through the products that read it. The whole matrix of a chunk of
     * 64 images is megabytes (12 MB for 3x3 on 13x13 x 32 channels), which each product would otherwise
     * read back from memory.
     */
    private static final int BLOCK_FLOATS = 48 * 1024;

    /** Rows of the im2col matrix per block: a multiple of 20, so that the products' row tiles divide it. */
    private int blockRows() {
        int rows = BLOCK_FLOATS / patch();
        return rows >= 20 ? rows / 20 * 20 : Math.max(1, rows);
    }

    /**
     * The rows of the block starting at r0: {@link #blockRows()}, or all that are left when they are at
     * most a quarter more (one block rather than a whole one and a sliver, each product packing its
     * kernel again: a single image is one block).
     */
    private int blockAt(int r0, int rows) {
        int block = blockRows();
        return rows - r0 <= block + block / 4 ? rows - r0 : block;
    }

    /**
     * Scratch: a block of the im2col matrix (reused for its gradient) and the kernel packed for the
     * blocks' products (forward, input gradient); for the transposed path, the whole matrix, and the
     * output (and its gradient) with filters as rows.
     */
    record Scratch(float[] cols, float[] outT, float[] ones, Gemm.PackedB[] kernels) {
    }

    Scratch createScratch(int maxBatch) {
        int rows = maxBatch * g.oh() * g.ow();
        if (!transposed()) {
            return new Scratch(new float[Math.min(rows, blockRows() + blockRows() / 4) * patch()], null, null,
                    new Gemm.PackedB[2]);
        }
        float[] ones = new float[rows];
        Arrays.fill(ones, 1f);
        return new Scratch(new float[rows * patch()], new float[rows * filters], ones, null);
    }

    void forward(float[] x, float[] y, int n, Scratch s) {
        int rows = n * g.oh() * g.ow();
        int p = patch();
        if (transposed()) {
            productT(x, n, s);
            layer.untransposeBiasAndActivate(s.outT, y, rows);
        } else if (byFilters != null) {
            // Image by image, bias and activation while the image's output is still in cache.
            int positions = g.oh() * g.ow();
            for (int b = 0; b < n; b++) {
                byFilters.forward(x, b, b + 1, layer.kernelData(), filters, y);
                layer.addBiasAndActivate(y, b * positions, (b + 1) * positions);
            }
        } else {
            Gemm.PackedB kernel = Gemm.pack(p, filters, layer.kernelData(), 0, filters, s.kernels[0]);
            s.kernels[0] = kernel;
            for (int r0 = 0, m; r0 < rows; r0 += m) {
                m = blockAt(r0, rows);
                g.im2col(x, r0, r0 + m, s.cols);
                Gemm.nn(m, filters, p, s.cols, 0, p, kernel, y, r0 * filters, filters, false);
                layer.addBiasAndActivate(y, r0, r0 + m);
            }
        }
    }

    void backward(float[] x, float[] dy, float[] dx, int n, Scratch s, float[][] grads) {
        int rows = n * g.oh() * g.ow();
        int p = patch();
        if (transposed()) {
            float[] dyT = s.outT;
            for (int f = 0; f < filters; f++) {
                for (int r = 0, o = f * rows; r < rows; r++) {
                    dyT[o + r] = dy[r * filters + f];
                }
            }
            gradientsT(x, dx, n, s, grads);
            return;
        }
        layer.biasGradient(dy, rows, grads);
        if (byFilters != null) {
            byFilters.kernelGradient(x, dy, n, filters, grads[0]);
            if (dx == null) {
                return;
            }
        }
        Gemm.PackedB kernelT = null;
        if (dx != null) {
            Arrays.fill(dx, 0, n * g.h() * g.w() * g.c(), 0f);
            kernelT = Gemm.pack(filters, p, layer.kernelT(), 0, p, s.kernels[1]);
            s.kernels[1] = kernelT;
        }
        // Block by block, the im2col rows made again (cheaper than keeping the whole matrix from forward
        // and reading it back from memory); the kernel gradient's sums continue from block to block in
        // row order, so they are the bits of one product over all rows.
        for (int r0 = 0, m; r0 < rows; r0 += m) {
            m = blockAt(r0, rows);
            if (byFilters == null) {
                g.im2col(x, r0, r0 + m, s.cols);
                Gemm.tn(p, filters, m, s.cols, 0, p, dy, r0 * filters, filters, grads[0], 0, filters, r0 > 0);
            }
            if (dx != null) {
                Gemm.nn(m, p, filters, dy, r0 * filters, filters, kernelT, s.cols, 0, p, false);
                g.addCol2im(s.cols, r0, r0 + m, dx);
            }
        }
    }

    /** The transposed path's product: the output before bias and activation, (filters, rows), in s.outT. */
    void productT(float[] x, int n, Scratch s) {
        if (direct) {
            DirectConv3x3.forward(x, n, g.h(), g.w(), layer.kernelData(), filters, s.outT);
            return;
        }
        int rows = n * g.oh() * g.ow();
        int p = patch();
        g.im2colT(x, n, s.cols);
        Gemm.nn(filters, rows, p, layer.kernelT(), 0, p, s.cols, 0, rows, s.outT, 0, rows, false);
    }

    /** The transposed path's gradients from the output's gradient held as (filters, rows) in s.outT. */
    void gradientsT(float[] x, float[] dx, int n, Scratch s, float[][] grads) {
        int rows = n * g.oh() * g.ow();
        int p = patch();
        float[] dyT = s.outT;
        if (direct) {
            DirectConv3x3.kernelGradient(x, n, g.h(), g.w(), dyT, filters, grads[0]);
        } else {
            Gemm.nt(p, filters, rows, s.cols, 0, rows, dyT, 0, rows, grads[0], 0, filters, false);
        }
        if (layer.useBias()) {
            // Each filter's bias gradient is the sum of its row: a dot product with ones.
            Gemm.nt(1, filters, rows, s.ones, 0, rows, dyT, 0, rows, grads[1], 0, filters, false);
        }
        if (dx != null) {
            Gemm.nn(p, rows, filters, layer.kernelData(), 0, filters, dyT, 0, rows, s.cols, 0, rows, false);
            g.col2imT(s.cols, n, dx);
        }
    }
}
