package org.tatami.initializers;

import java.util.Arrays;
import java.util.SplittableRandom;

/** All zeros: Keras's default for biases. */
public final class Zeros implements Initializer {
    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        Arrays.fill(data, 0f);
    }

    @Override
    public String className() {
        return "Zeros";
    }
}
