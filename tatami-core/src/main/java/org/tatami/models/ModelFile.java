package org.tatami.models;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.tatami.config.ModelConfigException;
import org.tatami.io.FiniteJson;
import org.tatami.io.Safetensors;
import org.tatami.io.SafetensorsFile;
import org.tatami.io.Version;
import org.tatami.io.ZipParts;
import org.tatami.losses.Loss;
import org.tatami.metrics.Metric;
import org.tatami.config.Fields;
import org.tatami.optimizers.Optimizer;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * The whole-model file, {@code .tatami}: a zip holding {@code config.json} (the architecture in Keras's
 * model config format), {@code model.safetensors} (the weights) and {@code metadata.json} (versions,
 * date, compile settings, training history), as Keras 3's {@code .keras} files do; a compiled model
 * also has {@code optimizer.safetensors}, the optimizer's state, so that training resumes where it stopped.
 */
public final class ModelFile {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String METADATA = "metadata.json";
    /** The optimizer's step count (metadata) and per-weight state, named {@code <weight>/<slot>}. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** The format's version, written to metadata.json and checked on reading. */
    public static final int FORMAT_VERSION = 1;
    /** The weights' limit, about the largest Java array; the model config usually implies a much lower one. */
    static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8;

    private static final Gson GSON = FiniteJson.builder().setPrettyPrinting().create();

    private ModelFile() {
    }

    /** Writes the model, atomically. */
    public static void save(Model model, Path file) throws IOException {
        byte[] config = ModelConfig.toJson(model).getBytes(StandardCharsets.UTF_8);
        byte[] weights = Safetensors.toBytes(model.namedWeights(), Map.of("format", "tatami"));
        byte[] metadata = GSON.toJson(metadata(model)).getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(METADATA, metadata);
        entries.put(CONFIG, config);
        entries.put(WEIGHTS, weights);
        if (compiled(model)) {
            entries.put(OPTIMIZER, optimizerState(model));
        }
        ZipParts.write(file, entries);
    }

