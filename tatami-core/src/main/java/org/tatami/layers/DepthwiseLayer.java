package org.tatami.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.initializers.GlorotUniform;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Zeros;
import org.tatami.kernels.Depthwise;

/**
 * What DepthwiseConv2D and SeparableConv2D share: the depthwise step, in which each input channel is
 * convolved with {@code depth_multiplier} windows of its own (kernel (kh, kw, in_channels,
 * depth_multiplier); output channel {@code c * depth_multiplier + m}, as in Keras), and the bias and
 * activation of the layer's output, their options, initializers and Keras's config. {@code T} is the
 * concrete class, so that setters chain.
 */
public abstract class DepthwiseLayer<T extends DepthwiseLayer<T>> extends ChainedLayer<T> {
    private final int kh;
    private final int kw;
    private int sh = 1;
    private int sw = 1;
    private Padding padding = Padding.VALID;
    private int depthMultiplier = 1;
    private ActivationFunction activation = ActivationFunction.LINEAR;
    private boolean useBias = true;
    private Initializer depthwiseInitializer = new GlorotUniform();
    private Initializer biasInitializer = new Zeros();
    private Geometry g;
    private Depthwise conv;
    private Parameter depthwiseKernel;
    private Parameter bias;

    protected DepthwiseLayer(int kernelHeight, int kernelWidth) {
        if (kernelHeight <= 0 || kernelWidth <= 0) {
            throw new IllegalArgumentException(className() + " kernel size must be positive, got (" + kernelHeight
                    + ", " + kernelWidth + ")");
        }
        this.kh = kernelHeight;
        this.kw = kernelWidth;
    }

    public T strides(int stride) {
        return strides(stride, stride);
    }

    public T strides(int strideHeight, int strideWidth) {
        requireUnbuilt();
        if (strideHeight <= 0 || strideWidth <= 0) {
            throw new IllegalArgumentException(className() + " strides must be positive, got (" + strideHeight + ", "
                    + strideWidth + ")");
        }
        this.sh = strideHeight;
        this.sw = strideWidth;
        return self();
    }

    public T padding(String mode) {
        return padding(Padding.of(mode));
    }

    public T padding(Padding mode) {
        requireUnbuilt();
        this.padding = mode;
        return self();
    }

    /** Output channels per input channel of the depthwise step (Keras's {@code depth_multiplier}, default 1). */
    public T depthMultiplier(int multiplier) {
        requireUnbuilt();
        if (multiplier <= 0) {
            throw new IllegalArgumentException(className() + " depth_multiplier must be positive, got " + multiplier);
        }
        this.depthMultiplier = multiplier;
        return self();
    }

    public T activation(String name) {
        return activation(ActivationFunction.of(name));
    }

    public T activation(ActivationFunction function) {
        this.activation = function;
        return self();
    }

    public T useBias(boolean use) {
        requireUnbuilt();
        this.useBias = use;
        return self();
    }

    public T depthwiseInitializer(String name) {
        return depthwiseInitializer(Initializer.of(name));
    }

    public T depthwiseInitializer(Initializer init) {
        requireUnbuilt();
        this.depthwiseInitializer = init;
        return self();
    }

    public T biasInitializer(String name) {
        return biasInitializer(Initializer.of(name));
    }

    public T biasInitializer(Initializer init) {
        requireUnbuilt();
        this.biasInitializer = init;
        return self();
    }

    protected final void requireUnbuilt() {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
    }

    public int depthMultiplier() {
        return depthMultiplier;
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    public ActivationFunction activation() {
        return activation;
    }

    /**
     * Bias and activation are applied in forward, while the output is in cache, unless the activation
     * needs its input.
     */
    @Override
    public boolean appliesActivation() {
        return !activation.needsInput();
    }

    /** The number of output channels of the layer. */
    protected abstract int outputChannels();

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        g = Geometry.of(name() + " (" + className() + ")", in, kh, kw, sh, sw, padding);
        conv = new Depthwise(g.h(), g.w(), depthwiseChannels(), kh, kw, sh, sw, g.oh(), g.ow(), g.padTop(),
                g.padLeft());
        return new int[] {g.oh(), g.ow(), outputChannels()};
    }

    /** The depthwise step's output channels: in_channels * depth_multiplier. */
    protected final int depthwiseChannels() {
        return g.c() * depthMultiplier;
    }

    /** Output positions per sample. */
    protected final int positions() {
        return g.oh() * g.ow();
    }

    protected final void addDepthwiseKernel(SplittableRandom random) {
        depthwiseKernel = addParameter("depthwise_kernel", new int[] {kh, kw, g.c(), depthMultiplier},
                depthwiseInitializer, random);
    }

    /** The bias of the layer's {@code size} outputs, if it has one. */
    protected final void addBias(int size, SplittableRandom random) {
        if (useBias) {
            bias = addParameter("bias", new int[] {size}, biasInitializer, random);
        }
    }

    /** The bias values, or null without a bias. */
    protected final float[] biasData() {
        return bias == null ? null : bias.value().data();
    }

    /** Room for the input of {@code maxBatch} samples with each channel repeated, or null when the multiplier is 1. */
    protected final float[] createRepeated(int maxBatch) {
        return depthMultiplier == 1 ? null : new float[maxBatch * g.h() * g.w() * depthwiseChannels()];
    }

    /**
     * The input as the depthwise step reads it: {@code x} itself, or with a depth multiplier its channels
     * repeated into {@code repeated}, which backward reads again.
     */
    protected final float[] depthwiseInput(float[] x, int n, float[] repeated) {
        if (depthMultiplier == 1) {
            return x;
        }
        Depthwise.repeatChannels(x, n * g.h() * g.w(), g.c(), depthMultiplier, repeated);
        return repeated;
    }

