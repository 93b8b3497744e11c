package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte-level number reader gives the bits of {@link Float#parseFloat} for every decimal, and tensors their shapes. */
class JsonCursorTest {
    private static float read(String number) {
        return new JsonCursor(number.getBytes(StandardCharsets.US_ASCII)).float32("x");
    }

    private static void same(String number) {
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(number)), Float.floatToRawIntBits(read(number)), number);
    }

    @Test
    void numbersAsFloatParsesThem() {
        SplittableRandom r = new SplittableRandom(42);
        for (String s : new String[] {"0", "-0", "1", "-1", "0.5", "255", "1e-5", "1E5", "-2.5e+3", "0.1", "0.0",
                "3.4028235e38", "3.4028236e38", "1.4e-45", "1e-46", "1.17549435E-38", "123456789012345678901234567890",
                "0.000000000000000000000000000001", "9007199254740993", "0.30000000000000004"}) {
            same(s);
        }
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            same(Float.toString(f));
            same(Double.toString(f));
            same(new BigDecimal(f).toString());
            double d = r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
            same(Double.toString(d));
            same(String.format("%." + r.nextInt(1, 20) + "f", r.nextDouble()));
            same(Long.toString(r.nextLong()));
        }
    }

    @Test
    void decimalsAtAndNearTheMidpointBetweenFloats() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 50_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt(0x0080_0000, 0x7F00_0000));
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            BigDecimal tiny = mid.ulp().multiply(BigDecimal.valueOf(r.nextInt(1, 1000)));
            same(mid.toString());
            same(mid.add(tiny).toString());
            same(mid.subtract(tiny).toString());
            same(mid.round(new java.math.MathContext(17)).toString());
        }
    }

    @Test
    void tensorsAndTheirShapes() {
        TensorReader t = new TensorReader();
        t.read(new JsonCursor("[[1, 2.5], [3, -4e-1], [0, 0]]".getBytes(StandardCharsets.UTF_8)), "x");
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 2.5f, 3, -0.4f, 0, 0}, t.data());
        TensorReader scalar = new TensorReader();
        scalar.read(new JsonCursor(" 7 ".getBytes(StandardCharsets.UTF_8)), "x");
        assertArrayEquals(new int[0], scalar.shape());
        HttpError ragged = assertThrows(HttpError.class, () -> new TensorReader().read(new JsonCursor(
                "[[1, 2], [3]]".getBytes(StandardCharsets.UTF_8)), "x"));
        assertTrue(ragged.getMessage().contains("x[1] has 1 elements"), ragged.getMessage());
        HttpError nan = assertThrows(HttpError.class, () -> new TensorReader().read(new JsonCursor(
                "[[1, 2], [3, NaN]]".getBytes(StandardCharsets.UTF_8)), "x"));
        assertTrue(nan.getMessage().startsWith("x[1][1] is NaN"), nan.getMessage());
    }

    @Test
    void stringsAndSkippedValues() {
        JsonCursor in = new JsonCursor("{\"a\\\"\\u00e9\": {\"x\": [true, false, null, \"s\", {}]}, \"b\": 2}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("a\"\u00e9", in.nextKey(true, "o"));
        in.skipValue("a");
        assertEquals("b", in.nextKey(false, "o"));
        assertEquals(2, in.integer("b"));
        assertEquals(null, in.nextKey(false, "o"));
        in.expectEnd();
    }
}
