package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * What Dropout and SpatialDropout2D share: the rate, the mask (0 for a dropped value, 1/(1-rate) for a
 * kept one, so that the expected output is the input) and the rate's config.
 */
abstract class DropoutLayer extends Layer {
    private final float rate;

    DropoutLayer(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(className() + " rate must be in [0, 1), got " + rate);
        }
        this.rate = (float) rate;
    }

    public float rate() {
        return rate;
    }

    /** Keras's {@code rate} and {@code seed} (which must be null: masks come from tatami's stream). */
    static double readRate(Fields c) {
        double rate = c.number("rate");
        c.expectNull("seed", "tatami draws dropout masks from Tatami.setRandomSeed's stream");
        return rate;
    }

    /**
     * Fills {@code mask[0 .. len)}: while training each entry is dropped with probability rate, one
     * draw per entry in order. Returns false, with a mask of ones for backward, when nothing can be
     * dropped (inference, or a rate of 0): the output is then the input.
     */
    final boolean fillMask(float[] mask, int len, boolean training, SplittableRandom random) {
        if (!training || rate == 0f) {
            Arrays.fill(mask, 0, len, 1f);
            return false;
        }
        int keep = Float.floatToRawIntBits(1f / (1f - rate));
        int threshold = Float.floatToRawIntBits(rate);
        for (int i = 0; i < len; i++) {
            // draw < rate, without a branch (it would be mispredicted at every other entry): both are
            // floats in [0, 1), which order as their bits do, so the difference's sign bit says it.
            int dropped = (Float.floatToRawIntBits(random.nextFloat()) - threshold) >> 31;
            mask[i] = Float.intBitsToFloat(keep & ~dropped);
        }
        return true;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        // The float's shortest decimal, so that a rate of 0.15 is written as 0.15.
        c.put("rate", Double.parseDouble(Float.toString(rate)));
        c.put("seed", null);
        return c;
    }
}
