package org.tatami.interop.keras;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.tatami.io.AtomicFiles;
import org.tatami.layers.Layer;
import org.tatami.layers.Normalization;
import org.tatami.layers.Parameter;
import org.tatami.models.Model;
import org.tatami.models.ModelConfig;
import org.tatami.tensor.Tensor;

/**
 * Saves a model as a Keras 3 {@code .keras} file, the zip Keras's {@code model.save("m.keras")} writes
 * and {@code keras.models.load_model} reads: {@code metadata.json}, {@code config.json} (the model's
 * config, see {@link ModelConfig#toJson}) and {@code model.weights.h5}, whose layout is Keras 3's:
 * {@code layers/<key>/vars/0..n-1} per layer in its variables' order ({@code <key>} as in
 * {@link KerasKeys}), each {@code vars} group named after its layer, and a top-level {@code vars}.
 *
 * <p>No compile settings or optimizer state are written ({@code compile_config} is null), so Keras
 * loads the model uncompiled, ready for inference or for a new {@code compile}.
 */
public final class KerasExport {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    /** Keras's {@code date_saved}: local time, {@code %Y-%m-%d@%H:%M:%S}. */
    private static final DateTimeFormatter DATE_SAVED = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss");

    private KerasExport() {
    }

    /**
     * Writes {@code model} to {@code file} atomically (the file is complete or untouched).
     *
     * @throws IllegalArgumentException if the model is not built: Keras needs its input shape
     */
    public static void save(Model model, Path file) throws IOException {
        if (!model.isBuilt()) {
            throw new IllegalArgumentException(file.getFileName() + ": model '" + model.name()
                    + "' is not built: build it or give its first layer an input shape before saving");
        }
        JsonObject config = JsonParser.parseString(ModelConfig.toJson(model)).getAsJsonObject();
        // to_json's version stamp belongs in metadata.json; config.json has none but states the
        // compile settings, where to_json leaves them out.
        JsonElement version = config.remove("keras_version");
        config.remove("backend");
        config.add("compile_config", JsonNull.INSTANCE);
        JsonObject metadata = new JsonObject();
        metadata.add("keras_version", version);
        metadata.addProperty("date_saved", LocalDateTime.now().format(DATE_SAVED));
        byte[] weights = weights(model);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, KerasImport.METADATA, GSON.toJson(metadata).getBytes(StandardCharsets.UTF_8));
            put(zip, KerasImport.CONFIG, GSON.toJson(config).getBytes(StandardCharsets.UTF_8));
            put(zip, KerasImport.WEIGHTS, weights);
            zip.finish();
        });
    }

    /**
     * {@code model.weights.h5}: every layer gets its group, weightless ones an empty {@code vars}; a
     * nested model its own {@code layers} group inside its group, as Keras writes it.
     */
    static byte[] weights(Model model) {
        Hdf5Writer h5 = new Hdf5Writer();
        write(h5, "", model);
        return h5.toBytes();
    }

    private static void write(Hdf5Writer h5, String prefix, Model model) {
        List<Layer> layers = model.layers();
        List<String> keys = KerasKeys.of(layers);
        for (int i = 0; i < layers.size(); i++) {
            String group = prefix + "layers/" + keys.get(i);
            if (layers.get(i) instanceof Model nested) {
                write(h5, group + "/", nested);
                continue;
            }
            String vars = group + "/vars";
            h5.group(vars).attribute(vars, "name", layers.get(i).name());
            List<Parameter> params = layers.get(i).parameters();
            for (int j = 0; j < params.size(); j++) {
                Tensor t = params.get(j).value();
                // Keras keeps Normalization's count as an int64 variable.
                boolean count = layers.get(i) instanceof Normalization && params.get(j).name().equals("count");
                h5.dataset(vars + "/" + j, t.shape(), t.data(), count);
            }
        }
        h5.group(prefix + "vars").attribute(prefix + "vars", "name", model.name());
    }

    /** Stored, not deflated, as Keras writes its zips. */
    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
