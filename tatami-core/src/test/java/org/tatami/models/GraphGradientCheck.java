package org.tatami.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;

/**
 * Central finite differences of a whole model's training loss, against the engine's gradients: the
 * end-to-end check of a graph (fan-out sums, shared layers, nested models, batch statistics combined
 * from chunks). The loss is the one a training step computes (weighted sum of the outputs' mean losses,
 * BatchNormalization on the batch's statistics), so the model is checked exactly as fit trains it.
 *
 * <p>Tolerance, as in the layer check: |analytic - numeric| <= 1e-2 * max(|analytic|, |numeric|) + 1e-3,
 * h = 1e-2. Models under check use smooth activations (tanh, softmax) so that L is smooth within ±h.
 */
final class GraphGradientCheck {
    private static final float H = 1e-2f;
    private static final double REL = 1e-2;
    private static final double ABS = 1e-3;

    /** The worst element: ratio = error / tolerance (<= 1 passes). */
    record Result(double ratio, String where, int checked) {
        boolean passed() {
            return ratio <= 1;
        }
    }

    private GraphGradientCheck() {
    }

    /** Checks up to {@code perTensor} elements of every trainable parameter of a compiled, built model. */
    static Result check(Model model, float[][] xs, float[][] ys, int samples, int perTensor) {
        Engine e = model.engine();
        int[] targetSizes = new int[ys.length];
        for (int k = 0; k < ys.length; k++) {
            targetSizes[k] = ys[k].length / samples;
        }
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        Engine.Objective objective = model.objective();
        e.trainStep(xs, ys, null, targetSizes, order, 0, samples, samples, objective, 1);
        List<float[]> analytic = new ArrayList<>();
        for (float[] g : e.gradients()) {
            analytic.add(g.clone());
        }
        SplittableRandom pick = new SplittableRandom(7);
        double worst = 0;
        String where = "";
        int checked = 0;
        int index = 0;
        for (Layer layer : e.layers()) {
            for (Parameter p : layer.parameters()) {
                float[] g = analytic.get(index++);
                if (!layer.trains(p)) {
                    continue;
                }
                float[] v = p.value().data();
                for (int t = 0; t < Math.min(perTensor, v.length); t++) {
                    int i = v.length <= perTensor ? t : pick.nextInt(v.length);
                    float saved = v[i];
                    float up = saved + H;
                    float down = saved - H;
                    v[i] = up;
                    double lUp = loss(e, xs, ys, targetSizes, order, samples, objective);
                    v[i] = down;
                    double lDown = loss(e, xs, ys, targetSizes, order, samples, objective);
                    v[i] = saved;
                    double numeric = (lUp - lDown) / ((double) up - down);
                    double err = Math.abs(g[i] - numeric);
                    double ratio = err / (REL * Math.max(Math.abs(g[i]), Math.abs(numeric)) + ABS);
                    checked++;
                    if (ratio > worst) {
                        worst = ratio;
                        where = layer.name() + "/" + p.name() + "[" + i + "]: analytic " + g[i] + ", numeric " + numeric;
                    }
                }
            }
        }
        return new Result(worst, where, checked);
    }

    private static double loss(Engine e, float[][] xs, float[][] ys, int[] targetSizes, int[] order, int samples,
                               Engine.Objective objective) {
        Engine.Totals t = e.trainStep(xs, ys, null, targetSizes, order, 0, samples, samples, objective, 1);
        double total = 0;
        for (int k = 0; k < t.loss().length; k++) {
            total += objective.weights()[k] * t.loss()[k] / ((double) samples * e.outputRows(k));
        }
        return total;
    }
}
