package org.tatami.optimizers.schedules;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * Keras's PiecewiseConstantDecay: {@code values[0]} while {@code step <= boundaries[0]},
 * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, the last value after the
 * last boundary.
 */
public final class PiecewiseConstantDecay extends LearningRateSchedule {
    private final long[] boundaries;
    private final float[] values;

    public PiecewiseConstantDecay(long[] boundaries, double[] values) {
        this(boundaries, values, "PiecewiseConstant");
    }

    public PiecewiseConstantDecay(long[] boundaries, double[] values, String name) {
        super(name);
        if (boundaries.length != values.length - 1) {
            throw new IllegalArgumentException("The length of boundaries should be 1 less than the length of values."
                    + " Received: boundaries=" + Arrays.toString(boundaries) + " of length " + boundaries.length
                    + ", and values=" + Arrays.toString(values) + " of length " + values.length + ".");
        }
        for (int i = 1; i < boundaries.length; i++) {
            // Keras documents them as strictly increasing; others would make the intervals overlap.
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("boundaries must be strictly increasing, got "
                        + Arrays.toString(boundaries));
            }
        }
        this.boundaries = boundaries.clone();
        this.values = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            this.values[i] = (float) values[i];
        }
    }

    @Override
    public float call(long step) {
        int i = 0;
        while (i < boundaries.length && step > boundaries[i]) {
            i++;
        }
        return values[i];
    }

    @Override
    public String className() {
        return "PiecewiseConstantDecay";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("boundaries", boundaries.clone());
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = decimal(values[i]);
        }
        c.put("values", v);
        c.put("name", name());
        return c;
    }

    static PiecewiseConstantDecay fromConfig(Fields config) {
        JsonArray b = config.array("boundaries");
        JsonArray v = config.array("values");
        long[] boundaries = new long[b.size()];
        for (int i = 0; i < boundaries.length; i++) {
            try {
                boundaries[i] = number(b.get(i)).getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw config.invalid("boundaries", "a list of whole step counts");
            }
        }
        double[] values = new double[v.size()];
        for (int i = 0; i < values.length; i++) {
            try {
                values[i] = number(v.get(i)).getAsDouble();
            } catch (IllegalArgumentException e) {
                throw config.invalid("values", "a list of numbers");
            }
        }
        return new PiecewiseConstantDecay(boundaries, values, config.string("name", "PiecewiseConstant"));
    }

    private static JsonPrimitive number(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("not a number: " + e);
        }
        return e.getAsJsonPrimitive();
    }
}
