package org.tatami.layers;

import java.util.Locale;
import org.tatami.config.Fields;

/** Keras's padding modes: {@code valid} (no padding) and {@code same} (output size = ceil(input / stride)). */
public enum Padding {
    VALID, SAME;

    public static Padding of(String name) {
        return switch (name) {
            case "valid" -> VALID;
            case "same" -> SAME;
            default -> throw new IllegalArgumentException("unknown padding '" + name + "': expected valid or same");
        };
    }

    /** A config's {@code padding} (any case, as Keras lowercases it), {@code valid} when absent. */
    static Padding fromConfig(Fields f) {
        String mode = f.string("padding", "valid");
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "valid" -> VALID;
            case "same" -> SAME;
            default -> throw f.unsupported("padding", "tatami pads 'valid' or 'same'");
        };
    }

    public String kerasName() {
        return this == VALID ? "valid" : "same";
    }

    /** Output length along one axis, or an exception if the window does not fit. */
    int outputLength(String layer, String axis, int input, int window, int stride) {
        int out = this == SAME ? (input + stride - 1) / stride : (input - window) / stride + 1;
        if (out < 1 || (this == VALID && input < window)) {
            throw new IllegalArgumentException(layer + ": input " + axis + " " + input + " is smaller than the window "
                    + window + " with padding 'valid'");
        }
        return out;
    }

    /**
     * Output length of a transposed convolution along one axis, Keras's rule: {@code input * stride},
     * plus what the window overhangs the stride with {@code valid}.
     */
    int transposedLength(int input, int window, int stride) {
        return this == SAME ? input * stride : input * stride + Math.max(window - stride, 0);
    }

    /** Padding before the first element, as TensorFlow splits it (the extra one goes after). */
    int padBefore(int input, int window, int stride, int output) {
        return this == SAME ? Math.max((output - 1) * stride + window - input, 0) / 2 : 0;
    }
}
