package org.tatami.layers;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * What MaxPool2D and AveragePooling2D share: the window, strides (by default the window), padding
 * and Keras's config. {@code T} is the concrete class, so that setters chain.
 */
public abstract class Pooling2D<T extends Pooling2D<T>> extends ChainedLayer<T> {
    protected final int ph;
    protected final int pw;
    protected int sh;
    protected int sw;
    private Padding padding = Padding.VALID;
    /** The window arithmetic, known once the input shape is. */
    protected Geometry g;

    protected Pooling2D(int poolHeight, int poolWidth) {
        if (poolHeight <= 0 || poolWidth <= 0) {
            throw new IllegalArgumentException(className() + " pool size must be positive, got (" + poolHeight + ", "
                    + poolWidth + ")");
        }
        this.ph = poolHeight;
        this.pw = poolWidth;
        this.sh = poolHeight;
        this.sw = poolWidth;
    }

    /** Reads what MaxPool2D and AveragePooling2D share; Keras's strides default (null) is the pool size. */
    static <P extends Pooling2D<P>> P readPoolOptions(Fields c, BiFunction<Integer, Integer, P> create) {
        int[] pool = c.pair("pool_size", new int[] {2, 2});
        int[] strides = c.pair("strides", pool);
        Padding padding = Padding.fromConfig(c);
        KerasValues.requireChannelsLast(c);
        return create.apply(pool[0], pool[1]).strides(strides[0], strides[1]).padding(padding.kerasName());
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

    public T padding(String mode) {
        this.padding = Padding.of(mode);
        return self();
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        g = Geometry.of(name(), in, ph, pw, sh, sw, padding);
        return new int[] {g.oh(), g.ow(), g.c()};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("pool_size", List.of(ph, pw));
        c.put("padding", padding.kerasName());
        c.put("strides", List.of(sh, sw));
        c.put("data_format", "channels_last");
        return c;
    }
}
