package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * Shifts each image by a random amount while training, as Keras's RandomTranslation: down by a draw
 * from {@code height_factor} times the height, right by a draw from {@code width_factor} times the
 * width (negative: up, left). The identity at inference.
 */
public final class RandomTranslation extends RandomAffine<RandomTranslation> {
    private FactorRange heightFactor;
    private FactorRange widthFactor;

    /** Shifts by up to {@code heightFactor} of the height and {@code widthFactor} of the width, either way. */
    public RandomTranslation(double heightFactor, double widthFactor) {
        this(FactorRange.of("RandomTranslation height_factor", heightFactor),
                FactorRange.of("RandomTranslation width_factor", widthFactor));
    }

    private RandomTranslation(FactorRange heightFactor, FactorRange widthFactor) {
        this.heightFactor = heightFactor;
        this.widthFactor = widthFactor;
    }

    /** Vertical shifts in [lower, upper] of the height. */
    public RandomTranslation heightFactor(double lower, double upper) {
        this.heightFactor = FactorRange.of("RandomTranslation height_factor", lower, upper);
        return this;
    }

    /** Horizontal shifts in [lower, upper] of the width. */
    public RandomTranslation widthFactor(double lower, double upper) {
        this.widthFactor = FactorRange.of("RandomTranslation width_factor", lower, upper);
        return this;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomTranslation fromConfig(Fields c) {
        return new RandomTranslation(FactorRange.read(c, "height_factor", "RandomTranslation height_factor"),
                FactorRange.read(c, "width_factor", "RandomTranslation width_factor")).readSampling(c);
    }

    @Override
    public String className() {
        return "RandomTranslation";
    }

    @Override
    protected String baseName() {
        return "random_translation";
    }

    @Override
    protected void transform(long key, int sample, float[] t, int offset) {
        float dy = (float) heightFactor.at(uniform(key, sample, 0)) * height;
        float dx = (float) widthFactor.at(uniform(key, sample, 1)) * width;
        t[offset] = 1f;
        t[offset + 1] = 0f;
        t[offset + 2] = -dx;
        t[offset + 3] = 0f;
        t[offset + 4] = 1f;
        t[offset + 5] = -dy;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("height_factor", heightFactor.config());
        c.put("width_factor", widthFactor.config());
        putSampling(c);
        return c;
    }
}
