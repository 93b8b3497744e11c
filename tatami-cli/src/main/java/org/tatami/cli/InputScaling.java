package org.tatami.cli;

import java.util.Arrays;
import org.tatami.data.PixelScaling;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;
import picocli.CommandLine.Option;

/**
 * How pixels (0..255) become a model's input: {@code input = pixel * rescale + offset}, as Keras's
 * {@code Rescaling} layer, and in the model's own input shape. Models trained elsewhere expect other
 * scalings (e.g. {@code --rescale 1/127.5 --offset -1} for [-1, 1]).
 */
final class InputScaling {
    private static final String DEFAULT_RESCALE = "1/255";

    @Option(names = "--rescale", defaultValue = DEFAULT_RESCALE, paramLabel = "A",
            description = "Multiply pixels (0..255) by A; a number or a fraction like 1/127.5 (default: ${DEFAULT-VALUE}).")
    String rescale;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "B",
            description = "Then add B (default: ${DEFAULT-VALUE}).")
    String offset;

    /**
     * Turns images scaled to [0, 1] (pixel / 255), shaped (N, 28, 28, 1), into the model's input:
     * rescaled, and reshaped to the model's input shape when the element count matches ((1, 28, 28)
     * channels-first with one channel has the same layout, (784) is flattened).
     */
    Tensor apply(Tensor images, int[] modelInput, String source) {
        PixelScaling scaling = new PixelScaling(number("--rescale", rescale), number("--offset", offset));
        Tensor x = images;
        if (!scaling.isDefault()) {
            x = images.copy();
            scaling.applyToUnit(x.data());
        }
        int[] sample = Arrays.copyOfRange(images.shape(), 1, images.rank());
        if (Arrays.equals(sample, modelInput)) {
            return x;
        }
        if (Shape.size(sample) != Shape.size(modelInput)) {
            throw new UsageException(source + " takes input " + Shape.withBatch(modelInput) + "; the images are "
                    + Shape.withBatch(sample));
        }
        int[] shape = new int[modelInput.length + 1];
        shape[0] = images.shape(0);
        System.arraycopy(modelInput, 0, shape, 1, modelInput.length);
        return x.reshape(shape);
    }

    static double number(String option, String text) {
        try {
            return PixelScaling.parse(option, text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
