package org.tatami.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tatami.io.AtomicFiles;

/**
 * Keras's {@code CSVLogger}: one row per epoch, {@code epoch} (from 0) first, then the log keys in
 * sorted order, as Keras writes them (with no validation data, Keras adds {@code val_} columns holding
 * {@code NA}; so does this). With {@code append}, rows go after those of an existing file, and the header
 * is written only if the file is empty. The file is rewritten atomically after each epoch, so a crash
 * leaves only whole rows. Rows end with {@code \n} (Python's csv module ends them with {@code \r\n}).
 */
public final class CSVLogger implements Callback {
    private final Path filename;
    private final String separator;
    private final boolean append;

    private StringBuilder content;
    private List<String> keys;

    /** Keras's {@code CSVLogger(filename)}: separator ",", no append. */
    public CSVLogger(Path filename) {
        this(filename, ",", false);
    }

    public CSVLogger(Path filename, String separator, boolean append) {
        this.filename = filename;
        this.separator = separator;
        this.append = append;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        content = new StringBuilder();
        keys = null;
        if (append && Files.exists(filename)) {
            try {
                content.append(Files.readString(filename, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger could not read " + filename + ": " + e.getMessage(), e);
            }
            if (content.length() > 0 && content.charAt(content.length() - 1) != '\n') {
                content.append('\n');
            }
        }
    }

    /** The rows so far: a resumed run writes them again, without the rows of epochs it runs again. */
    @Override
    public CallbackState state() {
        return new CallbackState().put("content", content.toString())
                .put("keys", keys == null ? null : String.join("\n", keys));
    }

    @Override
    public void restoreState(CallbackState state) {
        content = new StringBuilder(state.text("content"));
        String k = state.text("keys");
        keys = k == null ? null : new ArrayList<>(List.of(k.split("\n", -1)));
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (keys == null) {
            keys = new ArrayList<>(logs.keySet());
            keys.sort(null);
            if (!keys.isEmpty() && keys.stream().noneMatch(k -> k.startsWith("val_"))) {
                List<String> val = keys.stream().map(k -> "val_" + k).toList();
                keys.addAll(val);
            }
            if (content.length() == 0) {
                content.append("epoch");
                keys.forEach(k -> content.append(separator).append(k));
                content.append('\n');
            }
        }
        content.append(epoch);
        for (String k : keys) {
            Double v = logs.get(k);
            content.append(separator).append(v == null ? "NA" : Monitor.repr(v));
        }
        content.append('\n');
        try {
            AtomicFiles.writeString(filename, content.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger could not write " + filename + ": " + e.getMessage(), e);
        }
    }
}
