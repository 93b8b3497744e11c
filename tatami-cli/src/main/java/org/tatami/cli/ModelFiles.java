package org.tatami.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tatami.interop.ModelFormats;
import org.tatami.models.ModelConfig;
import org.tatami.models.Model;
import org.tatami.models.ModelZoo;
import org.tatami.models.Sequential;

/** Finding models for the commands: the seed's model, model configs and saved models. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** The seed tutorial's CNN: 51,840 parameters. */
    static Sequential seedModel() {
        return ModelZoo.seedCnn();
    }

    /** The architectures {@code tatami train --model} knows by name. */
    static final List<String> BUILT_IN = List.of("seed", "convnet", "resnet");

    /**
     * The model {@code tatami train} trains: the seed's (null), a built-in by name (seed, convnet: Keras's
     * mnist_convnet, resnet), or a Keras JSON config.
     */
    static Model forTraining(Path model) throws IOException {
        String name = model == null ? "seed" : model.toString();
        return switch (name) {
            case "seed" -> seedModel();
            case "convnet" -> ModelZoo.mnistConvnet();
            case "resnet" -> ModelZoo.resnet();
            default -> fromConfig(model);
        };
    }

    /** A model architecture in Keras's JSON format ({@code model.to_json()}). */
    static Model fromConfig(Path file) throws IOException {
        requireFile(file);
        if (!lowerName(file).endsWith(".json")) {
            throw new UsageException(file + ": expected a model config in Keras's JSON format (.json), as"
                    + " model.to_json() writes it");
        }
        return ModelConfig.read(file);
    }

    /**
     * A trained model: {@code .tatami} (tatami's own), {@code .h5} or {@code .keras} (Keras), {@code .onnx};
     * or, for an untrained architecture, a {@code .json} config.
     */
    static Model load(Path file) throws IOException {
        requireFile(file);
        String name = lowerName(file);
        if (name.endsWith(".json")) {
            return fromConfig(file);
        }
        if (ModelFormats.readable(name)) {
            return ModelFormats.load(file);
        }
        throw new UsageException(file + ": unknown model file type: expected " + ModelFormats.EXPECTED
                + ", or a .json model config");
    }

    private static void requireFile(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.isDirectory(file) ? "a folder, not a model file"
                    : null);
        }
    }

    private static String lowerName(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
