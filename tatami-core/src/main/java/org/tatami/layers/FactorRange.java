package org.tatami.layers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.List;
import org.tatami.config.Fields;

/**
 * A range of Keras's random image layers ({@code factor}, {@code height_factor}, ...): a number f for
 * [-|f|, |f|], or a pair for [lower, upper] (sorted), every number within [-1, 1].
 *
 * @param config the value as Keras's config writes it: the number, or the pair as given
 */
record FactorRange(double lower, double upper, Object config) {
    /** The range [-|f|, |f|]. */
    static FactorRange of(String what, double f) {
        check(what, f);
        return new FactorRange(-Math.abs(f), Math.abs(f), f);
    }

    /** The range between a and b, in either order. */
    static FactorRange of(String what, double a, double b) {
        check(what, a);
        check(what, b);
        return new FactorRange(Math.min(a, b), Math.max(a, b), List.of(a, b));
    }

    private static void check(String what, double v) {
        if (!(v >= -1 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be a number or a pair of numbers in [-1, 1], got " + v);
        }
    }

    /** Keras's forms: a number, or a list of two. */
    static FactorRange read(Fields c, String key, String what) {
        JsonElement e = c.take(key);
        if (e != null && e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() == 2 && isNumber(a.get(0)) && isNumber(a.get(1))) {
                return of(what, a.get(0).getAsDouble(), a.get(1).getAsDouble());
            }
        } else if (e != null && isNumber(e)) {
            return of(what, e.getAsDouble());
        }
        throw c.invalid(key, "a number or a list of two numbers");
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    /** The value at {@code u} in [0, 1) of the range. */
    double at(double u) {
        return lower + u * (upper - lower);
    }
}
