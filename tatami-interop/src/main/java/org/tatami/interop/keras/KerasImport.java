package org.tatami.interop.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.tatami.io.ZipParts;
import org.tatami.models.Model;
import org.tatami.models.ModelConfig;
import org.tatami.tensor.Limits;

/**
 * Loads models saved by Keras: legacy {@code .h5} files (Keras 2, tf.keras 2 and Keras 3's
 * {@code model.save("m.h5")}), Keras 3 {@code .keras} zips, and {@code model.to_json()} text with a
 * separate weights file. The architecture is read with {@link ModelConfig} (so a layer or option
 * tatami lacks is named in the error); training settings and optimizer state in the file are ignored.
 *
 * <p>Reading is strict: a corrupt or truncated file, a zip entry with an unexpected name, a weight
 * whose name, shape or dtype disagrees with the model, or a size past the limits gives a
 * {@link KerasFormatException} (or the config's {@link org.tatami.config.ModelConfigException}) naming
 * the file and the object, before any weight data is read.
 */
public final class KerasImport {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";
    private static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8;
    /** HDF5's own bytes beside the values, per weight tensor (object headers, attributes) and in all. */
    private static final long H5_BYTES_PER_TENSOR = 64L << 10;
    private static final long H5_BYTES = 4L << 20;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private KerasImport() {
    }

    /** A {@code .keras} zip or a legacy {@code .h5} model file, told apart by their first bytes. */
    public static Model load(Path file) throws IOException {
        String name = requireFile(file);
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) == 4 && java.util.Arrays.equals(head, ZIP_MAGIC)) {
                return loadKeras(file, name);
            }
        }
        return loadH5(file, name);
    }

    /**
     * A model from {@code model.to_json()} text and its weights: Keras 3's {@code .weights.h5}
     * ({@code save_weights}), or a legacy {@code .h5} weights or model file.
     */
    public static Model load(Path json, Path weights) throws IOException {
        String jsonName = requireFile(json);
        String weightsName = requireFile(weights);
        Model model = built(ModelConfig.read(json), jsonName);
        try (HdfFile h5 = Hdf5.open(weightsName, () -> new HdfFile(weights))) {
            if (Hdf5.group(h5, "layers", weightsName) != null) {
                KerasWeights.readKeras3(h5, model, weightsName);
            } else {
                Group modelWeights = Hdf5.group(h5, "model_weights", weightsName);
                KerasWeights.readLegacy(modelWeights != null ? modelWeights : h5, model,
                        modelWeights != null ? weightsName + ": model_weights" : weightsName);
            }
        }
        return model;
    }

    private static Model loadH5(Path file, String name) throws IOException {
        try (HdfFile h5 = Hdf5.open(name, () -> new HdfFile(file))) {
            String config = Hdf5.string(h5, "model_config", name);
            if (config == null) {
                throw new KerasFormatException(name + ": no model_config attribute: the file holds weights only;"
                        + " load it with the model's JSON, load(json, weights)");
            }
            Model model = built(ModelConfig.fromJson(config, name + ": model_config"), name);
            Group weights = Hdf5.group(h5, "model_weights", name);
            if (weights == null) {
                throw new KerasFormatException(name + ": no group model_weights: the model was saved without weights");
            }
            KerasWeights.readLegacy(weights, model, name + ": model_weights");
            return model;
        }
    }

    private static Model loadKeras(Path file, String name) throws IOException {
        // Built when config.json comes before the weights (as Keras writes it), to bound their size.
        AtomicReference<Model> configured = new AtomicReference<>();
        Map<String, byte[]> parts;
        try (InputStream in = Files.newInputStream(file)) {
            parts = readParts(in, name, configured);
        }
        for (String required : new String[] {CONFIG, WEIGHTS}) {
            if (!parts.containsKey(required)) {
                throw new KerasFormatException(name + ": not a .keras file: it has no " + required + " (found "
                        + parts.keySet() + ")");
            }
        }
        String where = name + "/" + WEIGHTS;
        Model model = configured.get() != null ? configured.get() : fromConfig(parts.get(CONFIG), name);
        try (HdfFile h5 = Hdf5.open(where, () -> HdfFile.fromBytes(parts.get(WEIGHTS)))) {
            KerasWeights.readKeras3(h5, model, where);
        }
        return model;
    }

    /**
     * The zip's entries, read with hard size caps. Only Keras's three files are taken; any other name
     * (a path, "..", a folder such as assets/ that tatami's layers never use) is rejected before its
     * content is read.
     */
    private static Map<String, byte[]> readParts(InputStream in, String name, AtomicReference<Model> configured)
            throws IOException {
        Map<String, Long> caps = new LinkedHashMap<>();
        caps.put(METADATA, Limits.maxJsonBytes());
        caps.put(CONFIG, Limits.maxJsonBytes());
        caps.put(WEIGHTS, MAX_WEIGHTS_BYTES);
        ZipParts.Implied implied = (entry, before) -> {
            if (!entry.equals(WEIGHTS) || !before.containsKey(CONFIG)) {
                return null;
            }
            configured.set(fromConfig(before.get(CONFIG), name));
            int tensors = configured.get().namedWeights().size();
            long values = configured.get().countParams();
            return new ZipParts.Cap(H5_BYTES + H5_BYTES_PER_TENSOR * tensors + 8 * values, "the size " + CONFIG
                    + " implies (" + tensors + " tensors, " + values + " weights)");
        };
        return ZipParts.read(in, name, caps, implied, KerasFormatException::new);
    }

    private static Model fromConfig(byte[] config, String name) throws KerasFormatException {
        return built(ModelConfig.fromJson(new String(config, StandardCharsets.UTF_8), name + "/" + CONFIG), name);
    }

    private static String requireFile(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such Keras file");
        }
        return file.getFileName().toString();
    }

    /** Weights can only be matched to built layers: the config must state the input shape. */
    private static Model built(Model model, String name) throws KerasFormatException {
        if (!model.isBuilt()) {
            throw new KerasFormatException(name + ": the model config states no input shape (no InputLayer,"
                    + " batch_input_shape or build_config), so its weights cannot be matched to layers");
        }
        return model;
    }
}
