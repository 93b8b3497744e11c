package org.tatami.constraints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MaxNorm, UnitNorm and NonNeg on Dense and convolution kernels, against Keras's formulas. */
class ConstraintTest {
    /** A Dense kernel (in 2, out 3): columns of norm 5, 1 and 13. */
    private static float[] kernel() {
        return new float[] {3, 0.6f, 5, 4, 0.8f, 12};
    }

    @Test
    void maxNormScalesOnlyTheColumnsAboveIt() {
        float[] w = kernel();
        new MaxNorm(2, 0).apply(w, new int[] {2, 3});
        // w * min(norm, 2) / (1e-7 + norm), per column (axis 0: the unit's incoming weights).
        assertArrayEquals(new float[] {3 * 2 / 5f, 0.6f, 5 * 2 / 13f, 4 * 2 / 5f, 0.8f, 12 * 2 / 13f}, w, 1e-6f);
        assertEquals(2, Math.hypot(w[0], w[3]), 1e-6);
        // Per row (axis 1): norms sqrt(9.36 + 25) and sqrt(16.64 + 144), both above 2.
        float[] rows = kernel();
        new MaxNorm(2, -1).apply(rows, new int[] {2, 3});
        assertEquals(2, Math.sqrt(rows[0] * rows[0] + rows[1] * rows[1] + rows[2] * rows[2]), 1e-6);
    }

    @Test
    void unitNormAndNonNeg() {
        float[] w = kernel();
        new UnitNorm().apply(w, new int[] {2, 3});
        for (int c = 0; c < 3; c++) {
            assertEquals(1, Math.hypot(w[c], w[3 + c]), 1e-6);
        }
        float[] v = {-1, 0, 2, -0.5f};
        new NonNeg().apply(v, new int[] {4});
        assertArrayEquals(new float[] {0, 0, 2, 0}, v);
    }

    /** A Conv2D kernel (kh, kw, in, out) with axis [0, 1, 2]: one norm per filter. */
    @Test
    void convolutionKernelsPerFilter() {
        int[] shape = {3, 3, 2, 4};
        float[] w = new float[72];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7) - 3 + 0.5f * (i % 4);
        }
        new MaxNorm(1, 0, 1, 2).apply(w, shape);
        for (int f = 0; f < 4; f++) {
            double sq = 0;
            for (int i = f; i < 72; i += 4) {
                sq += w[i] * w[i];
            }
            assertTrue(Math.sqrt(sq) <= 1 + 1e-6, "filter " + f + ": " + Math.sqrt(sq));
        }
        assertEquals(Map.of("max_value", 1.0, "axis", List.of(0, 1, 2)), new MaxNorm(1, 0, 1, 2).config());
    }

    @Test
    void kerasNamesDefaultsAndErrors() {
        assertEquals(Map.of("max_value", 2.0, "axis", 0), Constraint.of("max_norm").config());
        assertEquals("NonNeg", Constraint.of("non_neg").className());
        assertEquals(Map.of("axis", 0), Constraint.of("unit_norm").config());
        assertThrows(IllegalArgumentException.class, () -> Constraint.of("min_max_norm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaxNorm(2, 3).apply(new float[6], new int[] {2, 3}));
        assertTrue(e.getMessage().contains("MaxNorm axis 3 does not exist in a weight of shape [2, 3]"), e.getMessage());
    }
}
