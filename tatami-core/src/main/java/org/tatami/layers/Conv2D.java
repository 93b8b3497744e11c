package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.kernels.CpuOptions;

/**
 * 2-d convolution over NHWC input with a kernel of shape (kh, kw, in_channels, filters), as Keras's
 * Conv2D. Computed as im2col followed by one matrix product, so the kernel is used as stored, or, for
 * the shape where that loses (see {@link #direct}), directly from the images (see {@link Convolution}).
 */
public final class Conv2D extends ConvLayer<Conv2D> {
    private Convolution conv;

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
        requireStridesOrDilation();
        Geometry g = Geometry.of(name(), in, kh, kw, sh, sw, dh, dw, padding);
        conv = new Convolution(this, g, filters, chooseDirect(g));
        return new int[] {g.oh(), g.ow(), filters};
    }

    @Override
    protected int[] kernelShape() {
        return new int[] {kh, kw, conv.geometry().c(), filters};
    }

    /** Whether this convolution runs transposed (fewer filters than vector lanes). */
    boolean transposed() {
        return conv.transposed();
    }

    /**
     * One-channel images under a 3x3 kernel, stride 1, no padding (the usual first layer) with few
     * filters are convolved directly: their im2col matrix would be nine copies of the input, written
     * and read again, for only a few multiply-adds per value (the seed's Conv2D(3, 3): forward 1.7x faster,
     * backward as fast, see Conv2DBench). {@link CpuOptions#conv()} {@code im2col}, read when the layer
     * is built, turns this off to compare.
     */
    private boolean chooseDirect(Geometry g) {
        return g.c() == 1 && kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && g.padTop() == 0
                && g.padLeft() == 0
                && g.oh() == g.h() - 2 && g.ow() == g.w() - 2 && CpuOptions.current().directConv3x3(filters, g.w());
    }

    @Override
    protected boolean readsTransposedKernel(boolean training) {
        return conv.readsTransposedKernel(training);
    }

    /** Whether this layer convolves directly from the images rather than through im2col. */
    boolean direct() {
        return conv.direct();
    }

    /** Whether this layer convolves directly with vectors along the filters ({@link org.tatami.kernels.DirectConv}). */
    boolean directByFilters() {
        return conv.directByFilters();
    }

    /** Whether the forward product and the input gradient read their windows in place ({@link org.tatami.kernels.ImplicitConv}). */
    boolean implicit() {
        return conv.implicit();
    }

    Geometry geometry() {
        return conv.geometry();
    }

    @Override
    public Object createScratch(int maxBatch) {
        return conv.createScratch(maxBatch);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        conv.forward(x, y, n, (Convolution.Scratch) scratch);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        conv.backward(x, dy, dx, n, (Convolution.Scratch) scratch, grads);
    }

    /** The direct path's pooled output (see {@link Convolution#forwardPooled}), for the fused ConvPool step. */
    void forwardPooled(float[] x, float[] y, int n, float[] routes) {
        conv.forwardPooled(x, y, n, routes);
    }

    /** The direct path's gradients from the pooled ones (see {@link Convolution#gradientsPooled}). */
    void gradientsPooled(float[] x, float[] dy, float[] routes, int n, float[] block, float[][] grads) {
        conv.gradientsPooled(x, dy, routes, n, block, grads);
    }

    /** The transposed path's product (see {@link Convolution#productT}), for the fused ConvPool step. */
    void productT(float[] x, int n, Convolution.Scratch s) {
        conv.productT(x, n, s);
    }

    /** The transposed path's gradients (see {@link Convolution#gradientsT}), for the fused ConvPool step. */
    void gradientsT(float[] x, float[] dx, int n, Convolution.Scratch s, float[][] grads) {
        conv.gradientsT(x, dx, n, s, grads);
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
