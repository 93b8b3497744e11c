package org.tatami.models;

import java.io.IOException;

/**
 * Weights read from a file that hold NaN or infinite values: every prediction from them is NaN or silently
 * wrong, so loading refuses them, naming the tensor and how many of its values are not finite.
 */
public final class NonFiniteWeightsException extends IOException {
    private static final long serialVersionUID = 1L;

    public NonFiniteWeightsException(String message) {
        super(message);
    }
}
