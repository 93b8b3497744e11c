package org.tatami.io;

import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON that stays valid when a figure is not finite: NaN and infinities are written as {@code null}
 * (JSON has no such numbers; Gson would either fail or write {@code NaN}, which strict readers refuse).
 * Whoever writes such a figure says why in a field beside it; {@link #of} does that for a whole map, in a
 * top-level {@code "non_finite"} object by path ({@code {"loss": null, ..., "non_finite": {"loss":
 * "NaN"}}}, {@code "predictions[0].probability"}).
 */
public final class FiniteJson {
    /** The field that names the non-finite figures {@link #of} replaced. */
    public static final String FIELD = "non_finite";

    private FiniteJson() {
    }

    /** A builder whose Gson writes non-finite doubles and floats as {@code null}. */
    public static GsonBuilder builder() {
        return new GsonBuilder().serializeNulls()
                .registerTypeAdapter(Double.class, new NullIfNotFinite())
                .registerTypeAdapter(double.class, new NullIfNotFinite())
                .registerTypeAdapter(Float.class, new NullIfNotFinite())
                .registerTypeAdapter(float.class, new NullIfNotFinite());
    }

    private static final class NullIfNotFinite extends TypeAdapter<Number> {
        @Override
        public void write(JsonWriter out, Number value) throws IOException {
            if (value == null || !Double.isFinite(value.doubleValue())) {
                out.nullValue();
            } else {
                out.value(value);
            }
        }

        @Override
        public Number read(JsonReader in) {
            throw new UnsupportedOperationException("FiniteJson only writes");
        }
    }

    /** A copy of {@code value} with non-finite numbers replaced, and the {@value #FIELD} object if there were any. */
    public static Map<String, Object> of(Map<String, ?> value) {
        Map<String, Object> found = new LinkedHashMap<>();
        Map<String, Object> out = copy(value, "", found);
        if (!found.isEmpty()) {
            out.put(FIELD, found);
        }
        return out;
    }

    private static Map<String, Object> copy(Map<?, ?> map, String path, Map<String, Object> found) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), clean(v, path.isEmpty() ? String.valueOf(k) : path + "." + k,
                found)));
        return out;
    }

    private static Object clean(Object value, String path, Map<String, Object> found) {
        if ((value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue())) {
            found.put(path, value.toString());
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            return copy(map, path, found);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(clean(list.get(i), path + "[" + i + "]", found));
            }
            return out;
        }
        return value;
    }
}
