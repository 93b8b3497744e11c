package org.tatami.layers;

import java.util.Arrays;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.DirectConv3x3;
import org.tatami.kernels.Gemm;

/**
 * The arithmetic of a convolution layer (Conv2D, Conv1D as a convolution of height 1) on its
 * geometry: im2col followed by one matrix product, so the kernel (patch, filters) is used as stored;
 * transposed when there are fewer filters than vector lanes; or, for the shape where that loses,
 * directly from the images. The layer's kernel, bias and activation are read through the layer.
 */
final class Convolution {
    private final KernelLayer<?> layer;
    private final Geometry g;
    private final int filters;
    private final boolean direct;

    /**
     * @param direct whether to convolve directly from the images ({@link DirectConv3x3}: one channel,
     *               3x3, stride 1, no padding)
     */
    Convolution(KernelLayer<?> layer, Geometry g, int filters, boolean direct) {
        this.layer = layer;
        this.g = g;
        this.filters = filters;
        this.direct = direct;
    }

    Geometry geometry() {
        return g;
    }

    boolean direct() {
        return direct;
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
     * Scratch: the im2col matrix (reused for its gradient), and for the transposed path the output
     * (and its gradient) with filters as rows.
     */
    record Scratch(float[] cols, float[] outT, float[] ones) {
    }

    Scratch createScratch(int maxBatch) {
        int rows = maxBatch * g.oh() * g.ow();
        float[] ones = null;
        if (transposed()) {
            ones = new float[rows];
            Arrays.fill(ones, 1f);
        }
        return new Scratch(new float[rows * patch()], transposed() ? new float[rows * filters] : null, ones);
    }

    void forward(float[] x, float[] y, int n, Scratch s) {
        int rows = n * g.oh() * g.ow();
        int p = patch();
        if (transposed()) {
            productT(x, n, s);
            layer.untransposeBiasAndActivate(s.outT, y, rows);
        } else {
            g.im2col(x, n, s.cols);
            Gemm.nn(rows, filters, p, s.cols, 0, p, layer.kernelData(), 0, filters, y, 0, filters, false);
            layer.addBiasAndActivate(y, rows);
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
        Gemm.tn(p, filters, rows, s.cols, 0, p, dy, 0, filters, grads[0], 0, filters, false);
        if (dx != null) {
            Gemm.nn(rows, p, filters, dy, 0, filters, layer.kernelT(), 0, p, s.cols, 0, p, false);
            g.col2im(s.cols, n, dx);
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
