package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.kernels.AffineSampler;
import org.tatami.kernels.FillMode;
import org.tatami.kernels.Interpolation;

/**
 * What RandomRotation, RandomZoom and RandomTranslation share: in training, each image is resampled
 * through an affine map drawn for it ({@link AffineSampler}), with Keras's {@code fill_mode}
 * (default reflect), {@code interpolation} (default bilinear) and {@code fill_value}; at inference
 * the layer is the identity. The gradient is the sampling's adjoint, with the same maps.
 */
abstract class RandomAffine<T extends RandomAffine<T>> extends RandomImageLayer<T> {
    private FillMode fillMode = FillMode.REFLECT;
    private Interpolation interpolation = Interpolation.BILINEAR;
    private float fillValue;

    /** How points outside the image are read: reflect (the default), wrap, constant or nearest. */
    public T fillMode(String mode) {
        this.fillMode = FillMode.of(mode);
        return self();
    }

    /** bilinear (the default) or nearest. */
    public T interpolation(String name) {
        this.interpolation = Interpolation.of(name);
        return self();
    }

    /** The value read outside the image with fill_mode constant (default 0). */
    public T fillValue(double value) {
        this.fillValue = (float) value;
        return self();
    }

    /** Reads fill_mode, interpolation, fill_value, seed and data_format into the layer. */
    final T readSampling(Fields c) {
        fillMode(c.string("fill_mode", "reflect"));
        interpolation(c.string("interpolation", "bilinear"));
        fillValue(c.number("fill_value", 0));
        KerasValues.requireChannelsLast(c);
        return readSeed(c);
    }

    /**
     * Writes the transform of sample {@code sample} (a0 a1 a2 b0 b1 b2, mapping output points to input
     * points) into t at {@code offset}, from the draws under {@code key}.
     */
    protected abstract void transform(long key, int sample, float[] t, int offset);

    /** Scratch: each sample's transform in the last batch, and whether it was a training one. */
    private static final class Maps {
        final float[] transforms;
        boolean drawn;

        Maps(int maxBatch) {
            transforms = new float[maxBatch * AffineSampler.COEFFICIENTS];
        }
    }

    @Override
    public Object createScratch(int maxBatch) {
        return new Maps(maxBatch);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Maps maps = (Maps) scratch;
        maps.drawn = training;
        if (!training) {
            identity(x, y, n);
            return;
        }
        long key = drawKey(random);
        int size = inputSize();
        for (int b = 0; b < n; b++) {
            int t = b * AffineSampler.COEFFICIENTS;
            transform(key, b, maps.transforms, t);
            AffineSampler.sample(x, b * size, y, b * size, height, width, channels, maps.transforms, t, interpolation,
                    fillMode, fillValue);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        Maps maps = (Maps) scratch;
        if (!maps.drawn) {
            identity(dy, dx, n);
            return;
        }
        int size = inputSize();
        Arrays.fill(dx, 0, n * size, 0f);
        for (int b = 0; b < n; b++) {
            AffineSampler.sampleAdjoint(dy, b * size, dx, b * size, height, width, channels, maps.transforms,
                    b * AffineSampler.COEFFICIENTS, interpolation, fillMode);
        }
    }

    /** Appends fill_mode, interpolation, seed, fill_value and data_format in Keras's order. */
    final void putSampling(Map<String, Object> c) {
        c.put("fill_mode", fillMode.kerasName());
        c.put("interpolation", interpolation.kerasName());
        putSeed(c);
        // The float's shortest decimal, so that 0.1 is written as 0.1.
        c.put("fill_value", Double.parseDouble(Float.toString(fillValue)));
        c.put("data_format", "channels_last");
    }
}
