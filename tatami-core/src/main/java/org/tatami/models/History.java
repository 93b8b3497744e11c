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
    private final List<Integer> epoch = new ArrayList<>();

    /** Records epoch {@code number} (from 0; a fit from {@code initialEpoch} starts there). */
    public void append(int number, Map<String, Double> logs) {
        epoch.add(number);
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    /** The number of each recorded epoch, from 0, as Keras's {@code history.epoch}. */
    public List<Integer> epoch() {
        return Collections.unmodifiableList(epoch);
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
        return epoch.size();
    }

    /** CSV with a header line ({@code epoch,loss,accuracy,...}) and one line per epoch (numbered from 0). */
    public String toCsv() {
        StringBuilder b = new StringBuilder("epoch");
        history.keySet().forEach(k -> b.append(',').append(k));
        b.append('\n');
        for (int e = 0; e < epochs(); e++) {
            b.append(epoch.get(e));
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
            b.append('\n').append(String.format(Locale.ROOT, "%5d", epoch.get(e)));
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
