package org.tatami.layers;

/**
 * Keras's depthwise and separable convolutions written plainly from their definitions, in double:
 * what the layers are tested against. Output sizes and the padding split are TensorFlow's, worked out
 * here again rather than taken from {@link Geometry}.
 *
 * <p>Every result comes with the sum of the absolute values of its terms, {@code abs}: a float32 sum
 * of t terms is off from the exact one by at most about t * 2^-24 * abs (whatever the order, fused
 * multiply-adds or not), which is the tolerance {@link #assertClose} allows.
 */
final class DepthwiseReference {
    /** Values and, for each, the sum of the absolute values of its terms. */
    record Sums(double[] value, double[] abs) {
    }

    final int n;
    final int h;
    final int w;
    final int c;
    final int kh;
    final int kw;
    final int sh;
    final int sw;
    final int m;
    final int oh;
    final int ow;
    private final int padTop;
    private final int padLeft;

    DepthwiseReference(int n, int[] in, int kh, int kw, int sh, int sw, String padding, int m) {
        this.n = n;
        this.h = in[0];
        this.w = in[1];
        this.c = in[2];
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.m = m;
        boolean same = padding.equals("same");
        oh = same ? (h + sh - 1) / sh : (h - kh) / sh + 1;
        ow = same ? (w + sw - 1) / sw : (w - kw) / sw + 1;
        padTop = same ? Math.max((oh - 1) * sh + kh - h, 0) / 2 : 0;
        padLeft = same ? Math.max((ow - 1) * sw + kw - w, 0) / 2 : 0;
    }

    private int xIndex(int b, int iy, int ix, int ch) {
        return ((b * h + iy) * w + ix) * c + ch;
    }

    private int yIndex(int b, int oy, int ox, int j) {
        return ((b * oh + oy) * ow + ox) * c * m + j;
    }

    /** Kernel (kh, kw, c, m), Keras's layout. */
    private int kIndex(int ky, int kx, int ch, int i) {
        return ((ky * kw + kx) * c + ch) * m + i;
    }

    /**
     * {@code y[b][oy][ox][ch * m + i] = bias + sum over (ky, kx) of x[b][oy * sh - padTop + ky][ox * sw -
     * padLeft + kx][ch] * k[ky][kx][ch][i]}, x being zero in the padding; bias may be null.
     */
    Sums forward(float[] x, float[] k, float[] bias) {
        double[] y = new double[n * oh * ow * c * m];
        double[] abs = new double[y.length];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int i = 0; i < m; i++) {
                            int o = yIndex(b, oy, ox, ch * m + i);
                            y[o] = bias == null ? 0 : bias[ch * m + i];
                            abs[o] = Math.abs(y[o]);
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * sh - padTop + ky;
                                    int ix = ox * sw - padLeft + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        double t = (double) x[xIndex(b, iy, ix, ch)] * k[kIndex(ky, kx, ch, i)];
                                        y[o] += t;
                                        abs[o] += Math.abs(t);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Sums(y, abs);
    }

    /** The pointwise step of SeparableConv2D on the depthwise output: kernel (1, 1, c * m, filters). */
    Sums pointwise(Sums depthwise, float[] p, int filters, float[] bias) {
        int d = c * m;
        int rows = n * oh * ow;
        double[] y = new double[rows * filters];
        double[] abs = new double[y.length];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < filters; f++) {
                int o = r * filters + f;
                y[o] = bias == null ? 0 : bias[f];
                abs[o] = Math.abs(y[o]);
                for (int j = 0; j < d; j++) {
                    y[o] += depthwise.value()[r * d + j] * p[j * filters + f];
                    abs[o] += depthwise.abs()[r * d + j] * Math.abs(p[j * filters + f]);
                }
            }
        }
        return new Sums(y, abs);
    }

    /** The input's gradient from the output's, dy: every (output, window position) pair that read x adds to it. */
    Sums inputGradient(float[] dy, float[] k) {
        double[] dx = new double[n * h * w * c];
        double[] abs = new double[dx.length];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - padTop + ky;
                            int ix = ox * sw - padLeft + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int ch = 0; ch < c; ch++) {
                                for (int i = 0; i < m; i++) {
                                    double t = (double) dy[yIndex(b, oy, ox, ch * m + i)] * k[kIndex(ky, kx, ch, i)];
                                    dx[xIndex(b, iy, ix, ch)] += t;
                                    abs[xIndex(b, iy, ix, ch)] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Sums(dx, abs);
    }

    /** The kernel's gradient: dy times the input under each window position, summed over samples and outputs. */
    Sums kernelGradient(float[] x, float[] dy) {
        double[] g = new double[kh * kw * c * m];
        double[] abs = new double[g.length];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - padTop + ky;
                            int ix = ox * sw - padLeft + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int ch = 0; ch < c; ch++) {
                                for (int i = 0; i < m; i++) {
                                    double t = (double) dy[yIndex(b, oy, ox, ch * m + i)] * x[xIndex(b, iy, ix, ch)];
                                    g[kIndex(ky, kx, ch, i)] += t;
                                    abs[kIndex(ky, kx, ch, i)] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Sums(g, abs);
    }

    /** Each value within {@code terms} * 2^-24 * abs of the reference (see the class comment). */
    static void assertClose(Sums expected, float[] actual, int terms, String what) {
        double unit = Math.scalb(1.0, -24);
        org.junit.jupiter.api.Assertions.assertEquals(expected.value().length, actual.length, what + ": size");
        for (int i = 0; i < actual.length; i++) {
            double tol = terms * unit * expected.abs()[i] + Double.MIN_NORMAL;
            double err = Math.abs(actual[i] - expected.value()[i]);
            if (!(err <= tol)) {
                org.junit.jupiter.api.Assertions.fail(what + "[" + i + "]: " + actual[i] + ", expected "
                        + expected.value()[i] + " within " + tol);
            }
        }
    }
}
