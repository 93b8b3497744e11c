package org.tatami.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.HashSet;
import java.util.Set;

/**
 * Typed, checked access to one JSON object of a model config. Every error names where the object is
 * (source, layer) and the key; {@link #finish()} rejects the keys nobody read, so an option tatami
 * does not know is reported rather than dropped.
 */
public final class Fields {
    /** Characters of a value quoted in a message. */
    public static final int QUOTED = 200;

    private final String where;
    private final String prefix;
    private final JsonObject object;
    private final Set<String> read = new HashSet<>();

    private Fields(String where, String prefix, JsonObject object) {
        this.where = where;
        this.prefix = prefix;
        this.object = object;
    }

    /**
     * @param where  the source and the layer, e.g. {@code model.json: layer 'conv2d' (Conv2D)}
     * @param prefix prepended to keys in messages, e.g. {@code kernel_initializer.}; empty at the top
     * @param what   the object's name in messages when it is not an object
     */
    public static Fields of(String where, String prefix, String what, JsonElement element) {
        if (element == null || !element.isJsonObject()) {
            throw new ModelConfigException(where + ": " + what + " must be a JSON object, got " + describe(element));
        }
        return new Fields(where, prefix, element.getAsJsonObject());
    }

    public String where() {
        return where;
    }

    /** The same object's messages for another place, e.g. once the layer's name is known. */
    public Fields at(String newWhere) {
        Fields f = new Fields(newWhere, prefix, object);
        f.read.addAll(read);
        return f;
    }

    public boolean has(String key) {
        return object.has(key);
    }

    /** True if the key is absent or null. */
    public boolean isNull(String key) {
        JsonElement e = object.get(key);
        return e == null || e.isJsonNull();
    }

    /** The raw value (null if absent), marked as read. */
    public JsonElement take(String key) {
        read.add(key);
        return object.get(key);
    }

    public String string(String key) {
        JsonElement e = take(key);
        if (e == null || !isString(e)) {
            throw invalid(key, "a string");
        }
        return e.getAsString();
    }

    public String string(String key, String absent) {
        return isNull(key) ? markRead(key, absent) : string(key);
    }

    public int integer(String key) {
        return toInt(key, take(key), "an integer");
    }

    public int integer(String key, int absent) {
        return isNull(key) ? markRead(key, absent) : integer(key);
    }

    public double number(String key, double absent) {
        return isNull(key) ? markRead(key, absent) : number(key);
    }

    /** An integer, or Keras 2's one-element list of it ({@code "axis": [3]}). */
    public int integerOrSingleton(String key, int absent) {
        if (isNull(key)) {
            return markRead(key, absent);
        }
        JsonElement e = take(key);
        if (e.isJsonArray()) {
            if (e.getAsJsonArray().size() != 1) {
                throw invalid(key, "an integer or a list of one");
            }
            e = e.getAsJsonArray().get(0);
        }
        return toInt(key, e, "an integer or a list of one");
    }

    /** A JSON array of integers. */
    public int[] integers(String key) {
        JsonArray a = array(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toInt(key, a.get(i), "a list of integers");
        }
        return out;
    }

    public double number(String key) {
        JsonElement e = take(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || !Double.isFinite(e.getAsDouble())) {
            throw invalid(key, "a number");
        }
        return e.getAsDouble();
    }

    public boolean bool(String key, boolean absent) {
        if (isNull(key)) {
            return markRead(key, absent);
        }
        JsonElement e = take(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw invalid(key, "true or false");
        }
        return e.getAsBoolean();
    }

    /** Keras's int-or-pair options (kernel_size, strides, ...): {@code 3} or {@code [3, 3]}, positive. */
    public int[] pair(String key, int[] absent) {
        if (isNull(key)) {
            return markRead(key, absent);
        }
        JsonElement e = take(key);
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() == 2) {
                int first = toInt(key, a.get(0), "two positive integers");
                int second = toInt(key, a.get(1), "two positive integers");
                if (first > 0 && second > 0) {
                    return new int[] {first, second};
                }
            }
            throw invalid(key, "two positive integers");
        }
        int v = toInt(key, e, "a positive integer or two");
        if (v <= 0) {
            throw invalid(key, "a positive integer or two");
        }
        return new int[] {v, v};
    }

    public JsonArray array(String key) {
        JsonElement e = take(key);
        if (e == null || !e.isJsonArray()) {
            throw invalid(key, "a JSON array");
        }
        return e.getAsJsonArray();
    }

    /** A nested object, with this object's place and the key as prefix in its messages. */
    public Fields object(String key) {
        JsonElement e = take(key);
        if (e == null || !e.isJsonObject()) {
            throw invalid(key, "a JSON object");
        }
        return new Fields(where, prefix + key + ".", e.getAsJsonObject());
    }

    /** A nested object that may be absent or null (Keras writes {@code "config": {}} or leaves it out). */
    public Fields objectOrEmpty(String key) {
        if (isNull(key)) {
            read.add(key);
            return new Fields(where, prefix + key + ".", new JsonObject());
        }
        return object(key);
    }

    /** Accepts only {@code allowed} (or absence): any other value is an option tatami does not support. */
    public void expect(String key, JsonElement allowed, String why) {
        JsonElement e = take(key);
        if (e != null && !e.equals(allowed)) {
            throw unsupported(key, why);
        }
    }

    public void expectNull(String key, String why) {
        expect(key, JsonNull.INSTANCE, why);
    }

    /** Rejects every key not read so far. */
    public void finish() {
        for (String key : object.keySet()) {
            if (!read.contains(key)) {
                throw new ModelConfigException(where + ": unknown option " + prefix + key + " = "
                        + describe(object.get(key)) + ": tatami cannot honour it");
            }
        }
    }

    public ModelConfigException invalid(String key, String expected) {
        JsonElement e = object.get(key);
        return new ModelConfigException(where + ": " + prefix + key + " must be " + expected + ", got "
                + (e == null ? "nothing (it is missing)" : describe(e)));
    }

    public ModelConfigException unsupported(String key, String why) {
        return new ModelConfigException(where + ": " + prefix + key + " = " + describe(object.get(key))
                + " is not supported: " + why);
    }

    /**
     * The value as compact JSON, so that its type shows: {@code "3"} is a string, {@code 3} a number;
     * {@link #shorten shortened}.
     */
    public static String describe(JsonElement e) {
        return e == null ? "nothing" : shorten(e.toString());
    }

    /**
     * {@code text}, or its first {@value #QUOTED} characters and its length: a value of megabytes
     * must not become a message of megabytes.
     */
    public static String shorten(String text) {
        return text.length() <= QUOTED ? text : text.substring(0, QUOTED) + "... (" + text.length() + " characters)";
    }

    public static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private int toInt(String key, JsonElement e, String expected) {
        if (e != null && e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isNumber()) {
                try {
                    return p.getAsBigDecimal().intValueExact();
                } catch (ArithmeticException | NumberFormatException notAnInt) {
                    throw invalid(key, expected);
                }
            }
        }
        throw invalid(key, expected);
    }

    private <T> T markRead(String key, T value) {
        read.add(key);
        return value;
    }
}
