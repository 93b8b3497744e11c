package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.DirectConv3x3;
import org.tatami.kernels.Gemm;

/**
 * 2-d convolution over NHWC input with a kernel of shape (kh, kw, in_channels, filters), as Keras's
 * Conv2D. Computed as im2col followed by one matrix product, so the kernel is used as stored, or, for
 * the shape where that loses (see {@link #direct}), directly from the images.
 */
public final class Conv2D extends ConvLayer<Conv2D> {
    private Geometry g;
    private boolean direct;

    /** {@code filters} filters of size {@code kernelSize} x {@code kernelSize}. */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2D(int filters, int kernelHeight, int kernelWidth) {
        super(filters, kernelHeight, kernelWidth);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Conv2D fromConfig(Fields c) {
        return readConvOptions(c, Conv2D::new);
    }

    @Override
    public String className() {
        return "Conv2D";
    }

    @Override
    protected String baseName() {
        return "conv2d";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        g = Geometry.of(name(), in, kh, kw, sh, sw, padding);
        direct = chooseDirect();
        return new int[] {g.oh(), g.ow(), filters};
    }

    @Override
    protected int[] kernelShape() {
        return new int[] {kh, kw, g.c(), filters};
    }

    private int patch() {
        return kh * kw * g.c();
    }

    /**
     * With fewer filters than a vector has lanes, vectors along the filters would run mostly empty:
     * such convolutions run transposed, with vectors along the output positions instead.
     */
    boolean transposed() {
        return CpuOptions.current().transposed(filters);
    }

    /**
     * One-channel images under a 3x3 kernel, stride 1, no padding (the usual first layer) with few
     * filters are convolved directly: their im2col matrix would be nine copies of the input, written
     * and read again, for only a few multiply-adds per value (the seed's Conv2D(3, 3): forward 1.7x faster,
     * backward as fast, see Conv2DBench). {@link CpuOptions#conv()} {@code im2col}, read when the layer
     * is built, turns this off to compare.
     */
    private boolean chooseDirect() {
        return g.c() == 1 && kh == 3 && kw == 3 && sh == 1 && sw == 1 && g.padTop() == 0 && g.padLeft() == 0
                && g.oh() == g.h() - 2 && g.ow() == g.w() - 2 && CpuOptions.current().directConv3x3(filters, g.w());
    }

    @Override
    protected boolean readsTransposedKernel(boolean training) {
        return transposed() ? !direct : training;
    }

    /** Whether this layer convolves directly from the images rather than through im2col. */
    boolean direct() {
        return direct;
    }

    Geometry geometry() {
        return g;
    }

    /**
     * Scratch: the im2col matrix (reused for its gradient), and for the transposed path the output
     * (and its gradient) with filters as rows.
     */
    record Scratch(float[] cols, float[] outT, float[] ones) {
    }

    @Override
    public Object createScratch(int maxBatch) {
        int rows = maxBatch * g.oh() * g.ow();
        float[] ones = null;
        if (transposed()) {
            ones = new float[rows];
            java.util.Arrays.fill(ones, 1f);
        }
        return new Scratch(new float[rows * patch()], transposed() ? new float[rows * filters] : null, ones);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Scratch s = (Scratch) scratch;
        int rows = n * g.oh() * g.ow();
        int p = patch();
        if (transposed()) {
            productT(x, n, s);
            untransposeBiasAndActivate(s.outT, y, rows);
        } else {
            g.im2col(x, n, s.cols);
            Gemm.nn(rows, filters, p, s.cols, 0, p, kernelData(), 0, filters, y, 0, filters, false);
            addBiasAndActivate(y, rows);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        Scratch s = (Scratch) scratch;
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
        biasGradient(dy, rows, grads);
        Gemm.tn(p, filters, rows, s.cols, 0, p, dy, 0, filters, grads[0], 0, filters, false);
        if (dx != null) {
            Gemm.nn(rows, p, filters, dy, 0, filters, kernelT(), 0, p, s.cols, 0, p, false);
            g.col2im(s.cols, n, dx);
        }
    }

    /** The transposed path's product: the output before bias and activation, (filters, rows), in s.outT. */
    void productT(float[] x, int n, Scratch s) {
        if (direct) {
            DirectConv3x3.forward(x, n, g.h(), g.w(), kernelData(), filters, s.outT);
            return;
        }
        int rows = n * g.oh() * g.ow();
        int p = patch();
        g.im2colT(x, n, s.cols);
        Gemm.nn(filters, rows, p, kernelT(), 0, p, s.cols, 0, rows, s.outT, 0, rows, false);
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
        if (useBias()) {
            // Each filter's bias gradient is the sum of its row: a dot product with ones.
            Gemm.nt(1, filters, rows, s.ones, 0, rows, dyT, 0, rows, grads[1], 0, filters, false);
        }
        if (dx != null) {
            Gemm.nn(p, rows, filters, kernelData(), 0, filters, dyT, 0, rows, s.cols, 0, rows, false);
            g.col2imT(s.cols, n, dx);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        putConvConfig(c);
        c.put("groups", 1);
        putKernelConfig(c, true);
        return c;
    }
}
