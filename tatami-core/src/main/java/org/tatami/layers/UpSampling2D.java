package org.tatami.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * Repeats each row {@code size[0]} times and each column {@code size[1]} times, as Keras's
 * UpSampling2D with its default (and tatami's only) interpolation, "nearest".
 */
public final class UpSampling2D extends Layer {
    private final int sh;
    private final int sw;
    private int h;
    private int w;
    private int c;

    /** Doubles height and width, Keras's default. */
    public UpSampling2D() {
        this(2);
    }

    public UpSampling2D(int size) {
        this(size, size);
    }

    public UpSampling2D(int rows, int columns) {
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("UpSampling2D size must be positive, got (" + rows + ", " + columns
                    + ")");
        }
        this.sh = rows;
        this.sw = columns;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static UpSampling2D fromConfig(Fields c) {
        int[] size = c.pair("size", new int[] {2, 2});
        KerasValues.requireChannelsLast(c);
        if (!c.string("interpolation", "nearest").equals("nearest")) {
            throw c.unsupported("interpolation", "tatami's UpSampling2D repeats the nearest value only");
        }
        return new UpSampling2D(size[0], size[1]);
    }

    @Override
    public String className() {
        return "UpSampling2D";
    }

    @Override
    protected String baseName() {
        return "up_sampling2d";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        h = in[0];
        w = in[1];
        c = in[2];
        return new int[] {h * sh, w * sw, c};
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int outRow = w * sw * c;
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                // Widen one input row into the first of its output rows, then repeat that row.
                int first = (b * h + iy) * sh * outRow;
                int o = first;
                for (int ix = 0, i = (b * h + iy) * w * c; ix < w; ix++, i += c) {
                    for (int k = 0; k < sw; k++, o += c) {
                        System.arraycopy(x, i, y, o, c);
                    }
                }
                for (int k = 1; k < sh; k++) {
                    System.arraycopy(y, first, y, first + k * outRow, outRow);
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        Arrays.fill(dx, 0, n * h * w * c, 0f);
        int o = 0;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < h * sh; oy++) {
                int row = (b * h + oy / sh) * w * c;
                for (int ix = 0; ix < w; ix++) {
                    int i = row + ix * c;
                    for (int k = 0; k < sw; k++) {
                        for (int ch = 0; ch < c; ch++, o++) {
                            dx[i + ch] += dy[o];
                        }
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = super.config();
        m.put("size", List.of(sh, sw));
        m.put("data_format", "channels_last");
        m.put("interpolation", "nearest");
        return m;
    }
}
