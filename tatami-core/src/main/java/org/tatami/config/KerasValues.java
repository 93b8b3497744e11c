package org.tatami.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.function.Function;
import org.tatami.activations.ActivationFunction;
import org.tatami.constraints.Constraint;
import org.tatami.constraints.MaxNorm;
import org.tatami.constraints.NonNeg;
import org.tatami.constraints.UnitNorm;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Orthogonal;
import org.tatami.initializers.RandomNormal;
import org.tatami.initializers.RandomUniform;
import org.tatami.initializers.TruncatedNormal;
import org.tatami.initializers.VarianceScaling;
import org.tatami.initializers.Zeros;
import org.tatami.regularizers.L1;
import org.tatami.regularizers.L1L2;
import org.tatami.regularizers.L2;
import org.tatami.regularizers.Regularizer;

/** Readers for the values Keras configs share: shapes, dtypes, activations, initializers, ... */
public final class KerasValues {
    private static final JsonPrimitive FLOAT32 = new JsonPrimitive("float32");

    private KerasValues() {
    }

    /**
     * Checks that a serialized object ({@code class_name} already read) is one of Keras's own:
     * Keras 3 names its module and leaves {@code registered_name} null (early Keras 3 releases repeat
     * the class name there); a custom object has another module or a {@code package>Name} registration.
     */
    public static void requireKerasObject(Fields f, String className) {
        String module = f.string("module", null);
        if (module != null && !isKerasModule(module)) {
            throw f.unsupported("module", "tatami reads only Keras's own classes, not custom ones");
        }
        String registered = f.string("registered_name", null);
        if (registered != null && !registered.equals(className)) {
            throw f.unsupported("registered_name", "tatami reads only Keras's own classes, not registered custom"
                    + " ones");
        }
    }

    private static boolean isKerasModule(String module) {
        for (String root : new String[] {"keras", "tf_keras"}) {
            if (module.equals(root) || module.startsWith(root + ".")) {
                return true;
            }
        }
        return false;
    }

    /** {@code "float32"} or a float32 dtype policy object; anything else is unsupported. */
    public static void requireFloat32(Fields f, String key) {
        if (f.isNull(key)) {
            f.take(key);
            return;
        }
        JsonElement e = f.take(key);
        if (e.equals(FLOAT32)) {
            return;
        }
        if (e.isJsonObject()) {
            Fields policy = f.object(key);
            String cls = policy.string("class_name");
            // Keras 3 writes DTypePolicy (FloatDTypePolicy in some releases), Keras 2 a mixed precision Policy.
            if (cls.equals("DTypePolicy") || cls.equals("FloatDTypePolicy") || cls.equals("Policy")) {
                requireKerasObject(policy, cls);
                // Keras 3.10+ marks an object shared by several layers so that loading shares it too.
                policy.take("shared_object_id");
                Fields config = policy.object("config");
                if (config.string("name").equals("float32")) {
                    config.finish();
                    policy.finish();
                    return;
                }
            }
        }
        throw f.unsupported(key, "tatami computes in float32 only");
    }

    /** data_format: channels_last, or null for Keras's default (channels_last). */
    public static void requireChannelsLast(Fields f) {
        String format = f.string("data_format", "channels_last");
        if (!format.equals("channels_last")) {
            throw f.unsupported("data_format", "tatami's layers take channels_last (NHWC) input only");
        }
    }

    /** A string activation name ({@code null} means linear, as in Keras). */
    public static ActivationFunction activation(Fields f, String key, ActivationFunction absent) {
        if (!f.has(key)) {
            return absent;
        }
        JsonElement e = f.take(key);
        if (e.isJsonNull()) {
            return ActivationFunction.LINEAR;
        }
        if (!Fields.isString(e)) {
            throw f.invalid(key, "an activation name (a string)");
        }
        try {
            return ActivationFunction.of(e.getAsString());
        } catch (IllegalArgumentException unknown) {
            throw f.unsupported(key, shortened(unknown, e.getAsString()));
        }
    }

