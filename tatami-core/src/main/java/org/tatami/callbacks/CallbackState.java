package org.tatami.callbacks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.tensor.Tensor;

/**
 * What a callback must remember for a resumed run to go on as if it had never stopped (a best value,
 * a count of epochs waited, the weights of the best epoch): numbers, kept exactly, texts and tensors
 * by name. {@link BackupAndRestore} saves one per callback that has any ({@link Callback#state()}) and
 * gives it back to the same callback of the resumed run ({@link Callback#restoreState}).
 */
public final class CallbackState {
    private final Map<String, Double> numbers = new LinkedHashMap<>();
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Keeps {@code value} (NaN and infinities too); null keeps nothing, and {@link #number} gives null back. */
    public CallbackState put(String key, Double value) {
        if (value != null) {
            numbers.put(key, value);
        }
        return this;
    }

    public CallbackState put(String key, String value) {
        if (value != null) {
            texts.put(key, value);
        }
        return this;
    }

    /** Keeps a list of tensors (weights) under {@code key}; null keeps nothing. */
    public CallbackState put(String key, List<Tensor> value) {
        if (value != null) {
            for (int i = 0; i < value.size(); i++) {
                tensors.put(key + "/" + i, value.get(i));
            }
            texts.put(key + "/count", Integer.toString(value.size()));
        }
        return this;
    }

    /** The number kept under {@code key}, or null. */
    public Double number(String key) {
        return numbers.get(key);
    }

    /** The number kept under {@code key} as an int, or {@code absent}. */
    public int integer(String key, int absent) {
        Double v = numbers.get(key);
        return v == null ? absent : v.intValue();
    }

    /** The text kept under {@code key}, or null. */
    public String text(String key) {
        return texts.get(key);
    }

    /** The tensors kept under {@code key}, or null. */
    public List<Tensor> tensors(String key) {
        String count = texts.get(key + "/count");
        if (count == null) {
            return null;
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(count); i++) {
            Tensor t = tensors.get(key + "/" + i);
            if (t == null) {
                throw new IllegalStateException("callback state: tensor '" + key + "/" + i + "' is missing");
            }
            out.add(t);
        }
        return out;
    }

    public Map<String, Double> numbers() {
        return Collections.unmodifiableMap(numbers);
    }

    public Map<String, String> texts() {
        return Collections.unmodifiableMap(texts);
    }

    public Map<String, Tensor> allTensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** Puts a tensor read back from a backup under its full name ({@code best_weights/0}). */
    public CallbackState putTensor(String name, Tensor value) {
        tensors.put(name, value);
        return this;
    }
}
