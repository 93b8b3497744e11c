package org.tatami.layers;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * What MaxPooling1D and AveragePooling1D share: the window, strides (by default the window), padding
 * and Keras's config ({@code T} is the concrete class, so that setters chain). Pooling (steps,
 * channels) is pooling a (1, steps, channels) image with a window of height 1, so each runs the 2-d
 * layer's arithmetic on that view.
 */
public abstract class Pooling1D<T extends Pooling1D<T>> extends ChainedLayer<T> {
    private final int poolSize;
    private int stride;
    private Padding padding = Padding.VALID;
    /** The 2-d pooling of the (1, steps, channels) view, made when the input shape is known. */
    private Pooling2D<?> image;

    protected Pooling1D(int poolSize) {
        if (poolSize <= 0) {
            throw new IllegalArgumentException(className() + " pool size must be positive, got " + poolSize);
        }
        this.poolSize = poolSize;
        this.stride = poolSize;
    }

    /** The 2-d pooling of this kind with a (1, poolSize) window. */
    protected abstract Pooling2D<?> imagePooling(int poolSize);

    /** Reads pool_size, strides (Keras's default, null, is the pool size), padding and data_format. */
    static <P extends Pooling1D<P>> P readPoolOptions(Fields c, IntFunction<P> create) {
        int size = positiveSingle(c, "pool_size", 2);
        int strides = positiveSingle(c, "strides", size);
        P pool = create.apply(size).strides(strides).padding(Padding.fromConfig(c).kerasName());
        KerasValues.requireChannelsLast(c);
        return pool;
    }

    private static int positiveSingle(Fields c, String key, int absent) {
        int v = c.integerOrSingleton(key, absent);
        if (v <= 0) {
            throw c.invalid(key, "a positive integer or a list of one");
        }
        return v;
    }

    public T strides(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(className() + " strides must be positive, got " + value);
        }
        this.stride = value;
        return self();
    }

    public T padding(String mode) {
        this.padding = Padding.of(mode);
        return self();
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "steps, channels");
        // Named after this layer (no automatic name drawn), so that its messages name this layer.
        image = imagePooling(poolSize).strides(1, stride).padding(padding.kerasName()).name(name());
        image.build(new int[] {1, in[0], in[1]}, null);
        int[] out = image.outputShape();
        return new int[] {out[1], out[2]};
    }

    @Override
    public Object createScratch(int maxBatch) {
        return image.createScratch(maxBatch);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        image.forward(x, y, n, scratch, training, random);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        image.backward(x, y, dy, dx, n, scratch, grads);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("pool_size", List.of(poolSize));
        c.put("padding", padding.kerasName());
        c.put("strides", List.of(stride));
        c.put("data_format", "channels_last");
        return c;
    }
}
