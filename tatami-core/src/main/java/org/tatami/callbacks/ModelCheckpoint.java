package org.tatami.callbacks;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's {@code ModelCheckpoint}: saves the model (or only its weights) at the end of each epoch. The
 * file path may hold Keras's (Python's) format fields, filled from {@code epoch} (counted from 1) and the
 * epoch's logs: {@code "ckpt-{epoch:02d}-{val_loss:.2f}.tatami"}. Whole models go to {@code .tatami}
 * files ({@code save}); with {@code save_weights_only}, weights go to {@code .safetensors} files
 * ({@code saveWeights}). With {@code save_best_only}, only epochs whose monitored figure beats the best
 * so far are saved (a fixed path then always holds the best model). With {@code save_freq=n} it saves
 * every n batches instead (counted across epochs), with the batch's logs (the epoch's running figures,
 * no {@code val_} ones) and {@code {batch}} (from 1) in the name. Writes are atomic.
 * {@code new ModelCheckpoint("best.tatami").monitor("val_accuracy").saveBestOnly(true)}.
 */
public final class ModelCheckpoint implements Callback {
    private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([^{}:]+)(?::([^{}]*))?}|[{}]");
    private static final Pattern SPEC = Pattern.compile("([+\\- ]?)(0?)(\\d*)(,?)(?:\\.(\\d+))?([deEfFgGs%]?)");

    private final String filepath;
    private String monitor = "val_loss";
    private int verbose = 0;
    private boolean saveBestOnly = false;
    private boolean saveWeightsOnly = false;
    private String mode = "auto";
    private Double initialValueThreshold;
    private PrintWriter out = new PrintWriter(System.out, true);

    private final SaveFrequency saveFreq = new SaveFrequency();

    private TrainingControl model;
    private Double best;
    private Path lastSaved;
    private int epoch;

    /**
     * Keras's {@code filepath}: a {@code .tatami} file, or {@code .safetensors} with save_weights_only
     * (checked when training begins).
     */
    public ModelCheckpoint(String filepath) {
        this.filepath = filepath;
    }

    public ModelCheckpoint(Path filepath) {
        this(filepath.toString());
    }

    /** Keras's {@code monitor}, {@code "val_loss"} by default; used with save_best_only. */
    public ModelCheckpoint monitor(String name) {
        this.monitor = name;
        return this;
    }

    /** Keras's {@code verbose}: 1 says what is saved and why. */
    public ModelCheckpoint verbose(int level) {
        this.verbose = level;
        return this;
    }

    /** Where verbose messages and warnings go; standard output by default. */
    public ModelCheckpoint output(PrintWriter to) {
        this.out = to;
        return this;
    }

    /** Keras's {@code save_best_only}, false by default. */
    public ModelCheckpoint saveBestOnly(boolean on) {
        this.saveBestOnly = on;
        return this;
    }

    /** Keras's {@code save_weights_only}, false by default: the path must then end with {@code .safetensors}. */
    public ModelCheckpoint saveWeightsOnly(boolean on) {
        this.saveWeightsOnly = on;
        return this;
    }

    /** Keras's {@code mode}: "auto" (larger is better for names containing "acc"), "min" or "max". */
    public ModelCheckpoint mode(String m) {
        this.mode = Monitor.checkMode(m);
        return this;
    }

    /** Keras's {@code initial_value_threshold}: the value to beat at first with save_best_only; null for none. */
    public ModelCheckpoint initialValueThreshold(Double value) {
        this.initialValueThreshold = value;
        return this;
    }

    /** Keras's {@code save_freq="epoch"}, the default: saves at the end of each epoch. */
    public ModelCheckpoint saveFreq(String freq) {
        saveFreq.set(freq);
        return this;
    }

    /** Keras's {@code save_freq=n}: saves every {@code n} batches, counted across epochs. */
    public ModelCheckpoint saveFreq(int batches) {
        saveFreq.set(batches);
        return this;
    }

    private void checkExtension() {
        String want = saveWeightsOnly ? ".safetensors" : ".tatami";
        if (!filepath.endsWith(want)) {
            throw new IllegalArgumentException("When using save_weights_only=" + (saveWeightsOnly ? "True" : "False")
                    + " in ModelCheckpoint, the filepath provided must end in `" + want + "`"
                    + (saveWeightsOnly ? " (Safetensors format)" : " (tatami model format)") + ". Received: filepath="
                    + filepath);
        }
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        checkExtension();
        saveFreq.reset(0);
        if (best == null) {
            best = initialValueThreshold;
        }
    }

    @Override
    public void onEpochBegin(int e) {
        epoch = e;
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        if (saveFreq.batchEnded()) {
            Map<String, Object> values = new LinkedHashMap<>(logs);
            values.put("epoch", (long) epoch + 1);
            values.put("batch", (long) step);
            save(epoch, logs, Path.of(format(filepath, values)));
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveFreq.perEpoch()) {
            save(epoch, logs, Path.of(filePath(epoch, logs)));
        }
    }

    private void save(int epoch, Map<String, Double> logs, Path file) {
        if (!shouldSave(epoch, logs, file)) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (saveWeightsOnly) {
                model.saveWeights(file);
            } else {
                model.save(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not save to " + file + ": " + e.getMessage(), e);
        }
        lastSaved = file;
    }

    private boolean shouldSave(int epoch, Map<String, Double> logs, Path file) {
        if (!saveBestOnly) {
            say("\nEpoch " + (epoch + 1) + ": saving model to " + file);
            return true;
        }
        Double current = logs.get(monitor);
        if (current == null) {
            out.println("Can save best model only with " + monitor + " available, skipping.");
            out.flush();
            return false;
        }
        String bestStr = best == null ? "None" : Monitor.format(best);
        boolean better = best == null || (Monitor.maximize(mode, monitor) ? current > best : current < best);
        if (better) {
            say("\nEpoch " + (epoch + 1) + ": " + monitor + " improved from " + bestStr + " to "
                    + Monitor.format(current) + ", saving model to " + file);
            best = current;
            return true;
        }
        say("\nEpoch " + (epoch + 1) + ": " + monitor + " did not improve from " + bestStr);
        return false;
    }

    private void say(String message) {
        if (verbose > 0) {
            out.println(message);
            out.flush();
        }
    }

    /** The path for {@code epoch} (from 0): Keras's {@code filepath.format(epoch=epoch + 1, **logs)}. */
    public String filePath(int epoch, Map<String, Double> logs) {
        Map<String, Object> values = new LinkedHashMap<>(logs);
        values.put("epoch", (long) epoch + 1);
        return format(filepath, values);
    }

    @Override
    public CallbackState state() {
        return new CallbackState().put("best", best).put("last_saved", lastSaved == null ? null : lastSaved.toString())
                .put("batches_since_save", (double) saveFreq.sinceSave());
    }

    @Override
    public void restoreState(CallbackState state) {
        best = state.number("best");
        saveFreq.reset(state.integer("batches_since_save", 0));
        String last = state.text("last_saved");
        lastSaved = last == null ? null : Path.of(last);
    }

    /** The best value seen with save_best_only, or null. */
    public Double best() {
        return best;
    }

    /** The file written last, or null. */
    public Path lastSaved() {
        return lastSaved;
    }

    /** Python's {@code str.format} with keyword fields, for the specs file names use ({@code 02d}, {@code .4f}, ...). */
    static String format(String pattern, Map<String, Object> values) {
        StringBuilder b = new StringBuilder();
        Matcher m = FIELD.matcher(pattern);
        int last = 0;
        while (m.find()) {
            b.append(pattern, last, m.start());
            last = m.end();
            String token = m.group();
            if (token.equals("{{")) {
                b.append('{');
            } else if (token.equals("}}")) {
                b.append('}');
            } else if (m.group(1) == null) {
                throw fail(pattern, "Single '" + token + "' encountered in format string");
            } else {
                String key = m.group(1);
                if (!values.containsKey(key)) {
                    throw fail(pattern, "KeyError: '" + key + "' (the fields are epoch and the logs: "
                            + values.keySet() + ")");
                }
                b.append(formatValue(pattern, key, values.get(key), m.group(2) == null ? "" : m.group(2)));
            }
        }
        return b.append(pattern.substring(last)).toString();
    }

    private static String formatValue(String pattern, String key, Object value, String spec) {
        Matcher s = SPEC.matcher(spec);
        if (!s.matches()) {
            throw fail(pattern, "Invalid format specifier '" + spec + "' for '" + key + "'");
        }
        String sign = s.group(1);
        boolean zero = !s.group(2).isEmpty();
        String width = s.group(3);
        boolean grouping = !s.group(4).isEmpty();
        String precision = s.group(5);
        String type = s.group(6);
        boolean integer = value instanceof Long;
        if (type.isEmpty()) {
            if (spec.isEmpty() || precision == null) {
                String text = integer ? value.toString() : Monitor.repr((Double) value);
                return pad(text, zero, width);
            }
            type = "g";
        }
        if (type.equals("d") && !integer) {
            throw fail(pattern, "Unknown format code 'd' for object of type 'float' ('" + key + "')");
        }
        if (type.equals("s")) {
            return pad(integer ? value.toString() : Monitor.repr((Double) value), false, width);
        }
        double v = ((Number) value).doubleValue();
        StringBuilder f = new StringBuilder("%");
        f.append(sign.equals(" ") ? " " : sign.equals("+") ? "+" : "");
        f.append(zero ? "0" : "").append(grouping ? "," : "").append(width);
        if (type.equals("d")) {
            return String.format(Locale.ROOT, f.append('d').toString(), (Long) value);
        }
        if (type.equals("%")) {
            return String.format(Locale.ROOT, f.append('.').append(precision == null ? "6" : precision).append("f")
                    .toString(), v * 100) + "%";
        }
        f.append('.').append(precision == null ? "6" : precision).append(type);
        return String.format(Locale.ROOT, f.toString(), v);
    }

    private static String pad(String text, boolean zero, String width) {
        int w = width.isEmpty() ? 0 : Integer.parseInt(width);
        if (text.length() >= w) {
            return text;
        }
        String fill = (zero ? "0" : " ").repeat(w - text.length());
        return zero && text.startsWith("-") ? "-" + fill + text.substring(1) : fill + text;
    }

    private static IllegalArgumentException fail(String pattern, String reason) {
        return new IllegalArgumentException("Failed to format this callback filepath: \"" + pattern + "\". Reason: "
                + reason);
    }
}
