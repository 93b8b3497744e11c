package org.tatami.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** erf against reference values (to 16 digits), on both sides of the series / continued fraction switch at 2.5. */
class ErfTest {
    @Test
    void matchesReferenceValues() {
        double[][] cases = {
            {0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {1.5, 0.9661051464753108}, {2, 0.9953222650189527}, {2.4999, 0.9995928300996666},
            {2.5, 0.999593047982555}, {3, 0.9999779095030014}, {4, 0.9999999845827421},
            {5.9, 0.9999999999999999}, {7, 1}};
        for (double[] c : cases) {
            assertEquals(c[1], Erf.erf(c[0]), 1e-14, "erf(" + c[0] + ")");
            assertEquals(-c[1], Erf.erf(-c[0]), 1e-14, "erf(-" + c[0] + ")");
        }
    }

    /** Keras's gelu (approximate=False) is x * (1 + erf(x / sqrt 2)) / 2; silu is x * sigmoid(x). */
    @Test
    void geluAndSiluValues() {
        float[] x = {1f, -1f, 0.5f, 3f, -2f, 0f};
        float[] gelu = {0.8413447f, -0.15865526f, 0.34573123f, 2.9959503f, -0.04550026f, 0f};
        float[] silu = {0.7310586f, -0.26894143f, 0.31122967f, 2.8577223f, -0.23840584f, 0f};
        float[] v = x.clone();
        ActivationFunction.GELU.forward(v, 0, 1, v.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(gelu[i], v[i], 1e-6f, "gelu(" + x[i] + ")");
        }
        v = x.clone();
        ActivationFunction.SILU.forward(v, 0, 1, v.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(silu[i], v[i], 1e-6f, "silu(" + x[i] + ")");
        }
        assertEquals(ActivationFunction.SILU, ActivationFunction.of("swish"));
        assertEquals("silu", ActivationFunction.of("swish").kerasName());
    }
}
