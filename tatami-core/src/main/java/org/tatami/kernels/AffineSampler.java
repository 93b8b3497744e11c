package org.tatami.kernels;

/**
 * Samples an image through an affine map, as Keras's {@code ops.image.affine_transform}: output pixel
 * (column x, row y) reads the input at {@code (a0 x + a1 y + a2, b0 x + b1 y + b2)}, between pixels
 * by the {@link Interpolation} and beyond the edges by the {@link FillMode}. Images are (h, w, c),
 * channels last; a transform is the six coefficients {@code a0 a1 a2 b0 b1 b2}.
 *
 * <p>The output is linear in the input, so its gradient is the adjoint: each output value's gradient
 * goes back to the pixels it read, with the weights it read them with ({@link #sampleAdjoint}).
 * Bilinear reads weigh the four pixels around the point, each index mapped by the fill mode, as
 * TensorFlow's kernel does for reflect, nearest and constant; wrap interpolates across the seam.
 */
public final class AffineSampler {
    /** Coefficients per transform: a0, a1, a2, b0, b1, b2. */
    public static final int COEFFICIENTS = 6;

    private AffineSampler() {
    }

    /** Writes the (h, w, c) image at {@code yOff} of y from the one at {@code xOff} of x through transform t[tOff..]. */
    public static void sample(float[] x, int xOff, float[] y, int yOff, int h, int w, int c, float[] t, int tOff,
                              Interpolation interpolation, FillMode mode, float fillValue) {
        run(false, x, xOff, y, yOff, h, w, c, t, tOff, interpolation, mode, fillValue);
    }

    /**
     * Adds to the image at {@code xOff} of dx the gradient of {@link #sample} for the output gradient at
     * {@code yOff} of dy (the fill value has none).
     */
    public static void sampleAdjoint(float[] dy, int yOff, float[] dx, int xOff, int h, int w, int c, float[] t,
                                     int tOff, Interpolation interpolation, FillMode mode) {
        run(true, dx, xOff, dy, yOff, h, w, c, t, tOff, interpolation, mode, 0f);
    }

    /**
     * Forward: y from x. Adjoint: x (the input gradient) gains from y (the output gradient). One flat
     * loop, so that the JIT keeps it whole: the four pixels around each point are read directly when they
     * lie inside the image, through the fill mode otherwise (-1 standing for the fill value).
     */
    private static void run(boolean adjoint, float[] x, int xOff, float[] y, int yOff, int h, int w, int c, float[] t,
                            int tOff, Interpolation interpolation, FillMode mode, float fill) {
        float a0 = t[tOff];
        float a1 = t[tOff + 1];
        float a2 = t[tOff + 2];
        float b0 = t[tOff + 3];
        float b1 = t[tOff + 4];
        float b2 = t[tOff + 5];
        boolean nearest = interpolation == Interpolation.NEAREST;
        int rowLength = w * c;
        int o = yOff;
        for (int oy = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++, o += c) {
                float inX = a0 * ox + a1 * oy + a2;
                float inY = b0 * ox + b1 * oy + b2;
                int row;
                int col;
                float dy = 0f;
                float dx = 0f;
                if (nearest) {
                    row = roundHalfAway(inY);
                    col = roundHalfAway(inX);
                } else {
                    float fy = (float) Math.floor(inY);
                    float fx = (float) Math.floor(inX);
                    row = (int) fy;
                    col = (int) fx;
                    dy = inY - fy;
                    dx = inX - fx;
                }
                int i00;
                int i01;
                int i10;
                int i11;
                if (row >= 0 && row + 1 < h && col >= 0 && col + 1 < w) {
                    i00 = xOff + row * rowLength + col * c;
                    i01 = i00 + c;
                    i10 = i00 + rowLength;
                    i11 = i10 + c;
                } else {
                    int r0 = mode.map(row, h);
                    int r1 = mode.map(row + 1, h);
                    int k0 = mode.map(col, w);
                    int k1 = mode.map(col + 1, w);
                    i00 = r0 < 0 || k0 < 0 ? -1 : xOff + r0 * rowLength + k0 * c;
                    i01 = r0 < 0 || k1 < 0 ? -1 : xOff + r0 * rowLength + k1 * c;
                    i10 = r1 < 0 || k0 < 0 ? -1 : xOff + r1 * rowLength + k0 * c;
                    i11 = r1 < 0 || k1 < 0 ? -1 : xOff + r1 * rowLength + k1 * c;
                }
                float w00 = (1f - dy) * (1f - dx);
                float w01 = (1f - dy) * dx;
                float w10 = dy * (1f - dx);
                float w11 = dy * dx;
                for (int ch = 0; ch < c; ch++) {
                    if (adjoint) {
                        float g = y[o + ch];
                        if (i00 >= 0) {
                            x[i00 + ch] += nearest ? g : w00 * g;
                        }
                        if (!nearest) {
                            if (i01 >= 0) {
                                x[i01 + ch] += w01 * g;
                            }
                            if (i10 >= 0) {
                                x[i10 + ch] += w10 * g;
                            }
                            if (i11 >= 0) {
                                x[i11 + ch] += w11 * g;
                            }
                        }
                    } else {
                        float v00 = i00 < 0 ? fill : x[i00 + ch];
                        // Nearest reads one pixel, as TensorFlow does: its neighbours' values are not touched.
                        y[o + ch] = nearest ? v00 : w00 * v00 + w01 * (i01 < 0 ? fill : x[i01 + ch])
                                + w10 * (i10 < 0 ? fill : x[i10 + ch]) + w11 * (i11 < 0 ? fill : x[i11 + ch]);
                    }
                }
            }
        }
    }

    /** C's {@code round}, as TensorFlow's nearest reads: halves away from zero. */
    private static int roundHalfAway(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }
}
