package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dropout mask, drawn without branches, against the rule written plainly on the same draws. */
class DropoutMaskTest {
    @ParameterizedTest(name = "rate {0}")
    @ValueSource(doubles = {1e-7, 0.1, 0.25, 0.4, 0.5, 0.75, 0.999})
    void maskIsDrawLessThanRateDroppedElseScaled(double rate) {
        int len = 100_000;
        float[] mask = new float[len + 1];
        mask[len] = 7f;
        assertTrue(new Dropout(rate).fillMask(mask, len, true, new SplittableRandom(5)));

        SplittableRandom draws = new SplittableRandom(5);
        float r = (float) rate;
        float keep = 1f / (1f - r);
        float[] expected = new float[len + 1];
        for (int i = 0; i < len; i++) {
            expected[i] = draws.nextFloat() < r ? 0f : keep;
        }
        expected[len] = 7f;
        assertArrayEquals(expected, mask);
    }

    @ParameterizedTest(name = "rate {0}")
    @ValueSource(doubles = {0, 0.5})
    void nothingIsDroppedAtInferenceOrAtRateZero(double rate) {
        float[] mask = new float[10];
        assertFalse(new Dropout(rate).fillMask(mask, 10, rate == 0, new SplittableRandom(5)));
        float[] ones = new float[10];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, mask);
    }
}
