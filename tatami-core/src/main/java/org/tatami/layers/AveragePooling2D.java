package org.tatami.layers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * Average pooling over NHWC windows, as Keras's AveragePooling2D (strides default to the pool size).
 * With padding "same" a window at the border averages only the input values it covers, not the
 * padding, as TensorFlow does.
 */
public final class AveragePooling2D extends Pooling2D<AveragePooling2D> {
    /** 2 x 2 pooling, Keras's default. */
    public AveragePooling2D() {
        this(2, 2);
    }

    public AveragePooling2D(int poolSize) {
        this(poolSize, poolSize);
    }

    public AveragePooling2D(int poolHeight, int poolWidth) {
        super(poolHeight, poolWidth);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static AveragePooling2D fromConfig(Fields c) {
        return readPoolOptions(c, AveragePooling2D::new);
    }

    @Override
    public String className() {
        return "AveragePooling2D";
    }

    @Override
    protected String baseName() {
        return "average_pooling2d";
    }

    /** One window: input rows [y0, y1) and columns [x0, x1) of the sample at {@code xb}, output at {@code o}. */
    @FunctionalInterface
    private interface Window {
        void visit(int xb, int o, int y0, int y1, int x0, int x1);
    }

    private void forEachWindow(int n, Window window) {
        int c = g.c();
        int o = 0;
        for (int b = 0; b < n; b++) {
            int xb = b * g.h() * g.w() * c;
            for (int oy = 0; oy < g.oh(); oy++) {
                int y0 = Math.max(oy * sh - g.padTop(), 0);
                int y1 = Math.min(oy * sh - g.padTop() + ph, g.h());
                for (int ox = 0; ox < g.ow(); ox++, o += c) {
                    int x0 = Math.max(ox * sw - g.padLeft(), 0);
                    int x1 = Math.min(ox * sw - g.padLeft() + pw, g.w());
                    window.visit(xb, o, y0, y1, x0, x1);
                }
            }
        }
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int c = g.c();
        int w = g.w();
        forEachWindow(n, (xb, o, y0, y1, x0, x1) -> {
            float count = (y1 - y0) * (x1 - x0);
            for (int ch = 0; ch < c; ch++) {
                float sum = 0f;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        sum += x[xb + (iy * w + ix) * c + ch];
                    }
                }
                y[o + ch] = sum / count;
            }
        });
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        int c = g.c();
        int w = g.w();
        Arrays.fill(dx, 0, n * g.h() * w * c, 0f);
        forEachWindow(n, (xb, o, y0, y1, x0, x1) -> {
            float count = (y1 - y0) * (x1 - x0);
            for (int ch = 0; ch < c; ch++) {
                float share = dy[o + ch] / count;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        dx[xb + (iy * w + ix) * c + ch] += share;
                    }
                }
            }
        });
    }
}
