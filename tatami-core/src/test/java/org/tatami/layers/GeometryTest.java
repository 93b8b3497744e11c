package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * im2col and col2im by ranges of rows, as Convolution runs them block by block, against the whole
 * matrix at once: the same rows, and the same sums bit for bit (each image value gets its additions in
 * the same order), for padding, strides and dilation.
 */
class GeometryTest {
    @Test
    void rangesOfRowsAreTheWholeMatrixBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 3;
        int[][] shapes = {{7, 6, 3}, {9, 9, 2}};
        for (int[] in : shapes) {
            for (Padding padding : Padding.values()) {
                for (int stride = 1; stride <= 2; stride++) {
                    for (int dilation = 1; dilation <= 2; dilation++) {
                        Geometry g = Geometry.of("conv", in, 3, 3, stride, stride, dilation, dilation, padding);
                        String where = Arrays.toString(in) + " " + padding + " stride " + stride + " dilation "
                                + dilation;
                        check(g, n, random, where);
                    }
                }
            }
        }
    }

    private static void check(Geometry g, int n, SplittableRandom random, String where) {
        int patch = g.kh() * g.kw() * g.c();
        int rows = n * g.oh() * g.ow();
        float[] x = new float[n * g.h() * g.w() * g.c()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        float[] whole = new float[rows * patch];
        g.im2col(x, n, whole);
        float[] dx = new float[x.length];
        g.col2im(whole, n, dx);

        float[] byRanges = new float[rows * patch];
        float[] dxByRanges = new float[x.length];
        float[] block = new float[5 * patch];
        for (int r0 = 0; r0 < rows; r0 += 5) {
            int r1 = Math.min(rows, r0 + 5);
            g.im2col(x, r0, r1, block);
            System.arraycopy(block, 0, byRanges, r0 * patch, (r1 - r0) * patch);
            g.addCol2im(block, r0, r1, dxByRanges);
        }
        assertArrayEquals(whole, byRanges, "im2col, " + where);
        assertArrayEquals(dx, dxByRanges, "col2im, " + where);
    }
}
