package org.tatami.activations;

import org.tatami.kernels.Elementwise;

import java.util.Locale;

/**
 * Element-wise activations, applied in place over rows of {@code width} values (softmax normalises
 * each row). Every backward pass needs only the activation's output, so layers need not keep their
 * pre-activation values.
 */
public enum ActivationFunction {
    LINEAR, RELU, RELU6, SIGMOID, TANH, SOFTMAX;

    /** Keras's name: {@code "relu"}, {@code "softmax"}, ... */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Keras's names; {@code null} and {@code "linear"} mean no activation. */
    public static ActivationFunction of(String name) {
        if (name == null) {
            return LINEAR;
        }
        for (ActivationFunction a : values()) {
            if (a.kerasName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name
                + "': expected one of linear, relu, relu6, sigmoid, tanh, softmax");
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
        }
    }

    /** Turns {@code dy} (gradient w.r.t. the output {@code y}) into the gradient w.r.t. the input, in place. */
    public void backward(float[] y, float[] dy, int off, int rows, int width) {
        int end = off + rows * width;
        switch (this) {
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
