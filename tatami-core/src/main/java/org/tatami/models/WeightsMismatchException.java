package org.tatami.models;

import java.io.IOException;

/** A weights file that does not fit the model: a missing or extra tensor, or a different shape. */
public final class WeightsMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightsMismatchException(String message) {
        super(message);
    }
}
