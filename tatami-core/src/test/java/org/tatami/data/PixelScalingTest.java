package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PixelScalingTest {
    @Test
    void parsesNumbersAndFractions() {
        assertEquals(1 / 127.5, PixelScaling.parse("--rescale", "1/127.5"), 0);
        assertEquals(-1, PixelScaling.parse("--offset", "-1"), 0);
        assertTrue(new PixelScaling(PixelScaling.parse("--rescale", "1/255"), 0).isDefault());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PixelScaling.parse("--rescale", "1e300"));
        assertEquals("--rescale must be a number within float32's range (up to 3.4e38) or a fraction like 1/127.5,"
                + " got '1e300'", e.getMessage());
    }

    @Test
    void theDefaultKeepsTheBitsOfDividingBy255() {
        float[] unit = {0f, 1 / 255f, 77 / 255f, 1f};
        float[] scaled = unit.clone();
        PixelScaling.DEFAULT.applyToUnit(scaled);
        assertArrayEquals(unit, scaled, 0f);
    }

    @Test
    void otherScalingsMapPixelsLikeKerasRescaling() {
        float[] values = {9f, 0f, 1f, 0.5f};
        new PixelScaling(1 / 127.5, -1).applyToUnit(values, 1, 3);
        assertArrayEquals(new float[] {9f, -1f, 1f, 0f}, values, 1e-6f);
    }
}
