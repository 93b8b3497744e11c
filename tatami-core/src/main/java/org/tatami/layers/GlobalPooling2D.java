package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: one value per channel from all positions,
 * (h, w, c) to (c), or to (1, 1, c) with {@code keepdims}.
 */
abstract class GlobalPooling2D extends Layer {
    private final boolean keepdims;
    /** Height times width of the input, known once built. */
    protected int positions;
    protected int channels;

    GlobalPooling2D(boolean keepdims) {
        this.keepdims = keepdims;
    }

    /** Keras's {@code keepdims} option, after checking the data format. */
    static boolean readKeepdims(Fields c) {
        KerasValues.requireChannelsLast(c);
        return c.bool("keepdims", false);
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        positions = in[0] * in[1];
        channels = in[2];
        return keepdims ? new int[] {1, 1, channels} : new int[] {channels};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("data_format", "channels_last");
        c.put("keepdims", keepdims);
        return c;
    }
}
