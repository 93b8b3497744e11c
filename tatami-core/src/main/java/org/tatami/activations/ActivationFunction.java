package org.tatami.activations;

import org.tatami.kernels.Elementwise;

import java.util.Locale;

/**
 * Element-wise activations, applied in place over rows of {@code width} values (softmax normalises
 * each row), with Keras's names and defaults. Most backward passes need only the activation's output
 * (the function is invertible, or its slope is a function of its output), so layers need not keep
 * their pre-activation values; gelu and silu (swish) are not, as two inputs can give one output, and
 * {@link #needsInput()} tells the layer to keep the values before them.
 */
public enum ActivationFunction {
    LINEAR, RELU, RELU6, SIGMOID, TANH, SOFTMAX, ELU, SELU, SOFTPLUS, HARD_SIGMOID, LEAKY_RELU, GELU, SILU;

    /** SELU's constants, as Keras's (and ONNX's) selu: scale * elu(x, alpha). */
    public static final float SELU_ALPHA = 1.6732632423543772f;
    public static final float SELU_SCALE = 1.0507009873554805f;
    /** Keras 3's default negative_slope of leaky_relu. */
    public static final float LEAKY_RELU_SLOPE = 0.2f;

    /** Keras's name: {@code "relu"}, {@code "softmax"}, ... */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether backward needs the values before the activation, not only after it. */
    public boolean needsInput() {
        return this == GELU || this == SILU;
    }

