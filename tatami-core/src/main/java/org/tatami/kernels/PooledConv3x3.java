package org.tatami.kernels;

import java.util.Arrays;
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
 * of the three layers run one by one. In training the forward pass keeps each window's route (which
 * of its four values won, or none past the ReLU); the backward pass sends the pooled gradient along it
 * and sums the kernel and bias gradients at once, in a fixed order. Filters are taken two at a time: the eight
 * chains of a pair keep the multiply-add units busy where one filter's four would wait on each other.
 *
 * <p>Written out in full, without helper methods or short loops over vectors: on JDK 17 a vector
 * that crosses a call or a loop the JIT does not flatten is boxed, many times slower. Callers check
 * {@link #fits} first.
 */
public final class PooledConv3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors of sums per filter in the backward pass: nine taps and the bias. */
    private static final int SUMS = 10;
    /** Floats of split images, routes and gradients that the backward pass keeps in cache at once (256 KB). */
    private static final int BLOCK_FLOATS = 1 << 16;
    /** Lane i takes lane 2i (2i + 1) mod L: a vector's even (odd) lanes in each half. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> SECOND_HALF = VectorMask.fromLong(S, (1L << L) - (1L << (L / 2)));
    /** Lane i holds i. */
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);
    // Three filters (the tutorial's first layer) move between their vectors and the NHWC tensors by
    // lane shuffles with constant indices, which the JIT compiles to a permute each: a pooled row of
    // L windows is three vectors either way. Read from a table, the same shuffles cost more than the
    // stores one by one that every other count of filters uses.
    /** Lane l of the j-th NHWC vector of a row takes lane (jL + l) / 3 of a filter's vector ... */
    private static final VectorShuffle<Float> NHWC_0 = toNhwc(0);
    private static final VectorShuffle<Float> NHWC_1 = toNhwc(1);
    private static final VectorShuffle<Float> NHWC_2 = toNhwc(2);
    /** ... of filter (jL + l) % 3: the lanes of filters 1 and 2 (filter 0's are the rest). */
    private static final VectorMask<Float> NHWC_0_1 = nhwcLanesOf(0, 1);
    private static final VectorMask<Float> NHWC_0_2 = nhwcLanesOf(0, 2);
    private static final VectorMask<Float> NHWC_1_1 = nhwcLanesOf(1, 1);
    private static final VectorMask<Float> NHWC_1_2 = nhwcLanesOf(1, 2);
    private static final VectorMask<Float> NHWC_2_1 = nhwcLanesOf(2, 1);
    private static final VectorMask<Float> NHWC_2_2 = nhwcLanesOf(2, 2);
    /** Lane k of filter f's vector takes lane 3k + f - jL of the j-th NHWC vector ... */
    private static final VectorShuffle<Float> FILTER_0_0 = toFilter(0, 0);
    private static final VectorShuffle<Float> FILTER_0_1 = toFilter(0, 1);
    private static final VectorShuffle<Float> FILTER_0_2 = toFilter(0, 2);
    private static final VectorShuffle<Float> FILTER_1_0 = toFilter(1, 0);
    private static final VectorShuffle<Float> FILTER_1_1 = toFilter(1, 1);
    private static final VectorShuffle<Float> FILTER_1_2 = toFilter(1, 2);
    private static final VectorShuffle<Float> FILTER_2_0 = toFilter(2, 0);
    private static final VectorShuffle<Float> FILTER_2_1 = toFilter(2, 1);
    private static final VectorShuffle<Float> FILTER_2_2 = toFilter(2, 2);
    /** ... where j = (3k + f) / L: the lanes that vectors 1 and 2 give (vector 0 gives the rest). */
    private static final VectorMask<Float> FILTER_0_FROM_1 = filterLanesFrom(0, 1);
    private static final VectorMask<Float> FILTER_0_FROM_2 = filterLanesFrom(0, 2);
    private static final VectorMask<Float> FILTER_1_FROM_1 = filterLanesFrom(1, 1);
    private static final VectorMask<Float> FILTER_1_FROM_2 = filterLanesFrom(1, 2);
    private static final VectorMask<Float> FILTER_2_FROM_1 = filterLanesFrom(2, 1);
    private static final VectorMask<Float> FILTER_2_FROM_2 = filterLanesFrom(2, 2);

    private PooledConv3x3() {
    }

    private static VectorShuffle<Float> toNhwc(int j) {
        return VectorShuffle.fromOp(S, l -> Math.min((j * L + l) / 3, L - 1));
    }

    private static VectorMask<Float> nhwcLanesOf(int j, int f) {
        boolean[] lanes = new boolean[L];
        for (int l = 0; l < L; l++) {
            lanes[l] = (j * L + l) % 3 == f;
        }
        return VectorMask.fromArray(S, lanes, 0);
    }

    private static VectorShuffle<Float> toFilter(int f, int j) {
        return VectorShuffle.fromOp(S, k -> Math.max(0, Math.min(3 * k + f - j * L, L - 1)));
    }

    private static VectorMask<Float> filterLanesFrom(int f, int j) {
        boolean[] lanes = new boolean[L];
        for (int k = 0; k < L; k++) {
            lanes[k] = (3 * k + f) / L == j;
        }
        return VectorMask.fromArray(S, lanes, 0);
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
     * row's end read zeros), the route of every window for the backward pass, a vector of lanes for
     * each filter, the backward pass's sums, and a block's pooled gradients.
     */
    public static float[][] createScratch(int n, int h, int w, int filters) {
        return new float[][] {new float[n * h * 2 * stride(w) + L], new float[n * ((h - 2) / 2) * vectors(w) * filters * L],
            new float[Math.max(2, filters) * L], new float[filters * SUMS * L],
            new float[Math.min(n, blockImages(h, w, filters)) * ((h - 2) / 2) * vectors(w) * filters * L]};
    }

    /** Images per block of the backward pass: their split columns, routes and gradients fill its cache budget. */
    private static int blockImages(int h, int w, int filters) {
        return Math.max(1, BLOCK_FLOATS / (h * 2 * stride(w) + 2 * ((h - 2) / 2) * vectors(w) * filters * L));
    }

    /**
     * Pooled output {@code y}, NHWC (n, (h-2)/2, (w-2)/2, filters), from n images {@code x} of h x w,
     * a kernel stored as Keras's (3, 3, 1, filters) and a bias (or null). {@code scratch}, from
     * {@link #createScratch}, keeps what {@link #backward} needs when {@code training}; inference skips
     * those stores (a vector of routes per window vector and filter: 2.5 KB per 28x28 image and 3 filters at 8 lanes).
     */
    public static void forward(float[] x, int n, int h, int w, float[] kernel, float[] bias, int filters,
                               float[] y, float[][] scratch, boolean training) {
        float[] s = scratch[0];
        float[] routes = scratch[1];
        float[] lanes = scratch[2];
        int rs = stride(w);
        int ph = (h - 2) / 2;
        int pw = (w - 2) / 2;
        int vectors = vectors(w);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector three = FloatVector.broadcast(S, 3f);
        FloatVector dead = FloatVector.broadcast(S, -1f);
        int size = n * ph * pw * filters;
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
                    boolean shuffled = filters == 3 && out + 3 * L <= size;
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
                        // Each window's maximum chosen as MaxPool2D chooses it, through the ReLU; in training,
                        // also its route: where its gradient goes (0, 1, 2, 3: top-even, top-odd, bottom-even,
                        // bottom-odd; -1: stopped by the ReLU). A quarter of the memory of the four values,
                        // and the backward pass compares nothing but the route.
                        VectorMask<Float> topOdd = ot.compare(VectorOperators.GT, et);
                        VectorMask<Float> bottomOdd = ob.compare(VectorOperators.GT, eb);
                        FloatVector t = et.blend(ot, topOdd);
                        FloatVector u = eb.blend(ob, bottomOdd);
                        VectorMask<Float> bottomWins = u.compare(VectorOperators.GT, t);
                        FloatVector best = t.blend(u, bottomWins);
                        VectorMask<Float> live = best.compare(VectorOperators.GT, zero);
                        zero.blend(best, live).intoArray(lanes, f * L);
                        if (training) {
                            dead.blend(zero.blend(one, topOdd).blend(two.blend(three, bottomOdd), bottomWins), live)
                                    .intoArray(routes, (i * filters + f) * L);
                        }
                        topOdd = qt.compare(VectorOperators.GT, gt);
                        bottomOdd = qb.compare(VectorOperators.GT, gb);
                        t = gt.blend(qt, topOdd);
                        u = gb.blend(qb, bottomOdd);
                        bottomWins = u.compare(VectorOperators.GT, t);
                        best = t.blend(u, bottomWins);
                        live = best.compare(VectorOperators.GT, zero);
                        zero.blend(best, live).intoArray(lanes, g * L);
                        if (training) {
                            dead.blend(zero.blend(one, topOdd).blend(two.blend(three, bottomOdd), bottomWins), live)
                                    .intoArray(routes, (i * filters + g) * L);
                        }
                        if (!shuffled) {
                            for (int k = 0; k < count; k++) {
                                y[out + k * filters + f] = lanes[f * L + k];
                                y[out + k * filters + g] = lanes[g * L + k];
                            }
                        }
                    }
                    if (shuffled) {
                        // Lane l of the j-th vector of the NHWC row is window (jL + l) / 3 of filter
                        // (jL + l) % 3; lanes past the row's end land where the next row is written later.
                        FloatVector a = FloatVector.fromArray(S, lanes, 0);
                        FloatVector c = FloatVector.fromArray(S, lanes, L);
                        FloatVector d = FloatVector.fromArray(S, lanes, 2 * L);
                        a.rearrange(NHWC_0).blend(c.rearrange(NHWC_0), NHWC_0_1).blend(d.rearrange(NHWC_0), NHWC_0_2)
                                .intoArray(y, out);
                        a.rearrange(NHWC_1).blend(c.rearrange(NHWC_1), NHWC_1_1).blend(d.rearrange(NHWC_1), NHWC_1_2)
                                .intoArray(y, out + L);
                        a.rearrange(NHWC_2).blend(c.rearrange(NHWC_2), NHWC_2_1).blend(d.rearrange(NHWC_2), NHWC_2_2)
                                .intoArray(y, out + 2 * L);
                    }
                }
            }
        }
    }

    /**
     * From the pooled output's gradient {@code dy} (NHWC, as {@link #forward}'s output), right after
     * {@link #forward} on the same images and scratch: the kernel gradient (3, 3, 1, filters) into
     * {@code kernelGrad} and the bias gradient into {@code biasGrad} (unless null).
     *
     * <p>Each filter's sums run over the window vectors in order. The images are taken in blocks that
     * stay in cache while every filter reads them, each filter's sums kept between blocks: the order,
     * and so the bits, are those of one pass per filter over all images.
     */
    public static void backward(int n, int h, int w, int filters, float[] dy, float[] kernelGrad, float[] biasGrad,
                                float[][] scratch) {
        float[] s = scratch[0];
        float[] routes = scratch[1];
        float[] sums = scratch[3];
        float[] grads = scratch[4];
        int rs = stride(w);
        int ph = (h - 2) / 2;
        int pw = (w - 2) / 2;
        int vectors = vectors(w);
        int perImage = ph * vectors;
        int block = blockImages(h, w, filters);
        int size = n * ph * pw * filters;
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector three = FloatVector.broadcast(S, 3f);
        Arrays.fill(sums, 0f);
        for (int b0 = 0; b0 < n; b0 += block) {
            int base = b0 * perImage;
            int end = Math.min(n, b0 + block) * perImage;
            // The block's pooled gradients laid out as its routes, zero for lanes past a row's end and
            // for windows the previous (overlapping) vector already counted: the loop below then reads
            // them as vectors, never a vector just written by scalar stores (which stalls).
            int b = b0;
            int py = 0;
            int v = 0;
            for (int i = base; i < end; i++) {
                int k0 = Math.min(v * L, Math.max(pw - L, 0));
                int out = ((b * ph + py) * pw + k0) * filters;
                int from = Math.min(v * L, pw) - k0;
                int to = Math.min(L, pw - k0);
                if (filters == 3 && out + 3 * L <= size) {
                    // Lane k of filter f's vector is lane 3k + f of the three vectors of the NHWC row.
                    VectorMask<Float> inRow = IOTA.compare(VectorOperators.GE, (float) from)
                            .and(IOTA.compare(VectorOperators.LT, (float) to));
                    FloatVector d0 = FloatVector.fromArray(S, dy, out);
                    FloatVector d1 = FloatVector.fromArray(S, dy, out + L);
                    FloatVector d2 = FloatVector.fromArray(S, dy, out + 2 * L);
                    int at = (i - base) * 3 * L;
                    zero.blend(d0.rearrange(FILTER_0_0).blend(d1.rearrange(FILTER_0_1), FILTER_0_FROM_1)
                            .blend(d2.rearrange(FILTER_0_2), FILTER_0_FROM_2), inRow).intoArray(grads, at);
                    zero.blend(d0.rearrange(FILTER_1_0).blend(d1.rearrange(FILTER_1_1), FILTER_1_FROM_1)
                            .blend(d2.rearrange(FILTER_1_2), FILTER_1_FROM_2), inRow).intoArray(grads, at + L);
                    zero.blend(d0.rearrange(FILTER_2_0).blend(d1.rearrange(FILTER_2_1), FILTER_2_FROM_1)
                            .blend(d2.rearrange(FILTER_2_2), FILTER_2_FROM_2), inRow).intoArray(grads, at + 2 * L);
                } else {
                    for (int f = 0; f < filters; f++) {
                        int at = ((i - base) * filters + f) * L;
                        for (int k = 0; k < L; k++) {
                            grads[at + k] = k >= from && k < to ? dy[out + k * filters + f] : 0f;
                        }
                    }
                }
                if (++v == vectors) {
                    v = 0;
                    if (++py == ph) {
                        py = 0;
                        b++;
                    }
                }
            }
            for (int f = 0; f < filters; f++) {
                int at = f * SUMS * L;
                FloatVector s00 = FloatVector.fromArray(S, sums, at);
                FloatVector s01 = FloatVector.fromArray(S, sums, at + L);
                FloatVector s02 = FloatVector.fromArray(S, sums, at + 2 * L);
                FloatVector s10 = FloatVector.fromArray(S, sums, at + 3 * L);
                FloatVector s11 = FloatVector.fromArray(S, sums, at + 4 * L);
                FloatVector s12 = FloatVector.fromArray(S, sums, at + 5 * L);
                FloatVector s20 = FloatVector.fromArray(S, sums, at + 6 * L);
                FloatVector s21 = FloatVector.fromArray(S, sums, at + 7 * L);
                FloatVector s22 = FloatVector.fromArray(S, sums, at + 8 * L);
                FloatVector sb = FloatVector.fromArray(S, sums, at + 9 * L);
                // One flat loop over the block's vectors of windows, with no call and no inner loop
                // between the updates of the sums: only then do they stay in registers (else the JIT
                // boxes them).
                b = b0;
                py = 0;
                v = 0;
                for (int i = base; i < end; i++) {
                    int k0 = Math.min(v * L, Math.max(pw - L, 0));
                    // Through the ReLU (nothing where the route is -1), then to the window's winner.
                    FloatVector route = FloatVector.fromArray(S, routes, (i * filters + f) * L);
                    FloatVector d = zero.blend(FloatVector.fromArray(S, grads, ((i - base) * filters + f) * L),
                            route.compare(VectorOperators.GE, zero));
                    FloatVector det = zero.blend(d, route.compare(VectorOperators.EQ, zero));
                    FloatVector dot = zero.blend(d, route.compare(VectorOperators.EQ, one));
                    FloatVector deb = zero.blend(d, route.compare(VectorOperators.EQ, two));
                    FloatVector dob = zero.blend(d, route.compare(VectorOperators.EQ, three));
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
                s00.intoArray(sums, at);
                s01.intoArray(sums, at + L);
                s02.intoArray(sums, at + 2 * L);
                s10.intoArray(sums, at + 3 * L);
                s11.intoArray(sums, at + 4 * L);
                s12.intoArray(sums, at + 5 * L);
                s20.intoArray(sums, at + 6 * L);
                s21.intoArray(sums, at + 7 * L);
                s22.intoArray(sums, at + 8 * L);
                sb.intoArray(sums, at + 9 * L);
            }
        }
        for (int f = 0; f < filters; f++) {
            for (int tap = 0; tap < 9; tap++) {
                kernelGrad[tap * filters + f] = Lanes.sum(FloatVector.fromArray(S, sums, (f * SUMS + tap) * L));
            }
            if (biasGrad != null) {
                biasGrad[f] = Lanes.sum(FloatVector.fromArray(S, sums, (f * SUMS + 9) * L));
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
