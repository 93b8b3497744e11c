package org.tatami.data;

/**
 * How pixels (0..255) become a model's input: {@code input = pixel * rescale + offset}, as Keras's
 * {@code Rescaling} layer. The default, {@code 1/255} and {@code 0}, is the seed's {@code x / 255}; models
 * trained elsewhere expect others (e.g. {@code 1/127.5} and {@code -1} for [-1, 1]).
 */
public record PixelScaling(double rescale, double offset) {
    /** The seed's scaling: pixel / 255. */
    public static final PixelScaling DEFAULT = new PixelScaling(1 / 255.0, 0);

    public PixelScaling {
        if (!Float.isFinite((float) rescale) || !Float.isFinite((float) offset)) {
            throw new IllegalArgumentException("rescale and offset must be finite as float32, got " + rescale + " and "
                    + offset);
        }
    }

    /**
     * A number or a fraction like {@code 1/127.5}, finite as float32 (inputs are float32: a value beyond
     * its range would make every input infinite).
     *
     * @throws IllegalArgumentException naming {@code option} and the text
     */
    public static double parse(String option, String text) {
        try {
            int slash = text.indexOf('/');
            double v = slash < 0 ? Double.parseDouble(text)
                    : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
            if (!Float.isFinite((float) v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number within float32's range (up to 3.4e38) or a"
                    + " fraction like 1/127.5, got '" + text + "'");
        }
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * Scales, in place, values that are pixels already divided by 255 (pictures as {@link Images} reads
     * them, MNIST as the seed divides it): left as they are with the default scaling, so that they keep
     * the bits of {@code x / 255}; otherwise {@code value * 255 * rescale + offset}.
     */
    public void applyToUnit(float[] values) {
        applyToUnit(values, 0, values.length);
    }

    /** {@link #applyToUnit(float[])} on {@code length} values from {@code from}. */
    public void applyToUnit(float[] values, int from, int length) {
        if (isDefault()) {
            return;
        }
        for (int i = from; i < from + length; i++) {
            values[i] = (float) (values[i] * 255.0 * rescale + offset);
        }
    }
}
