package org.tatami.io;

import java.io.IOException;

/**
 * A file is not valid safetensors, or uses a part of the format tatami cannot load. The message
 * names the file, the tensor if one is concerned, what was expected and what was found.
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
