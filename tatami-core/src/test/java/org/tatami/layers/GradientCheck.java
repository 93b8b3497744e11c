package org.tatami.layers;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;

/**
 * Central finite-difference check of one layer's backward pass, run the way the engine runs it:
 * {@code forward}, then the layer's activation in place; backward gets the activation's backward of
 * the upstream gradient.
 *
 * <p>The scalar checked is {@code L = sum(r * act(forward(x)))} for a fixed random {@code r}, summed in
 * double from the float32 outputs. Its analytic gradient is {@code backward(act'(r))}; the numeric one
 * is {@code (L(θ+h) - L(θ-h)) / (θ+h - θ-h)} for every input and parameter element θ, dividing by the
 * step actually taken in float so that representing θ±h costs no accuracy.
 *
 * <p>Tolerance: |analytic - numeric| <= {@link #REL} * max(|analytic|, |numeric|) + {@link #ABS}.
 * With h = 1e-2 the numeric derivative carries (a) the float32 rounding of the outputs that θ feeds,
 * a few ulps each (eps = 2^-24 ~ 6e-8 relative), amplified by 1/(2h) = 50: for the small layers here
 * (|L| terms of order 1 to 10) that is ~1e-6 to 1e-4; and (b) the truncation error h²/6 * |f'''|,
 * zero for convolution, dense, pooling, flatten and dropout (L is affine in each single element) and
 * below 1e-4 * |r| for sigmoid, tanh and softmax (|f'''| <= 2 for tanh, less for the others). The
 * tolerance sits an order of magnitude above both, so the check does not flake; yet any gradient off
 * by more than about 1% (+1e-3) fails, and real mistakes (a wrong index, a missing term, a wrong
 * scale, accumulating into stale buffers) are off by O(1): {@code GradientCheckTest} feeds the check
 * such mistakes and expects it to fail.
 *
 * <p>The check assumes L is smooth within ±h of the point: callers keep ReLU pre-activations and
 * max-pooling ties more than 2h away (see {@link #minAbsPreActivation()}).
 */
final class GradientCheck {
    static final double H = 1e-2;
    static final double REL = 1e-2;
    static final double ABS = 1e-3;

    /**
     * The analytic step, from {@code dOut} (the gradient w.r.t. the activated output, overwritable) to
     * {@code dx} and {@code grads}. The default is the engine's: the activation's backward, then the
     * layer's; tests swap in broken ones.
     */
    @FunctionalInterface
    interface Backward {
        void run(float[] x, float[] y, float[] dOut, float[] dx, float[][] grads);
    }

    /** The worst element: {@code ratio} = error / tolerance, so <= 1 passes. */
    record Result(double ratio, String where, int checked) {
        boolean passed() {
            return ratio <= 1;
        }
    }

    private final Layer layer;
    private final int n;
    private final float[] x;
    private final float[] r;
    private final boolean training;
    private final long dropoutSeed;
    private final Object scratch;
    private final int outSize;
    private final int rows;
    private final int width;

    /**
     * @param layer a built layer; its parameters are perturbed in place and restored
     * @param x {@code n} samples of the layer's input shape
     * @param r weights of the linear functional, one per output value
     */
    GradientCheck(Layer layer, int n, float[] x, float[] r, boolean training, long dropoutSeed) {
        this.layer = layer;
        this.n = n;
        this.x = x;
        this.r = r;
        this.training = training;
        this.dropoutSeed = dropoutSeed;
        int[] out = layer.outputShape();
        int per = 1;
        for (int d : out) {
            per *= d;
        }
        this.outSize = n * per;
        this.width = out[out.length - 1];
        this.rows = outSize / width;
        this.scratch = layer.createScratch(n);
        if (r.length != outSize) {
            throw new IllegalArgumentException("r has " + r.length + " values, the output " + outSize);
        }
    }

    /** Pre-activation outputs; a fresh generator per call, so dropout draws the same mask every time. */
    float[] preActivation() {
        float[] y = new float[outSize];
        // Kernel and depthwise layers apply their activation in forward: switch it off to see the values
        // before it.
        ActivationFunction fused = layer.appliesActivation() ? layer.activation() : null;
        if (fused != null) {
            setActivation(ActivationFunction.LINEAR);
        }
        try {
            // Parameters are perturbed between calls: derive what the layer keeps from them anew.
            layer.prepare(true);
            layer.forward(x, y, n, scratch, training, new SplittableRandom(dropoutSeed));
        } finally {
            if (fused != null) {
                setActivation(fused);
            }
        }
        return y;
    }

