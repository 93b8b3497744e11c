package org.tatami.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-epoch figures of a {@code fit}: {@code history().get("val_accuracy").get(29)}, as Keras's History. */
public final class History {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();

    /** Records one epoch's figures (fit calls it after each epoch's callbacks). */
    public void append(Map<String, Double> logs) {
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    /** Metric name to one value per epoch, in insertion order: loss, accuracy, val_loss, val_accuracy. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return copy;
    }

    public List<Double> get(String metric) {
        List<Double> v = history.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + metric + "' in the history; it has " + history.keySet());
        }
        return Collections.unmodifiableList(v);
    }

    public int epochs() {
        return history.isEmpty() ? 0 : history.values().iterator().next().size();
    }

    /** CSV with a header line ({@code epoch,loss,accuracy,...}) and one line per epoch (epochs from 0). */
    public String toCsv() {
        StringBuilder b = new StringBuilder("epoch");
        history.keySet().forEach(k -> b.append(',').append(k));
        b.append('\n');
        for (int e = 0; e < epochs(); e++) {
            b.append(e);
            for (List<Double> v : history.values()) {
                b.append(',').append(v.get(e));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The last {@code n} epochs as a table, as pandas's {@code DataFrame(history.history).tail(n)}. */
    public String tail(int n) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%5s", ""));
        history.keySet().forEach(k -> b.append(String.format(Locale.ROOT, "  %12s", k)));
        for (int e = Math.max(0, epochs() - n); e < epochs(); e++) {
            b.append('\n').append(String.format(Locale.ROOT, "%5d", e));
            for (List<Double> v : history.values()) {
                b.append(String.format(Locale.ROOT, "  %12.6f", v.get(e)));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return tail(epochs());
    }
}
