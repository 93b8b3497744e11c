package org.tatami.spark;

import org.tatami.data.PixelScaling;
import picocli.CommandLine.Option;

/** The options of {@link SparkPredict} and {@link SparkTrain} that say where the inputs are and how they are prepared. */
final class InputOptions {
    @Option(names = "--input-col", paramLabel = "NAME", description = "The column of inputs: picture files' bytes,"
            + " arrays of pixel values (0..255) or ML vectors (default: content for pictures, otherwise features).")
    String column;

    @Option(names = "--images", defaultValue = "digit", paramLabel = "digit|pixels", description = "How pictures"
            + " become inputs: digit (MNIST-style, as tatami predict) or pixels (grey, as they are; default:"
            + " ${DEFAULT-VALUE}).")
    String images;

    @Option(names = "--invert", defaultValue = "auto", paramLabel = "auto|yes|no",
            description = "Invert a digit's greys: auto does it for a light background (default: ${DEFAULT-VALUE}).")
    String invert;

    @Option(names = "--rescale", defaultValue = "1/255", paramLabel = "A",
            description = "Multiply pixels (0..255) by A; a number or a fraction like 1/127.5 (default: ${DEFAULT-VALUE}).")
    String rescale;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "B", description = "Then add B (default: ${DEFAULT-VALUE}).")
    String offset;

    InputFormat format() {
        return new InputFormat(images, invert, PixelScaling.parse("--rescale", rescale),
                PixelScaling.parse("--offset", offset));
    }

    /** The input column, or {@code fallback} when none is given. */
    String column(String fallback) {
        return column != null ? column : fallback;
    }
}
