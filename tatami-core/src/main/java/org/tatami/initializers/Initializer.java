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

    /**
     * Parses Keras's names of initializers with their default settings: the class names and their
     * snake_case forms (glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal,
     * lecun_uniform, random_normal, random_uniform, truncated_normal, orthogonal, zeros, ones) and
     * Keras's aliases normal, uniform, zero and one.
     */
    static Initializer of(String name) {
        return switch (name) {
            case "glorot_uniform", "GlorotUniform" -> new GlorotUniform();
            case "glorot_normal", "GlorotNormal" -> new GlorotNormal();
            case "he_normal", "HeNormal" -> new HeNormal();
            case "he_uniform", "HeUniform" -> new HeUniform();
            case "lecun_normal", "LecunNormal" -> new LecunNormal();
            case "lecun_uniform", "LecunUniform" -> new LecunUniform();
            case "normal", "random_normal", "RandomNormal" -> new RandomNormal();
            case "uniform", "random_uniform", "RandomUniform" -> new RandomUniform();
            case "truncated_normal", "TruncatedNormal" -> new TruncatedNormal();
            case "orthogonal", "Orthogonal" -> new Orthogonal();
            case "zeros", "zero", "Zeros" -> new Zeros();
            case "ones", "one", "Ones" -> new Constant(1f);
            default -> throw new IllegalArgumentException("unknown initializer '" + name + "': expected glorot_uniform,"
                    + " glorot_normal, he_normal, he_uniform, lecun_normal, lecun_uniform, random_normal,"
                    + " random_uniform, truncated_normal, orthogonal, zeros, ones or a Constant(value)");
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
