package org.tatami.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.tatami.data.PixelScaling;

/**
 * The params of {@link HasInputParams}, with their names, docs and defaults in one place; a stage makes
 * its own, as their parent.
 */
public final class InputParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> inputCol;
    final Param<String> outputCol;
    final Param<String> probabilityCol;
    final Param<String> imagePreparation;
    final Param<String> invert;
    final DoubleParam rescale;
    final DoubleParam offset;

    InputParams(Params stage) {
        inputCol = new Param<>(stage, "inputCol", "the inputs: picture files' bytes (binaryFile's content), arrays"
                + " of pixel values, or ML vectors");
        outputCol = new Param<>(stage, "outputCol", "the predicted class, as a double");
        probabilityCol = new Param<>(stage, "probabilityCol", "the class probabilities, as a vector; empty for none");
        imagePreparation = new Param<>(stage, "imagePreparation", "how picture files become inputs: digit"
                + " (MNIST-style, as tatami predict: grey, white on black, cropped, 20x20, centred in 28x28) or pixels"
                + " (grey, as they are)", ParamValidators.inArray(List.of(InputFormat.DIGIT, InputFormat.PIXELS)));
        invert = new Param<>(stage, "invert", "whether digit preparation inverts a picture: auto (for a light"
                + " background), yes or no", ParamValidators.inArray(List.of("auto", "yes", "no")));
        rescale = new DoubleParam(stage, "rescale", "pixels (0..255) are multiplied by this (default 1/255)");
        offset = new DoubleParam(stage, "offset", "then this is added (default 0)");
        stage.setDefault(inputCol, "features");
        stage.setDefault(outputCol, "prediction");
        stage.setDefault(probabilityCol, "probability");
        stage.setDefault(imagePreparation, InputFormat.DIGIT);
        stage.setDefault(invert, "auto");
        stage.setDefault(rescale, PixelScaling.DEFAULT.rescale());
        stage.setDefault(offset, PixelScaling.DEFAULT.offset());
    }

    InputFormat format(Params stage) {
        return new InputFormat(stage.getOrDefault(imagePreparation), stage.getOrDefault(invert),
                (Double) stage.getOrDefault(rescale), (Double) stage.getOrDefault(offset));
    }
}
