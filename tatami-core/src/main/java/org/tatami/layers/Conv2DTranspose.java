package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.kernels.Gemm;

/**
 * Transposed 2-d convolution over NHWC input, as Keras's Conv2DTranspose: the input gradient of a
 * convolution whose image is this layer's output. The kernel has Keras's shape (kh, kw, filters,
 * in_channels); the output is {@code input * stride} (padding {@code same}) or that plus
 * {@code max(span - stride, 0)} ({@code valid}) along each axis, where the span is the kernel's size
 * widened by its dilation, (kernel - 1) * dilation + 1.
 *
 * <p>Forward spreads each input position over its window: one product gives every position's
 * patch, (rows, in) x (in, kh * kw * filters), and col2im sums the patches into the output. Backward
 * gathers the patches of the output gradient (im2col) for the kernel and input gradients.
 */
public final class Conv2DTranspose extends ConvLayer<Conv2DTranspose> {
    /** The convolution this layer transposes: its image is this layer's output, its output this input. */
    private Geometry g;
    private int channels;

    /** {@code filters} filters of size {@code kernelSize} x {@code kernelSize}. */
    public Conv2DTranspose(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2DTranspose(int filters, int kernelHeight, int kernelWidth) {
        super(filters, kernelHeight, kernelWidth);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Conv2DTranspose fromConfig(Fields c) {
        Conv2DTranspose conv = readConvOptions(c, Conv2DTranspose::new);
        // tf.keras 2 writes output_padding; Keras 3 leaves it out.
        c.expectNull("output_padding", "tatami's Conv2DTranspose has Keras's default output size");
        return conv;
    }

    @Override
    public String className() {
        return "Conv2DTranspose";
    }

    @Override
    protected String baseName() {
        return "conv2d_transpose";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        requireStridesOrDilation();
        channels = in[2];
        g = Geometry.transposed(in, kh, kw, sh, sw, dh, dw, filters, padding);
        return new int[] {g.h(), g.w(), filters};
    }

    @Override
    protected int[] kernelShape() {
        return new int[] {kh, kw, filters, channels};
    }

    @Override
    protected int kernelColumns() {
        return channels;
    }

    /** Forward multiplies by the kernel transposed, (in, kh * kw * filters). */
    @Override
    protected boolean readsTransposedKernel(boolean training) {
        return true;
    }

    private int patch() {
        return kh * kw * filters;
    }

    /** Scratch: the patches, one row per input position (reused for the output gradient's patches). */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[maxBatch * g.oh() * g.ow() * patch()];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        float[] cols = (float[]) scratch;
        int rows = n * g.oh() * g.ow();
        int p = patch();
        // (rows, in) x (in, patch) -> (rows, patch), summed into the output window by window.
        Gemm.nn(rows, p, channels, x, 0, channels, kernelT(), 0, p, cols, 0, p, false);
        g.col2im(cols, n, y);
        addBiasAndActivate(y, n * g.h() * g.w());
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        float[] cols = (float[]) scratch;
        int rows = n * g.oh() * g.ow();
        int p = patch();
        biasGradient(dy, n * g.h() * g.w(), grads);
        g.im2col(dy, n, cols);
        // Kernel as (patch, in): (rows, patch)^T x (rows, in).
        Gemm.tn(p, channels, rows, cols, 0, p, x, 0, channels, grads[0], 0, channels, false);
        if (dx != null) {
            // (rows, patch) x (patch, in) -> (rows, in).
            Gemm.nn(rows, channels, p, cols, 0, p, kernelData(), 0, channels, dx, 0, channels, false);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        putConvConfig(c);
        putKernelConfig(c, true);
        return c;
    }
}
