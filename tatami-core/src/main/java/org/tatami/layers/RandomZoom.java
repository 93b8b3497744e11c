package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * Zooms each image in or out by a random amount while training, as Keras's RandomZoom: the height is
 * scaled by 1 + a draw from {@code height_factor}, the width by 1 + a draw from {@code width_factor}
 * (or by the height's, keeping the aspect ratio, when there is none); positive zooms out, about the
 * image's centre. The identity at inference.
 */
public final class RandomZoom extends RandomAffine<RandomZoom> {
    private FactorRange heightFactor;
    private FactorRange widthFactor;

    /** Zooms both axes alike by up to {@code heightFactor} either way. */
    public RandomZoom(double heightFactor) {
        this(FactorRange.of("RandomZoom height_factor", heightFactor));
    }

    /** Zooms the height by up to {@code heightFactor}, the width by up to {@code widthFactor}, either way. */
    public RandomZoom(double heightFactor, double widthFactor) {
        this(heightFactor);
        this.widthFactor = FactorRange.of("RandomZoom width_factor", widthFactor);
    }

    private RandomZoom(FactorRange heightFactor) {
        this.heightFactor = heightFactor;
    }

    /** The height range [lower, upper] (negative zooms in). */
    public RandomZoom heightFactor(double lower, double upper) {
        this.heightFactor = FactorRange.of("RandomZoom height_factor", lower, upper);
        return this;
    }

    /** The width range [lower, upper] (negative zooms in); without one the width follows the height. */
    public RandomZoom widthFactor(double lower, double upper) {
        this.widthFactor = FactorRange.of("RandomZoom width_factor", lower, upper);
        return this;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomZoom fromConfig(Fields c) {
        RandomZoom zoom = new RandomZoom(FactorRange.read(c, "height_factor", "RandomZoom height_factor"));
        if (c.isNull("width_factor")) {
            c.take("width_factor");
        } else {
            zoom.widthFactor = FactorRange.read(c, "width_factor", "RandomZoom width_factor");
        }
        return zoom.readSampling(c);
    }

    @Override
    public String className() {
        return "RandomZoom";
    }

    @Override
    protected String baseName() {
        return "random_zoom";
    }

    @Override
    protected void transform(long key, int sample, float[] t, int offset) {
        float zy = (float) (1 + heightFactor.at(uniform(key, sample, 0)));
        float zx = widthFactor == null ? zy : (float) (1 + widthFactor.at(uniform(key, sample, 1)));
        t[offset] = zx;
        t[offset + 1] = 0f;
        t[offset + 2] = (width - 1) / 2f * (1f - zx);
        t[offset + 3] = 0f;
        t[offset + 4] = zy;
        t[offset + 5] = (height - 1) / 2f * (1f - zy);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("height_factor", heightFactor.config());
        c.put("width_factor", widthFactor == null ? null : widthFactor.config());
        putSampling(c);
        return c;
    }
}
