package org.tatami.models;

import com.google.gson.Gson;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.tatami.io.AtomicFiles;
import org.tatami.io.FiniteJson;
import org.tatami.io.Safetensors;
import org.tatami.io.SafetensorsFile;
import org.tatami.io.Version;
import org.tatami.io.ZipParts;
import org.tatami.losses.Loss;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.Optimizer;
import org.tatami.optimizers.RMSprop;
import org.tatami.optimizers.SGD;

/**
 * The whole-model file, {@code .tatami}: a zip holding {@code config.json} (the architecture in Keras's
 * model config format), {@code model.safetensors} (the weights) and {@code metadata.json} (versions,
 * date, compile settings, training history), as Keras 3's {@code .keras} files do.
 */
public final class ModelFile {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String METADATA = "metadata.json";
    /** The format's version, written to metadata.json and checked on reading. */
    public static final int FORMAT_VERSION = 1;
    /** Limits that keep a hostile zip from exhausting memory: JSON parts and the weights. */
    static final long MAX_JSON_BYTES = 16L << 20;
    static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8;

    private static final Gson GSON = FiniteJson.builder().setPrettyPrinting().create();

    private ModelFile() {
    }

    /** Writes the model, atomically. */
    public static void save(Model model, Path file) throws IOException {
        byte[] config = ModelConfig.toJson(model).getBytes(StandardCharsets.UTF_8);
        byte[] weights = Safetensors.toBytes(model.namedWeights(), Map.of("format", "tatami"));
        byte[] metadata = GSON.toJson(metadata(model)).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, METADATA, metadata);
            put(zip, CONFIG, config);
            put(zip, WEIGHTS, weights);
            zip.finish();
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static Map<String, Object> metadata(Model model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "tatami");
        m.put("format_version", FORMAT_VERSION);
        m.put("tatami_version", Version.get());
        m.put("java_version", System.getProperty("java.version"));
        m.put("date_saved", Instant.now().toString());
        if (model.optimizer() != null && model.loss() != null) {
            Map<String, Object> compile = new LinkedHashMap<>();
            Map<String, Object> opt = new LinkedHashMap<>();
            opt.put("class_name", model.optimizer().className());
            opt.put("config", model.optimizer().config());
            compile.put("optimizer", opt);
            // One loss for every output, as compile(optimizer, loss) gives it; else one per output, weighted.
            if (model.isBuilt() && !oneLoss(model)) {
                compile.put("loss", model.losses().stream().map(Loss::name).toList());
                compile.put("loss_weights", model.lossWeights());
            } else {
                compile.put("loss", model.loss().name());
            }
            compile.put("metrics", model.metrics());
            m.put("compile_config", compile);
        }
        if (model.history() != null) {
            m.put("history", model.history().history());
        }
        return m;
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
        Map<String, byte[]> parts;
        try (InputStream in = Files.newInputStream(file)) {
            parts = readParts(in, name);
        }
        for (String required : List.of(CONFIG, WEIGHTS, METADATA)) {
            if (!parts.containsKey(required)) {
                throw new ModelFileException(name + ": not a tatami model file: it has no " + required
                        + " (found " + parts.keySet() + ")");
            }
        }
        JsonObject meta = parseObject(parts.get(METADATA), name + "/" + METADATA);
        if (!meta.has("format_version") || meta.get("format_version").getAsInt() > FORMAT_VERSION) {
            throw new ModelFileException(name + ": format_version " + meta.get("format_version")
                    + " is not supported; this tatami reads versions up to " + FORMAT_VERSION);
        }
        Model model = ModelConfig.fromJson(new String(parts.get(CONFIG), StandardCharsets.UTF_8),
                name + "/" + CONFIG);
        SafetensorsFile weights = Safetensors.read(parts.get(WEIGHTS), name + "/" + WEIGHTS);
        model.setNamedWeights(weights.tensors(), name + "/" + WEIGHTS);
        if (meta.has("compile_config") && meta.get("compile_config").isJsonObject()) {
            compile(model, meta.getAsJsonObject("compile_config"), name);
        }
        return model;
    }

    /** The three parts, read with hard size caps, names checked before contents. */
    private static Map<String, byte[]> readParts(InputStream in, String name) throws IOException {
        Map<String, Long> caps = new LinkedHashMap<>();
        caps.put(CONFIG, MAX_JSON_BYTES);
        caps.put(WEIGHTS, MAX_WEIGHTS_BYTES);
        caps.put(METADATA, MAX_JSON_BYTES);
        Map<String, byte[]> parts = ZipParts.read(in, name, caps, ModelFileException::new);
        if (parts.isEmpty()) {
            throw new ModelFileException(name + ": not a tatami model file (not a zip archive, or an empty one)");
        }
        return parts;
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
            JsonObject cfg = opt.getAsJsonObject("config");
            double lr = cfg.get("learning_rate").getAsDouble();
            Optimizer optimizer = switch (opt.get("class_name").getAsString()) {
                case "Adam" -> new Adam(lr, cfg.get("beta_1").getAsDouble(), cfg.get("beta_2").getAsDouble(),
                        cfg.get("epsilon").getAsDouble());
                case "SGD" -> new SGD(lr, cfg.get("momentum").getAsDouble(), cfg.get("nesterov").getAsBoolean());
                case "RMSprop" -> new RMSprop(lr, cfg.get("rho").getAsDouble(), cfg.get("epsilon").getAsDouble());
                default -> throw new IllegalArgumentException("unknown optimizer " + opt.get("class_name"));
            };
            List<String> metrics = new ArrayList<>();
            c.getAsJsonArray("metrics").forEach(m -> metrics.add(m.getAsString()));
            String[] metricNames = metrics.toArray(new String[0]);
            if (c.get("loss").isJsonArray()) {
                List<Loss> losses = new ArrayList<>();
                c.getAsJsonArray("loss").forEach(l -> losses.add(Loss.of(l.getAsString())));
                List<Double> weights = new ArrayList<>();
                c.getAsJsonArray("loss_weights").forEach(w -> weights.add(w.getAsDouble()));
                model.compile(optimizer, losses, weights, metricNames);
            } else {
                model.compile(optimizer, Loss.of(c.get("loss").getAsString()), metricNames);
            }
        } catch (RuntimeException e) {
            throw new ModelFileException(name + "/" + METADATA + ": bad compile_config: " + e.getMessage(), e);
        }
    }
}
