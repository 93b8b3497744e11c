package org.tatami.serve;

import java.io.IOException;
import java.nio.file.Path;
import org.tatami.models.Model;

/** Reads a model file (the command line's loader takes .tatami, .keras, .h5 and .onnx). */
@FunctionalInterface
public interface ModelLoader {
    Model load(Path file) throws IOException;
}
