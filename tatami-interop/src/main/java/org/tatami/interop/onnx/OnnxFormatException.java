package org.tatami.interop.onnx;

import java.io.IOException;

/** An ONNX file that tatami cannot read: malformed, hostile, or using an operator or option it does not have. */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
