package org.tatami.losses;

/**
 * A loss: the mean over samples of a per-sample value, and its gradient.
 *
 * <p>Targets are float rows: one class index per row for the sparse losses, one value per output
 * otherwise. Loss functions write gradients already multiplied by {@code scale} (1 / batch size), so
 * that per-chunk gradients of a batch add up to the gradient of the batch mean.
 */
public abstract class Loss {
    /** Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log, as Keras does. */
    public static final float EPSILON = 1e-7f;

    /** Keras's name, e.g. {@code sparse_categorical_crossentropy}. */
    public abstract String name();

    /** Whether the predictions are logits rather than probabilities (Keras's {@code from_logits}). */
    public boolean fromLogits() {
        return false;
    }

    /** Width of one target row for an output row of {@code outputWidth} values. */
    public int targetWidth(int outputWidth) {
        return outputWidth;
    }

    /**
     * Sum over {@code rows} rows of the loss of {@code yPred} against {@code yTrue}; if {@code grad}
     * is not null, writes {@code scale * d(loss)/d(yPred)} into it.
     */
    public abstract double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale);

    /**
     * Whether {@link #computeFromSoftmax} is available: cross-entropies after a softmax have the
     * simple, stable gradient {@code p - target} with respect to the softmax's input.
     */
    public boolean fusesWithSoftmax() {
        return false;
    }

    /** As {@link #compute} on softmax outputs, but writes the gradient w.r.t. the softmax's input. */
    public double computeFromSoftmax(float[] probs, float[] yTrue, int rows, int width, float[] gradLogits,
                                     float scale) {
        throw new UnsupportedOperationException(name() + " does not fuse with softmax");
    }

    /**
     * Checks all {@code rows} target rows up front, so that a bad target is reported with its index in
     * the caller's data (the loss itself only sees shuffled chunks); nothing to check by default.
     */
    public void checkTargets(float[] yTrue, int rows, int width) {
    }

    /** The losses Keras names by string, and those registered with {@link LossRegistry#register}. */
    public static Loss of(String name) {
        Loss builtIn = builtIn(name);
        if (builtIn != null) {
            return builtIn;
        }
        Loss custom = LossRegistry.create(name);
        if (custom == null) {
            throw new IllegalArgumentException("unknown loss '" + name + "': expected sparse_categorical_crossentropy,"
                    + " categorical_crossentropy or mean_squared_error"
                    + (LossRegistry.names().isEmpty() ? "" : ", or a registered one: " + LossRegistry.names())
                    + "; register a loss of your own with LossRegistry.register");
        }
        return custom;
    }

    /** A loss Keras names by string, on logits when {@code fromLogits} (the cross-entropies only). */
    public static Loss of(String name, boolean fromLogits) {
        if (!fromLogits) {
            return of(name);
        }
        return switch (name) {
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy(true);
            case "categorical_crossentropy" -> new CategoricalCrossentropy(true);
            default -> throw new IllegalArgumentException("loss '" + name + "' has no from_logits option");
        };
    }

    static boolean isBuiltIn(String name) {
        return builtIn(name) != null;
    }

    private static Loss builtIn(String name) {
        return switch (name) {
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
            case "categorical_crossentropy" -> new CategoricalCrossentropy();
            case "mean_squared_error", "mse" -> new MeanSquaredError();
            default -> null;
        };
    }

    static float clip(float p) {
        return Math.min(Math.max(p, EPSILON), 1f - EPSILON);
    }

    static int label(float[] yTrue, int row, int width) {
        float v = yTrue[row];
        int label = (int) v;
        if (label != v || label < 0 || label >= width) {
            throw new IllegalArgumentException("label " + v + " of sample " + row + " is not a class index in [0, "
                    + width + ")");
        }
        return label;
    }
}
