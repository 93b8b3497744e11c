package org.tatami.layers;

import java.util.Arrays;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.DirectConv;
import org.tatami.kernels.DirectConv3x3;
import org.tatami.kernels.Gemm;
import org.tatami.kernels.ImplicitConv;

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
    /** The forward product read from the padded image, without an im2col matrix (stride 1), or null. */
    private final ImplicitConv implicit;
    /**
     * For stride 1, the geometry of the input gradient as a convolution: of the output gradient, padded
     * by the window's span less the forward padding, with the kernel flipped in height and width and its
     * channels and filters swapped. The image's gradient is written once, instead of an im2col matrix's
     * gradient added back into it window by window. Null: through that matrix.
     */
    private final Geometry flipped;
    /** That convolution's product read in place from the padded output gradient, or null (im2col). */
    private final ImplicitConv implicitDx;

    /**
     * @param direct whether to convolve directly from the images ({@link DirectConv3x3}: one channel,
     *               3x3, stride 1, no padding)
     */
    Convolution(KernelLayer<?> layer, Geometry g, int filters, boolean direct) {
        this.layer = layer;
        this.g = g;
        this.filters = filters;
        this.direct = direct;
        boolean auto = CpuOptions.current().conv().equals("auto");
        byFilters = !transposed() && readsNoPadding(g) && g.c() <= DIRECT_CHANNELS && DirectConv.fits(filters, g.ow())
                && auto
                ? new DirectConv(g.h(), g.w(), g.c(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(), g.oh(), g.ow())
                : null;
        int spanH = Geometry.span(g.kh(), g.dh());
        int spanW = Geometry.span(g.kw(), g.dw());
        boolean unitStride = !transposed() && g.sh() == 1 && g.sw() == 1;
        // Where the windows read padding, which im2col fills window by window at the borders: 2-4%
        // faster forward on "same" 3x3 convolutions of 13x13 and 6x6 x 32 at 8 lanes. On a valid one
        // read in place it measured as fast as im2col at 8 lanes and 4% slower at 4 (three passes of the
        // tile per window); where the windows are packed (64 filters at 4 lanes), the same packing and
        // tiles as after im2col, without writing and reading that matrix.
        implicit = unitStride && byFilters == null && g.dw() == 1 && auto
                && (!readsNoPadding(g) || ImplicitConv.packs(filters))
                && ImplicitConv.fits(g.kw() * g.c(), patch(), filters, g.oh() * g.ow())
                ? new ImplicitConv(g.paddedH(), g.paddedW(), g.c(), g.kh(), g.kw(), g.dh(), g.oh(), g.ow())
                : null;
        // Chosen by the shape alone, never by the vector width, so the input gradient's bits do not
        // depend on it. The flipped convolution runs over every input position, padding included: for a
        // valid convolution that is more multiply-adds than the output gradient has (169 against 121 rows
        // of the same patch for 3x3 on 13x13), 15% slower than adding the im2col matrix's gradient back.
        flipped = unitStride && g.h() * g.w() <= g.oh() * g.ow()
                ? new Geometry(g.oh(), g.ow(), filters, g.kh(), g.kw(), 1, 1, g.dh(), g.dw(), g.h(), g.w(),
                        spanH - 1 - g.padTop(), spanW - 1 - g.padLeft())
                : null;
        implicitDx = flipped != null && g.dw() == 1 && auto
                && ImplicitConv.fits(g.kw() * filters, g.kh() * g.kw() * filters, g.c(), g.h() * g.w())
                ? new ImplicitConv(flipped.paddedH(), flipped.paddedW(), filters, g.kh(), g.kw(), g.dh(), g.h(), g.w())
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

    /** Whether the forward product and the input gradient read their windows in place ({@link ImplicitConv}). */
    boolean implicit() {
        return implicit != null && implicitDx != null;
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
        return transposed() ? !direct : training && flipped == null;
    }

    /**
     * Floats of the im2col matrix made and used at a time on the plain path: a block of 192 KB stays in
     * the core's L2 cache from im2col through the products that read it. The whole matrix of a chunk of
     * 64 images is megabytes (12 MB for 3x3 on 13x13 x 32 channels), which each product would otherwise
     * read back from memory.
     */
    private static final int BLOCK_FLOATS = 48 * 1024;

    /** Rows of an im2col matrix per block: a multiple of 20, so that the products' row tiles divide it. */
    private static int blockRows(int patch) {
        int rows = BLOCK_FLOATS / patch;
        return rows >= 20 ? rows / 20 * 20 : Math.max(1, rows);
    }

    /**
     * The rows of the block starting at r0: {@link #blockRows(int)}, or all that are left when they are at
     * most a quarter more (one block rather than a whole one and a sliver, each product packing its
     * kernel again: a single image is one block).
     */
    private int blockAt(int r0, int rows) {
        return blockAt(r0, rows, patch());
    }

    private static int blockAt(int r0, int rows, int patch) {
        int block = blockRows(patch);
        return rows - r0 <= block + block / 4 ? rows - r0 : block;
    }

    /**
     * Scratch: a block of the im2col matrix (reused for its gradient) and the kernels packed for the
     * blocks' products (forward, input gradient from the transposed kernel or from the flipped one);
     * the padded image or output gradient and the flipped kernel of the implicit paths; for the
     * transposed path, the whole matrix, and the output (and its gradient) with filters as rows.
     */
    record Scratch(float[] cols, float[] outT, float[] ones, Gemm.PackedB[] kernels, float[] padded,
                   float[] flipped) {
    }

    Scratch createScratch(int maxBatch) {
        int rows = maxBatch * g.oh() * g.ow();
        if (!transposed()) {
            int padded = Math.max(
                    implicit == null || !needsPadding(g) ? 0 : maxBatch * g.paddedH() * g.paddedW() * g.c(),
                    implicitDx == null || !needsPadding(flipped) ? 0
                            : maxBatch * flipped.paddedH() * flipped.paddedW() * filters);
            int cols = Math.min(rows, blockRows(patch()) + blockRows(patch()) / 4) * patch();
            if (flipped != null) {
                int dxRows = maxBatch * g.h() * g.w();
                int dxPatch = g.kh() * g.kw() * filters;
                cols = Math.max(cols, Math.min(dxRows, blockRows(dxPatch) + blockRows(dxPatch) / 4) * dxPatch);
            }
            return new Scratch(new float[cols], null, null, new Gemm.PackedB[3], new float[padded],
                    flipped == null ? null : new float[patch() * filters]);
        }
        float[] ones = new float[rows];
        Arrays.fill(ones, 1f);
        return new Scratch(new float[rows * patch()], new float[rows * filters], ones, null, null, null);
    }

    void forward(float[] x, float[] y, int n, Scratch s) {
        int rows = n * g.oh() * g.ow();
        int p = patch();
        if (transposed()) {
            productT(x, n, s);
            layer.untransposeBiasAndActivate(s.outT, y, rows);
        } else if (byFilters != null) {
            // Bias and a ReLU (or none) in the tiles; another activation image by image, while the image's
            // output is still in cache.
            ActivationFunction activation = layer.fusedActivation();
            boolean inTiles = activation == ActivationFunction.RELU || activation == ActivationFunction.LINEAR;
            int positions = g.oh() * g.ow();
            for (int b = 0; b < n; b++) {
                byFilters.forward(x, b, b + 1, layer.kernelData(), inTiles ? layer.biasData() : null,
                        activation == ActivationFunction.RELU, filters, y);
                if (!inTiles) {
                    layer.addBiasAndActivate(y, b * positions, (b + 1) * positions);
                }
            }
        } else {
            Gemm.PackedB kernel = Gemm.pack(p, filters, layer.kernelData(), 0, filters, s.kernels[0]);
            s.kernels[0] = kernel;
            float[] xp = implicit == null ? null : padded(x, n, g, s);
            for (int r0 = 0, m; r0 < rows; r0 += m) {
                m = blockAt(r0, rows);
                if (implicit != null) {
                    implicit.multiply(xp, r0, r0 + m, kernel, filters, y);
                } else {
                    g.im2col(x, r0, r0 + m, s.cols);
                    Gemm.nn(m, filters, p, s.cols, 0, p, kernel, y, r0 * filters, filters, false);
                }
                layer.addBiasAndActivate(y, r0, r0 + m);
            }
        }
    }

    /**
     * x, n images of geometry {@code by}, padded so that every window lies inside (in the scratch), or x
     * itself when it needs no padding.
     */
    private static float[] padded(float[] x, int n, Geometry by, Scratch s) {
        if (!needsPadding(by)) {
            return x;
        }
        ImplicitConv.pad(x, n, by.h(), by.w(), by.c(), by.padTop(), by.padLeft(), by.paddedH(), by.paddedW(),
                s.padded);
        return s.padded;
    }

    /** Whether images of geometry {@code by} take a padded copy for the implicit paths. */
    private static boolean needsPadding(Geometry by) {
        return by.padTop() != 0 || by.padLeft() != 0 || by.paddedH() != by.h() || by.paddedW() != by.w();
    }

    /** dx as the convolution {@link #flipped} describes. */
    private void flippedInputGradient(float[] dy, float[] dx, int n, Scratch s) {
        int kh = g.kh();
        int kw = g.kw();
        int c = g.c();
        float[] k = layer.kernelData();
        float[] kernel = s.flipped;
        for (int ky = 0, row = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int tap = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * c;
                for (int f = 0; f < filters; f++, row++) {
                    for (int ch = 0; ch < c; ch++) {
                        kernel[row * c + ch] = k[(tap + ch) * filters + f];
                    }
                }
            }
        }
        int patch = kh * kw * filters;
        Gemm.PackedB packed = Gemm.pack(patch, c, kernel, 0, c, s.kernels[2]);
        s.kernels[2] = packed;
        int rows = n * g.h() * g.w();
        if (implicitDx != null) {
            implicitDx.multiply(padded(dy, n, flipped, s), 0, rows, packed, c, dx);
            return;
        }
        for (int r0 = 0, m; r0 < rows; r0 += m) {
            m = blockAt(r0, rows, patch);
            flipped.im2col(dy, r0, r0 + m, s.cols);
            Gemm.nn(m, c, patch, s.cols, 0, patch, packed, dx, r0 * c, c, false);
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
        }
        boolean viaCols = dx != null && flipped == null;
        Gemm.PackedB kernelT = null;
        if (viaCols) {
            Arrays.fill(dx, 0, n * g.h() * g.w() * g.c(), 0f);
            kernelT = Gemm.pack(filters, p, layer.kernelT(), 0, p, s.kernels[1]);
            s.kernels[1] = kernelT;
        }
        // Block by block, the im2col rows made again (cheaper than keeping the whole matrix from forward
        // and reading it back from memory); the kernel gradient's sums continue from block to block in
        // row order, so they are the bits of one product over all rows.
        boolean viaBlocks = byFilters == null || viaCols;
        for (int r0 = 0, m; viaBlocks && r0 < rows; r0 += m) {
            m = blockAt(r0, rows);
            if (byFilters == null) {
                g.im2col(x, r0, r0 + m, s.cols);
                Gemm.tn(p, filters, m, s.cols, 0, p, dy, r0 * filters, filters, grads[0], 0, filters, r0 > 0);
            }
            if (viaCols) {
                Gemm.nn(m, p, filters, dy, r0 * filters, filters, kernelT, s.cols, 0, p, false);
                g.addCol2im(s.cols, r0, r0 + m, dx);
            }
        }
        if (dx != null && flipped != null) {
            flippedInputGradient(dy, dx, n, s);
        }
    }

    /**
     * The direct path's output with bias and ReLU, pooled 2x2 (see {@link DirectConv#forwardPooled}):
     * for the fused ConvPool step, which gives it {@code routes} when training.
     */
    void forwardPooled(float[] x, float[] y, int n, float[] routes) {
        byFilters.forwardPooled(x, 0, n, layer.kernelData(), layer.biasData(), filters, y, routes);
    }

    /**
     * The direct path's parameter gradients from the pooled output's gradient and the routes of
     * {@link #forwardPooled}, in a block of {@link DirectConv#pooledScratch} floats.
     */
    void gradientsPooled(float[] x, float[] dy, float[] routes, int n, float[] block, float[][] grads) {
        byFilters.kernelGradientPooled(x, dy, routes, n, filters, grads[0], layer.biasData() == null ? null : grads[1],
                block);
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
