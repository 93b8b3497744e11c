package org.tatami.layers;

import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/** Adds rows and columns of zeros around each image, as Keras's ZeroPadding2D (by default one on each side). */
public final class ZeroPadding2D extends Border2D {
    public ZeroPadding2D() {
        this(1);
    }

    /** {@code padding} rows and columns on every side. */
    public ZeroPadding2D(int padding) {
        this(padding, padding);
    }

    /** {@code rows} at the top and at the bottom, {@code columns} at the left and at the right. */
    public ZeroPadding2D(int rows, int columns) {
        this(rows, rows, columns, columns);
    }

    public ZeroPadding2D(int top, int bottom, int left, int right) {
        super(top, bottom, left, right);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static ZeroPadding2D fromConfig(Fields c) {
        int[] s = readSides(c, "padding", new int[] {1, 1, 1, 1});
        KerasValues.requireChannelsLast(c);
        return new ZeroPadding2D(s[0], s[1], s[2], s[3]);
    }

    @Override
    public String className() {
        return "ZeroPadding2D";
    }

    @Override
    protected String baseName() {
        return "zero_padding2d";
    }

    @Override
    protected String configKey() {
        return "padding";
    }

    @Override
    protected boolean adds() {
        return true;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        toOuter(x, y, n);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            toInner(dy, dx, n);
        }
    }
}
