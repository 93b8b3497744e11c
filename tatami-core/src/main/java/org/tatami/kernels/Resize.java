package org.tatami.kernels;

import java.util.Arrays;

/**
 * Resizes a window of an image, as TensorFlow's {@code image.resize} (Keras's {@code Resizing}) without
 * antialiasing: pixel centres at half-integers, bilinear reads of the two pixels around each sampled
 * coordinate per axis (clamped at the edges), nearest reads of {@code floor((o + 0.5) * scale)}. The
 * window (top, left, height, width) lies inside the (inH, inW) input; images are channels last.
 * A window of the output's size is copied as it is.
 *
 * <p>The output is linear in the input; {@link #adjoint} is its gradient. The per-axis reads are
 * computed once, here.
 */
public final class Resize {
    private final int inH;
    private final int inW;
    private final int outH;
    private final int outW;
    private final int top;
    private final int left;
    private final boolean copy;
    private final int[] rowLo;
    private final int[] rowHi;
    private final float[] rowLerp;
    private final int[] colLo;
    private final int[] colHi;
    private final float[] colLerp;

    public Resize(int inH, int inW, int top, int left, int height, int width, int outH, int outW,
                  Interpolation interpolation) {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > inH || left + width > inW) {
            throw new IllegalArgumentException("window (" + top + ", " + left + ", " + height + ", " + width
                    + ") is not inside an image of " + inH + "x" + inW);
        }
        this.inH = inH;
        this.inW = inW;
        this.outH = outH;
        this.outW = outW;
        this.top = top;
        this.left = left;
        this.copy = height == outH && width == outW;
        rowLo = new int[outH];
        rowHi = new int[outH];
        rowLerp = new float[outH];
        colLo = new int[outW];
        colHi = new int[outW];
        colLerp = new float[outW];
        axis(height, outH, top, interpolation, rowLo, rowHi, rowLerp);
        axis(width, outW, left, interpolation, colLo, colHi, colLerp);
    }

    /**
     * Keras's {@code crop_to_aspect_ratio} window of an (inH, inW) image for an (outH, outW) output: the
     * largest centred window of the output's aspect ratio, as {top, left, height, width}.
     */
    public static int[] aspectWindow(int inH, int inW, int outH, int outW) {
        int height = Math.max(Math.min(inH, (int) ((double) inW * outH / outW)), 1);
        int width = Math.max(Math.min(inW, (int) ((double) inH * outW / outH)), 1);
        return new int[] {(inH - height) / 2, (inW - width) / 2, height, width};
    }

    /** The reads along one axis of {@code size} input pixels (from {@code offset}) for {@code out} outputs. */
    private static void axis(int size, int out, int offset, Interpolation interpolation, int[] lo, int[] hi,
                             float[] lerp) {
        float scale = (float) size / out;
        for (int o = 0; o < out; o++) {
            if (interpolation == Interpolation.NEAREST) {
                int i = Math.max(0, Math.min((int) Math.floor((o + 0.5f) * scale), size - 1));
                lo[o] = offset + i;
                hi[o] = offset + i;
                continue;
            }
            float in = (o + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(in);
            lo[o] = offset + Math.max((int) floor, 0);
            hi[o] = offset + Math.min((int) Math.ceil(in), size - 1);
            lerp[o] = in - floor;
        }
    }

    /** Writes the (outH, outW, c) image at {@code yOff} of y from the image at {@code xOff} of x. */
    public void forward(float[] x, int xOff, float[] y, int yOff, int c) {
        int rowLength = inW * c;
        if (copy) {
            for (int r = 0; r < outH; r++) {
                System.arraycopy(x, xOff + (top + r) * rowLength + left * c, y, yOff + r * outW * c, outW * c);
            }
            return;
        }
        int o = yOff;
        for (int r = 0; r < outH; r++) {
            int lo = xOff + rowLo[r] * rowLength;
            int hi = xOff + rowHi[r] * rowLength;
            float ly = rowLerp[r];
            for (int k = 0; k < outW; k++, o += c) {
                int a = colLo[k] * c;
                int b = colHi[k] * c;
                float lx = colLerp[k];
                for (int ch = 0; ch < c; ch++) {
                    // TensorFlow's order of operations, so that the same inputs give the same bits.
                    float upper = x[lo + a + ch] + (x[lo + b + ch] - x[lo + a + ch]) * lx;
                    float lower = x[hi + a + ch] + (x[hi + b + ch] - x[hi + a + ch]) * lx;
                    y[o + ch] = upper + (lower - upper) * ly;
                }
            }
        }
    }

    /** Writes into the (inH, inW, c) image at {@code xOff} of dx the gradient of {@link #forward} for dy at {@code yOff}. */
    public void adjoint(float[] dy, int yOff, float[] dx, int xOff, int c) {
        Arrays.fill(dx, xOff, xOff + inH * inW * c, 0f);
        int rowLength = inW * c;
        if (copy) {
            for (int r = 0; r < outH; r++) {
                System.arraycopy(dy, yOff + r * outW * c, dx, xOff + (top + r) * rowLength + left * c, outW * c);
            }
            return;
        }
        int o = yOff;
        for (int r = 0; r < outH; r++) {
            int lo = xOff + rowLo[r] * rowLength;
            int hi = xOff + rowHi[r] * rowLength;
            float ly = rowLerp[r];
            for (int k = 0; k < outW; k++, o += c) {
                int a = colLo[k] * c;
                int b = colHi[k] * c;
                float lx = colLerp[k];
                for (int ch = 0; ch < c; ch++) {
                    float g = dy[o + ch];
                    float upper = g * (1f - ly);
                    float lower = g * ly;
                    dx[lo + a + ch] += upper * (1f - lx);
                    dx[lo + b + ch] += upper * lx;
                    dx[hi + a + ch] += lower * (1f - lx);
                    dx[hi + b + ch] += lower * lx;
                }
            }
        }
    }
}
