package org.tatami.initializers;

import java.util.Map;
import java.util.SplittableRandom;

/** Fills a new parameter tensor, as Keras's {@code keras.initializers}. */
public interface Initializer {
    /**
     * Fills {@code data}, a tensor of Keras shape {@code shape}: (kh, kw, cin, cout) for a conv kernel,
     * (in, out) for a dense kernel, (n) for a bias.
     */
    void fill(float[] data, int[] shape, SplittableRandom random);

    /** Keras's class name, e.g. {@code GlorotUniform}. */
    String className();

    /** Keras's config of this initializer (e.g. {@code {"value": 0.5}} for Constant). */
    default Map<String, Object> config() {
        return Map.of();
    }

    /** Parses Keras's short names: glorot_uniform, he_normal, zeros, ones, (random_)uniform (and the class names). */
    static Initializer of(String name) {
        return switch (name) {
            case "glorot_uniform", "GlorotUniform" -> new GlorotUniform();
            case "he_normal", "HeNormal" -> new HeNormal();
            case "zeros", "Zeros" -> new Zeros();
            case "ones", "Ones" -> new Constant(1f);
            case "uniform", "random_uniform", "RandomUniform" -> new RandomUniform();
            default -> throw new IllegalArgumentException("unknown initializer '" + name
                    + "': expected glorot_uniform, he_normal, zeros, ones, random_uniform or a Constant(value)");
        };
    }

    /**
     * Fan-in and fan-out as Keras computes them: for a kernel (kh, kw, cin, cout) the receptive field
     * kh*kw times cin and cout; for (in, out) simply in and out.
     */
    static int[] fans(int[] shape) {
        if (shape.length < 1) {
            return new int[] {1, 1};
        }
        if (shape.length == 1) {
            return new int[] {shape[0], shape[0]};
        }
        int receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        return new int[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
    }
}
