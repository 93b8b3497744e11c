package org.tatami.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-epoch figures of a {@code fit}: {@code history().get("val_accuracy").get(29)}, as Keras's History.
 * Besides the epoch's logs it records the learning rate ({@code learning_rate}, unless a callback put it
 * in the logs already) and the epoch's wall time in seconds ({@link #seconds()}, kept apart from the
 * figures, which are the same bits in every run).
 */
public final class History {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epoch = new ArrayList<>();
    private final List<Double> seconds = new ArrayList<>();

    /** A History with these epochs, figures and seconds, as a backup holds them. */
    static History of(List<Integer> epochs, Map<String, List<Double>> figures, List<Double> seconds) {
        History h = new History();
        h.epoch.addAll(epochs);
        figures.forEach((k, v) -> h.history.put(k, new ArrayList<>(v)));
        h.seconds.addAll(seconds);
        return h;
    }

    /**
     * Records epoch {@code number} (from 0; a fit from {@code initialEpoch} starts there), which took
     * {@code epochSeconds} of wall time.
     */
    public void append(int number, Map<String, Double> logs, double epochSeconds) {
        epoch.add(number);
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        seconds.add(epochSeconds);
    }

    /** The number of each recorded epoch, from 0, as Keras's {@code history.epoch}. */
    public List<Integer> epoch() {
        return Collections.unmodifiableList(epoch);
    }

    /** Metric name to one value per epoch, in insertion order: loss, accuracy, val_loss, val_accuracy, learning_rate. */
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

    /** Each epoch's wall time in seconds, from its start to the end of its callbacks (validation included). */
    public List<Double> seconds() {
        return Collections.unmodifiableList(seconds);
    }

    public int epochs() {
        return epoch.size();
    }

    /**
     * CSV with a header line ({@code epoch,loss,accuracy,...,seconds}) and one line per epoch (numbered
     * from 0).
     */
    public String toCsv() {
        StringBuilder b = new StringBuilder("epoch");
        history.keySet().forEach(k -> b.append(',').append(k));
        b.append(",seconds\n");
        for (int e = 0; e < epochs(); e++) {
            b.append(epoch.get(e));
            for (List<Double> v : history.values()) {
                b.append(',').append(v.get(e));
            }
            b.append(',').append(seconds.get(e)).append('\n');
        }
        return b.toString();
    }

    /**
     * The last {@code n} epochs as a table, as pandas's {@code DataFrame(history.history).tail(n)}, with
     * the seconds of each epoch last.
     */
    public String tail(int n) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%5s", ""));
        history.keySet().forEach(k -> b.append(String.format(Locale.ROOT, "  %" + width(k) + "s", k)));
        b.append(String.format(Locale.ROOT, "  %8s", "seconds"));
        for (int e = Math.max(0, epochs() - n); e < epochs(); e++) {
            b.append('\n').append(String.format(Locale.ROOT, "%5d", epoch.get(e)));
            for (Map.Entry<String, List<Double>> v : history.entrySet()) {
                b.append(String.format(Locale.ROOT, "  %" + width(v.getKey()) + ".6f", v.getValue().get(e)));
            }
            b.append(String.format(Locale.ROOT, "  %8.2f", seconds.get(e)));
        }
        return b.toString();
    }

    /** A column as wide as its name, and at least 12 characters. */
    private static int width(String key) {
        return Math.max(12, key.length());
    }

    @Override
    public String toString() {
        return tail(epochs());
    }
}