    /**
     * Parses Keras's names ({@code "swish"} is silu, as in Keras); {@code null} and {@code "linear"}
     * mean no activation.
     */
    public static ActivationFunction of(String name) {
        if (name == null) {
            return LINEAR;
        }
        if (name.equals("swish")) {
            return SILU;
        }
        for (ActivationFunction a : values()) {
            if (a.kerasName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name
                + "': expected one of linear, relu, relu6, sigmoid, tanh, softmax, elu, selu, softplus,"
                + " hard_sigmoid, leaky_relu, gelu, silu (swish)");
    }

    /** {@code v[off .. off+rows*width)} = activation(v), row by row. */
    public void forward(float[] v, int off, int rows, int width) {
        int end = off + rows * width;
        switch (this) {
            case LINEAR -> {
            }
            case RELU -> Elementwise.relu(v, off, end);
            case RELU6 -> {
                for (int i = off; i < end; i++) {
                    v[i] = Math.min(Math.max(v[i], 0f), 6f);
                }
            }
            case SIGMOID -> {
                for (int i = off; i < end; i++) {
                    v[i] = (float) (1.0 / (1.0 + Math.exp(-v[i])));
                }
            }
            case TANH -> {
                for (int i = off; i < end; i++) {
                    v[i] = (float) Math.tanh(v[i]);
                }
            }
            case SOFTMAX -> {
                for (int r = off; r < end; r += width) {
                    softmaxRow(v, r, width);
                }
            }
            case ELU -> {
                for (int i = off; i < end; i++) {
                    v[i] = v[i] > 0f ? v[i] : (float) Math.expm1(v[i]);
                }
            }
            case SELU -> {
                for (int i = off; i < end; i++) {
                    v[i] = SELU_SCALE * (v[i] > 0f ? v[i] : SELU_ALPHA * (float) Math.expm1(v[i]));
                }
            }
            case SOFTPLUS -> {
                // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): no overflow for large x, no loss for small.
                for (int i = off; i < end; i++) {
                    v[i] = (float) (Math.max(v[i], 0.0) + Math.log1p(Math.exp(-Math.abs(v[i]))));
                }
            }
            case HARD_SIGMOID -> {
                // Keras 3's hard_sigmoid: relu6(x + 3) / 6 (Keras 2 used 0.2 x + 0.5).
                for (int i = off; i < end; i++) {
                    v[i] = Math.min(Math.max(v[i] + 3f, 0f), 6f) / 6f;
                }
            }
            case LEAKY_RELU -> {
                for (int i = off; i < end; i++) {
                    v[i] = v[i] > 0f ? v[i] : LEAKY_RELU_SLOPE * v[i];
                }
            }
            case GELU -> {
                // Keras's default (approximate=False): x * Phi(x), Phi the standard normal's distribution.
                for (int i = off; i < end; i++) {
                    v[i] = (float) (v[i] * normalCdf(v[i]));
                }
            }
            case SILU -> {
                for (int i = off; i < end; i++) {
                    v[i] = (float) (v[i] / (1.0 + Math.exp(-v[i])));
                }
            }
        }
    }

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double ONE_OVER_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private static double normalCdf(double x) {
        return 0.5 * (1 + Erf.erf(x * SQRT_HALF));
    }

    /**
     * As {@link #backward(float[], float[], int, int, int)}, with the values before the activation in
     * {@code pre} (read only by functions that {@link #needsInput()}; null for the others).
     */
    public void backward(float[] pre, float[] y, float[] dy, int off, int rows, int width) {
        int end = off + rows * width;
        switch (this) {
            case GELU -> {
                // d/dx x Phi(x) = Phi(x) + x phi(x).
                for (int i = off; i < end; i++) {
                    double x = pre[i];
                    dy[i] *= (float) (normalCdf(x) + x * Math.exp(-0.5 * x * x) * ONE_OVER_SQRT_2PI);
                }
            }
            case SILU -> {
                // d/dx x s(x) = s(x) (1 + x (1 - s(x))), s the sigmoid.
                for (int i = off; i < end; i++) {
                    double x = pre[i];
                    double s = 1.0 / (1.0 + Math.exp(-x));
                    dy[i] *= (float) (s * (1 + x * (1 - s)));
                }
            }
            default -> backward(y, dy, off, rows, width);
        }
    }

    /**
     * Turns {@code dy} (gradient w.r.t. the output {@code y}) into the gradient w.r.t. the input, in place,
     * for a function that does not {@link #needsInput()}.
     */
    public void backward(float[] y, float[] dy, int off, int rows, int width) {
        int end = off + rows * width;
        switch (this) {
            case GELU, SILU -> throw new IllegalStateException(kerasName() + "'s slope needs its input, not only"
                    + " its output");
            case LINEAR -> {
            }
            case RELU -> Elementwise.reluBackward(y, dy, off, end);
            case RELU6 -> {
                // The output alone tells the slope: 1 strictly between the clipping bounds, else 0.
                for (int i = off; i < end; i++) {
                    dy[i] = y[i] > 0f && y[i] < 6f ? dy[i] : 0f;
                }
            }
            case SIGMOID -> {
                for (int i = off; i < end; i++) {
                    dy[i] *= y[i] * (1f - y[i]);
                }
            }
            case TANH -> {
                for (int i = off; i < end; i++) {
                    dy[i] *= 1f - y[i] * y[i];
                }
            }
            case SOFTMAX -> {
                for (int r = off; r < end; r += width) {
                    float dot = 0f;
                    for (int j = 0; j < width; j++) {
                        dot += dy[r + j] * y[r + j];
                    }
                    for (int j = 0; j < width; j++) {
                        dy[r + j] = y[r + j] * (dy[r + j] - dot);
                    }
                }
            }
            case ELU -> {
                // For x <= 0, y = e^x - 1, so the slope e^x is y + 1.
                for (int i = off; i < end; i++) {
                    dy[i] = y[i] > 0f ? dy[i] : dy[i] * (y[i] + 1f);
                }
            }
            case SELU -> {
                // For x <= 0, y = scale * alpha * (e^x - 1): the slope scale * alpha * e^x is y + scale * alpha.
                for (int i = off; i < end; i++) {
                    dy[i] *= y[i] > 0f ? SELU_SCALE : y[i] + SELU_SCALE * SELU_ALPHA;
                }
            }
            case SOFTPLUS -> {
                // The slope sigmoid(x) is 1 - e^-y.
                for (int i = off; i < end; i++) {
                    dy[i] *= (float) -Math.expm1(-y[i]);
                }
            }
            case HARD_SIGMOID -> {
                for (int i = off; i < end; i++) {
                    dy[i] = y[i] > 0f && y[i] < 1f ? dy[i] / 6f : 0f;
                }
            }
            case LEAKY_RELU -> {
                // The slope is positive on both sides, so y > 0 exactly when x > 0.
                for (int i = off; i < end; i++) {
                    dy[i] = y[i] > 0f ? dy[i] : dy[i] * LEAKY_RELU_SLOPE;
                }
            }
        }
    }

    /** Numerically stable softmax of one row: the maximum is subtracted before exponentiating. */
    public static void softmaxRow(float[] v, int off, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, v[off + j]);
        }
        float sum = 0f;
        for (int j = 0; j < width; j++) {
            float e = (float) Math.exp(v[off + j] - max);
            v[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < width; j++) {
            v[off + j] *= inv;
        }
    }
}
