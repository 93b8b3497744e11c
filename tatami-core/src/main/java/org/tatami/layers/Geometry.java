package org.tatami.layers;

import java.util.Arrays;
import org.tatami.kernels.Elementwise;

/**
 * The sliding-window arithmetic shared by convolution and pooling on NHWC data: output size, padding,
 * and the im2col / col2im copies between images and rows of patches. A window of kh x kw taps reads
 * every dh-th row and dw-th column (dilation), so it spans (kh - 1) * dh + 1 rows.
 */
record Geometry(int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw, int oh, int ow, int padTop,
                int padLeft) {
    /** Runs at least this long are copied with System.arraycopy, shorter ones float by float. */
    private static final int RUN_COPY = 16;

    static Geometry of(String layer, int[] in, int kh, int kw, int sh, int sw, Padding padding) {
        return of(layer, in, kh, kw, sh, sw, 1, 1, padding);
    }

    static Geometry of(String layer, int[] in, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding) {
        int spanH = span(kh, dh);
        int spanW = span(kw, dw);
        int oh = padding.outputLength(layer, "height", in[0], spanH, sh);
        int ow = padding.outputLength(layer, "width", in[1], spanW, sw);
        return new Geometry(in[0], in[1], in[2], kh, kw, sh, sw, dh, dw, oh, ow,
                padding.padBefore(in[0], spanH, sh, oh), padding.padBefore(in[1], spanW, sw, ow));
    }

    /** The height of the image padded so that every window of a stride-1 convolution lies inside it. */
    int paddedH() {
        return oh - 1 + span(kh, dh);
    }

    /** The width of the image padded so that every window of a stride-1 convolution lies inside it. */
    int paddedW() {
        return ow - 1 + span(kw, dw);
    }

    /** The rows or columns a window of {@code taps} spans with dilation {@code dilation}. */
    static int span(int taps, int dilation) {
        return (taps - 1) * dilation + 1;
    }

    /**
     * The convolution whose input gradient a transposed convolution computes: its image is the
     * transposed convolution's output (Keras's size rule), its output the transposed convolution's
     * input, padded as TensorFlow's conv2d_transpose pads.
     */
    static Geometry transposed(int[] in, int kh, int kw, int sh, int sw, int dh, int dw, int filters,
                               Padding padding) {
        int spanH = span(kh, dh);
        int spanW = span(kw, dw);
        int h = padding.transposedLength(in[0], spanH, sh);
        int w = padding.transposedLength(in[1], spanW, sw);
        return new Geometry(h, w, filters, kh, kw, sh, sw, dh, dw, in[0], in[1], padding.padBefore(h, spanH, sh,
                in[0]), padding.padBefore(w, spanW, sw, in[1]));
    }

    /**
     * Writes one row per output position and sample, holding the (kh, kw, c) patch under it in the
     * kernel's own order; positions in the padding are zero.
     */
    void im2col(float[] x, int n, float[] cols) {
        im2col(x, 0, n * oh * ow, cols);
    }

    /** Rows {@code [r0, r1)} of {@link #im2col}'s matrix, row r0 at the start of {@code cols}. */
    void im2col(float[] x, int r0, int r1, float[] cols) {
        int patch = kh * kw * c;
        int run = kw * c;
        for (Position at = new Position(r0, oh, ow); at.r < r1; at.step()) {
            int xb = at.b * h * w * c;
            int o = (at.r - r0) * patch;
            int oy = at.oy;
            int ix0 = at.ox * sw - padLeft;
            boolean inside = dw == 1 && ix0 >= 0 && ix0 + kw <= w;
            for (int ky = 0; ky < kh; ky++, o += run) {
                int iy = oy * sh - padTop + ky * dh;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(cols, o, o + run, 0f);
                } else if (inside) {
                    // The kw pixels of a window row are adjacent in NHWC: one run to copy.
                    copy(x, xb + (iy * w + ix0) * c, cols, o, run);
                } else {
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ix0 + kx * dw;
                        if (ix < 0 || ix >= w) {
                            Arrays.fill(cols, o + kx * c, o + (kx + 1) * c, 0f);
                        } else {
                            copy(x, xb + (iy * w + ix) * c, cols, o + kx * c, c);
                        }
                    }
                }
            }
        }
    }

    private static void copy(float[] src, int from, float[] dst, int to, int length) {
        if (length >= RUN_COPY) {
            System.arraycopy(src, from, dst, to, length);
        } else {
            for (int t = 0; t < length; t++) {
                dst[to + t] = src[from + t];
            }
        }
    }

    /** Row r of the patch matrix and its output position (sample b, row oy, column ox), stepped row by row. */
    private static final class Position {
        private final int oh;
        private final int ow;
        int r;
        int b;
        int oy;
        int ox;

        Position(int r, int oh, int ow) {
            this.oh = oh;
            this.ow = ow;
            this.r = r;
            b = r / (oh * ow);
            oy = r % (oh * ow) / ow;
            ox = r % ow;
        }

        void step() {
            r++;
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) {
                    oy = 0;
                    b++;
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: sums each patch row back into the image positions it came from. */
    void col2im(float[] cols, int n, float[] dx) {
        Arrays.fill(dx, 0, n * h * w * c, 0f);
        addCol2im(cols, 0, n * oh * ow, dx);
    }

    /**
     * Adds rows {@code [r0, r1)} of a patch matrix (row r0 at the start of {@code cols}) into the image
     * positions they came from; called on consecutive ranges from 0, it adds in {@link #col2im}'s order.
     */
    void addCol2im(float[] cols, int r0, int r1, float[] dx) {
        int patch = kh * kw * c;
        for (Position at = new Position(r0, oh, ow); at.r < r1; at.step()) {
            int xb = at.b * h * w * c;
            int o = (at.r - r0) * patch;
            int oy = at.oy;
            int ix0 = at.ox * sw - padLeft;
            boolean inside = dw == 1 && ix0 >= 0 && ix0 + kw <= w;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh - padTop + ky * dh;
                if (inside && iy >= 0 && iy < h) {
                    // The window row's kw pixels are adjacent in NHWC: one run to add.
                    Elementwise.addInto(dx, xb + (iy * w + ix0) * c, cols, o, kw * c);
                    o += kw * c;
                    continue;
                }
                for (int kx = 0; kx < kw; kx++, o += c) {
                    int ix = ix0 + kx * dw;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        Elementwise.addInto(dx, xb + (iy * w + ix) * c, cols, o, c);
                    }
                }
            }
        }
    }

    /**
     * {@link #im2col} transposed: one row per patch element (ky, kx, channel), holding its value at
     * every output position of every sample ({@code rows} = n * oh * ow). Vectors then run along
     * positions, which suits convolutions with fewer filters than a vector has lanes.
     */
    void im2colT(float[] x, int n, float[] colsT) {
        int rows = n * oh * ow;
        int p = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                // Output columns whose input column ox*sw - padLeft + kx*dw lies inside the image.
                int lo = Math.min(ow, Math.max(0, ceilDiv(padLeft - kx * dw, sw)));
                int hi = Math.max(lo, Math.min(ow, ceilDiv(w + padLeft - kx * dw, sw)));
                for (int ch = 0; ch < c; ch++, p++) {
                    int o = p * rows;
                    for (int b = 0; b < n; b++) {
                        int xb = b * h * w * c + ch;
                        for (int oy = 0; oy < oh; oy++, o += ow) {
                            int iy = oy * sh - padTop + ky * dh;
                            if (iy < 0 || iy >= h) {
                                Arrays.fill(colsT, o, o + ow, 0f);
                                continue;
                            }
                            Arrays.fill(colsT, o, o + lo, 0f);
                            Arrays.fill(colsT, o + hi, o + ow, 0f);
                            int src = xb + (iy * w + lo * sw - padLeft + kx * dw) * c;
                            if (sw == 1 && c == 1) {
                                System.arraycopy(x, src, colsT, o + lo, hi - lo);
                            } else {
                                for (int ox = lo, i = src; ox < hi; ox++, i += sw * c) {
                                    colsT[o + ox] = x[i];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** The adjoint of {@link #im2colT}: sums each patch element's row back into the image. */
    void col2imT(float[] colsT, int n, float[] dx) {
        Arrays.fill(dx, 0, n * h * w * c, 0f);
        int rows = n * oh * ow;
        int p = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                for (int ch = 0; ch < c; ch++, p++) {
                    int o = p * rows;
                    for (int b = 0; b < n; b++) {
                        int xb = b * h * w * c + ch;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * sh - padTop + ky * dh;
                            if (iy < 0 || iy >= h) {
                                o += ow;
                                continue;
                            }
                            int row = xb + iy * w * c;
                            for (int ox = 0; ox < ow; ox++, o++) {
                                int ix = ox * sw - padLeft + kx * dw;
                                if (ix >= 0 && ix < w) {
                                    dx[row + ix * c] += colsT[o];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
