package org.tatami.layers;

/**
 * Maximum or Minimum: each output value is the most extreme of its inputs' values, and its gradient
 * goes to that input alone. On ties it goes to the first input holding the value (as TensorFlow's
 * gradient of {@code maximum(a, b)} gives it to {@code a}); the others get 0.
 */
abstract class Extremum extends ElementWise {
    /** Whether {@code a} is strictly more extreme than {@code b}. */
    abstract boolean beats(float a, float b);

    @Override
    final void gradient(float[][] xs, int i, float[] dy, float[] g, int len) {
        for (int j = 0; j < len; j++) {
            int winner = 0;
            float best = xs[0][j];
            for (int m = 1; m < xs.length; m++) {
                if (beats(xs[m][j], best)) {
                    best = xs[m][j];
                    winner = m;
                }
            }
            g[j] = winner == i ? dy[j] : 0f;
        }
    }
}
