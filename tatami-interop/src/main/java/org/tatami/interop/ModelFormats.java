package org.tatami.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.tatami.interop.keras.KerasImport;
import org.tatami.interop.onnx.OnnxImport;
import org.tatami.models.Model;
import org.tatami.models.ModelFile;

/** Every trained-model file tatami reads, told apart by its extension. */
public final class ModelFormats {
    /** The extensions {@link #load} takes, in the words of messages. */
    public static final String EXPECTED = ".tatami (written by 'tatami train' or Model.save), .h5 or .keras (Keras),"
            + " .onnx";

    private ModelFormats() {
    }

    /** Whether {@link #load} reads files of this name. */
    public static boolean readable(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".tatami") || name.endsWith(".h5") || name.endsWith(".keras") || name.endsWith(".onnx");
    }

    /**
     * A trained model from a {@code .tatami} file (tatami's own), a Keras {@code .h5} or {@code .keras} file,
     * or an {@code .onnx} file.
     *
     * @throws IllegalArgumentException for a file of another type, naming the types expected
     */
    public static Model load(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tatami")) {
            return ModelFile.load(file);
        }
        if (name.endsWith(".h5") || name.endsWith(".keras")) {
            return KerasImport.load(file);
        }
        if (name.endsWith(".onnx")) {
            return OnnxImport.load(file);
        }
        throw new IllegalArgumentException(file + ": unknown model file type: expected " + EXPECTED);
    }
}