    /**
     * An initializer: a name such as {@code "glorot_uniform"}, or Keras's object
     * {@code {"class_name": "GlorotUniform", "config": {"seed": null}}} (with "module" in Keras 3).
     */
    public static Initializer initializer(Fields f, String key, Initializer absent) {
        if (!f.has(key)) {
            return absent;
        }
        return kerasObject(f, key, "an initializer", Initializer::of, (cls, config) -> {
            // Keras 2.2 to 2.4 (and tf.keras 1.x) write the dtype of the weights an initializer fills.
            requireFloat32(config, "dtype");
            Initializer result = switch (cls) {
                case "Constant", "constant" -> new Constant((float) config.number("value"));
                case "RandomUniform", "random_uniform" -> new RandomUniform(config.number("minval", -0.05),
                        config.number("maxval", 0.05));
                case "RandomNormal", "random_normal" -> new RandomNormal(config.number("mean", 0),
                        config.number("stddev", 0.05));
                case "TruncatedNormal", "truncated_normal" -> new TruncatedNormal(config.number("mean", 0),
                        config.number("stddev", 0.05));
                case "Orthogonal", "orthogonal" -> new Orthogonal(config.number("gain", 1));
                case "VarianceScaling", "variance_scaling" -> new VarianceScaling(config.number("scale", 1),
                        config.string("mode", "fan_in"), config.string("distribution", "truncated_normal"));
                default -> Initializer.of(cls);
            };
            if (!(result instanceof Zeros) && !(result instanceof Constant)) {
                config.expectNull("seed", "tatami draws every initializer from Tatami.setRandomSeed's stream");
            }
            return result;
        });
    }

    /** A weight regularizer (L1, L2, L1L2, by name or as Keras's object), or null when absent or null. */
    public static Regularizer regularizer(Fields f, String key) {
        if (f.isNull(key)) {
            f.take(key);
            return null;
        }
        return kerasObject(f, key, "a regularizer", Regularizer::of, (cls, config) -> switch (cls) {
            case "L1", "l1" -> new L1(config.number("l1", 0.01));
            case "L2", "l2" -> new L2(config.number("l2", 0.01));
            case "L1L2", "l1_l2" -> new L1L2(config.number("l1", 0), config.number("l2", 0));
            default -> throw new IllegalArgumentException("tatami's regularizers are L1, L2 and L1L2");
        });
    }

    /** A weight constraint (MaxNorm, NonNeg, UnitNorm, by name or as Keras's object), or null when absent or null. */
    public static Constraint constraint(Fields f, String key) {
        if (f.isNull(key)) {
            f.take(key);
            return null;
        }
        return kerasObject(f, key, "a constraint", Constraint::of, (cls, config) -> switch (cls) {
            case "MaxNorm", "max_norm" -> new MaxNorm(config.number("max_value", 2), axes(config));
            case "NonNeg", "non_neg" -> new NonNeg();
            case "UnitNorm", "unit_norm" -> new UnitNorm(axes(config));
            default -> throw new IllegalArgumentException("tatami's constraints are MaxNorm, NonNeg and UnitNorm");
        });
    }

    /** A constraint's axis: a number or a list of them, 0 when absent. */
    private static int[] axes(Fields config) {
        if (config.isNull("axis")) {
            config.take("axis");
            return new int[] {0};
        }
        return config.take("axis").isJsonArray() ? config.integers("axis") : new int[] {config.integer("axis")};
    }

    /** Reads a Keras object's config, given its class name. */
    @FunctionalInterface
    private interface ObjectReader<T> {
        T read(String className, Fields config);
    }

