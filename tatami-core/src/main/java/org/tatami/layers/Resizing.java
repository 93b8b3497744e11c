package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.kernels.Interpolation;
import org.tatami.kernels.Resize;

/**
 * Resizes images to (height, width), as Keras's Resizing: bilinear (the default) or nearest, as
 * TensorFlow's {@code image.resize} without antialiasing. With {@code crop_to_aspect_ratio} the
 * largest centred window of the target's aspect ratio is resized, so nothing is stretched.
 */
public final class Resizing extends ResizeLayer<Resizing> {
    private Interpolation interpolation = Interpolation.BILINEAR;
    private boolean cropToAspectRatio;
    private float fillValue;

    public Resizing(int height, int width) {
        super(height, width);
    }

    /** bilinear (the default) or nearest. */
    public Resizing interpolation(String name) {
        this.interpolation = Interpolation.of(name);
        return this;
    }

    /** Whether to resize the largest centred window of the target's aspect ratio rather than the whole image. */
    public Resizing cropToAspectRatio(boolean crop) {
        this.cropToAspectRatio = crop;
        return this;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Resizing fromConfig(Fields c) {
        Resizing r = new Resizing(c.integer("height"), c.integer("width"));
        try {
            r.interpolation(c.string("interpolation", "bilinear"));
        } catch (IllegalArgumentException e) {
            throw c.unsupported("interpolation", "tatami resizes bilinear or nearest");
        }
        r.cropToAspectRatio(c.bool("crop_to_aspect_ratio", false));
        if (c.bool("pad_to_aspect_ratio", false)) {
            throw c.unsupported("pad_to_aspect_ratio", "tatami's Resizing crops to the aspect ratio but does not pad");
        }
        if (!c.string("fill_mode", "constant").equals("constant")) {
            throw c.unsupported("fill_mode", "Keras's Resizing pads with a constant only");
        }
        // Keras keeps fill_value for padding, which is off: it changes nothing, and is written back.
        r.fillValue = (float) c.number("fill_value", 0);
        KerasValues.requireChannelsLast(c);
        return r;
    }

    @Override
    public String className() {
        return "Resizing";
    }

    @Override
    protected String baseName() {
        return "resizing";
    }

    @Override
    public int[] window() {
        return cropToAspectRatio ? Resize.aspectWindow(height, width, targetHeight, targetWidth)
                : new int[] {0, 0, height, width};
    }

    @Override
    public Interpolation interpolation() {
        return interpolation;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        putSize(c);
        c.put("interpolation", interpolation.kerasName());
        c.put("crop_to_aspect_ratio", cropToAspectRatio);
        c.put("pad_to_aspect_ratio", false);
        c.put("fill_mode", "constant");
        c.put("fill_value", Double.parseDouble(Float.toString(fillValue)));
        c.put("data_format", "channels_last");
        return c;
    }
}
