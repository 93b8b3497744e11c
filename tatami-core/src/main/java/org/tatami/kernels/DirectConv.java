package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution without padding of NHWC images with few channels (the first layer of a network),
 * computed straight from the images with vectors along the filters: the im2col matrix, whose rows
 * would be only {@code kh * kw * c} floats long (9 for a 3x3 kernel on one channel), is neither
 * written nor read, and no product runs on such short rows.
 *
 * <p>Each output is the fused multiply-add chain over the patch in the kernel's (ky, kx, channel)
 * order, started from 0, and each kernel-gradient element the chain over the output positions in row
 * order: the bits of the im2col product, whatever the vector width. The output and its gradient are
 * (positions, filters), the kernel Keras's (kh, kw, c, filters). Callers check {@link #fits} first.
 */
public final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output positions per forward tile, along an output row (whose last tile overlaps the one before). */
    private static final int POSITIONS = 4;
    /** Kernel rows (taps of the patch) per kernel-gradient tile. */
    private static final int TAPS = 5;
    /** Output positions per block of the kernel gradient: their gradient, at most 128 KB, stays in L2. */
    private static final int BLOCK = 1024;

    private final int h;
    private final int w;
    private final int c;
    private final int sh;
    private final int sw;
    private final int oh;
    private final int ow;
    /** Where each tap of the patch lies in the image, relative to the window's first pixel. */
    private final int[] taps;

    /**
     * A convolution of h x w x c images by a kh x kw kernel with strides (sh, sw) and dilations
     * (dh, dw), giving oh x ow outputs that read no padding.
     */
    public DirectConv(int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw, int oh, int ow) {
        this.h = h;
        this.w = w;
        this.c = c;
        this.sh = sh;
        this.sw = sw;
        this.oh = oh;
        this.ow = ow;
        taps = new int[kh * kw * c];
        for (int ky = 0, t = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                for (int ch = 0; ch < c; ch++, t++) {
                    taps[t] = (ky * dh * w + kx * dw) * c + ch;
                }
            }
        }
    }

    /** Whether the SIMD path is on, the filters fill whole tiles of two vectors and a row a forward tile. */
    public static boolean fits(int filters, int ow) {
        return Simd.ENABLED && filters % (2 * L) == 0 && ow >= POSITIONS;
    }

    /**
     * {@code y[b][oy][ox][f] = sum over the patch of kernel[ky][kx][ch][f] * x[b][oy*sh + ky*dh][ox*sw + kx*dw][ch]}
     * for images [b0, b1), then plus {@code bias[f]} (unless null) and through a ReLU if {@code relu}:
     * the same operations as the passes that otherwise follow, on the tile while it is in registers.
     */
    public void forward(float[] x, int b0, int b1, float[] kernel, float[] bias, boolean relu, int filters, float[] y) {
        int step = sw * c;
        for (int b = b0; b < b1; b++) {
            for (int oy = 0; oy < oh; oy++) {
                int in = (b * h + oy * sh) * w * c;
                int out = (b * oh + oy) * ow;
                for (int f = 0; f < filters; f += 2 * L) {
                    for (int g = 0; g < ow; g += POSITIONS) {
                        int ox = Math.min(g, ow - POSITIONS);
                        int x0 = in + ox * step;
                        forwardTile(x, x0, x0 + step, x0 + 2 * step, x0 + 3 * step, kernel, bias, relu, f, filters,
                                y, (out + ox) * filters + f, false, null);
                    }
                }
            }
        }
    }

    /**
     * The output with bias and ReLU, pooled 2x2 with stride 2 as MaxPool2D pools it, for images [b0, b1):
     * {@code y} (n, oh/2, ow/2, filters); an odd last row or column is neither computed nor pooled. Each
     * tile is one window, its four positions' sums compared before the ReLU (which commutes with the
     * maximum, so the same winner and value as the layers one after the other). {@code routes}, unless
     * null, gets for each pooled value which of the four won (0 top left, 1 top right, 2 bottom left, 3
     * bottom right), or -1 where the winner is not positive and the ReLU passes no gradient: all that
     * {@link #kernelGradientPooled} needs.
     */
    public void forwardPooled(float[] x, int b0, int b1, float[] kernel, float[] bias, int filters, float[] y,
                              float[] routes) {
        int ph = oh / 2;
        int pw = ow / 2;
        int step = sw * c;
        int down = sh * w * c;
        for (int b = b0; b < b1; b++) {
            for (int py = 0; py < ph; py++) {
                int in = (b * h + 2 * py * sh) * w * c;
                int out = (b * ph + py) * pw;
                for (int f = 0; f < filters; f += 2 * L) {
                    for (int px = 0; px < pw; px++) {
                        int x0 = in + 2 * px * step;
                        forwardTile(x, x0, x0 + step, x0 + down, x0 + down + step, kernel, bias, true, f, filters, y,
                                (out + px) * filters + f, true, routes);
                    }
                }
            }
        }
    }

    /**
     * Four positions (from x0, x1, x2, x3) by two vectors of filters from kOff. Unpooled: y at yOff, rows
     * filters apart. Pooled (the four a window, top left, top right, bottom left, bottom right): its
     * maximum at yOff, and where it came from in routes at yOff unless null.
     */
    private void forwardTile(float[] x, int x0, int x1, int x2, int x3, float[] kernel, float[] bias, boolean relu,
                             int kOff, int filters, float[] y, int yOff, boolean pooled, float[] routes) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        for (int t = 0; t < taps.length; t++) {
            int o = taps[t];
            int k = kOff + t * filters;
            FloatVector k0 = FloatVector.fromArray(S, kernel, k);
            FloatVector k1 = FloatVector.fromArray(S, kernel, k + L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + o]);
            s00 = v.fma(k0, s00);
            s01 = v.fma(k1, s01);
            v = FloatVector.broadcast(S, x[x1 + o]);
            s10 = v.fma(k0, s10);
            s11 = v.fma(k1, s11);
            v = FloatVector.broadcast(S, x[x2 + o]);
            s20 = v.fma(k0, s20);
            s21 = v.fma(k1, s21);
            v = FloatVector.broadcast(S, x[x3 + o]);
            s30 = v.fma(k0, s30);
            s31 = v.fma(k1, s31);
        }
        if (bias != null) {
            FloatVector b0 = FloatVector.fromArray(S, bias, kOff);
            FloatVector b1 = FloatVector.fromArray(S, bias, kOff + L);
            s00 = s00.add(b0);
            s01 = s01.add(b1);
            s10 = s10.add(b0);
            s11 = s11.add(b1);
            s20 = s20.add(b0);
            s21 = s21.add(b1);
            s30 = s30.add(b0);
            s31 = s31.add(b1);
        }
        FloatVector zero = FloatVector.zero(S);
        if (pooled) {
            // MaxPool2D's rule, as in MaxPool2x2: top row first, left first, later only if strictly greater.
            VectorMask<Float> right0 = s10.compare(VectorOperators.GT, s00);
            VectorMask<Float> right1 = s11.compare(VectorOperators.GT, s01);
            VectorMask<Float> lowerRight0 = s30.compare(VectorOperators.GT, s20);
            VectorMask<Float> lowerRight1 = s31.compare(VectorOperators.GT, s21);
            FloatVector t0 = s00.blend(s10, right0);
            FloatVector t1 = s01.blend(s11, right1);
            FloatVector u0 = s20.blend(s30, lowerRight0);
            FloatVector u1 = s21.blend(s31, lowerRight1);
            VectorMask<Float> bottom0 = u0.compare(VectorOperators.GT, t0);
            VectorMask<Float> bottom1 = u1.compare(VectorOperators.GT, t1);
            FloatVector m0 = t0.blend(u0, bottom0);
            FloatVector m1 = t1.blend(u1, bottom1);
            VectorMask<Float> positive0 = m0.compare(VectorOperators.GT, zero);
            VectorMask<Float> positive1 = m1.compare(VectorOperators.GT, zero);
            zero.blend(m0, positive0).intoArray(y, yOff);
            zero.blend(m1, positive1).intoArray(y, yOff + L);
            if (routes != null) {
                FloatVector one = FloatVector.broadcast(S, 1f);
                FloatVector two = FloatVector.broadcast(S, 2f);
                FloatVector three = FloatVector.broadcast(S, 3f);
                FloatVector none = FloatVector.broadcast(S, -1f);
                FloatVector r0 = zero.blend(one, right0).blend(two.blend(three, lowerRight0), bottom0);
                FloatVector r1 = zero.blend(one, right1).blend(two.blend(three, lowerRight1), bottom1);
                none.blend(r0, positive0).intoArray(routes, yOff);
                none.blend(r1, positive1).intoArray(routes, yOff + L);
            }
            return;
        }
        if (relu) {
            s00 = zero.blend(s00, s00.compare(VectorOperators.GT, zero));
            s01 = zero.blend(s01, s01.compare(VectorOperators.GT, zero));
            s10 = zero.blend(s10, s10.compare(VectorOperators.GT, zero));
            s11 = zero.blend(s11, s11.compare(VectorOperators.GT, zero));
            s20 = zero.blend(s20, s20.compare(VectorOperators.GT, zero));
            s21 = zero.blend(s21, s21.compare(VectorOperators.GT, zero));
            s30 = zero.blend(s30, s30.compare(VectorOperators.GT, zero));
            s31 = zero.blend(s31, s31.compare(VectorOperators.GT, zero));
        }
        s00.intoArray(y, yOff);
        s01.intoArray(y, yOff + L);
        s10.intoArray(y, yOff + filters);
        s11.intoArray(y, yOff + filters + L);
        s20.intoArray(y, yOff + 2 * filters);
        s21.intoArray(y, yOff + 2 * filters + L);
        s30.intoArray(y, yOff + 3 * filters);
        s31.intoArray(y, yOff + 3 * filters + L);
    }

    /**
     * The kernel gradient, {@code grad[t][f] = sum over every output position r of x at r's tap t *
     * dy[r][f]}, over n images; grad is overwritten. Positions run in blocks that stay in cache while
     * every tile of taps and filters passes over them, each tile's sums continuing from the block before.
     */
    public void kernelGradient(float[] x, float[] dy, int n, int filters, float[] grad) {
        java.util.Arrays.fill(grad, 0, taps.length * filters, 0f);
        int rows = n * oh * ow;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            gradientTiles(x, dy, 0, r0, Math.min(rows, r0 + BLOCK), filters, grad);
        }
    }

    /** Floats of the scratch {@link #kernelGradientPooled} needs. */
    public static int pooledScratch(int filters) {
        return BLOCK * filters;
    }

    /**
     * The kernel gradient and, unless {@code biasGrad} is null, the bias gradient (both overwritten) of
     * the convolution whose output {@link #forwardPooled} pooled, from the pooled output's gradient
     * {@code dy} and the routes: each block of the output's gradient (the winner's pooled gradient
     * where the ReLU passes it, 0 elsewhere) is made in {@code block} ({@link #pooledScratch} floats)
     * and used while in cache. The same sums in the same order as {@link #kernelGradient} and
     * Elementwise.sumRows on the whole output's gradient: the same bits.
     */
    public void kernelGradientPooled(float[] x, float[] dy, float[] routes, int n, int filters, float[] grad,
                                     float[] biasGrad, float[] block) {
        java.util.Arrays.fill(grad, 0, taps.length * filters, 0f);
        if (biasGrad != null) {
            java.util.Arrays.fill(biasGrad, 0, filters, 0f);
        }
        int rows = n * oh * ow;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int r1 = Math.min(rows, r0 + BLOCK);
            unpool(dy, routes, r0, r1, filters, block, biasGrad);
            gradientTiles(x, block, r0, r0, r1, filters, grad);
        }
    }

    /**
     * Rows [r0, r1) of the output's gradient into {@code block} from its first float, each added to
     * {@code biasGrad} (unless null) in turn.
     */
    private void unpool(float[] dy, float[] routes, int r0, int r1, int filters, float[] block, float[] biasGrad) {
        int ph = oh / 2;
        int pw = ow / 2;
        FloatVector zero = FloatVector.zero(S);
        int ox = r0 % ow;
        int oy = r0 / ow % oh;
        int b = r0 / (ow * oh);
        for (int r = r0, o = 0; r < r1; r++, o += filters) {
            boolean pooled = oy < 2 * ph && ox < 2 * pw;
            int p = ((b * ph + (oy >> 1)) * pw + (ox >> 1)) * filters;
            FloatVector which = FloatVector.broadcast(S, (float) (2 * (oy & 1) + (ox & 1)));
            for (int f = 0; f < filters; f += L) {
                FloatVector d = pooled
                        ? zero.blend(FloatVector.fromArray(S, dy, p + f),
                                FloatVector.fromArray(S, routes, p + f).compare(VectorOperators.EQ, which))
                        : zero;
                d.intoArray(block, o + f);
                if (biasGrad != null) {
                    FloatVector.fromArray(S, biasGrad, f).add(d).intoArray(biasGrad, f);
                }
            }
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) {
                    oy = 0;
                    b++;
                }
            }
        }
    }

    /** Every tile of taps and filters over positions [r0, r1), whose dy row r is at (r - dyRow0) * filters. */
    private void gradientTiles(float[] x, float[] dy, int dyRow0, int r0, int r1, int filters, float[] grad) {
        for (int t = 0; t < taps.length; t += TAPS) {
            for (int f = 0; f < filters; f += 2 * L) {
                gradientTile(x, dy, dyRow0, r0, r1, t, f, filters, grad);
            }
        }
    }

    /**
     * Taps t0.. (up to five) by two vectors of filters from f, over positions [r0, r1): one flat loop
     * stepping the window's first pixel, so that the ten sums stay in registers.
     */
    private void gradientTile(float[] x, float[] dy, int dyRow0, int r0, int r1, int t0, int f, int filters,
                              float[] grad) {
        // A short last tile repeats its last tap: the repeats compute and store that tap's sums again.
        int last = Math.min(TAPS, taps.length - t0) - 1;
        int o0 = taps[t0];
        int o1 = taps[t0 + Math.min(1, last)];
        int o2 = taps[t0 + Math.min(2, last)];
        int o3 = taps[t0 + Math.min(3, last)];
        int o4 = taps[t0 + Math.min(4, last)];
        int g0 = t0 * filters + f;
        int g1 = (t0 + Math.min(1, last)) * filters + f;
        int g2 = (t0 + Math.min(2, last)) * filters + f;
        int g3 = (t0 + Math.min(3, last)) * filters + f;
        int g4 = (t0 + Math.min(4, last)) * filters + f;
        FloatVector s00 = FloatVector.fromArray(S, grad, g0);
        FloatVector s01 = FloatVector.fromArray(S, grad, g0 + L);
        FloatVector s10 = FloatVector.fromArray(S, grad, g1);
        FloatVector s11 = FloatVector.fromArray(S, grad, g1 + L);
        FloatVector s20 = FloatVector.fromArray(S, grad, g2);
        FloatVector s21 = FloatVector.fromArray(S, grad, g2 + L);
        FloatVector s30 = FloatVector.fromArray(S, grad, g3);
        FloatVector s31 = FloatVector.fromArray(S, grad, g3 + L);
        FloatVector s40 = FloatVector.fromArray(S, grad, g4);
        FloatVector s41 = FloatVector.fromArray(S, grad, g4 + L);
        int ox = r0 % ow;
        int oy = r0 / ow % oh;
        int b = r0 / (ow * oh);
        int in = ((b * h + oy * sh) * w + ox * sw) * c;
        int step = sw * c;
        for (int r = r0; r < r1; r++) {
            int d = (r - dyRow0) * filters + f;
            FloatVector d0 = FloatVector.fromArray(S, dy, d);
            FloatVector d1 = FloatVector.fromArray(S, dy, d + L);
            FloatVector v = FloatVector.broadcast(S, x[in + o0]);
            s00 = v.fma(d0, s00);
            s01 = v.fma(d1, s01);
            v = FloatVector.broadcast(S, x[in + o1]);
            s10 = v.fma(d0, s10);
            s11 = v.fma(d1, s11);
            v = FloatVector.broadcast(S, x[in + o2]);
            s20 = v.fma(d0, s20);
            s21 = v.fma(d1, s21);
            v = FloatVector.broadcast(S, x[in + o3]);
            s30 = v.fma(d0, s30);
            s31 = v.fma(d1, s31);
            v = FloatVector.broadcast(S, x[in + o4]);
            s40 = v.fma(d0, s40);
            s41 = v.fma(d1, s41);
            in += step;
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) {
                    oy = 0;
                    b++;
                }
                in = (b * h + oy * sh) * w * c;
            }
        }
        s00.intoArray(grad, g0);
        s01.intoArray(grad, g0 + L);
        s10.intoArray(grad, g1);
        s11.intoArray(grad, g1 + L);
        s20.intoArray(grad, g2);
        s21.intoArray(grad, g2 + L);
        s30.intoArray(grad, g3);
        s31.intoArray(grad, g3 + L);
        s40.intoArray(grad, g4);
        s41.intoArray(grad, g4 + L);
    }
}
