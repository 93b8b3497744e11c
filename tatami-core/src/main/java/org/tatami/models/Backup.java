package org.tatami.models;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.CallbackState;
import org.tatami.io.Safetensors;
import org.tatami.io.SafetensorsFile;
import org.tatami.io.Version;
import org.tatami.io.ZipParts;
import org.tatami.metrics.Metric;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Tensor;

/**
 * The backup of a running {@code fit} ({@code BackupAndRestore}): one zip, written atomically
 * ({@link BackupWriter}), with the
 * weights ({@code model.safetensors}), the optimizer's state ({@code optimizer.safetensors}, as in a
 * {@code .tatami} file), the callbacks' tensors ({@code callbacks.safetensors}) and {@code fit.json}:
 * the position (epoch, batches done), the epoch's loss sums and metric states, the History, the random
 * streams' seed and counters, the learning rate and the callbacks' numbers and texts. Every double is
 * written so that it reads back to the same bits ({@code Double.toString}; NaN and infinities as strings).
 *
 * <p>Reading checks that the backup belongs to the fit being resumed (samples, batch size, outputs,
 * metrics, callbacks) before anything changes, and names the file and the difference.
 */
final class Backup {
    static final String FIT = "fit.json";
    static final String CALLBACKS = "callbacks.safetensors";
    static final String FORMAT = "tatami-backup";
    static final int FORMAT_VERSION = 1;

    private static final Gson GSON = new Gson();

    /** What is applied once the callbacks have begun: the fit's position and figures, the callbacks' states. */
    private final JsonObject fit;
    private final Map<Integer, CallbackState> callbackStates;
    private final String name;

    private Backup(JsonObject fit, Map<Integer, CallbackState> callbackStates, String name) {
        this.fit = fit;
        this.callbackStates = callbackStates;
        this.name = name;
    }

