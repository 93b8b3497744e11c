package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.initializers.GlorotUniform;
import org.tatami.initializers.Initializer;
import org.tatami.kernels.Gemm;

/**
 * Depthwise separable 2-d convolution over NHWC input, as Keras's SeparableConv2D: a depthwise
 * convolution (see {@link DepthwiseConv2D}, without bias), then a pointwise 1x1 convolution mixing its
 * in_channels * depth_multiplier channels into {@code filters}, then bias and activation. Weights
 * depthwise_kernel (kh, kw, in_channels, depth_multiplier), pointwise_kernel (1, 1, in_channels *
 * depth_multiplier, filters) and bias (filters).
 */
public final class SeparableConv2D extends DepthwiseLayer<SeparableConv2D> {
    private final int filters;
    private Initializer pointwiseInitializer = new GlorotUniform();
    private Parameter pointwise;
    private float[] pointwiseT;

    /** {@code filters} outputs from a {@code kernelSize} x {@code kernelSize} window. */
    public SeparableConv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public SeparableConv2D(int filters, int kernelHeight, int kernelWidth) {
        super(kernelHeight, kernelWidth);
        if (filters <= 0) {
            throw new IllegalArgumentException("SeparableConv2D filters must be positive, got " + filters);
        }
        this.filters = filters;
    }

    public SeparableConv2D pointwiseInitializer(String name) {
        return pointwiseInitializer(Initializer.of(name));
    }

    public SeparableConv2D pointwiseInitializer(Initializer init) {
        requireUnbuilt();
        this.pointwiseInitializer = init;
        return this;
    }

    public int filters() {
        return filters;
    }


    /** Reads Keras's config of a SeparableConv2D (Keras 2 and 3). */
    public static SeparableConv2D fromConfig(Fields c) {
        int filters = c.integer("filters");
        int[] kernel = readKernelSize(c);
        SeparableConv2D conv = new SeparableConv2D(filters, kernel[0], kernel[1]);
        readDepthwiseOptions(c, conv);
        conv.pointwiseInitializer(KerasValues.initializer(c, "pointwise_initializer", new GlorotUniform()));
        c.expectNull("pointwise_regularizer", "tatami has no weight regularizers");
        c.expectNull("pointwise_constraint", "tatami has no weight constraints");
        return conv;
    }

    @Override
    public String className() {
        return "SeparableConv2D";
    }

    @Override
    protected String baseName() {
        return "separable_conv2d";
    }

    @Override
    protected int outputChannels() {
        return filters;
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        addDepthwiseKernel(random);
        pointwise = addParameter("pointwise_kernel", new int[] {1, 1, depthwiseChannels(), filters},
                pointwiseInitializer, random);
        addBias(filters, random);
    }

    /**
     * Scratch: the input with its channels repeated (null for multiplier 1) and the depthwise step's
     * output, both read again by backward, which then reuses them for their gradients.
     */
    private record Scratch(float[] repeated, float[] mid) {
    }

    @Override
    public Object createScratch(int maxBatch) {
        return new Scratch(createRepeated(maxBatch), new float[maxBatch * positions() * depthwiseChannels()]);
    }

    /** Backward multiplies by the pointwise kernel transposed, (filters, channels): kept up to date here. */
    @Override
    public void prepare(boolean training) {
        if (!training) {
            return;
        }
        float[] p = pointwise.value().data();
        int d = depthwiseChannels();
        if (pointwiseT == null) {
            pointwiseT = new float[p.length];
        }
        for (int c = 0; c < d; c++) {
            for (int f = 0; f < filters; f++) {
                pointwiseT[f * d + c] = p[c * filters + f];
            }
        }
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Scratch s = (Scratch) scratch;
        float[] in = depthwiseInput(x, n, s.repeated);
        int d = depthwiseChannels();
        int oh = outputHeight();
        int ow = outputWidth();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                // Row by row, so that the pointwise step reads the depthwise row while it is in cache.
                int r = (b * oh + oy) * ow;
                depthwiseRow(in, b, oy, null, s.mid);
                Gemm.nn(ow, filters, d, s.mid, r * d, d, pointwise.value().data(), 0, filters, y, r * filters, filters,
                        false);
                addBiasAndActivate(y, r, ow, filters);
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        Scratch s = (Scratch) scratch;
        int rows = n * positions();
        int d = depthwiseChannels();
        if (useBias()) {
            biasGradient(dy, rows, grads[2]);
        }
        Gemm.tn(d, filters, rows, s.mid, 0, d, dy, 0, filters, grads[1], 0, filters, false);
        // The depthwise output has been used: its room takes its gradient.
        Gemm.nn(rows, d, filters, dy, 0, filters, pointwiseT, 0, d, s.mid, 0, d, false);
        depthwiseBackward(x, s.mid, dx, n, s.repeated, grads[0]);
    }

    @Override
    public Map<String, Object> config() {
        return depthwiseConfig(filters, pointwiseInitializer);
    }
}
