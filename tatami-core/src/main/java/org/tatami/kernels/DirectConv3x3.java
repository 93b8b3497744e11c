package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3x3 convolution of one-channel images (stride 1, no padding) computed straight from the images,
 * with vectors along each output row: no im2col matrix is written or read. The output is held
 * transposed, one row of {@code n * oh * ow} positions per filter, as the im2col path of Conv2D holds
 * it.
 *
 * <p>Output rows at least one vector wide are covered by whole vectors; the last vector of a row
 * starts at {@code ow - lanes} and overlaps the one before it, so no masked (slow) vector operation is
 * needed. The forward pass computes each output as the same fused multiply-add chain over (ky, kx) as
 * the im2col product, so both give the same bits. Callers check {@link Simd#ENABLED} and
 * {@link #fits} first.
 */
public final class DirectConv3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** For each count z of positions already counted, z zeros and then ones; row 0 is all ones. */
    private static final float[][] WEIGHTS = new float[L][L];

    static {
        for (int z = 0; z < L; z++) {
            java.util.Arrays.fill(WEIGHTS[z], z, L, 1f);
        }
    }

    private DirectConv3x3() {
    }

    /** Whether images {@code w} wide give output rows this kernel covers with whole vectors. */
    public static boolean fits(int w) {
        return Simd.ENABLED && w - 2 >= Simd.lanes();
    }

    /**
     * {@code outT[f][b][oy][ox] = sum over (ky, kx) of kernel[ky][kx][f] * x[b][oy + ky][ox + kx]}, for
     * n images of h x w, a kernel stored as Keras's (3, 3, 1, filters).
     */
    public static void forward(float[] x, int n, int h, int w, float[] kernel, int filters, float[] outT) {
        int oh = h - 2;
        int ow = w - 2;
        int rows = n * oh * ow;
        int vectors = (ow + L - 1) / L;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                int out = (b * oh + oy) * ow;
                int in = (b * h + oy) * w;
                for (int v = 0; v < vectors; v++) {
                    int ox = Math.min(v * L, ow - L);
                    int r0 = in + ox;
                    int r1 = r0 + w;
                    int r2 = r1 + w;
                    FloatVector x00 = FloatVector.fromArray(S, x, r0);
                    FloatVector x01 = FloatVector.fromArray(S, x, r0 + 1);
                    FloatVector x02 = FloatVector.fromArray(S, x, r0 + 2);
                    FloatVector x10 = FloatVector.fromArray(S, x, r1);
                    FloatVector x11 = FloatVector.fromArray(S, x, r1 + 1);
                    FloatVector x12 = FloatVector.fromArray(S, x, r1 + 2);
                    FloatVector x20 = FloatVector.fromArray(S, x, r2);
                    FloatVector x21 = FloatVector.fromArray(S, x, r2 + 1);
                    FloatVector x22 = FloatVector.fromArray(S, x, r2 + 2);
                    for (int f = 0; f < filters; f++) {
                        FloatVector s = FloatVector.broadcast(S, kernel[f]).fma(x00, FloatVector.zero(S));
                        s = FloatVector.broadcast(S, kernel[filters + f]).fma(x01, s);
                        s = FloatVector.broadcast(S, kernel[2 * filters + f]).fma(x02, s);
                        s = FloatVector.broadcast(S, kernel[3 * filters + f]).fma(x10, s);
                        s = FloatVector.broadcast(S, kernel[4 * filters + f]).fma(x11, s);
                        s = FloatVector.broadcast(S, kernel[5 * filters + f]).fma(x12, s);
                        s = FloatVector.broadcast(S, kernel[6 * filters + f]).fma(x20, s);
                        s = FloatVector.broadcast(S, kernel[7 * filters + f]).fma(x21, s);
                        s = FloatVector.broadcast(S, kernel[8 * filters + f]).fma(x22, s);
                        s.intoArray(outT, f * rows + out + ox);
                    }
                }
            }
        }
    }

    /**
     * The kernel gradient, {@code grad[ky][kx][f] = sum over b, oy, ox of dOutT[f][b][oy][ox] *
     * x[b][oy + ky][ox + kx]}, for a gradient {@code dOutT} held as {@link #forward}'s output. Nine vector
     * sums per filter, in a fixed order, then their lanes added in lane order.
     */
    public static void kernelGradient(float[] x, int n, int h, int w, float[] dOutT, int filters, float[] grad) {
        int oh = h - 2;
        int ow = w - 2;
        int rows = n * oh * ow;
        int vectors = (ow + L - 1) / L;
        for (int f = 0; f < filters; f++) {
            FloatVector s00 = FloatVector.zero(S);
            FloatVector s01 = s00;
            FloatVector s02 = s00;
            FloatVector s10 = s00;
            FloatVector s11 = s00;
            FloatVector s12 = s00;
            FloatVector s20 = s00;
            FloatVector s21 = s00;
            FloatVector s22 = s00;
            // One flat loop over every vector of every output row: the nine sums stay in registers
            // only while no loop, call or branch on vectors separates their updates (else the JIT
            // boxes them).
            int out = f * rows;
            int in = 0;
            int oy = 0;
            int v = 0;
            for (int t = 0, count = n * oh * vectors; t < count; t++) {
                // The overlapping last vector of a row counts only the positions the one before it
                // did not: its gradient is weighted by zeros, then ones.
                int ox = Math.min(v * L, ow - L);
                FloatVector d = FloatVector.fromArray(S, dOutT, out + ox)
                        .mul(FloatVector.fromArray(S, WEIGHTS[v * L - ox], 0));
                int r0 = in + ox;
                int r1 = r0 + w;
                int r2 = r1 + w;
                s00 = d.fma(FloatVector.fromArray(S, x, r0), s00);
                s01 = d.fma(FloatVector.fromArray(S, x, r0 + 1), s01);
                s02 = d.fma(FloatVector.fromArray(S, x, r0 + 2), s02);
                s10 = d.fma(FloatVector.fromArray(S, x, r1), s10);
                s11 = d.fma(FloatVector.fromArray(S, x, r1 + 1), s11);
                s12 = d.fma(FloatVector.fromArray(S, x, r1 + 2), s12);
                s20 = d.fma(FloatVector.fromArray(S, x, r2), s20);
                s21 = d.fma(FloatVector.fromArray(S, x, r2 + 1), s21);
                s22 = d.fma(FloatVector.fromArray(S, x, r2 + 2), s22);
                if (++v == vectors) {
                    v = 0;
                    out += ow;
                    in += w;
                    if (++oy == oh) {
                        // next image: skip the input rows below the last output row
                        oy = 0;
                        in += 2 * w;
                    }
                }
            }
            grad[f] = Lanes.sum(s00);
            grad[filters + f] = Lanes.sum(s01);
            grad[2 * filters + f] = Lanes.sum(s02);
            grad[3 * filters + f] = Lanes.sum(s10);
            grad[4 * filters + f] = Lanes.sum(s11);
            grad[5 * filters + f] = Lanes.sum(s12);
            grad[6 * filters + f] = Lanes.sum(s20);
            grad[7 * filters + f] = Lanes.sum(s21);
            grad[8 * filters + f] = Lanes.sum(s22);
        }
    }
}