    /**
     * The entries of the backup of {@code model}'s fit at {@code state}, {@code epochSeconds} into the
     * current epoch, taken now; {@code callbacks} are the fit's own (not the progress bar it adds).
     */
    static Map<String, byte[]> entries(Model model, FitState state, TrainingRandom random, List<Callback> callbacks,
                                       double epochSeconds) {
        JsonObject fit = new JsonObject();
        fit.addProperty("format", FORMAT);
        fit.addProperty("format_version", FORMAT_VERSION);
        fit.addProperty("tatami_version", Version.get());
        fit.add("run", run(model, state));
        fit.addProperty("epoch", state.epoch);
        fit.addProperty("step", state.step);
        fit.add("epoch_seconds", exact(epochSeconds));
        Float rate = model.optimizer().schedule() == null ? model.optimizer().learningRate() : null;
        fit.add("learning_rate", rate == null ? null : exact(rate));
        JsonObject r = new JsonObject();
        r.addProperty("seed", random.seed);
        r.addProperty("epochs", random.epochs);
        r.addProperty("steps", random.steps);
        fit.add("random", r);
        fit.add("loss_sums", exact(state.lossSums));
        fit.addProperty("seen", state.seen);
        fit.add("penalties", exact(state.penalties));
        JsonArray metrics = new JsonArray();
        for (double[][] output : state.metrics) {
            JsonArray per = new JsonArray();
            for (double[] m : output) {
                per.add(exact(m));
            }
            metrics.add(per);
        }
        fit.add("metric_states", metrics);
        JsonObject history = new JsonObject();
        state.history.history().forEach((k, v) -> history.add(k, exact(v.stream().mapToDouble(d -> d).toArray())));
        fit.add("history", history);
        JsonArray epochs = new JsonArray();
        state.history.epoch().forEach(epochs::add);
        fit.add("history_epochs", epochs);
        fit.add("seconds", exact(state.history.seconds().stream().mapToDouble(d -> d).toArray()));
        JsonArray states = new JsonArray();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < callbacks.size(); i++) {
            CallbackState s = callbacks.get(i).state();
            if (s == null) {
                continue;
            }
            JsonObject c = new JsonObject();
            c.addProperty("index", i);
            c.addProperty("class", callbacks.get(i).getClass().getName());
            JsonObject numbers = new JsonObject();
            s.numbers().forEach((k, v) -> numbers.add(k, exact(v)));
            c.add("numbers", numbers);
            JsonObject texts = new JsonObject();
            s.texts().forEach(texts::addProperty);
            c.add("texts", texts);
            JsonArray names = new JsonArray();
            for (Map.Entry<String, Tensor> t : s.allTensors().entrySet()) {
                names.add(t.getKey());
                tensors.put(i + "/" + t.getKey(), t.getValue());
            }
            c.add("tensors", names);
            states.add(c);
        }
        fit.add("callbacks", states);

        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(FIT, GSON.toJson(fit).getBytes(StandardCharsets.UTF_8));
        entries.put(ModelFile.WEIGHTS, Safetensors.toBytes(model.namedWeights(), Map.of("format", "tatami")));
        entries.put(ModelFile.OPTIMIZER, ModelFile.optimizerState(model));
        entries.put(CALLBACKS, Safetensors.toBytes(tensors, Map.of("format", "tatami")));
        return entries;
    }

    /** What must be the same in the run that resumes: the data's size, the batches, the outputs and metrics. */
    private static JsonObject run(Model model, FitState state) {
        JsonObject run = new JsonObject();
        run.addProperty("samples", state.samples);
        run.addProperty("batch_size", state.batch);
        run.addProperty("steps_per_epoch", state.steps);
        JsonArray outputs = new JsonArray();
        model.outputNames().forEach(outputs::add);
        run.add("outputs", outputs);
        JsonArray metrics = new JsonArray();
        for (Metric[] output : state.objective.metrics()) {
            JsonArray names = new JsonArray();
            for (Metric m : output) {
                names.add(m.name() + ":" + m.stateSize());
            }
            metrics.add(names);
        }
        run.add("metrics", metrics);
        run.addProperty("optimizer", model.optimizer().className());
        return run;
    }

    /**
     * Reads the backup in {@code file} for the fit at {@code state} and applies what belongs to the model
     * at once: weights, optimizer state and learning rate, random streams. The rest waits for
     * {@link #resume}. Nothing changes if the file is not a backup of this run.
     */
    static Backup restore(Model model, FitState state, List<Callback> callbacks, Path file) throws IOException {
        String name = file.toString();
        Map<String, Long> caps = new LinkedHashMap<>();
        caps.put(FIT, Limits.maxJsonBytes());
        caps.put(ModelFile.WEIGHTS, ModelFile.MAX_WEIGHTS_BYTES);
        caps.put(ModelFile.OPTIMIZER, ModelFile.MAX_WEIGHTS_BYTES);
        caps.put(CALLBACKS, ModelFile.MAX_WEIGHTS_BYTES);
        Map<String, byte[]> parts;
        try (InputStream in = Files.newInputStream(file)) {
            parts = ZipParts.read(in, name, caps, ModelFileException::new);
        }
        for (String required : caps.keySet()) {
            if (!parts.containsKey(required)) {
                throw new ModelFileException(name + ": not a tatami backup: it has no " + required + " (found "
                        + parts.keySet() + ")");
            }
        }
        JsonObject fit;
        try {
            fit = JsonParser.parseString(new String(parts.get(FIT), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ModelFileException(name + "/" + FIT + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            if (!FORMAT.equals(fit.get("format").getAsString())
                    || fit.get("format_version").getAsInt() > FORMAT_VERSION) {
                throw new ModelFileException(name + ": not a tatami backup of a version this tatami reads ("
                        + fit.get("format") + ", version " + fit.get("format_version") + ")");
            }
            JsonObject expected = run(model, state);
            JsonObject found = fit.getAsJsonObject("run");
            for (String key : expected.keySet()) {
                if (!expected.get(key).equals(found.get(key))) {
                    throw new ModelFileException(name + ": the backup is of another run: its " + key + " is "
                            + found.get(key) + ", this fit's " + expected.get(key));
                }
            }
            Map<Integer, CallbackState> states = callbackStates(fit, callbacks, parts.get(CALLBACKS), name);
            model.setNamedWeights(Safetensors.read(parts.get(ModelFile.WEIGHTS), name + "/" + ModelFile.WEIGHTS)
                    .tensors(), name + "/" + ModelFile.WEIGHTS);
            ModelFile.restoreOptimizer(model, parts.get(ModelFile.OPTIMIZER), name + "/" + ModelFile.OPTIMIZER);
            JsonElement rate = fit.get("learning_rate");
            if (rate != null && !rate.isJsonNull()) {
                model.optimizer().setLearningRate((float) number(rate));
            }
            JsonObject r = fit.getAsJsonObject("random");
            model.trainingRandom().restore(r.get("seed").getAsLong(), r.get("epochs").getAsLong(),
                    r.get("steps").getAsLong());
            return new Backup(fit, states, name);
        } catch (RuntimeException e) {
            throw new ModelFileException(name + "/" + FIT + ": " + e.getMessage(), e);
        }
    }

    private static Map<Integer, CallbackState> callbackStates(JsonObject fit, List<Callback> callbacks, byte[] bytes,
                                                              String name) throws IOException {
        SafetensorsFile tensors = Safetensors.read(bytes, name + "/" + CALLBACKS);
        Map<Integer, CallbackState> out = new LinkedHashMap<>();
        for (JsonElement e : fit.getAsJsonArray("callbacks")) {
            JsonObject c = e.getAsJsonObject();
            int index = c.get("index").getAsInt();
            String cls = c.get("class").getAsString();
            if (index >= callbacks.size() || !callbacks.get(index).getClass().getName().equals(cls)) {
                throw new ModelFileException(name + ": the backup holds the state of callback " + (index + 1) + ", "
                        + cls + ", but this fit's callback " + (index + 1) + " is "
                        + (index < callbacks.size() ? callbacks.get(index).getClass().getName() : "missing")
                        + ": give fit the callbacks of the run that wrote the backup, in the same order");
            }
            CallbackState s = new CallbackState();
            c.getAsJsonObject("numbers").entrySet().forEach(n -> s.put(n.getKey(), number(n.getValue())));
            c.getAsJsonObject("texts").entrySet().forEach(t -> s.put(t.getKey(), t.getValue().getAsString()));
            for (JsonElement t : c.getAsJsonArray("tensors")) {
                Tensor value = tensors.tensors().get(index + "/" + t.getAsString());
                if (value == null) {
                    throw new ModelFileException(name + "/" + CALLBACKS + ": tensor '" + index + "/" + t.getAsString()
                            + "' is missing");
                }
                s.putTensor(t.getAsString(), value);
            }
            out.put(index, s);
        }
        return out;
    }

    /** Where the run goes on, for people: {@code epoch 3, after batch 8 of 20}, or {@code the start of epoch 4}. */
    String position() {
        int epoch = fit.get("epoch").getAsInt() + 1;
        int step = fit.get("step").getAsInt();
        int steps = fit.getAsJsonObject("run").get("steps_per_epoch").getAsInt();
        return step == 0 ? "the start of epoch " + epoch
                : "epoch " + epoch + ", after batch " + step + (steps < 0 ? "" : " of " + steps);
    }

    /** Puts the fit's position, figures and History into {@code state}, and each callback's state back. */
    void resume(FitState state, List<Callback> callbacks) throws ModelFileException {
        try {
            state.epoch = fit.get("epoch").getAsInt();
            state.step = fit.get("step").getAsInt();
            if (state.epoch < 0 || state.step < 0 || (state.steps >= 0 && state.step > state.steps)) {
                throw new IllegalArgumentException("epoch " + state.epoch + ", batch " + state.step + " of "
                        + state.steps + " is not a position of this fit");
            }
            state.secondsBefore = number(fit.get("epoch_seconds"));
            state.lossSums = numbers(fit.getAsJsonArray("loss_sums"));
            state.seen = fit.get("seen").getAsLong();
            state.penalties = number(fit.get("penalties"));
            JsonArray metrics = fit.getAsJsonArray("metric_states");
            for (int k = 0; k < state.metrics.length; k++) {
                for (int m = 0; m < state.metrics[k].length; m++) {
                    double[] v = numbers(metrics.get(k).getAsJsonArray().get(m).getAsJsonArray());
                    if (v.length != state.metrics[k][m].length) {
                        throw new IllegalArgumentException("metric " + k + "/" + m + " has " + v.length
                                + " state values, expected " + state.metrics[k][m].length);
                    }
                    state.metrics[k][m] = v;
                }
            }
            JsonElement rate = fit.get("learning_rate");
            state.resumeLearningRate = rate == null || rate.isJsonNull() ? null : (float) number(rate);
            Map<String, List<Double>> history = new LinkedHashMap<>();
            fit.getAsJsonObject("history").entrySet().forEach(h -> {
                List<Double> v = new ArrayList<>();
                h.getValue().getAsJsonArray().forEach(x -> v.add(number(x)));
                history.put(h.getKey(), v);
            });
            List<Double> seconds = new ArrayList<>();
            fit.getAsJsonArray("seconds").forEach(x -> seconds.add(number(x)));
            List<Integer> epochs = new ArrayList<>();
            fit.getAsJsonArray("history_epochs").forEach(x -> epochs.add(x.getAsInt()));
            state.history = History.of(epochs, history, seconds);
        } catch (RuntimeException e) {
            throw new ModelFileException(name + "/" + FIT + ": " + e.getMessage(), e);
        }
        callbackStates.forEach((i, s) -> callbacks.get(i).restoreState(s));
    }

    /** A double as JSON that reads back to the same bits: a number, or a string for NaN and infinities. */
    private static JsonElement exact(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(Double.toString(v));
    }

    private static JsonArray exact(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(exact(v));
        }
        return a;
    }

    private static double number(JsonElement e) {
        return e.getAsJsonPrimitive().isString() ? Double.parseDouble(e.getAsString()) : e.getAsDouble();
    }

    private static double[] numbers(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i));
        }
        return out;
    }
}
