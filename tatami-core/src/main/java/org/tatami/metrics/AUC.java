package org.tatami.metrics;

import com.google.gson.JsonPrimitive;
import java.util.Locale;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * The area under the ROC curve (or the precision-recall curve), as Keras's {@code AUC} ({@code "auc"})
 * computes it: {@code num_thresholds} (200) thresholds evenly spaced over [0, 1], the outer two moved
 * to -1e-7 and 1 + 1e-7; each prediction (clipped to [0, 1]) counts as positive at the thresholds it
 * is strictly above, and a target other than 0 is positive; every output of a row is one data point.
 * The curve's area is a Riemann sum over the thresholds: {@code "interpolation"} (the mean of
 * neighbouring heights for ROC; for PR, Davis and Goadrich's interpolation of the counts),
 * {@code "minoring"} or {@code "majoring"}.
 *
 * <pre>{@code
 * new AUC()                                   // ROC, 200 thresholds
 * new AUC(50).curve("PR").name("pr_auc")
 * new AUC().fromLogits(true)                  // predictions are logits: sigmoid first
 * }</pre>
 *
 * The state is, per threshold bucket, the weight of positive and of negative targets whose prediction
 * falls in it; the confusion counts at each threshold are their sums from that bucket up.
 */
public final class AUC extends Metric {
    private static final float EPSILON = 1e-7f;

    private final int numThresholds;
    private String curve = "ROC";
    private String summationMethod = "interpolation";
    private boolean fromLogits;

    public AUC() {
        this(200);
    }

    /** Keras's {@code num_thresholds}, more than 1. */
    public AUC(int numThresholds) {
        super("auc");
        if (numThresholds <= 1) {
            throw new IllegalArgumentException("Argument `num_thresholds` must be an integer > 1. Received: "
                    + "num_thresholds=" + numThresholds);
        }
        this.numThresholds = numThresholds;
    }

    /** Keras's {@code curve}: "ROC" (the default) or "PR". */
    public AUC curve(String name) {
        this.curve = switch (name) {
            case "ROC", "roc" -> "ROC";
            case "PR", "pr" -> "PR";
            default -> throw new IllegalArgumentException("Invalid AUC curve value: \"" + name
                    + "\". Expected values are [\"PR\", \"ROC\"]");
        };
        return this;
    }

    /** Keras's {@code summation_method}: "interpolation" (the default), "minoring" or "majoring". */
    public AUC summationMethod(String method) {
        String m = method.toLowerCase(Locale.ROOT);
        if (!m.equals("interpolation") && !m.equals("minoring") && !m.equals("majoring")) {
            throw new IllegalArgumentException("Invalid AUC summation method value: \"" + method
                    + "\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"]");
        }
        this.summationMethod = m;
        return this;
    }

    /** Keras's {@code from_logits}: the predictions are logits, turned into probabilities by a sigmoid. */
    public AUC fromLogits(boolean on) {
        this.fromLogits = on;
        return this;
    }

    @Override
    public int stateSize() {
        return 2 * numThresholds;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireDense(this, trueWidth, width);
    }

    // Keras's bucket index for evenly spaced thresholds, in float32 as Keras computes it:
    // ceil(p * (n - 1)) - 1, and 0 for p = 0 (the first threshold lies below 0).
    @Override
    public void accumulate(float[] yTrue, int trueWidth, float[] yPred, int width, int rows, float[] weights,
                           double[] state) {
        float scale = numThresholds - 1;
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1 : weights[r];
            for (int j = r * width; j < (r + 1) * width; j++) {
                float p = fromLogits ? (float) (1 / (1 + Math.exp(-yPred[j]))) : yPred[j];
                p = Math.min(Math.max(p, 0f), 1f);
                int bucket = Math.max((int) Math.ceil(p * scale) - 1, 0);
                state[(yTrue[j] != 0 ? 0 : numThresholds) + bucket] += w;
            }
        }
    }

    @Override
    public double result(double[] state) {
        int n = numThresholds;
        double[] tp = new double[n];
        double[] fp = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            tp[i] = state[i] + (i + 1 < n ? tp[i + 1] : 0);
            fp[i] = state[n + i] + (i + 1 < n ? fp[i + 1] : 0);
        }
        double positives = tp[0];
        double negatives = fp[0];
        if (curve.equals("PR") && summationMethod.equals("interpolation")) {
            return interpolatedPrAuc(tp, fp, positives);
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double recall = divideNoNan(tp[i], positives);
            if (curve.equals("ROC")) {
                x[i] = divideNoNan(fp[i], negatives);
                y[i] = recall;
            } else {
                x[i] = recall;
                y[i] = divideNoNan(tp[i], tp[i] + fp[i]);
            }
        }
        double area = 0;
        for (int i = 0; i + 1 < n; i++) {
            double height = switch (summationMethod) {
                case "minoring" -> Math.min(y[i], y[i + 1]);
                case "majoring" -> Math.max(y[i], y[i + 1]);
                default -> (y[i] + y[i + 1]) / 2;
            };
            area += (x[i] - x[i + 1]) * height;
        }
        return area;
    }

    /**
     * Davis and Goadrich's interpolation, in Keras's closed form: within each interval precision
     * follows the counts linearly, {@code slope * (dTP + intercept * log(P_A / P_B)) / positives}.
     */
    private double interpolatedPrAuc(double[] tp, double[] fp, double positives) {
        double area = 0;
        for (int i = 0; i + 1 < tp.length; i++) {
            double dtp = tp[i] - tp[i + 1];
            double pA = tp[i] + fp[i];
            double pB = tp[i + 1] + fp[i + 1];
            double slope = divideNoNan(dtp, Math.max(pA - pB, 0));
            double intercept = tp[i + 1] - slope * pB;
            double ratio = pA > 0 && pB > 0 ? divideNoNan(pA, Math.max(pB, 0)) : 1;
            // tp + fn at a threshold is every positive target's weight.
            area += divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(positives, 0));
        }
        return area;
    }

    /** Reads Keras's AUC config; thresholds of one's own, multi-label AUC and label weights are refused. */
    static AUC read(Fields c) {
        AUC m = new AUC(c.integer("num_thresholds", 200));
        m.curve(c.string("curve", "ROC"));
        m.summationMethod(c.string("summation_method", "interpolation"));
        m.fromLogits(c.bool("from_logits", false));
        c.expectNull("thresholds", "tatami's AUC uses num_thresholds evenly spaced thresholds");
        c.expect("multi_label", new JsonPrimitive(false), "tatami's AUC treats every output as one label");
        c.expectNull("num_labels", "tatami's AUC has no multi-label mode");
        c.expectNull("label_weights", "tatami's AUC has no label weights");
        return m;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("num_thresholds", numThresholds);
        c.put("curve", curve);
        c.put("summation_method", summationMethod);
        c.put("multi_label", false);
        c.put("num_labels", null);
        c.put("label_weights", null);
        c.put("from_logits", fromLogits);
        return c;
    }
}
