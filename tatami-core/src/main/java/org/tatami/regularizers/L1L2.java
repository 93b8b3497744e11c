package org.tatami.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code l1 * sum(|w|) + l2 * sum(w^2)}, as Keras's L1L2 (whose factors default to 0). Its gradient is
 * {@code l1 * sign(w) + 2 * l2 * w}, with sign(0) = 0 as TensorFlow's gradient of |w|.
 */
public class L1L2 implements Regularizer {
    private final float l1;
    private final float l2;

    public L1L2(double l1, double l2) {
        if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException(className() + " factors must be finite and >= 0, got l1 = " + l1
                    + ", l2 = " + l2);
        }
        this.l1 = (float) l1;
        this.l2 = (float) l2;
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    @Override
    public double penalty(float[] weights) {
        double abs = 0;
        double squares = 0;
        for (float w : weights) {
            abs += Math.abs(w);
            squares += (double) w * w;
        }
        return l1 * abs + l2 * squares;
    }

    @Override
    public void addGradient(float[] weights, float[] gradient) {
        float twice = 2 * l2;
        for (int i = 0; i < weights.length; i++) {
            gradient[i] += l1 * Math.signum(weights[i]) + twice * weights[i];
        }
    }

    @Override
    public String className() {
        return "L1L2";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("l1", decimal(l1));
        c.put("l2", decimal(l2));
        return c;
    }

    /** The float's shortest decimal, so that 0.01 is written as 0.01. */
    static double decimal(float v) {
        return Double.parseDouble(Float.toString(v));
    }
}
