package org.tatami.layers;

import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * What Conv2D and Conv2DTranspose share: filters, a kernel window, strides, dilation, padding, and
 * their Keras config. {@code T} is the concrete class, so that setters chain.
 */
public abstract class ConvLayer<T extends ConvLayer<T>> extends KernelLayer<T> {
    private static final int[] ONES = {1, 1};
    protected final int filters;
    protected final int kh;
    protected final int kw;
    protected int sh = 1;
    protected int sw = 1;
    protected int dh = 1;
    protected int dw = 1;
    protected Padding padding = Padding.VALID;

    protected ConvLayer(int filters, int kernelHeight, int kernelWidth) {
        if (filters <= 0 || kernelHeight <= 0 || kernelWidth <= 0) {
            throw new IllegalArgumentException(className() + " filters and kernel size must be positive, got filters="
                    + filters + ", kernel_size=(" + kernelHeight + ", " + kernelWidth + ")");
        }
        this.filters = filters;
        this.kh = kernelHeight;
        this.kw = kernelWidth;
    }

    /** Makes a layer from filters and the kernel's height and width. */
    @FunctionalInterface
    interface Maker<C> {
        C make(int filters, int kernelHeight, int kernelWidth);
    }

    /**
     * Reads what Conv2D and Conv2DTranspose share (filters, kernel_size, strides, padding, data_format,
     * dilation_rate, groups, activation, bias and initializers), with Keras's defaults for the options
     * left out.
     */
    static <C extends ConvLayer<C>> C readConvOptions(Fields c, Maker<C> maker) {
        int filters = c.integer("filters");
        int[] kernel = c.pair("kernel_size", null);
        if (kernel == null) {
            throw c.invalid("kernel_size", "a positive integer or two");
        }
        int[] strides = c.pair("strides", ONES);
        Padding padding = Padding.fromConfig(c);
        KerasValues.requireChannelsLast(c);
        int[] dilation = c.pair("dilation_rate", ONES);
        C conv = maker.make(filters, kernel[0], kernel[1]).strides(strides[0], strides[1])
                .dilationRate(dilation[0], dilation[1]).padding(padding);
        // Keras writes groups for Conv2D, and tf.keras 2 for Conv2DTranspose too (its subclass there).
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("groups", "tatami's " + conv.className() + " has no grouped convolution");
        }
        readKernelOptions(c, conv);
        return conv;
    }

    public T strides(int stride) {
        return strides(stride, stride);
    }

    public T strides(int strideHeight, int strideWidth) {
        if (strideHeight <= 0 || strideWidth <= 0) {
            throw new IllegalArgumentException(className() + " strides must be positive, got (" + strideHeight + ", "
                    + strideWidth + ")");
        }
        this.sh = strideHeight;
        this.sw = strideWidth;
        return self();
    }

    public T dilationRate(int rate) {
        return dilationRate(rate, rate);
    }

    /**
     * Spreads the kernel's taps {@code rate} rows and columns apart (atrous convolution), as Keras's
     * {@code dilation_rate}; as in Keras, it cannot be combined with strides above 1.
     */
    public T dilationRate(int rateHeight, int rateWidth) {
        if (rateHeight <= 0 || rateWidth <= 0) {
            throw new IllegalArgumentException(className() + " dilation_rate must be positive, got (" + rateHeight
                    + ", " + rateWidth + ")");
        }
        this.dh = rateHeight;
        this.dw = rateWidth;
        return self();
    }

    /** Keras refuses strides and dilation above 1 together; checked when the layer is built. */
    protected final void requireStridesOrDilation() {
        if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
            throw new IllegalArgumentException(name() + " (" + className() + "): strides (" + sh + ", " + sw
                    + ") and dilation_rate (" + dh + ", " + dw + ") cannot both exceed 1");
        }
    }

    public T padding(String mode) {
        return padding(Padding.of(mode));
    }

    public T padding(Padding mode) {
        this.padding = mode;
        return self();
    }

    public int filters() {
        return filters;
    }

    @Override
    protected int outputs() {
        return filters;
    }

    /** Appends filters, kernel_size, strides, padding, data_format and dilation_rate, in Keras's order. */
    protected final void putConvConfig(Map<String, Object> c) {
        c.put("filters", filters);
        c.put("kernel_size", List.of(kh, kw));
        c.put("strides", List.of(sh, sw));
        c.put("padding", padding.kerasName());
        c.put("data_format", "channels_last");
        c.put("dilation_rate", List.of(dh, dw));
    }
}
