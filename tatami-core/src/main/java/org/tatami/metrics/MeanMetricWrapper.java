package org.tatami.metrics;

import java.util.Objects;

/**
 * The mean of a value per sample, as Keras's {@code MeanMetricWrapper}: wraps a function of one
 * sample's targets and predictions into a metric, weighted by the sample weights if any. The way to a
 * metric of one's own:
 *
 * <pre>{@code
 * Metric absError = new MeanMetricWrapper("abs_error", (yTrue, yPred) -> Math.abs(yTrue[0] - yPred[0]));
 * model.compile(new Adam(), new MeanSquaredError(), absError);
 * }</pre>
 *
 * A sample here is a row of the output's last axis; an output with several rows per sample (a
 * sequence) is averaged over its rows. The state is the weighted total and the total weight.
 */
public class MeanMetricWrapper extends Metric {
    /** A value per row: the row's targets ({@code 1} class index or one per output) and predictions. */
    @FunctionalInterface
    public interface RowFunction {
        /** The arrays are reused for the next row: read them, do not keep them. */
        double value(float[] yTrue, float[] yPred);
    }

    private final RowFunction fn;

    /** A metric named {@code name} whose value per sample is {@code fn}'s. */
    public MeanMetricWrapper(String name, RowFunction fn) {
        super(name);
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    /** For built-in metrics, which read rows in place through {@link #rowValue}. */
    protected MeanMetricWrapper(String name) {
        super(name);
        this.fn = null;
    }

    /**
     * The value of the row at {@code trueOffset} of {@code yTrue} and {@code predOffset} of {@code yPred};
     * built-in metrics read it in place instead of copying it for a {@link RowFunction}.
     */
    protected double rowValue(float[] yTrue, int trueOffset, int trueWidth, float[] yPred, int predOffset,
                              int width) {
        throw new UnsupportedOperationException(name() + " has no row function");
    }

    @Override
    public final int stateSize() {
        return 2;
    }

    @Override
    public final void accumulate(float[] yTrue, int trueWidth, float[] yPred, int width, int rows, float[] weights,
                                 double[] state) {
        float[] t = fn == null ? null : new float[trueWidth];
        float[] p = fn == null ? null : new float[width];
        for (int r = 0; r < rows; r++) {
            double v;
            if (fn == null) {
                v = rowValue(yTrue, r * trueWidth, trueWidth, yPred, r * width, width);
            } else {
                System.arraycopy(yTrue, r * trueWidth, t, 0, trueWidth);
                System.arraycopy(yPred, r * width, p, 0, width);
                v = fn.value(t, p);
            }
            double w = weights == null ? 1 : weights[r];
            state[0] += v * w;
            state[1] += w;
        }
    }

    @Override
    public final double result(double[] state) {
        return divideNoNan(state[0], state[1]);
    }

    /** Whether class {@code label} is among the {@code k} largest predictions; ties count as in, as TensorFlow's in_top_k. */
    static boolean inTopK(float[] p, int offset, int width, int label, int k) {
        if (label < 0 || label >= width) {
            return false;
        }
        float target = p[offset + label];
        int above = 0;
        for (int j = 0; j < width; j++) {
            if (p[offset + j] > target) {
                above++;
            }
        }
        return above < k;
    }
}
