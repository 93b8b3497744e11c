package org.tatami.config;

/**
 * A Keras model config that tatami cannot read: malformed JSON, a value of the wrong type, or an
 * option tatami does not support. The message names the source and, where there is one, the layer,
 * its class, the option and the value.
 */
public class ModelConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelConfigException(String message) {
        super(message);
    }

    public ModelConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
