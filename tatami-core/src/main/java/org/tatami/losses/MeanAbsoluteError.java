package org.tatami.losses;

/**
 * Mean over the last axis of the absolute error, as Keras's {@code MeanAbsoluteError}
 * ({@code "mean_absolute_error"}, {@code "mae"}); its gradient is the error's sign (0 where it is 0).
 */
public final class MeanAbsoluteError extends ElementwiseLoss {
    @Override
    public String name() {
        return "mean_absolute_error";
    }

    @Override
    public boolean classifies() {
        return false;
    }

    @Override
    double value(float pred, float target) {
        double e = pred - target;
        return Math.abs(e);
    }

    @Override
    double derivative(float pred, float target) {
        double e = pred - target;
        return Math.signum(e);
    }
}
