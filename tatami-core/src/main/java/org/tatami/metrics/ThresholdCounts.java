package org.tatami.metrics;

import com.google.gson.JsonElement;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * What {@link Precision} and {@link Recall} share, as Keras computes them: a prediction above
 * {@code thresholds} (0.5 by default) is positive, a target other than 0 is positive; with
 * {@code top_k}, only each row's k largest predictions can be positive (ties to the first), and the
 * threshold defaults to -1e10; with {@code class_id}, only that output of each row counts. The state is
 * the weighted count of true positives and of the errors the metric divides by.
 */
abstract class ThresholdCounts<T extends ThresholdCounts<T>> extends Metric {
    /** Keras's threshold under top_k, below every prediction that is not masked. */
    private static final float NEG_INF = -1e10f;

    private Float thresholds;
    private Integer topK;
    private Integer classId;

    ThresholdCounts(String name) {
        super(name);
    }

    /** Whether the second count is false positives (precision) rather than false negatives (recall). */
    abstract boolean countsFalsePositives();

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** Keras's {@code thresholds}, one value in [0, 1]: predictions above it are positive. */
    public T thresholds(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Threshold values must be in [0, 1]. Received: [" + threshold + "]");
        }
        this.thresholds = (float) threshold;
        return self();
    }

    /** Keras's {@code top_k}: only the k largest predictions of each row may be positive. */
    public T topK(int k) {
        this.topK = TopKCategoricalAccuracy.checkK(k);
        return self();
    }

    /** Keras's {@code class_id}: only this output of each row counts. */
    public T classId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("class_id must be >= 0, got " + id);
        }
        this.classId = id;
        return self();
    }

    @Override
    public final int stateSize() {
        return 2;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireDense(this, trueWidth, width);
        if (classId != null && classId >= width) {
            throw new IllegalArgumentException(name() + ": class_id " + classId + " is not a class of an output of "
                    + width);
        }
    }

    @Override
    public final void accumulate(float[] yTrue, int trueWidth, float[] yPred, int width, int rows, float[] weights,
                                 double[] state) {
        float threshold = thresholds != null ? thresholds : topK != null ? NEG_INF : 0.5f;
        boolean fp = countsFalsePositives();
        int from = classId == null ? 0 : classId;
        int to = classId == null ? width : classId + 1;
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1 : weights[r];
            int o = r * width;
            for (int j = from; j < to; j++) {
                boolean predicted = (topK == null || inTopK(yPred, o, width, j, topK)) && yPred[o + j] > threshold;
                boolean actual = yTrue[o + j] != 0;
                if (predicted && actual) {
                    state[0] += w;
                } else if (fp ? predicted && !actual : actual && !predicted) {
                    state[1] += w;
                }
            }
        }
    }

    /** Whether column j is among the row's k largest values, ties going to the lower index (as top_k sorts). */
    private static boolean inTopK(float[] p, int o, int width, int j, int k) {
        int rank = 0;
        for (int i = 0; i < width; i++) {
            if (p[o + i] > p[o + j] || (p[o + i] == p[o + j] && i < j)) {
                rank++;
            }
        }
        return rank < k;
    }

    @Override
    public final double result(double[] state) {
        return divideNoNan(state[0], state[0] + state[1]);
    }

    /** Reads Keras's thresholds (null, a number or a list of one), top_k and class_id into {@code m}. */
    static <T extends ThresholdCounts<T>> T read(T m, Fields c) {
        JsonElement t = c.take("thresholds");
        if (t != null && t.isJsonArray() && t.getAsJsonArray().size() == 1) {
            t = t.getAsJsonArray().get(0);
        }
        if (t != null && !t.isJsonNull()) {
            if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isNumber()) {
                throw c.unsupported("thresholds", "tatami takes one threshold (a number), not a list of several");
            }
            m.thresholds(t.getAsDouble());
        }
        if (!c.isNull("top_k")) {
            m.topK(c.integer("top_k"));
        }
        c.take("top_k");
        if (!c.isNull("class_id")) {
            m.classId(c.integer("class_id"));
        }
        c.take("class_id");
        return m;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("thresholds", thresholds == null ? null : (double) thresholds);
        c.put("top_k", topK);
        c.put("class_id", classId);
        return c;
    }
}
