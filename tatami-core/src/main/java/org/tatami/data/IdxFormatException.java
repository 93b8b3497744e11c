package org.tatami.data;

import java.io.IOException;

/** Input that is not a well-formed IDX file (or not a well-formed gzip stream around one). */
public class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
