package org.tatami.interop.keras;

import java.io.IOException;

/** A Keras file that tatami cannot read: corrupt, truncated, hostile, or not matching its model. */
public final class KerasFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public KerasFormatException(String message) {
        super(message);
    }

    public KerasFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
