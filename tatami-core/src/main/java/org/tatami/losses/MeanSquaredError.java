package org.tatami.losses;

/** Mean over the output axis of the squared error, as Keras's {@code mean_squared_error}. */
public final class MeanSquaredError extends Loss {
    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    public boolean classifies() {
        return false;
    }

    @Override
    public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double s = 0;
            for (int j = 0; j < width; j++) {
                double d = yPred[o + j] - yTrue[o + j];
                s += d * d;
                if (grad != null) {
                    grad[o + j] = (float) (2 * d / width * scale);
                }
            }
            total += s / width;
        }
        return total;
    }
}