    private static Map<String, Object> metadata(Model model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "tatami");
        m.put("format_version", FORMAT_VERSION);
        m.put("tatami_version", Version.get());
        m.put("java_version", System.getProperty("java.version"));
        m.put("date_saved", Instant.now().toString());
        if (compiled(model)) {
            Map<String, Object> compile = new LinkedHashMap<>();
            Map<String, Object> opt = new LinkedHashMap<>();
            opt.put("class_name", model.optimizer().className());
            opt.put("config", model.optimizer().config());
            compile.put("optimizer", opt);
            // One loss for every output, as compile(optimizer, loss) gives it; else one per output, weighted.
            if (model.isBuilt() && !oneLoss(model)) {
                compile.put("loss", model.losses().stream().map(Loss::serialize).toList());
                compile.put("loss_weights", model.lossWeights());
            } else {
                compile.put("loss", model.loss().serialize());
            }
            if (model.metricsByOutput() != null) {
                Map<String, Object> byOutput = new LinkedHashMap<>();
                model.metricsByOutput().forEach((k, v) -> byOutput.put(k, serialized(v)));
                compile.put("metrics", byOutput);
            } else {
                compile.put("metrics", serialized(model.metrics()));
            }
            m.put("compile_config", compile);
        }
        if (model.history() != null) {
            m.put("history", model.history().history());
            m.put("epoch_seconds", model.history().seconds());
        }
        TrainingRandom random = model.savedTrainingRandom();
        if (random != null) {
            // The random streams of training, so that fit goes on drawing what it would have drawn.
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("seed", random.seed);
            r.put("epochs", random.epochs);
            r.put("steps", random.steps);
            m.put("training_random", r);
        }
        return m;
    }

    private static List<Object> serialized(List<Object> metrics) {
        return metrics.stream().map(m -> m instanceof Metric o ? o.serialize() : m).toList();
    }

    private static boolean compiled(Model model) {
        return model.optimizer() != null && model.loss() != null;
    }

    /** Every weight's optimizer state that exists (none before its first update), and the step count. */
    static byte[] optimizerState(Model model) {
        Optimizer optimizer = model.optimizer();
        List<String> slots = optimizer.stateNames();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.namedWeights().forEach((weight, value) -> {
            float[][] state = optimizer.state(value.data());
            for (int i = 0; state != null && i < state.length; i++) {
                tensors.put(weight + "/" + slots.get(i), Tensor.of(state[i], value.shape()));
            }
        });
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "tatami");
        metadata.put("optimizer", optimizer.className());
        metadata.put("iterations", Long.toString(optimizer.iterations()));
        return Safetensors.toBytes(tensors, metadata);
    }

    private static boolean oneLoss(Model model) {
        List<Loss> losses = model.losses();
        return losses.stream().allMatch(l -> l == losses.get(0)) && model.lossWeights().stream().allMatch(w -> w == 1);
    }

    /** Reads a model written by {@link #save}: architecture, weights, and compile settings if saved. */
    public static Model load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        String name = file.getFileName().toString();
        // Built when config.json comes before the weights (as save writes it), to bound their size.
        AtomicReference<Model> configured = new AtomicReference<>();
        Map<String, byte[]> parts;
        try (InputStream in = Files.newInputStream(file)) {
            parts = readParts(in, name, configured);
        }
        for (String required : List.of(CONFIG, WEIGHTS, METADATA)) {
            if (!parts.containsKey(required)) {
                throw new ModelFileException(name + ": not a tatami model file: it has no " + required
                        + " (found " + parts.keySet() + ")");
            }
        }
        JsonObject meta = parseObject(parts.get(METADATA), name + "/" + METADATA);
        int version = formatVersion(meta, name + "/" + METADATA);
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(name + ": format_version " + version
                    + " is not supported; this tatami reads versions up to " + FORMAT_VERSION);
        }
        Model model = configured.get() != null ? configured.get() : fromConfig(parts.get(CONFIG), name);
        SafetensorsFile weights = Safetensors.read(parts.get(WEIGHTS), name + "/" + WEIGHTS);
        model.setNamedWeights(weights.tensors(), name + "/" + WEIGHTS);
        boolean compiled = meta.has("compile_config") && meta.get("compile_config").isJsonObject();
        if (compiled) {
            compile(model, meta.getAsJsonObject("compile_config"), name);
        }
        if (meta.has("training_random")) {
            model.setTrainingRandom(trainingRandom(meta.get("training_random"), name + "/" + METADATA));
        }
        if (parts.containsKey(OPTIMIZER)) {
            if (!compiled) {
                throw new ModelFileException(name + ": " + OPTIMIZER + " without a compile_config in " + METADATA);
            }
            restoreOptimizer(model, parts.get(OPTIMIZER), name + "/" + OPTIMIZER);
        }
        return model;
    }

    private static Model fromConfig(byte[] config, String name) {
        return ModelConfig.fromJson(new String(config, StandardCharsets.UTF_8), name + "/" + CONFIG);
    }

    /**
     * The three parts, read with hard size caps, names checked before contents; the weights may take no
     * more than the model of a config read before them needs, which is left in {@code configured}.
     */
    private static Map<String, byte[]> readParts(InputStream in, String name, AtomicReference<Model> configured)
            throws IOException {
        Map<String, Long> caps = new LinkedHashMap<>();
        caps.put(CONFIG, Limits.maxJsonBytes());
        caps.put(WEIGHTS, MAX_WEIGHTS_BYTES);
        caps.put(METADATA, Limits.maxJsonBytes());
        caps.put(OPTIMIZER, MAX_WEIGHTS_BYTES);
        ZipParts.Implied implied = (entry, before) -> {
            if (!entry.equals(WEIGHTS) || !before.containsKey(CONFIG)) {
                return null;
            }
            try {
                configured.set(fromConfig(before.get(CONFIG), name));
            } catch (ModelConfigException e) {
                // Reported in its turn, after metadata.json's format_version, which may explain it.
                return null;
            }
            if (!configured.get().isBuilt()) {
                return null;
            }
            Map<String, Tensor> weights = configured.get().namedWeights();
            return new ZipParts.Cap(Safetensors.maxBytes(weights), "the size " + CONFIG + " implies ("
                    + weights.size() + " tensors, " + configured.get().countParams() + " weights)");
        };
        Map<String, byte[]> parts = ZipParts.read(in, name, caps, implied, ModelFileException::new);
        if (parts.isEmpty()) {
            throw new ModelFileException(name + ": not a tatami model file (not a zip archive, or an empty one)");
        }
        return parts;
    }

    private static TrainingRandom trainingRandom(JsonElement e, String where) throws ModelFileException {
        try {
            JsonObject r = e.getAsJsonObject();
            return new TrainingRandom(r.get("seed").getAsLong(), r.get("epochs").getAsLong(), r.get("steps").getAsLong());
        } catch (RuntimeException ex) {
            throw new ModelFileException(where + ": training_random must be {\"seed\", \"epochs\", \"steps\"} of"
                    + " whole numbers (epochs and steps >= 0), got " + Fields.describe(e), ex);
        }
    }

    private static int formatVersion(JsonObject meta, String where) throws ModelFileException {
        JsonElement v = meta.get("format_version");
        if (v == null) {
            throw new ModelFileException(where + ": no format_version: not written by tatami");
        }
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
            double d = v.getAsDouble();
            if (d == Math.rint(d) && d >= 1 && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw new ModelFileException(where + ": format_version must be a whole number such as " + FORMAT_VERSION
                + ", got " + v);
    }

    private static JsonObject parseObject(byte[] bytes, String what) throws ModelFileException {
        try {
            var element = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!element.isJsonObject()) {
                throw new ModelFileException(what + ": expected a JSON object");
            }
            return element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelFileException(what + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void compile(Model model, JsonObject c, String name) throws ModelFileException {
        try {
            JsonObject opt = c.getAsJsonObject("optimizer");
            Optimizer optimizer = Optimizer.fromConfig(opt.get("class_name").getAsString(),
                    Fields.of(name + "/" + METADATA, "compile_config.optimizer.config.", "the optimizer's config",
                            opt.get("config")));
            JsonElement m = c.get("metrics");
            Map<String, List<Object>> byOutput = null;
            List<Object> metrics = new ArrayList<>();
            if (m.isJsonObject()) {
                byOutput = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
                    List<Object> list = new ArrayList<>();
                    e.getValue().getAsJsonArray().forEach(x -> list.add(readMetric(x, name)));
                    byOutput.put(e.getKey(), list);
                }
            } else {
                m.getAsJsonArray().forEach(x -> metrics.add(readMetric(x, name)));
            }
            List<Loss> losses = new ArrayList<>();
            List<Double> weights = null;
            if (c.get("loss").isJsonArray()) {
                c.getAsJsonArray("loss").forEach(l -> losses.add(readLoss(l, name)));
                weights = new ArrayList<>();
                for (JsonElement w : c.getAsJsonArray("loss_weights")) {
                    weights.add(w.getAsDouble());
                }
            } else {
                losses.add(readLoss(c.get("loss"), name));
            }
            if (byOutput != null) {
                model.compile(optimizer, losses, weights, byOutput);
            } else {
                model.compile(optimizer, losses, weights, metrics.toArray());
            }
        } catch (RuntimeException e) {
            throw new ModelFileException(name + "/" + METADATA + ": bad compile_config: " + e.getMessage(), e);
        }
    }

    /**
     * Gives the model's new optimizer the saved step count and state, after checking every tensor
     * against the model's weights and the optimizer's slots; nothing is set if anything is wrong.
     */
    static void restoreOptimizer(Model model, byte[] bytes, String where) throws IOException {
        SafetensorsFile file = Safetensors.read(bytes, where);
        Optimizer optimizer = model.optimizer();
        String saved = file.metadata().get("optimizer");
        if (!optimizer.className().equals(saved)) {
            throw new ModelFileException(where + ": holds the state of optimizer " + saved
                    + ", but the compile_config's optimizer is " + optimizer.className());
        }
        long iterations;
        try {
            iterations = Long.parseLong(String.valueOf(file.metadata().get("iterations")));
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < 0) {
            throw new ModelFileException(where + ": iterations must be a step count >= 0, got "
                    + file.metadata().get("iterations"));
        }
        Map<String, Tensor> weights = model.namedWeights();
        List<String> slots = optimizer.stateNames();
        Map<String, float[][]> states = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            String key = e.getKey();
            int cut = key.lastIndexOf('/');
            Tensor weight = cut < 0 ? null : weights.get(key.substring(0, cut));
            int slot = slots.indexOf(key.substring(cut + 1));
            if (weight == null || slot < 0) {
                throw new ModelFileException(where + ": tensor '" + key + "' is not <weight>/<slot> for a weight of"
                        + " the model and one of " + optimizer.className() + "'s slots " + slots);
            }
            if (!Arrays.equals(weight.shape(), e.getValue().shape())) {
                throw new ModelFileException(where + ": tensor '" + key + "' has shape "
                        + Shape.toString(e.getValue().shape()) + ", its weight " + Shape.toString(weight.shape()));
            }
            states.computeIfAbsent(key.substring(0, cut), k -> new float[slots.size()][])[slot] = e.getValue().data();
        }
        for (Map.Entry<String, float[][]> e : states.entrySet()) {
            for (int i = 0; i < slots.size(); i++) {
                if (e.getValue()[i] == null) {
                    throw new ModelFileException(where + ": weight '" + e.getKey() + "' has optimizer state but no "
                            + slots.get(i));
                }
            }
        }
        states.forEach((weight, state) -> optimizer.setState(weights.get(weight).data(), state));
        optimizer.setIterations(iterations);
    }

    /** A metric of a compile config: a name as it is, or Keras's serialized metric object. */
    private static Object readMetric(JsonElement e, String name) {
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        Fields m = Fields.of(name + "/" + METADATA, "compile_config.metrics.", "a metric", e);
        String className = m.string("class_name");
        String registered = m.string("registered_name", null);
        m.take("module");
        Fields config = m.objectOrEmpty("config");
        m.finish();
        return Metric.fromConfig(className, registered, config);
    }

    /** A loss of a compile config: a name, or Keras's serialized loss object with its config. */
    private static Loss readLoss(JsonElement e, String name) {
        if (e.isJsonPrimitive()) {
            return Loss.of(e.getAsString());
        }
        Fields l = Fields.of(name + "/" + METADATA, "compile_config.loss.", "a loss", e);
        String className = l.string("class_name");
        l.take("module");
        l.expectNull("registered_name", "a loss of one's own is saved by its name");
        Fields config = l.objectOrEmpty("config");
        l.finish();
        return Loss.fromConfig(className, config);
    }
}
