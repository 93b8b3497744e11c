package org.tatami.layers;

import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * Rotates each image by a random angle while training, as Keras's RandomRotation: the angle is drawn
 * uniformly from [lower, upper] turns ({@code factor} 0.1 means up to 36 degrees either way; positive
 * is counter-clockwise), about the image's centre. The identity at inference.
 */
public final class RandomRotation extends RandomAffine<RandomRotation> {
    private final FactorRange factor;

    /** Angles in [-factor, factor] of a full turn. */
    public RandomRotation(double factor) {
        this(FactorRange.of("RandomRotation factor", factor));
    }

    /** Angles in [lower, upper] of a full turn. */
    public RandomRotation(double lower, double upper) {
        this(FactorRange.of("RandomRotation factor", lower, upper));
    }

    private RandomRotation(FactorRange factor) {
        this.factor = factor;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomRotation fromConfig(Fields c) {
        return new RandomRotation(FactorRange.read(c, "factor", "RandomRotation factor")).readSampling(c);
    }

    @Override
    public String className() {
        return "RandomRotation";
    }

    @Override
    protected String baseName() {
        return "random_rotation";
    }

    @Override
    protected void transform(long key, int sample, float[] t, int offset) {
        double angle = factor.at(uniform(key, sample, 0)) * 2 * Math.PI;
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        float w = width - 1;
        float h = height - 1;
        // Keras's rotation about the centre ((w - 1) / 2, (h - 1) / 2), output point to input point.
        t[offset] = cos;
        t[offset + 1] = -sin;
        t[offset + 2] = (w - (cos * w - sin * h)) / 2f;
        t[offset + 3] = sin;
        t[offset + 4] = cos;
        t[offset + 5] = (h - (sin * w + cos * h)) / 2f;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        // Keras 3 writes the factor as the (lower, upper) pair it made of it.
        c.put("factor", List.of(factor.lower(), factor.upper()));
        putSampling(c);
        return c;
    }
}