    /**
     * A serialized Keras object under {@code key}: a name ({@code byName}), or
     * {@code {"class_name": ..., "config": {...}}} of one of Keras's modules ({@code byClass} reads the
     * config, which must then be used up). A value the reader refuses is unsupported, with its reason.
     */
    private static <T> T kerasObject(Fields f, String key, String what, Function<String, T> byName,
                                     ObjectReader<T> byClass) {
        JsonElement e = f.take(key);
        try {
            if (Fields.isString(e)) {
                return byName.apply(e.getAsString());
            }
            if (e == null || !e.isJsonObject()) {
                throw f.invalid(key, what + " (a name or a Keras object)");
            }
            Fields object = f.object(key);
            String cls = object.string("class_name");
            requireKerasObject(object, cls);
            Fields config = object.objectOrEmpty("config");
            T result = byClass.read(cls, config);
            config.finish();
            object.finish();
            return result;
        } catch (ModelConfigException invalid) {
            throw invalid;
        } catch (IllegalArgumentException refused) {
            throw f.unsupported(key, Fields.isString(e) ? shortened(refused, e.getAsString()) : refused.getMessage());
        }
    }

    /** {@link #batchShape}, or null if the key is absent or null. */
    public static int[] optionalBatchShape(Fields f, String key) {
        if (f.isNull(key)) {
            f.take(key);
            return null;
        }
        return batchShape(f, key);
    }

    /**
     * Keras 3's {@code "build_config": {"input_shape": ...}} without the batch axes: one shape
     * ({@code [null, 28, 28, 1]}), or a list of shapes for a layer with several inputs (a merge layer,
     * a model); null if build_config or its input_shape is absent or null (Keras writes that for
     * Functional models, whose inputs say their shapes).
     */
    public static int[][] buildInputShapes(Fields f) {
        if (f.isNull("build_config")) {
            f.take("build_config");
            return null;
        }
        Fields build = f.object("build_config");
        JsonElement e = build.take("input_shape");
        int[][] shapes;
        if (e == null || e.isJsonNull()) {
            shapes = null;
        } else if (e.isJsonArray() && !e.getAsJsonArray().isEmpty() && e.getAsJsonArray().get(0).isJsonArray()) {
            JsonArray list = e.getAsJsonArray();
            shapes = new int[list.size()][];
            for (int i = 0; i < shapes.length; i++) {
                shapes[i] = batchShape(build, "input_shape", list.get(i));
            }
        } else {
            shapes = new int[][] {batchShape(build, "input_shape", e)};
        }
        build.finish();
        return shapes;
    }

    /**
     * A Keras batch shape such as {@code [null, 28, 28, 1]}, returned without its batch axis. The
     * batch must be free and every other dimension known, as tatami's shapes are.
     */
    public static int[] batchShape(Fields f, String key) {
        return batchShape(f, key, f.take(key));
    }

    /** {@link #batchShape(Fields, String)} of a value found under {@code key}. */
    private static int[] batchShape(Fields f, String key, JsonElement e) {
        String expected = "a batch shape such as [null, 28, 28, 1]";
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() < 2) {
            throw f.invalid(key, expected);
        }
        JsonArray a = e.getAsJsonArray();
        if (!a.get(0).isJsonNull()) {
            if (a.get(0).isJsonPrimitive() && a.get(0).getAsJsonPrimitive().isNumber()) {
                throw f.unsupported(key, "a fixed batch size: tatami models take batches of any size");
            }
            throw f.invalid(key, expected);
        }
        int[] shape = new int[a.size() - 1];
        for (int i = 1; i < a.size(); i++) {
            JsonElement d = a.get(i);
            if (d.isJsonNull()) {
                throw f.unsupported(key, "a dimension of unknown size: tatami builds layers for one input shape");
            }
            if (!d.isJsonPrimitive() || !d.getAsJsonPrimitive().isNumber()) {
                throw f.invalid(key, expected);
            }
            try {
                shape[i - 1] = d.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
            } catch (ArithmeticException notAnInt) {
                throw f.invalid(key, expected);
            }
            if (shape[i - 1] <= 0) {
                throw f.invalid(key, expected);
            }
        }
        return shape;
    }

    /** A message that quotes {@code value}, with the value {@link Fields#shorten shortened}. */
    private static String shortened(IllegalArgumentException e, String value) {
        return e.getMessage().replace(value, Fields.shorten(value));
    }
}
