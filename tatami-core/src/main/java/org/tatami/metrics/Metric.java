package org.tatami.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import com.google.gson.JsonPrimitive;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * A metric with state, as Keras's {@code keras.metrics.Metric}: {@link #updateState} adds a batch,
 * {@link #result()} is the figure so far, {@link #resetState()} starts again.
 *
 * <pre>{@code
 * Metric m = new Precision();
 * m.updateState(Tensor.vector(0, 1, 1, 1), Tensor.vector(1, 0, 1, 1));
 * m.result();   // 0.6666...
 * }</pre>
 *
 * <p>The state is a vector of sums (a total and a count, true positives per threshold, ...), so that
 * the parts of a batch add up: {@code fit} and {@code evaluate} keep one vector per output, add each
 * chunk of a batch into a vector of its own, and add those in chunk order, which keeps the figures
 * the same whatever the number of threads; a backup saves the vectors exactly. A metric object
 * given to {@code compile} is a description: training keeps its own vectors and leaves the
 * object's state alone, so one object may serve several outputs.
 *
 * <p>Data come as rows: predictions have {@code width} values per row (the last axis), targets
 * {@code trueWidth} values per row ({@code 1} for class indices, {@code width} otherwise), and
 * weights, if any, one per row.
 */
public abstract class Metric {
    private String name;
    private double[] state;

    protected Metric(String name) {
        this.name = name;
    }

    /** Keras's name: the metric's key in logs and History ({@code precision}, {@code auc}, ...). */
    public final String name() {
        return name;
    }

    /** Keras's {@code name=}: another key, for two metrics of one kind ({@code new AUC().name("pr_auc")}). */
    public Metric name(String newName) {
        if (newName == null || newName.isEmpty()) {
            throw new IllegalArgumentException("a metric's name must not be empty");
        }
        this.name = newName;
        return this;
    }

    /** How many sums the state holds. */
    public abstract int stateSize();

    /**
     * Adds {@code rows} rows to {@code state}: targets {@code yTrue} ({@code trueWidth} values per row),
     * predictions {@code yPred} ({@code width} per row) and {@code weights} (one per row, or null for
     * 1 each). Must not keep or change the arrays: the engine calls it from several threads at once,
     * each with a state of its own.
     */
    public abstract void accumulate(float[] yTrue, int trueWidth, float[] yPred, int width, int rows, float[] weights,
                                    double[] state);

    /**
     * Refuses targets of a layout the metric cannot read ({@code fit} and {@code evaluate} ask before
     * the first batch): sparse metrics want one class index per row, the others a target per output.
     * Any layout by default.
     */
    public void checkShapes(int trueWidth, int width) {
    }

    static void requireSparse(Metric m, int trueWidth) {
        if (trueWidth != 1) {
            throw new IllegalArgumentException(m.name() + " takes one class index per sample, got " + trueWidth
                    + " target values per sample (one-hot rows? use the metric without 'sparse_')");
        }
    }

    static void requireDense(Metric m, int trueWidth, int width) {
        if (trueWidth != width) {
            throw new IllegalArgumentException(m.name() + " takes targets shaped as the predictions (" + width
                    + " per sample), got " + trueWidth + (trueWidth == 1 && width > 1
                    ? " (class indices? use the 'sparse_' metric)" : ""));
        }
    }

    /** The figure that {@code state} gives. */
    public abstract double result(double[] state);

    /** Keras's {@code get_config()}: the name, the dtype, and the metric's own arguments. */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("dtype", "float32");
        return c;
    }

    /** Keras's class name, the {@code class_name} of a saved compile config. */
    public String className() {
        return getClass().getSimpleName();
    }

    /**
     * The metric as a saved compile config holds it, Keras's serialized object: {@code module},
     * {@code class_name}, {@code config} and {@code registered_name}, which is null for tatami's own
     * metrics and the name for one's own (looked up in {@link MetricRegistry} on loading).
     */
    public Object serialize() {
        boolean own = getClass().getPackage() == Metric.class.getPackage() && getClass() != MeanMetricWrapper.class;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", own ? "keras.metrics" : null);
        m.put("class_name", className());
        m.put("config", config());
        m.put("registered_name", own ? null : name);
        return m;
    }

    /** Adds a batch: {@code yTrue} and {@code yPred} with the batch first, as Keras's {@code update_state}. */
    public void updateState(Tensor yTrue, Tensor yPred) {
        updateState(yTrue, yPred, null);
    }

    /**
     * Adds a batch with a weight per sample ({@code sampleWeight} has the batch's size) or per row of
     * the last axis; a weight of 0 masks a sample.
     */
    public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
        int width = yPred.rank() >= 2 ? yPred.shape(yPred.rank() - 1) : 1;
        int rows = width == 0 ? 0 : yPred.size() / width;
        int trueWidth = rows == 0 ? 1 : yTrue.size() / rows;
        if ((long) trueWidth * rows != yTrue.size() || (trueWidth != 1 && trueWidth != width)) {
            throw new IllegalArgumentException(name + ": y_true of shape " + Shape.toString(yTrue.shape())
                    + " does not fit y_pred of shape " + Shape.toString(yPred.shape()) + ": expected " + rows
                    + " class indices or " + rows + " rows of " + width);
        }
        checkShapes(trueWidth, width);
        float[] weights = sampleWeight == null ? null : perRow(sampleWeight, yPred, rows);
        accumulate(yTrue.data(), trueWidth, yPred.data(), width, rows, weights, state());
    }

    /** A weight per sample becomes one per row: each sample's rows share its weight. */
    private float[] perRow(Tensor sampleWeight, Tensor yPred, int rows) {
        int n = sampleWeight.size();
        int samples = yPred.rank() == 0 ? 1 : yPred.shape(0);
        if (n == rows) {
            return sampleWeight.data();
        }
        if (n != samples || samples == 0 || rows % samples != 0) {
            throw new IllegalArgumentException(name + ": sample_weight of shape "
                    + Shape.toString(sampleWeight.shape()) + " fits neither the " + samples + " samples nor the "
                    + rows + " rows of y_pred " + Shape.toString(yPred.shape()));
        }
        int per = rows / samples;
        float[] w = new float[rows];
        for (int r = 0; r < rows; r++) {
            w[r] = sampleWeight.data()[r / per];
        }
        return w;
    }

    /** The figure so far, as Keras's {@code result()}. */
    public double result() {
        return result(state());
    }

    /** Forgets every batch, as Keras's {@code reset_state()}. */
    public void resetState() {
        Arrays.fill(state(), 0);
    }

    private double[] state() {
        if (state == null) {
            state = new double[stateSize()];
        }
        return state;
    }

    /** Keras's {@code divide_no_nan}: 0 where the divisor is 0. */
    static double divideNoNan(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    private static final String NAMES = "accuracy, sparse_categorical_accuracy, categorical_accuracy, binary_accuracy,"
            + " sparse_top_k_categorical_accuracy, top_k_categorical_accuracy, precision, recall, auc";

    /**
     * The metrics Keras names by string in {@code compile}, with Keras's defaults: {@code "accuracy"}
     * (or {@code "acc"}: chosen by the targets' shape), {@code "sparse_categorical_accuracy"},
     * {@code "categorical_accuracy"}, {@code "binary_accuracy"}, {@code "sparse_top_k_categorical_accuracy"},
     * {@code "top_k_categorical_accuracy"}, {@code "precision"}, {@code "recall"}, {@code "auc"}.
     */
    public static Metric of(String name) {
        return switch (name) {
            case "accuracy", "acc" -> new Accuracy();
            case "sparse_categorical_accuracy" -> new SparseCategoricalAccuracy();
            case "categorical_accuracy" -> new CategoricalAccuracy();
            case "binary_accuracy" -> new BinaryAccuracy();
            case "sparse_top_k_categorical_accuracy" -> new SparseTopKCategoricalAccuracy();
            case "top_k_categorical_accuracy" -> new TopKCategoricalAccuracy();
            case "precision" -> new Precision();
            case "recall" -> new Recall();
            case "auc" -> new AUC();
            default -> throw new IllegalArgumentException("unknown metric '" + name + "': expected one of " + NAMES);
        };
    }

    /**
     * A metric from a saved compile config: Keras's serialized metric object ({@code class_name},
     * {@code config}, {@code registered_name}), as {@link #config()} writes it and Keras's
     * {@code get_config()}. A metric of one's own comes from {@link MetricRegistry} by its registered
     * name. An option tatami does not implement is an error naming it.
     */
    public static Metric fromConfig(String className, String registeredName, Fields c) {
        Metric m;
        if (registeredName != null) {
            m = MetricRegistry.create(registeredName);
            if (m == null) {
                throw new ModelConfigException(c.where() + ": metric '" + registeredName + "' is not registered:"
                        + " register it with MetricRegistry.register before loading"
                        + (MetricRegistry.names().isEmpty() ? "" : " (registered: " + MetricRegistry.names() + ")"));
            }
            c.take("fn");
        } else {
            m = switch (className) {
                case "SparseCategoricalAccuracy" -> new SparseCategoricalAccuracy();
                case "CategoricalAccuracy" -> new CategoricalAccuracy();
                case "BinaryAccuracy" -> new BinaryAccuracy(c.number("threshold", 0.5));
                case "SparseTopKCategoricalAccuracy" -> new SparseTopKCategoricalAccuracy(c.integer("k", 5));
                case "TopKCategoricalAccuracy" -> new TopKCategoricalAccuracy(c.integer("k", 5));
                case "Precision" -> ThresholdCounts.read(new Precision(), c);
                case "Recall" -> ThresholdCounts.read(new Recall(), c);
                case "AUC" -> AUC.read(c);
                default -> throw new ModelConfigException(c.where() + ": unknown metric class '" + className
                        + "': expected one of SparseCategoricalAccuracy, CategoricalAccuracy, BinaryAccuracy,"
                        + " SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, Precision, Recall, AUC, or a"
                        + " registered one");
            };
        }
        m.name(c.string("name", m.name()));
        c.expect("dtype", new JsonPrimitive("float32"), "tatami's metrics compute in float32 and double");
        c.finish();
        return m;
    }

    @Override
    public String toString() {
        return className() + config();
    }
}
