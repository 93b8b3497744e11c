package org.tatami.layers;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.tatami.config.Fields;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Zeros;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Shifts and scales inputs to mean 0 and variance 1, as Keras's Normalization:
 * {@code (x - mean) / max(sqrt(variance), 1e-7)}, or the inverse with {@code invert}. There is one mean
 * and variance per index of the kept {@code axis} (Keras's numbering, 0 being the batch; the default -1
 * keeps the last axis, e.g. one per colour channel; no axis keeps one for all values). They are given
 * ({@code mean}, {@code variance}), or computed from data by {@link #adapt} and then saved with the
 * model as Keras's non-trainable weights {@code mean}, {@code variance} and {@code count} (which
 * Keras 3 keeps for older files and leaves at 0).
 */
public final class Normalization extends ChainedLayer<Normalization> {
    private static final float EPSILON = 1e-7f;

    private int[] axes = {-1};
    private boolean invert;
    private double[] givenMean;
    private double[] givenVariance;
    private int[] keptShape;
    /** A sample's shape with 1 on the axes that share one statistic. */
    private int[] broadcast;
    /** Per value of a sample, the index of its statistic. */
    private int[] statistic;
    private Parameter mean;
    private Parameter variance;
    private float[] means;
    private float[] denominators;

    /** The axes that keep their own statistics, in Keras's numbering; none for one mean and variance of all values. */
    public Normalization axis(int... keep) {
        requireUnbuilt();
        this.axes = keep.clone();
        return this;
    }

    /** The mean: one value for all, or one per kept index (or per index of the last kept axis). */
    public Normalization mean(double... values) {
        requireUnbuilt();
        this.givenMean = values.clone();
        return this;
    }

    /** The variance, shaped as the mean. */
    public Normalization variance(double... values) {
        requireUnbuilt();
        this.givenVariance = values.clone();
        return this;
    }

    /** Turns normalized values back into the original ones: {@code mean + x * sqrt(variance)}. */
    public Normalization invert(boolean value) {
        this.invert = value;
        return this;
    }