    protected final int outputHeight() {
        return g.oh();
    }

    protected final int outputWidth() {
        return g.ow();
    }

    /**
     * The depthwise step's output row oy of sample b, with the bias (null for none) added, at its place
     * in {@code out}; {@code in} is {@link #depthwiseInput}.
     */
    protected final void depthwiseRow(float[] in, int b, int oy, float[] rowBias, float[] out) {
        conv.forwardRow(in, b, oy, depthwiseKernel.value().data(), rowBias, out);
    }

    /**
     * From {@code dOut}, the gradient w.r.t. the depthwise step's output, the depthwise kernel's gradient
     * into {@code grad} and, unless {@code dx} is null, the input's. {@code repeated} holds what
     * {@link #depthwiseInput} put there in forward; it is overwritten.
     */
    protected final void depthwiseBackward(float[] x, float[] dOut, float[] dx, int n, float[] repeated, float[] grad) {
        conv.kernelGradient(depthMultiplier == 1 ? x : repeated, dOut, n, grad);
        if (dx == null) {
            return;
        }
        if (depthMultiplier == 1) {
            conv.inputGradient(dOut, n, depthwiseKernel.value().data(), dx);
        } else {
            // The repeated input is no longer needed: its room takes the repeated input's gradient.
            conv.inputGradient(dOut, n, depthwiseKernel.value().data(), repeated);
            Depthwise.sumRepeats(repeated, n * g.h() * g.w(), g.c(), depthMultiplier, dx);
        }
    }

    /** Adds the bias to rows [from, from + rows) of y, {@code width} values each, and applies the activation. */
    protected final void addBiasAndActivate(float[] y, int from, int rows, int width) {
        float[] b = biasData();
        if (b != null) {
            for (int r = from; r < from + rows; r++) {
                for (int j = 0, o = r * width; j < width; j++) {
                    y[o + j] += b[j];
                }
            }
        }
        fusedActivation().forward(y, from * width, rows, width);
    }

    /** The bias gradient, if there is a bias: the column sums of dy's rows (overwriting {@code grad}). */
    protected static void biasGradient(float[] dy, int rows, float[] grad) {
        int width = grad.length;
        Arrays.fill(grad, 0f);
        for (int r = 0; r < rows; r++) {
            for (int j = 0, o = r * width; j < width; j++) {
                grad[j] += dy[o + j];
            }
        }
    }

    /**
     * Keras 3's config. SeparableConv2D passes its filters and pointwise initializer, which Keras lists
     * among these (null for DepthwiseConv2D): each setting follows for every weight in turn, e.g.
     * depthwise_initializer, pointwise_initializer, bias_initializer.
     */
    protected final Map<String, Object> depthwiseConfig(Integer filters, Initializer pointwiseInitializer) {
        Map<String, Object> c = super.config();
        c.put("depth_multiplier", depthMultiplier);
        if (filters != null) {
            c.put("filters", filters);
        }
        c.put("kernel_size", List.of(kh, kw));
        c.put("strides", List.of(sh, sw));
        c.put("padding", padding.kerasName());
        c.put("data_format", "channels_last");
        c.put("dilation_rate", List.of(1, 1));
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        List<String> weights = pointwiseInitializer == null ? List.of("depthwise", "bias")
                : List.of("depthwise", "pointwise", "bias");
        c.put("depthwise_initializer", initializerConfig(depthwiseInitializer));
        if (pointwiseInitializer != null) {
            c.put("pointwise_initializer", initializerConfig(pointwiseInitializer));
        }
        c.put("bias_initializer", initializerConfig(biasInitializer));
        for (String w : weights) {
            c.put(w + "_regularizer", null);
        }
        c.put("activity_regularizer", null);
        for (String w : weights) {
            c.put(w + "_constraint", null);
        }
        return c;
    }

    /** Reads what DepthwiseConv2D and SeparableConv2D share, with Keras's defaults for the options left out. */
    static void readDepthwiseOptions(Fields c, DepthwiseLayer<?> layer) {
        int[] strides = c.pair("strides", new int[] {1, 1});
        layer.strides(strides[0], strides[1]).padding(Padding.fromConfig(c));
        KerasValues.requireChannelsLast(c);
        if (!Arrays.equals(c.pair("dilation_rate", new int[] {1, 1}), new int[] {1, 1})) {
            throw c.unsupported("dilation_rate", "tatami's " + layer.className() + " has no dilation");
        }
        layer.depthMultiplier(c.integer("depth_multiplier", 1));
        layer.activation(KerasValues.activation(c, "activation", ActivationFunction.LINEAR));
        layer.useBias(c.bool("use_bias", true));
        layer.depthwiseInitializer(KerasValues.initializer(c, "depthwise_initializer", new GlorotUniform()));
        layer.biasInitializer(KerasValues.initializer(c, "bias_initializer", new Zeros()));
        c.expectNull("depthwise_regularizer", "tatami has no weight regularizers");
        c.expectNull("bias_regularizer", "tatami has no weight regularizers");
        c.expectNull("depthwise_constraint", "tatami has no weight constraints");
        c.expectNull("bias_constraint", "tatami has no weight constraints");
    }

    /** A {@code kernel_size} of one integer or two. */
    static int[] readKernelSize(Fields c) {
        int[] kernel = c.pair("kernel_size", null);
        if (kernel == null) {
            throw c.invalid("kernel_size", "a positive integer or two");
        }
        return kernel;
    }
}
