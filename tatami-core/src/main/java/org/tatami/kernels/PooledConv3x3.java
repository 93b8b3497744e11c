package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3x3 convolution of one-channel images (stride 1, no padding), its bias, a ReLU and a 2x2, stride-2
 * max pooling, forward and backward in one pass of vectors, for the first layer of a network (no input
 * gradient).
 *
 * <p>Each image is first split into its even and its odd columns (while it is in cache, right before
 * it is convolved; inference reuses one image's room). A vector then holds the
 * convolution at the even (or odd) output columns of L consecutive pooling windows, computed from
 * contiguous loads of those halves; the four values under each window are four such vectors, and the
 * pooling is lane-wise comparisons and blends. The convolution is the same fused multiply-add chain
 * over (ky, kx) as the im2col product and the window's winner is chosen as MaxPool2D chooses it (top
 * row first, left first, a later value only if strictly greater), so the forward output has the bits
 * of the three layers run one by one. The forward pass keeps the four values of every window; the
 * backward pass finds each window's winner again from them, sends the pooled gradient there and sums
 * the kernel and bias gradients at once, in a fixed order. Filters are taken two at a time: the eight
 * chains of a pair keep the multiply-add units busy where one filter's four would wait on each other.
 *
 * <p>Written out in full, without helper methods or short loops over vectors: on JDK 17 a vector
 * that crosses a call or a loop the JIT does not flatten is boxed, many times slower. Callers check
 * {@link #fits} first.
 */
public final class PooledConv3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i takes lane 2i (2i + 1) mod L: a vector's even (odd) lanes in each half. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> SECOND_HALF = VectorMask.fromLong(S, (1L << L) - (1L << (L / 2)));

    private PooledConv3x3() {
    }

    /** Whether images of h x w have at least one pooling window and the SIMD path is on. */
    public static boolean fits(int h, int w) {
        return Simd.ENABLED && h >= 4 && w >= 4;
    }

    /** Floats per half row: the half's columns, and room for the last vector's overhanging lanes. */
    private static int stride(int w) {
        return Math.max((w + 1) / 2, L + 1);
    }

    /** Vectors of windows per pooled row. */
    private static int vectors(int w) {
        return ((w - 2) / 2 + L - 1) / L;
    }

    /**
     * Working memory for up to n images of h x w: their split columns (zero-filled, so lanes past a
     * row's end read zeros), and the four convolution values of every window for the backward pass.
     */
    public static float[][] createScratch(int n, int h, int w, int filters) {
        return new float[][] {new float[n * h * 2 * stride(w) + L], new float[n * ((h - 2) / 2) * vectors(w) * filters * 4 * L],
            new float[2 * L]};
    }

    /**
     * Pooled output {@code y}, NHWC (n, (h-2)/2, (w-2)/2, filters), from n images {@code x} of h x w,
     * a kernel stored as Keras's (3, 3, 1, filters) and a bias (or null). {@code scratch}, from
     * {@link #createScratch}, keeps what {@link #backward} needs when {@code training}; inference skips
     * those stores (four vectors per window vector and filter, 10 KB per 28x28 image).
     */
    public static void forward(float[] x, int n, int h, int w, float[] kernel, float[] bias, int filters,
                               float[] y, float[][] scratch, boolean training) {
        float[] s = scratch[0];
        float[] windows = scratch[1];
        float[] lanes = scratch[2];
        int rs = stride(w);
        int ph = (h - 2) / 2;
        int pw = (w - 2) / 2;
        int vectors = vectors(w);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int b = 0; b < n; b++) {
            int image = training ? b * h * 2 * rs : 0;
            split(x, b * h, h, w, s, image);
            for (int py = 0; py < ph; py++) {
                for (int v = 0; v < vectors; v++, i++) {
                    int k0 = Math.min(v * L, Math.max(pw - L, 0));
                    int r0 = image + 2 * py * 2 * rs + k0;
                    int r1 = r0 + 2 * rs;
                    int r2 = r1 + 2 * rs;
                    int r3 = r2 + 2 * rs;
                    FloatVector e0 = FloatVector.fromArray(S, s, r0);
                    FloatVector o0 = FloatVector.fromArray(S, s, r0 + rs);
                    FloatVector f0 = FloatVector.fromArray(S, s, r0 + 1);
                    FloatVector p0 = FloatVector.fromArray(S, s, r0 + rs + 1);
                    FloatVector e1 = FloatVector.fromArray(S, s, r1);
                    FloatVector o1 = FloatVector.fromArray(S, s, r1 + rs);
                    FloatVector f1 = FloatVector.fromArray(S, s, r1 + 1);
                    FloatVector p1 = FloatVector.fromArray(S, s, r1 + rs + 1);
                    FloatVector e2 = FloatVector.fromArray(S, s, r2);
                    FloatVector o2 = FloatVector.fromArray(S, s, r2 + rs);
                    FloatVector f2 = FloatVector.fromArray(S, s, r2 + 1);
                    FloatVector p2 = FloatVector.fromArray(S, s, r2 + rs + 1);
                    FloatVector e3 = FloatVector.fromArray(S, s, r3);
                    FloatVector o3 = FloatVector.fromArray(S, s, r3 + rs);
                    FloatVector f3 = FloatVector.fromArray(S, s, r3 + 1);
                    FloatVector p3 = FloatVector.fromArray(S, s, r3 + rs + 1);
                    int out = ((b * ph + py) * pw + k0) * filters;
                    int count = Math.min(L, pw - k0);
                    // Two filters at a time: eight independent chains hide the multiply-add latency that
                    // four would not. An odd last filter is paired with itself.
                    for (int f = 0; f < filters; f += 2) {
                        int g = Math.min(f + 1, filters - 1);
                        FloatVector w00 = FloatVector.broadcast(S, kernel[f]);
                        FloatVector v00 = FloatVector.broadcast(S, kernel[g]);
                        FloatVector et = w00.fma(e0, zero);
                        FloatVector ot = w00.fma(o0, zero);
                        FloatVector eb = w00.fma(e1, zero);
                        FloatVector ob = w00.fma(o1, zero);
                        FloatVector gt = v00.fma(e0, zero);
                        FloatVector qt = v00.fma(o0, zero);
                        FloatVector gb = v00.fma(e1, zero);
                        FloatVector qb = v00.fma(o1, zero);
                        FloatVector w01 = FloatVector.broadcast(S, kernel[filters + f]);
                        FloatVector v01 = FloatVector.broadcast(S, kernel[filters + g]);
                        et = w01.fma(o0, et);
                        ot = w01.fma(f0, ot);
                        eb = w01.fma(o1, eb);
                        ob = w01.fma(f1, ob);
                        gt = v01.fma(o0, gt);
                        qt = v01.fma(f0, qt);
                        gb = v01.fma(o1, gb);
                        qb = v01.fma(f1, qb);
                        FloatVector w02 = FloatVector.broadcast(S, kernel[2 * filters + f]);
                        FloatVector v02 = FloatVector.broadcast(S, kernel[2 * filters + g]);
                        et = w02.fma(f0, et);
                        ot = w02.fma(p0, ot);
                        eb = w02.fma(f1, eb);
                        ob = w02.fma(p1, ob);
                        gt = v02.fma(f0, gt);
                        qt = v02.fma(p0, qt);
                        gb = v02.fma(f1, gb);
                        qb = v02.fma(p1, qb);
                        FloatVector w10 = FloatVector.broadcast(S, kernel[3 * filters + f]);
                        FloatVector v10 = FloatVector.broadcast(S, kernel[3 * filters + g]);
                        et = w10.fma(e1, et);
                        ot = w10.fma(o1, ot);
                        eb = w10.fma(e2, eb);
                        ob = w10.fma(o2, ob);
                        gt = v10.fma(e1, gt);
                        qt = v10.fma(o1, qt);
                        gb = v10.fma(e2, gb);
                        qb = v10.fma(o2, qb);
                        FloatVector w11 = FloatVector.broadcast(S, kernel[4 * filters + f]);
                        FloatVector v11 = FloatVector.broadcast(S, kernel[4 * filters + g]);
                        et = w11.fma(o1, et);
                        ot = w11.fma(f1, ot);
                        eb = w11.fma(o2, eb);
                        ob = w11.fma(f2, ob);
                        gt = v11.fma(o1, gt);
                        qt = v11.fma(f1, qt);
                        gb = v11.fma(o2, gb);
                        qb = v11.fma(f2, qb);
                        FloatVector w12 = FloatVector.broadcast(S, kernel[5 * filters + f]);
                        FloatVector v12 = FloatVector.broadcast(S, kernel[5 * filters + g]);
                        et = w12.fma(f1, et);
                        ot = w12.fma(p1, ot);
                        eb = w12.fma(f2, eb);
                        ob = w12.fma(p2, ob);
                        gt = v12.fma(f1, gt);
                        qt = v12.fma(p1, qt);
                        gb = v12.fma(f2, gb);
                        qb = v12.fma(p2, qb);
                        FloatVector w20 = FloatVector.broadcast(S, kernel[6 * filters + f]);
                        FloatVector v20 = FloatVector.broadcast(S, kernel[6 * filters + g]);
                        et = w20.fma(e2, et);
                        ot = w20.fma(o2, ot);
                        eb = w20.fma(e3, eb);
                        ob = w20.fma(o3, ob);
                        gt = v20.fma(e2, gt);
                        qt = v20.fma(o2, qt);
                        gb = v20.fma(e3, gb);
                        qb = v20.fma(o3, qb);
                        FloatVector w21 = FloatVector.broadcast(S, kernel[7 * filters + f]);
                        FloatVector v21 = FloatVector.broadcast(S, kernel[7 * filters + g]);
                        et = w21.fma(o2, et);
                        ot = w21.fma(f2, ot);
                        eb = w21.fma(o3, eb);
                        ob = w21.fma(f3, ob);
                        gt = v21.fma(o2, gt);
                        qt = v21.fma(f2, qt);
                        gb = v21.fma(o3, gb);
                        qb = v21.fma(f3, qb);
                        FloatVector w22 = FloatVector.broadcast(S, kernel[8 * filters + f]);
                        FloatVector v22 = FloatVector.broadcast(S, kernel[8 * filters + g]);
                        FloatVector bf = FloatVector.broadcast(S, bias == null ? 0f : bias[f]);
                        FloatVector bg = FloatVector.broadcast(S, bias == null ? 0f : bias[g]);
                        et = w22.fma(f2, et).add(bf);
                        ot = w22.fma(p2, ot).add(bf);
                        eb = w22.fma(f3, eb).add(bf);
                        ob = w22.fma(p3, ob).add(bf);
                        gt = v22.fma(f2, gt).add(bg);
                        qt = v22.fma(p2, qt).add(bg);
                        gb = v22.fma(f3, gb).add(bg);
                        qb = v22.fma(p3, qb).add(bg);
                        if (training) {
                            int saved = (i * filters + f) * 4 * L;
                            et.intoArray(windows, saved);
                            ot.intoArray(windows, saved + L);
                            eb.intoArray(windows, saved + 2 * L);
                            ob.intoArray(windows, saved + 3 * L);
                            saved = (i * filters + g) * 4 * L;
                            gt.intoArray(windows, saved);
                            qt.intoArray(windows, saved + L);
                            gb.intoArray(windows, saved + 2 * L);
                            qb.intoArray(windows, saved + 3 * L);
                        }
                        FloatVector t = et.blend(ot, ot.compare(VectorOperators.GT, et));
                        FloatVector u = eb.blend(ob, ob.compare(VectorOperators.GT, eb));
                        FloatVector best = t.blend(u, u.compare(VectorOperators.GT, t));
                        zero.blend(best, best.compare(VectorOperators.GT, zero)).intoArray(lanes, 0);
                        t = gt.blend(qt, qt.compare(VectorOperators.GT, gt));
                        u = gb.blend(qb, qb.compare(VectorOperators.GT, gb));
                        best = t.blend(u, u.compare(VectorOperators.GT, t));
                        zero.blend(best, best.compare(VectorOperators.GT, zero)).intoArray(lanes, L);
                        for (int k = 0; k < count; k++) {
                            y[out + k * filters + f] = lanes[k];
                            y[out + k * filters + g] = lanes[L + k];
                        }
                    }
                }
            }
        }
    }

    /**
     * From the pooled output's gradient {@code dy} (NHWC, as {@link #forward}'s output), right after
     * {@link #forward} on the same images and scratch: the kernel gradient (3, 3, 1, filters) into
     * {@code kernelGrad} and the bias gradient into {@code biasGrad} (unless null).
     */
    public static void backward(int n, int h, int w, int filters, float[] dy, float[] kernelGrad, float[] biasGrad,
                                float[][] scratch) {
        float[] s = scratch[0];
        float[] windows = scratch[1];
        float[] lanes = scratch[2];
        int rs = stride(w);
        int ph = (h - 2) / 2;
        int pw = (w - 2) / 2;
        int vectors = vectors(w);
        FloatVector zero = FloatVector.zero(S);
        for (int f = 0; f < filters; f++) {
            FloatVector s00 = zero;
            FloatVector s01 = zero;
            FloatVector s02 = zero;
            FloatVector s10 = zero;
            FloatVector s11 = zero;
            FloatVector s12 = zero;
            FloatVector s20 = zero;
            FloatVector s21 = zero;
            FloatVector s22 = zero;
            FloatVector sb = zero;
            // One flat loop over every vector of windows, with no call and no inner loop between the
            // updates of the sums: only then do they stay in registers (else the JIT boxes them).
            int b = 0;
            int py = 0;
            int v = 0;
            for (int i = 0, total = n * ph * vectors; i < total; i++) {
                int k0 = Math.min(v * L, Math.max(pw - L, 0));
                // The gradients of this vector's windows; zero for lanes past the row's end and for
                // windows the previous (overlapping) vector already counted.
                int out = ((b * ph + py) * pw + k0) * filters + f;
                int from = Math.min(v * L, pw) - k0;
                int to = Math.min(L, pw - k0);
                for (int k = 0; k < L; k++) {
                    lanes[k] = k >= from && k < to ? dy[out + k * filters] : 0f;
                }
                int saved = (i * filters + f) * 4 * L;
                FloatVector et = FloatVector.fromArray(S, windows, saved);
                FloatVector ot = FloatVector.fromArray(S, windows, saved + L);
                FloatVector eb = FloatVector.fromArray(S, windows, saved + 2 * L);
                FloatVector ob = FloatVector.fromArray(S, windows, saved + 3 * L);
                VectorMask<Float> topOdd = ot.compare(VectorOperators.GT, et);
                VectorMask<Float> bottomOdd = ob.compare(VectorOperators.GT, eb);
                FloatVector t = et.blend(ot, topOdd);
                FloatVector u = eb.blend(ob, bottomOdd);
                VectorMask<Float> bottomWins = u.compare(VectorOperators.GT, t);
                FloatVector best = t.blend(u, bottomWins);
                // Through the ReLU (zero where the window's maximum is not positive), then to the winner.
                FloatVector d = zero.blend(FloatVector.fromArray(S, lanes, 0), best.compare(VectorOperators.GT, 0f));
                FloatVector dt = d.blend(zero, bottomWins);
                FloatVector db = zero.blend(d, bottomWins);
                FloatVector det = dt.blend(zero, topOdd);
                FloatVector dot = zero.blend(dt, topOdd);
                FloatVector deb = db.blend(zero, bottomOdd);
                FloatVector dob = zero.blend(db, bottomOdd);
                sb = sb.add(d);
                // Tap (ky, kx) sums, over a window's four positions, gradient x the input under the tap:
                // even columns read (even k, odd k, even k+1) of input row ky, odd columns (odd k,
                // even k+1, odd k+1); the bottom positions read the row below.
                int r0 = (b * h + 2 * py) * 2 * rs + k0;
                int r1 = r0 + 2 * rs;
                int r2 = r1 + 2 * rs;
                int r3 = r2 + 2 * rs;
                FloatVector e0 = FloatVector.fromArray(S, s, r0);
                FloatVector o0 = FloatVector.fromArray(S, s, r0 + rs);
                FloatVector f0 = FloatVector.fromArray(S, s, r0 + 1);
                FloatVector p0 = FloatVector.fromArray(S, s, r0 + rs + 1);
                FloatVector e1 = FloatVector.fromArray(S, s, r1);
                FloatVector o1 = FloatVector.fromArray(S, s, r1 + rs);
                FloatVector f1 = FloatVector.fromArray(S, s, r1 + 1);
                FloatVector p1 = FloatVector.fromArray(S, s, r1 + rs + 1);
                s00 = dob.fma(o1, deb.fma(e1, dot.fma(o0, det.fma(e0, s00))));
                s01 = dob.fma(f1, deb.fma(o1, dot.fma(f0, det.fma(o0, s01))));
                s02 = dob.fma(p1, deb.fma(f1, dot.fma(p0, det.fma(f0, s02))));
                FloatVector e2 = FloatVector.fromArray(S, s, r2);
                FloatVector o2 = FloatVector.fromArray(S, s, r2 + rs);
                FloatVector f2 = FloatVector.fromArray(S, s, r2 + 1);
                FloatVector p2 = FloatVector.fromArray(S, s, r2 + rs + 1);
                s10 = dob.fma(o2, deb.fma(e2, dot.fma(o1, det.fma(e1, s10))));
                s11 = dob.fma(f2, deb.fma(o2, dot.fma(f1, det.fma(o1, s11))));
                s12 = dob.fma(p2, deb.fma(f2, dot.fma(p1, det.fma(f1, s12))));
                FloatVector e3 = FloatVector.fromArray(S, s, r3);
                FloatVector o3 = FloatVector.fromArray(S, s, r3 + rs);
                FloatVector f3 = FloatVector.fromArray(S, s, r3 + 1);
                FloatVector p3 = FloatVector.fromArray(S, s, r3 + rs + 1);
                s20 = dob.fma(o3, deb.fma(e3, dot.fma(o2, det.fma(e2, s20))));
                s21 = dob.fma(f3, deb.fma(o3, dot.fma(f2, det.fma(o2, s21))));
                s22 = dob.fma(p3, deb.fma(f3, dot.fma(p2, det.fma(f2, s22))));
                if (++v == vectors) {
                    v = 0;
                    if (++py == ph) {
                        py = 0;
                        b++;
                    }
                }
            }
            kernelGrad[f] = Lanes.sum(s00);
            kernelGrad[filters + f] = Lanes.sum(s01);
            kernelGrad[2 * filters + f] = Lanes.sum(s02);
            kernelGrad[3 * filters + f] = Lanes.sum(s10);
            kernelGrad[4 * filters + f] = Lanes.sum(s11);
            kernelGrad[5 * filters + f] = Lanes.sum(s12);
            kernelGrad[6 * filters + f] = Lanes.sum(s20);
            kernelGrad[7 * filters + f] = Lanes.sum(s21);
            kernelGrad[8 * filters + f] = Lanes.sum(s22);
            if (biasGrad != null) {
                biasGrad[f] = Lanes.sum(sb);
            }
        }
    }

    /**
     * Writes rows r0 .. r0+h-1 of x, each as its even columns, then its odd columns, each half
     * {@code stride} long, from {@code at} on. Rows of an even width of two vectors or more are split
     * by vectors: two loads, each half gathered by a lane shuffle, a blend of the two; the last pair of
     * vectors of a row overlaps the one before it where the width is not a multiple of two vectors.
     */
    private static void split(float[] x, int r0, int h, int w, float[] scratch, int at) {
        int rs = stride(w);
        boolean vectors = w % 2 == 0 && w >= 2 * L;
        for (int r = 0; r < h; r++) {
            int src = (r0 + r) * w;
            int even = at + r * 2 * rs;
            int odd = even + rs;
            if (vectors) {
                for (int c = 0; c < w; c += 2 * L) {
                    int from = Math.min(c, w - 2 * L);
                    FloatVector a = FloatVector.fromArray(S, x, src + from);
                    FloatVector b = FloatVector.fromArray(S, x, src + from + L);
                    a.rearrange(EVENS).blend(b.rearrange(EVENS), SECOND_HALF).intoArray(scratch, even + from / 2);
                    a.rearrange(ODDS).blend(b.rearrange(ODDS), SECOND_HALF).intoArray(scratch, odd + from / 2);
                }
            } else {
                // Indices linear in the loop counter, so that the JIT drops the bounds checks.
                for (int i = 0; i < w / 2; i++) {
                    scratch[even + i] = x[src + 2 * i];
                    scratch[odd + i] = x[src + 2 * i + 1];
                }
                if (w % 2 == 1) {
                    scratch[even + w / 2] = x[src + w - 1];
                }
            }
        }
    }

}