    private void requireUnbuilt() {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Normalization fromConfig(Fields c) {
        Normalization layer = new Normalization().axis(readAxes(c));
        layer.invert(c.bool("invert", false));
        double[] m = readValues(c, "mean");
        double[] v = readValues(c, "variance");
        if (m != null) {
            layer.mean(m);
        }
        if (v != null) {
            layer.variance(v);
        }
        return layer;
    }

    /** Keras's axis: an integer, a list of them, or null (an empty list) for none. */
    private static int[] readAxes(Fields c) {
        if (c.isNull("axis")) {
            c.take("axis");
            return new int[0];
        }
        return c.take("axis").isJsonArray() ? c.integers("axis") : new int[] {c.integer("axis")};
    }

    /** A number, a (nested) list of numbers flattened in order, or null. */
    private static double[] readValues(Fields c, String key) {
        if (c.isNull(key)) {
            c.take(key);
            return null;
        }
        List<Double> out = new ArrayList<>();
        flatten(c, key, c.take(key), out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(Fields c, String key, JsonElement e, List<Double> out) {
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(item -> flatten(c, key, item, out));
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && Double.isFinite(e.getAsDouble())) {
            out.add(e.getAsDouble());
        } else {
            throw c.invalid(key, "a number or a list of numbers");
        }
    }

    @Override
    public String className() {
        return "Normalization";
    }

    @Override
    protected String baseName() {
        return "normalization";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if ((givenMean == null) != (givenVariance == null)) {
            throw new IllegalArgumentException(name() + " (Normalization): give both mean and variance, or neither"
                    + " (adapt computes them)");
        }
        int ndim = in.length + 1;
        boolean[] kept = new boolean[in.length];
        for (int a : axes) {
            int axis = a < 0 ? a + ndim : a;
            if (axis <= 0 || axis >= ndim) {
                throw new IllegalArgumentException(name() + " (Normalization): axis " + a + " on input "
                        + Shape.withBatch(in) + (axis == 0 ? " is the batch axis" : " does not exist"));
            }
            kept[axis - 1] = true;
        }
        int[] shape = new int[0];
        broadcast = new int[in.length];
        for (int d = 0; d < in.length; d++) {
            broadcast[d] = kept[d] ? in[d] : 1;
            if (kept[d]) {
                shape = Arrays.copyOf(shape, shape.length + 1);
                shape[shape.length - 1] = in[d];
            }
        }
        keptShape = shape;
        statistic = statistics(in, kept);
        int count = Shape.size(keptShape);
        if (givenMean != null) {
            means = broadcast(givenMean, "mean");
            float[] v = broadcast(givenVariance, "variance");
            denominators = new float[count];
            for (int k = 0; k < count; k++) {
                denominators[k] = denominator(v[k]);
            }
        } else {
            means = new float[count];
            denominators = new float[count];
        }
        return in;
    }

    /** For each value of an input sample, the row-major index of its kept coordinates. */
    private static int[] statistics(int[] in, boolean[] kept) {
        int[] index = new int[Shape.size(in)];
        int[] coord = new int[in.length];
        for (int i = 0; i < index.length; i++) {
            int k = 0;
            for (int d = 0; d < in.length; d++) {
                if (kept[d]) {
                    k = k * in[d] + coord[d];
                }
            }
            index[i] = k;
            for (int d = in.length - 1; d >= 0 && ++coord[d] == in[d]; d--) {
                coord[d] = 0;
            }
        }
        return index;
    }

    /** Given values broadcast to the kept shape: one for all, one per index of the last kept axis, or one each. */
    private float[] broadcast(double[] values, String what) {
        int count = Shape.size(keptShape);
        int last = keptShape.length == 0 ? 1 : keptShape[keptShape.length - 1];
        if (values.length != 1 && values.length != last && values.length != count) {
            String counts = IntStream.of(1, last, count).distinct().mapToObj(String::valueOf)
                    .collect(Collectors.joining(" or "));
            throw new IllegalArgumentException(name() + " (Normalization): " + what + " has " + values.length
                    + " values; the kept axes " + Shape.toString(keptShape) + " take " + counts);
        }
        float[] out = new float[count];
        for (int k = 0; k < count; k++) {
            out[k] = (float) values[k % values.length];
        }
        return out;
    }

    private static float denominator(float var) {
        return Math.max((float) Math.sqrt(var), EPSILON);
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        if (givenMean == null) {
            mean = addParameter("mean", keptShape, new Zeros(), random, false);
            variance = addParameter("variance", keptShape, new Constant(1f), random, false);
            addParameter("count", new int[0], new Zeros(), random, false);
        }
    }

    /**
     * Computes the mean and variance of {@code data} (a batch of inputs) per kept index, in double and
     * in a fixed order, and makes them the layer's; builds the layer from the data's shape if needed.
     */
    public void adapt(Tensor data) {
        if (givenMean != null) {
            throw new IllegalStateException(name() + " (Normalization) was given its mean and variance: it cannot"
                    + " adapt");
        }
        int[] shape = data.shape();
        if (shape.length < 2 || shape[0] == 0) {
            throw new IllegalArgumentException(name() + ": adapt needs a batch of at least one sample, got shape "
                    + Shape.toString(shape));
        }
        int[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        if (!isBuilt()) {
            build(sample);
        } else if (!Arrays.equals(sample, inputShape())) {
            throw new IllegalArgumentException(name() + " was built for input shape " + Shape.withBatch(inputShape())
                    + ", adapt got " + Shape.toString(shape));
        }
        int count = means.length;
        int size = statistic.length;
        float[] x = data.data();
        double[] sums = new double[count];
        for (int i = 0; i < x.length; i++) {
            sums[statistic[i % size]] += x[i];
        }
        double per = (double) shape[0] * size / count;
        double[] centre = new double[count];
        for (int k = 0; k < count; k++) {
            centre[k] = sums[k] / per;
        }
        double[] squares = new double[count];
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - centre[statistic[i % size]];
            squares[statistic[i % size]] += d * d;
        }
        float[] m = mean.value().data();
        float[] v = variance.value().data();
        for (int k = 0; k < count; k++) {
            m[k] = (float) centre[k];
            v[k] = (float) (squares[k] / per);
        }
    }

    /** Takes the adapted (or loaded) statistics. */
    @Override
    public void prepare(boolean training) {
        if (mean == null) {
            return;
        }
        float[] m = mean.value().data();
        float[] v = variance.value().data();
        for (int k = 0; k < means.length; k++) {
            means[k] = m[k];
            denominators[k] = denominator(v[k]);
        }
    }

    /** The mean per value of a sample, shaped to broadcast over one (1 on the axes without statistics of their own). */
    public Tensor broadcastMean() {
        prepare(false);
        return Tensor.of(means.clone(), broadcast);
    }

    /** What the centred values are divided by, {@code max(sqrt(variance), 1e-7)}, shaped as {@link #broadcastMean}. */
    public Tensor broadcastDivisor() {
        prepare(false);
        return Tensor.of(denominators.clone(), broadcast);
    }

    /** Whether the layer turns normalized values back ({@code invert}). */
    public boolean inverts() {
        return invert;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int size = statistic.length;
        for (int b = 0, i = 0; b < n; b++) {
            for (int j = 0; j < size; j++, i++) {
                int k = statistic[j];
                y[i] = invert ? means[k] + x[i] * denominators[k] : (x[i] - means[k]) / denominators[k];
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        int size = statistic.length;
        for (int b = 0, i = 0; b < n; b++) {
            for (int j = 0; j < size; j++, i++) {
                int k = statistic[j];
                dx[i] = invert ? dy[i] * denominators[k] : dy[i] / denominators[k];
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axis", Arrays.stream(axes).boxed().toList());
        c.put("invert", invert);
        c.put("mean", values(givenMean));
        c.put("variance", values(givenVariance));
        return c;
    }

    /** Given values as Keras writes them: null, a number, or a list. */
    private static Object values(double[] v) {
        if (v == null) {
            return null;
        }
        return v.length == 1 ? (Object) v[0] : Arrays.stream(v).boxed().toList();
    }
}
