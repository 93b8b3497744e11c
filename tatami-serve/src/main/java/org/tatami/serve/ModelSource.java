package org.tatami.serve;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model to serve: the name in its URLs, the file it is loaded (and reloaded) from, and the run folder
 * that trained it (whose report the model's page shows), or null.
 */
public record ModelSource(String name, Path file, Path runFolder) {
    public ModelSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("model name '" + name + "' must be letters, digits, '.', '_' or '-'"
                    + " (it is part of the URLs)");
        }
    }

    /** The file's name without its extension: {@code model.tatami} is served as {@code model}. */
    public static String defaultName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
