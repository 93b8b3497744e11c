package org.tatami.io;

import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * JSON that stays valid when a figure is not finite: NaN and infinities are written as {@code null}
 * (JSON has no such numbers; Gson would either fail or write {@code NaN}, which strict readers refuse).
 * Whoever writes such a figure says why in a field beside it.
 */
public final class FiniteJson {
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
}
