package org.tatami.kernels;

import java.util.Arrays;

/**
 * Depthwise 2-d convolution of NHWC images: channel j of the output is channel j of the input
 * convolved with its own window of weights. The kernel is held as (kh, kw, channels), which is Keras's
 * depthwise kernel (kh, kw, in_channels, depth_multiplier) read with its last two axes as one (the
 * caller repeats each input channel depth_multiplier times, {@link #repeatChannels}).
 *
 * <p>A pixel's channels are adjacent in NHWC, so vectors run along them: each window position costs
 * one multiply-add per vector, and positions in the padding are skipped rather than read. Forward and
 * input gradient compute each value as one sum over the window in a fixed order (forward: from the
 * bias, rows then columns) and write it once; the kernel gradient adds up output row by output row.
 * The SIMD path (fused multiply-adds) and the scalar path agree within float rounding. Nothing is
 * allocated per call.
 */
public final class Depthwise {
    private final int h;
    private final int w;
    private final int d;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int oh;
    private final int ow;
    private final int padTop;
    private final int padLeft;

    /**
     * For images of h x w x {@code channels}, a kh x kw window moved by (sh, sw), giving oh x ow
     * outputs; the window of output (0, 0) starts padTop rows above and padLeft columns left of the
     * image.
     */
    public Depthwise(int h, int w, int channels, int kh, int kw, int sh, int sw, int oh, int ow, int padTop,
                     int padLeft) {
        this.h = h;
        this.w = w;
        this.d = channels;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.oh = oh;
        this.ow = ow;
        this.padTop = padTop;
        this.padLeft = padLeft;
    }

    /**
     * Output row {@code oy} of sample {@code b}: {@code y[b][oy][ox][j] = bias[j] + sum over the
     * window of x[b][iy][ix][j] * kernel[ky][kx][j]}; {@code bias} may be null (zero).
     */
    public void forwardRow(float[] x, int b, int oy, float[] kernel, float[] bias, float[] y) {
        int top = oy * sh - padTop;
        int ky0 = Math.max(0, -top);
        int rows = Math.min(kh, h - top) - ky0;
        for (int ox = 0; ox < ow; ox++) {
            int left = ox * sw - padLeft;
            int kx0 = Math.max(0, -left);
            int cols = Math.min(kw, w - left) - kx0;
            windowSum(rows, cols, x, ((b * h + top + ky0) * w + left + kx0) * d, w * d, d,
                    kernel, (ky0 * kw + kx0) * d, kw * d, d, bias, y, ((b * oh + oy) * ow + ox) * d);
        }
    }

