package org.tatami.losses;

/**
 * Mean over the last axis of the absolute error, as Keras's {@code MeanAbsoluteError}
 * ({@code "mean_absolute_error"}, {@code "mae"}); its gradient is the error's sign (0 where it is 0).
 */
public final class MeanAbsoluteError extends Loss {
    @Override
    public String name() {
        return "mean_absolute_error";
    }

    @Override
    public boolean classifies() {
        return false;
    }

    @Override
    public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double row = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                double e = yPred[i] - yTrue[i];
                row += Math.abs(e);
                if (grad != null) {
                    grad[i] = (float) (Math.signum(e) / width * scale);
                }
            }
            total += row / width;
        }
        return total;
    }
}
