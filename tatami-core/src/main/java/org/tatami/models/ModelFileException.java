package org.tatami.models;

import java.io.IOException;

/** A {@code .tatami} file that cannot be read: not a zip, missing or unexpected parts, too large. */
public final class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
