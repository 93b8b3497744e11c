package org.tatami.cli;

import java.nio.file.Path;
import org.tatami.models.Model;

/** What the commands that feed a model images need of it: one input, one output, and how the output ends. */
final class ImageModels {
    private ImageModels() {
    }

    /** The command feeds the model one batch of images: a model with several inputs is refused in one line. */
    static void requireOneInput(Model net, Path file) {
        if (net.inputs().size() != 1) {
            throw new UsageException(file + ": the model has " + net.inputs().size() + " inputs " + net.inputNames()
                    + "; tatami feeds a model one image input");
        }
    }

    /** The command reads one prediction per image: a model with several outputs is refused in one line. */
    static void requireOneOutput(Model net, Path file) {
        if (net.outputs().size() != 1) {
            throw new UsageException(file + ": the model has " + net.outputs().size() + " outputs "
                    + net.outputNames() + "; tatami reads class scores from a model with one output");
        }
    }

    /** The classes a classifier tells apart: the last axis of its (first) output. */
    static int classes(Model net) {
        int[] shape = net.outputShape();
        return shape[shape.length - 1];
    }
}
