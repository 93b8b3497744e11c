package org.tatami.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command output as JSON that stays valid: JSON has no NaN or infinity, so such a number becomes
 * {@code null}, and a top-level {@code "non_finite"} object says which it was, by path
 * ({@code {"loss": null, ..., "non_finite": {"loss": "NaN"}}}; {@code "predictions[0].probability"}).
 */
final class FiniteJson {
    static final String FIELD = "non_finite";

    private FiniteJson() {
    }

    /** A copy of {@code value} with non-finite numbers replaced, and the {@value #FIELD} object if there were any. */
    static Map<String, Object> of(Map<String, ?> value) {
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
