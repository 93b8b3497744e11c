package org.tatami.losses;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * The Huber loss, as Keras's {@code Huber} ({@code "huber"}): for an error {@code e = pred - target},
 * {@code e^2 / 2} while {@code |e| <= delta} (1 by default), {@code delta |e| - delta^2 / 2} beyond,
 * averaged over the last axis: squared error near the target, absolute error far from it.
 */
public final class Huber extends ElementwiseLoss {
    private final float delta;

    public Huber() {
        this(1.0);
    }

    public Huber(double delta) {
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Huber's delta must be a number >= 0, got " + delta);
        }
        this.delta = (float) delta;
    }

    public float delta() {
        return delta;
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    public boolean classifies() {
        return false;
    }

    @Override
    double value(float pred, float target) {
        double e = pred - target;
        return Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
    }

    @Override
    double derivative(float pred, float target) {
        double e = pred - target;
        return Math.abs(e) <= delta ? e : delta * Math.signum(e);
    }

    /** Keras names the object {@code huber_loss} (the string is {@code huber}). */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("name", "huber_loss");
        c.put("delta", decimal(delta));
        return c;
    }

    static Huber fromConfig(Fields c) {
        return new Huber(c.number("delta", 1.0));
    }
}