    private void setActivation(ActivationFunction function) {
        if (layer instanceof DepthwiseLayer<?> depthwise) {
            depthwise.activation(function);
        } else {
            ((KernelLayer<?>) layer).activation(function);
        }
    }

    double loss() {
        float[] y = preActivation();
        layer.activation().forward(y, 0, rows, width);
        double sum = 0;
        for (int i = 0; i < outSize; i++) {
            sum += (double) r[i] * y[i];
        }
        return sum;
    }

    /** Smallest |pre-activation|: a ReLU check is only valid if this exceeds 2h times the largest slope. */
    double minAbsPreActivation() {
        double min = Double.POSITIVE_INFINITY;
        for (float v : preActivation()) {
            min = Math.min(min, Math.abs(v));
        }
        return min;
    }

    Result run() {
        return run(this::engineBackward);
    }

    /**
     * What the engine does: activation backward (on the activated output {@code y}, and the values
     * before it, recomputed here, for the functions that need them), then the layer's.
     */
    void engineBackward(float[] x, float[] y, float[] dOut, float[] dx, float[][] grads) {
        layer.activation().backward(preActivation(), y, dOut, 0, rows, width);
        layer.backward(x, y, dOut, dx, n, scratch, grads);
    }

    Result run(Backward backward) {
        List<Parameter> params = layer.parameters();
        // Analytic, from dL/d(output) = r. The outputs are pre-filled with NaN: backward must
        // overwrite them, not add to them.
        float[] y = preActivation();
        ActivationFunction act = layer.activation();
        act.forward(y, 0, rows, width);
        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        float[][] grads = new float[params.size()][];
        for (int p = 0; p < grads.length; p++) {
            grads[p] = new float[params.get(p).value().size()];
            Arrays.fill(grads[p], Float.NaN);
        }
        backward.run(x, y, r.clone(), dx, grads);

        Worst worst = new Worst();
        for (int i = 0; i < x.length; i++) {
            worst.compare(dx[i], numeric(x, i), "input[" + i + "]");
        }
        for (int p = 0; p < params.size(); p++) {
            // A non-trainable parameter (moving statistics) gets no gradient.
            if (!params.get(p).trainable()) {
                continue;
            }
            float[] v = params.get(p).value().data();
            for (int i = 0; i < v.length; i++) {
                worst.compare(grads[p][i], numeric(v, i), params.get(p).name() + "[" + i + "]");
            }
        }

        // The first layer of a model gets dx = null: the parameter gradients must not change.
        if (!params.isEmpty()) {
            float[] y2 = preActivation();
            act.forward(y2, 0, rows, width);
            float[][] again = new float[params.size()][];
            for (int p = 0; p < again.length; p++) {
                again[p] = new float[grads[p].length];
            }
            backward.run(x, y2, r.clone(), null, again);
            for (int p = 0; p < again.length; p++) {
                if (params.get(p).trainable() && !Arrays.equals(again[p], grads[p])) {
                    return new Result(Double.POSITIVE_INFINITY, params.get(p).name() + " differs with dx = null",
                            worst.checked);
                }
            }
        }
        return new Result(worst.ratio, worst.where, worst.checked);
    }

    private double numeric(float[] v, int i) {
        float saved = v[i];
        float plus = (float) (saved + H);
        float minus = (float) (saved - H);
        v[i] = plus;
        double lp = loss();
        v[i] = minus;
        double lm = loss();
        v[i] = saved;
        return (lp - lm) / ((double) plus - minus);
    }

    private static final class Worst {
        double ratio = 0;
        String where = "nothing checked";
        int checked;

        void compare(double analytic, double numeric, String at) {
            checked++;
            double tol = REL * Math.max(Math.abs(analytic), Math.abs(numeric)) + ABS;
            double err = Math.abs(analytic - numeric);
            double q = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / tol;
            if (q > ratio || checked == 1) {
                ratio = Math.max(q, ratio);
                where = at + ": analytic " + analytic + ", numeric " + numeric;
            }
        }
    }
}
