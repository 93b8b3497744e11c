package org.tatami.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * 1-d convolution over (steps, channels) input with a kernel of shape (kernel_size, in_channels,
 * filters), as Keras's Conv1D. It runs as a convolution of height 1 (the kernel's layout is the same),
 * so it shares Conv2D's arithmetic. Padding is {@code valid}, {@code same} or {@code causal} (the
 * kernel_size - 1 zeros all go before the first step, so an output never sees later steps).
 */
public final class Conv1D extends KernelLayer<Conv1D> {
    private final int filters;
    private final int kernelSize;
    private int stride = 1;
    private int dilation = 1;
    private String padding = "valid";
    private Convolution conv;

    public Conv1D(int filters, int kernelSize) {
        if (filters <= 0 || kernelSize <= 0) {
            throw new IllegalArgumentException("Conv1D filters and kernel size must be positive, got filters="
                    + filters + ", kernel_size=" + kernelSize);
        }
        this.filters = filters;
        this.kernelSize = kernelSize;
    }

    public Conv1D strides(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Conv1D strides must be positive, got " + value);
        }
        this.stride = value;
        return this;
    }

    /** Spreads the kernel's taps {@code rate} steps apart, as Keras's {@code dilation_rate}. */
    public Conv1D dilationRate(int rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("Conv1D dilation_rate must be positive, got " + rate);
        }
        this.dilation = rate;
        return this;
    }

    /** {@code valid}, {@code same} or {@code causal}. */
    public Conv1D padding(String mode) {
        if (!mode.equals("causal")) {
            Padding.of(mode);
        }
        this.padding = mode;
        return this;
    }

    public int filters() {
        return filters;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Conv1D fromConfig(Fields c) {
        int kernel = positiveSingle(c, "kernel_size", 0);
        Conv1D conv = new Conv1D(c.integer("filters"), kernel).strides(positiveSingle(c, "strides", 1));
        String mode = c.string("padding", "valid").toLowerCase(Locale.ROOT);
        if (!mode.equals("valid") && !mode.equals("same") && !mode.equals("causal")) {
            throw c.unsupported("padding", "tatami pads 'valid', 'same' or 'causal'");
        }
        conv.padding(mode);
        KerasValues.requireChannelsLast(c);
        conv.dilationRate(positiveSingle(c, "dilation_rate", 1));
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("groups", "tatami's Conv1D has no grouped convolution");
        }
        readKernelOptions(c, conv);
        return conv;
    }

    /** Keras's 1-d int-or-tuple options: {@code 3} or {@code [3]}; {@code absent} 0 means required. */
    private static int positiveSingle(Fields c, String key, int absent) {
        int v = c.integerOrSingleton(key, absent);
        if (v <= 0) {
            throw c.invalid(key, "a positive integer or a list of one");
        }
        return v;
    }

    @Override
    public String className() {
        return "Conv1D";
    }

    @Override
    protected String baseName() {
        return "conv1d";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "steps, channels");
        if (stride > 1 && dilation > 1) {
            throw new IllegalArgumentException(name() + " (Conv1D): strides " + stride + " and dilation_rate "
                    + dilation + " cannot both exceed 1");
        }
        Geometry g;
        if (padding.equals("causal")) {
            // Valid over the steps with span - 1 zeros before them.
            int before = Geometry.span(kernelSize, dilation) - 1;
            int out = (in[0] - 1) / stride + 1;
            g = new Geometry(1, in[0], in[1], 1, kernelSize, 1, stride, 1, dilation, 1, out, 0, before);
        } else {
            g = Geometry.of(name(), new int[] {1, in[0], in[1]}, 1, kernelSize, 1, stride, 1, dilation,
                    Padding.of(padding));
        }
        conv = new Convolution(this, g, filters, false);
        return new int[] {g.ow(), filters};
    }

    @Override
    protected int[] kernelShape() {
        return new int[] {kernelSize, conv.geometry().c(), filters};
    }

    @Override
    protected int outputs() {
        return filters;
    }

    @Override
    protected boolean readsTransposedKernel(boolean training) {
        return conv.readsTransposedKernel(training);
    }

    /** Whether this layer convolves directly with vectors along the filters ({@link org.tatami.kernels.DirectConv}). */
    boolean directByFilters() {
        return conv.directByFilters();
    }

    /** The convolution's geometry: a height of 1. */
    Geometry geometry() {
        return conv.geometry();
    }

    /** Whether the forward product and the input gradient read their windows in place ({@link org.tatami.kernels.ImplicitConv}). */
    boolean implicit() {
        return conv.implicit();
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

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("filters", filters);
        c.put("kernel_size", List.of(kernelSize));
        c.put("strides", List.of(stride));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", List.of(dilation));
        c.put("groups", 1);
        putKernelConfig(c, true);
        return c;
    }
}
