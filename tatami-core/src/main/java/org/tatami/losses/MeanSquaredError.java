package org.tatami.losses;

/** Mean over the output axis of the squared error, as Keras's {@code mean_squared_error}. */
public final class MeanSquaredError extends ElementwiseLoss {
    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    public boolean classifies() {
        return false;
    }

    @Override
    double value(float pred, float target) {
        double d = pred - target;
        return d * d;
    }

    @Override
    double derivative(float pred, float target) {
        double d = pred - target;
        return 2 * d;
    }
}
