package org.tatami.spark;

import java.io.Serializable;
import java.util.Locale;
import org.tatami.data.Invert;
import org.tatami.data.PixelScaling;

/**
 * How the values of an input column become a model's input, as {@code tatami predict} and
 * {@code tatami evaluate} prepare theirs. Picture files' bytes (Spark's {@code binaryFile} source) are
 * decoded: with {@code digit}, made into an MNIST-style digit as {@code tatami predict} does (grey, digit
 * white on black, cropped, 20x20, centred by mass in 28x28); with {@code pixels}, taken as they are, grey,
 * at their own size. Arrays of numbers and ML vectors are pixel values (0..255). Pixels then become
 * {@code pixel * rescale + offset} (default: divided by 255).
 *
 * @param images {@code digit} or {@code pixels}
 * @param invert {@code auto}, {@code yes} or {@code no}: whether a digit's picture is inverted
 */
record InputFormat(String images, String invert, double rescale, double offset) implements Serializable {
    static final String DIGIT = "digit";
    static final String PIXELS = "pixels";
    /** Digits, inverted when the background is light, pixels divided by 255: as {@code tatami predict}. */
    static final InputFormat DEFAULT = new InputFormat(DIGIT, "auto", PixelScaling.DEFAULT.rescale(),
            PixelScaling.DEFAULT.offset());

    InputFormat {
        if (!images.equals(DIGIT) && !images.equals(PIXELS)) {
            throw new IllegalArgumentException("imagePreparation must be digit or pixels, got '" + images + "'");
        }
        invertMode(invert);
        new PixelScaling(rescale, offset);
    }

    static Invert invertMode(String invert) {
        return switch (invert.toLowerCase(Locale.ROOT)) {
            case "auto" -> Invert.AUTO;
            case "yes" -> Invert.YES;
            case "no" -> Invert.NO;
            default -> throw new IllegalArgumentException("invert must be auto, yes or no, got '" + invert + "'");
        };
    }

    PixelScaling scaling() {
        return new PixelScaling(rescale, offset);
    }
}