    /**
     * The gradient w.r.t. the input of n samples from {@code dy}, the output's: each input value sums
     * dy * kernel over the outputs whose window covers it. Every value of {@code dx} is written.
     */
    public void inputGradient(float[] dy, int n, float[] kernel, float[] dx) {
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                // Window rows ky that put this row under an output row: ky0, ky0 + sh, ..., each one
                // output row higher than the one before.
                int ty = iy + padTop;
                int ky0 = firstTap(ty, sh, oh);
                int rows = taps(ty, ky0, sh, kh);
                for (int ix = 0; ix < w; ix++) {
                    int tx = ix + padLeft;
                    int kx0 = firstTap(tx, sw, ow);
                    int cols = taps(tx, kx0, sw, kw);
                    int dyAt = ((b * oh + (ty - ky0) / sh) * ow + (tx - kx0) / sw) * d;
                    windowSum(rows, cols, dy, dyAt, -ow * d, -d, kernel, (ky0 * kw + kx0) * d, sh * kw * d, sw * d,
                            null, dx, ((b * h + iy) * w + ix) * d);
                }
            }
        }
    }

    /** The smallest window offset k >= 0 that puts position t (padding included) under an output. */
    private static int firstTap(int t, int stride, int outputs) {
        int k = Math.max(0, t - (outputs - 1) * stride);
        return k + Math.floorMod(t - k, stride);
    }

    /** How many of the offsets k0, k0 + stride, ... below the window size put position t under an output. */
    private static int taps(int t, int k0, int stride, int window) {
        int last = Math.min(window - 1, t);
        return k0 > last ? 0 : (last - k0) / stride + 1;
    }

    /**
     * The kernel's gradient from n samples: {@code grad[ky][kx][j] = sum over samples and outputs of
     * dy[b][oy][ox][j] * x[b][iy][ix][j]} under that window position. Every value of {@code grad} is
     * written. Each output row adds its sum for one window position at a time, while the row is in
     * cache.
     */
    public void kernelGradient(float[] x, float[] dy, int n, float[] grad) {
        Arrays.fill(grad, 0, kh * kw * d, 0f);
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * sh - padTop;
                for (int ky = Math.max(0, -top); ky < Math.min(kh, h - top); ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        // The outputs of the row whose input column ox * sw - padLeft + kx is in the image.
                        int lo = Math.min(ow, Math.max(0, ceilDiv(padLeft - kx, sw)));
                        int hi = Math.max(lo, Math.min(ow, ceilDiv(w + padLeft - kx, sw)));
                        sumProducts(hi - lo, dy, ((b * oh + oy) * ow + lo) * d, d,
                                x, ((b * h + top + ky) * w + lo * sw - padLeft + kx) * d, sw * d,
                                grad, (ky * kw + kx) * d);
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * {@code out[o + j] = init[j] + sum over r < rows, c < cols of a[ai + j] * b[bi + j]} for the d
     * channels j, with {@code ai = a0 + r * aRow + c * aCol} and {@code bi} alike; a null init is zero.
     */
    private void windowSum(int rows, int cols, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int bRow,
                           int bCol, float[] init, float[] out, int o) {
        if (Simd.ENABLED && d >= Simd.lanes()) {
            VectorDepthwise.windowSum(d, rows, cols, a, a0, aRow, aCol, b, b0, bRow, bCol, init, out, o);
            return;
        }
        if (init == null) {
            Arrays.fill(out, o, o + d, 0f);
        } else {
            System.arraycopy(init, 0, out, o, d);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int ai = a0 + r * aRow + c * aCol;
                int bi = b0 + r * bRow + c * bCol;
                for (int j = 0; j < d; j++) {
                    out[o + j] += a[ai + j] * b[bi + j];
                }
            }
        }
    }

    /**
     * {@code acc[a0 + j] += sum over p < count of g[g0 + p * gStep + j] * x[x0 + p * xStep + j]} for
     * the d channels j.
     */
    private void sumProducts(int count, float[] g, int g0, int gStep, float[] x, int x0, int xStep, float[] acc,
                             int a0) {
        if (Simd.ENABLED && d >= Simd.lanes()) {
            VectorDepthwise.sumProducts(d, count, g, g0, gStep, x, x0, xStep, acc, a0);
            return;
        }
        for (int p = 0; p < count; p++) {
            int gi = g0 + p * gStep;
            int xi = x0 + p * xStep;
            for (int j = 0; j < d; j++) {
                acc[a0 + j] += g[gi + j] * x[xi + j];
            }
        }
    }

    /**
     * Each of the c channels of each pixel repeated m times, {@code out[p][ch * m + i] = x[p][ch]}: the
     * input as a depthwise kernel with depth multiplier m reads it.
     */
    public static void repeatChannels(float[] x, int pixels, int c, int m, float[] out) {
        for (int i = 0, o = 0, end = pixels * c; i < end; i++) {
            float v = x[i];
            for (int k = 0; k < m; k++) {
                out[o++] = v;
            }
        }
    }

    /** The adjoint of {@link #repeatChannels}: {@code dx[p][ch] = sum over i of g[p][ch * m + i]}. */
    public static void sumRepeats(float[] g, int pixels, int c, int m, float[] dx) {
        for (int i = 0, o = 0, end = pixels * c; i < end; i++) {
            float s = 0f;
            for (int k = 0; k < m; k++) {
                s += g[o++];
            }
            dx[i] = s;
        }
    }
}
