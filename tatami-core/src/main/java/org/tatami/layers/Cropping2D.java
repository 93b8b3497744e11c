package org.tatami.layers;

import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/** Removes rows and columns from the sides of each image, as Keras's Cropping2D (by default none). */
public final class Cropping2D extends Border2D {
    public Cropping2D() {
        this(0);
    }

    /** {@code cropping} rows and columns from every side. */
    public Cropping2D(int cropping) {
        this(cropping, cropping);
    }

    /** {@code rows} from the top and from the bottom, {@code columns} from the left and from the right. */
    public Cropping2D(int rows, int columns) {
        this(rows, rows, columns, columns);
    }

    public Cropping2D(int top, int bottom, int left, int right) {
        super(top, bottom, left, right);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Cropping2D fromConfig(Fields c) {
        int[] s = readSides(c, "cropping", new int[] {0, 0, 0, 0});
        KerasValues.requireChannelsLast(c);
        return new Cropping2D(s[0], s[1], s[2], s[3]);
    }

    @Override
    public String className() {
        return "Cropping2D";
    }

    @Override
    protected String baseName() {
        return "cropping2d";
    }

    @Override
    protected String configKey() {
        return "cropping";
    }

    @Override
    protected boolean adds() {
        return false;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        toInner(x, y, n);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            toOuter(dy, dx, n);
        }
    }
}
