package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.kernels.Interpolation;
import org.tatami.kernels.Resize;

/**
 * Crops the centre (height, width) of each image, as Keras's CenterCrop; an image smaller than that
 * in either direction is resized instead (the largest centred window of the target's aspect ratio,
 * bilinear), as Keras does.
 */
public final class CenterCrop extends ResizeLayer<CenterCrop> {
    public CenterCrop(int height, int width) {
        super(height, width);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static CenterCrop fromConfig(Fields c) {
        CenterCrop crop = new CenterCrop(c.integer("height"), c.integer("width"));
        KerasValues.requireChannelsLast(c);
        return crop;
    }

    @Override
    public String className() {
        return "CenterCrop";
    }

    @Override
    protected String baseName() {
        return "center_crop";
    }

    @Override
    public int[] window() {
        if (height >= targetHeight && width >= targetWidth) {
            return new int[] {(height - targetHeight) / 2, (width - targetWidth) / 2, targetHeight, targetWidth};
        }
        return Resize.aspectWindow(height, width, targetHeight, targetWidth);
    }

    @Override
    public Interpolation interpolation() {
        return Interpolation.BILINEAR;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        putSize(c);
        c.put("data_format", "channels_last");
        return c;
    }
}
