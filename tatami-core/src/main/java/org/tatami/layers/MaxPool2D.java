package org.tatami.layers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.kernels.MaxPool2x2;

/** Max pooling over NHWC windows, as Keras's MaxPool2D (strides default to the pool size). */
public final class MaxPool2D extends Pooling2D<MaxPool2D> {
    /** 2 x 2 pooling, Keras's default. */
    public MaxPool2D() {
        this(2, 2);
    }

    public MaxPool2D(int poolSize) {
        this(poolSize, poolSize);
    }

    public MaxPool2D(int poolHeight, int poolWidth) {
        super(poolHeight, poolWidth);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static MaxPool2D fromConfig(Fields c) {
        return readPoolOptions(c, MaxPool2D::new);
    }

    @Override
    public String className() {
        return "MaxPooling2D";
    }

    @Override
    protected String baseName() {
        return "max_pooling2d";
    }

    /** Scratch: for each output value, the input index it was taken from (none on the vector path). */
    @Override
    public Object createScratch(int maxBatch) {
        return vectors() ? null : new int[maxBatch * g.oh() * g.ow() * g.c()];
    }

    /** 2x2 windows, stride 2, no padding. */
    boolean twoByTwo() {
        return ph == 2 && pw == 2 && sh == 2 && sw == 2 && g.padTop() == 0 && g.padLeft() == 0
                && 2 * g.oh() <= g.h() && 2 * g.ow() <= g.w();
    }

    /** 2x2 pooling of channels that fill whole vectors runs with vectors along the channels. */
    private boolean vectors() {
        return twoByTwo() && MaxPool2x2.fits(g.c());
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        if (vectors()) {
            MaxPool2x2.forward(x, n, g.h(), g.w(), g.c(), y);
            return;
        }
        if (twoByTwo()) {
            forward2x2(x, y, n, (int[]) scratch);
            return;
        }
        int[] argmax = (int[]) scratch;
        int c = g.c();
        int o = 0;
        for (int b = 0; b < n; b++) {
            int xb = b * g.h() * g.w() * c;
            for (int oy = 0; oy < g.oh(); oy++) {
                int y0 = Math.max(oy * sh - g.padTop(), 0);
                int y1 = Math.min(oy * sh - g.padTop() + ph, g.h());
                for (int ox = 0; ox < g.ow(); ox++) {
                    int x0 = Math.max(ox * sw - g.padLeft(), 0);
                    int x1 = Math.min(ox * sw - g.padLeft() + pw, g.w());
                    for (int ch = 0; ch < c; ch++, o++) {
                        int best = xb + (y0 * g.w() + x0) * c + ch;
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int i = xb + (iy * g.w() + ix) * c + ch;
                                if (x[i] > x[best]) {
                                    best = i;
                                }
                            }
                        }
                        argmax[o] = best;
                        y[o] = x[best];
                    }
                }
            }
        }
    }

    /** The common 2x2, stride 2 case without the general window loops; same order, same ties. */
    private void forward2x2(float[] x, float[] y, int n, int[] argmax) {
        int c = g.c();
        int rowStride = g.w() * c;
        int o = 0;
        for (int b = 0; b < n; b++) {
            int xb = b * g.h() * rowStride;
            for (int oy = 0; oy < g.oh(); oy++) {
                int top = xb + 2 * oy * rowStride;
                for (int ox = 0; ox < g.ow(); ox++) {
                    int i0 = top + 2 * ox * c;
                    for (int ch = 0; ch < c; ch++, o++) {
                        // Conditional moves rather than branches: which of the four wins is unpredictable.
                        int i = i0 + ch;
                        int j = i + rowStride;
                        float top2 = Math.max(x[i], x[i + c]);
                        int topAt = x[i + c] > x[i] ? i + c : i;
                        int bottomAt = x[j + c] > x[j] ? j + c : j;
                        float bottom2 = Math.max(x[j], x[j + c]);
                        int best = bottom2 > top2 ? bottomAt : topAt;
                        argmax[o] = best;
                        y[o] = x[best];
                    }
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        if (vectors()) {
            MaxPool2x2.backward(x, dy, n, g.h(), g.w(), g.c(), dx, false);
            return;
        }
        int[] argmax = (int[]) scratch;
        Arrays.fill(dx, 0, n * g.h() * g.w() * g.c(), 0f);
        int outs = n * g.oh() * g.ow() * g.c();
        for (int o = 0; o < outs; o++) {
            dx[argmax[o]] += dy[o];
        }
    }
}
