package org.tatami.interop.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.checksum.JenkinsLookup3HashLittle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.models.ModelConfig;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.Layer;
import org.tatami.models.ModelZoo;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

/**
 * Keras 3 {@code .keras} export: tatami to .keras to tatami is exact, and the written files have the
 * structure of a real Keras 3.11 file (4b of the shared folder, see its MANIFEST.md).
 */
class KerasExportTest {
    private static final String REAL = "Jhas876622__mnist-digit-recognition__mnist_cnn.keras";

    @TempDir
    Path dir;

    @Test
    void seedModelRoundTripsExactly() throws IOException {
        assertRoundTrip(randomized(ModelZoo.seedCnn()));
    }

    @Test
    void batchNormalizationDropoutAndAveragePoolingRoundTripExactly() throws IOException {
        Sequential m = new Sequential("bn_model",
                new Conv2D(4, 3).activation("relu").inputShape(12, 12, 2),
                new BatchNormalization(),
                new AveragePooling2D(2),
                new Dropout(0.25),
                new Conv2D(4, 3),
                new BatchNormalization().epsilon(0.01).momentum(0.9),
                new Flatten(),
                new Dense(8).activation("relu"),
                new Dropout(0.5),
                new Dense(3).activation("softmax"));
        assertRoundTrip(randomized(m));
    }

    @Test
    void anUnbuiltModelIsRefusedNamingTheFile() {
        Sequential m = new Sequential(new Dense(3));
        Path file = dir.resolve("m.keras");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasExport.save(m, file));
        assertTrue(e.getMessage().startsWith("m.keras: "), e.getMessage());
        assertTrue(Files.notExists(file));
    }

    /** The zip holds Keras's three entries, and metadata.json Keras's two keys. */
    @Test
    void zipHasKerasEntriesAndMetadata() throws IOException {
        Path file = dir.resolve("seed.keras");
        KerasExport.save(ModelZoo.seedCnn(), file);
        Map<String, byte[]> parts = unzip(file);
        assertEquals(List.of(KerasImport.METADATA, KerasImport.CONFIG, KerasImport.WEIGHTS),
                new ArrayList<>(parts.keySet()));
        JsonObject metadata = json(parts.get(KerasImport.METADATA));
        assertEquals(Set.of("keras_version", "date_saved"), metadata.keySet());
        assertTrue(metadata.get("keras_version").getAsString().startsWith("3."));
        assertTrue(metadata.get("date_saved").getAsString().matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"));
        assertTrue(json(parts.get(KerasImport.CONFIG)).get("compile_config").isJsonNull());
    }

    /**
     * 4b imported and exported again: config.json has the real file's top-level keys, and each layer
     * entry and its config the real one's keys, but for what Keras releases after the one whose format
     * {@link ModelConfig#toJson} writes added (and earlier Keras 3 releases reject).
     */
    @Test
    void configHasTheKeysOfARealKerasFile() throws IOException {
        Path real = KerasFiles.file(REAL);
        Path file = dir.resolve("again.keras");
        KerasExport.save(KerasImport.load(real), file);
        JsonObject expected = json(unzip(real).get(KerasImport.CONFIG));
        JsonObject actual = json(unzip(file).get(KerasImport.CONFIG));
        assertEquals(expected.keySet(), actual.keySet());
        assertEquals(expected.getAsJsonObject("config").keySet(), actual.getAsJsonObject("config").keySet());
        JsonArray expectedLayers = expected.getAsJsonObject("config").getAsJsonArray("layers");
        JsonArray actualLayers = actual.getAsJsonObject("config").getAsJsonArray("layers");
        assertEquals(expectedLayers.size(), actualLayers.size());
        for (int i = 0; i < expectedLayers.size(); i++) {
            JsonObject e = expectedLayers.get(i).getAsJsonObject();
            JsonObject a = actualLayers.get(i).getAsJsonObject();
            String what = "layer " + i + " (" + e.get("class_name").getAsString() + ")";
            assertEquals(e.keySet(), a.keySet(), what);
            Set<String> expectedConfig = new HashSet<>(e.getAsJsonObject("config").keySet());
            if (e.get("class_name").getAsString().equals("InputLayer")) {
                expectedConfig.remove("ragged");
            }
            assertEquals(expectedConfig, a.getAsJsonObject("config").keySet(), what);
        }
    }

    /**
     * 4b imported and exported again: model.weights.h5 has every group and dataset of the real file
     * (its optimizer state aside), with the same shapes, values bit for bit, and vars names.
     */
    @Test
    void weightsFileMatchesARealKerasFile() throws IOException {
        Path real = KerasFiles.file(REAL);
        Path file = dir.resolve("again.keras");
        KerasExport.save(KerasImport.load(real), file);
        try (HdfFile expected = HdfFile.fromBytes(unzip(real).get(KerasImport.WEIGHTS));
             HdfFile actual = HdfFile.fromBytes(unzip(file).get(KerasImport.WEIGHTS))) {
            Map<String, Node> want = walk(expected);
            want.keySet().removeIf(p -> p.equals("optimizer") || p.startsWith("optimizer/"));
            Map<String, Node> got = walk(actual);
            assertEquals(want.keySet(), got.keySet());
            int datasets = 0;
            for (Map.Entry<String, Node> e : want.entrySet()) {
                Node w = e.getValue();
                Node g = got.get(e.getKey());
                assertEquals(w.getType(), g.getType(), e.getKey());
                assertEquals(w.getAttributes().keySet(), g.getAttributes().keySet(), e.getKey());
                for (String attr : w.getAttributes().keySet()) {
                    assertEquals(w.getAttribute(attr).getData(), g.getAttribute(attr).getData(), e.getKey());
                }
                if (w instanceof Dataset wd) {
                    Dataset gd = (Dataset) g;
                    assertArrayEquals(wd.getDimensions(), gd.getDimensions(), e.getKey());
                    assertArrayEquals((float[]) wd.getDataFlat(), (float[]) gd.getDataFlat(), e.getKey());
                    datasets++;
                }
            }
            assertEquals(8, datasets);
        }
    }

    /** jHDF's own writer (0.13) makes files it cannot read back in this arrangement; this one does. */
    @Test
    void hdf5WriterOutputIsReadWithAnEmptyGroupNextToADataset() {
        float[] values = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.intBitsToFloat(0x7fc00001)};
        byte[] bytes = new Hdf5Writer()
                .group("a/empty")
                .dataset("a/data", new int[] {2, 3}, values)
                .attribute("a/empty", "name", "ünïcode name")
                .attribute("", "name", "root")
                .toBytes();
        try (HdfFile h5 = HdfFile.fromBytes(bytes)) {
            assertEquals("root", h5.getAttribute("name").getData());
            Group a = (Group) h5.getChild("a");
            assertEquals(Set.of("empty", "data"), a.getChildren().keySet());
            Group empty = assertInstanceOf(Group.class, a.getChild("empty"));
            assertTrue(empty.getChildren().isEmpty());
            assertEquals("ünïcode name", empty.getAttribute("name").getData());
            Dataset data = (Dataset) a.getChild("data");
            assertArrayEquals(new int[] {2, 3}, data.getDimensions());
            float[] read = (float[]) data.getDataFlat();
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(read[i]), "value " + i);
            }
            assertNull(data.getAttribute("name"));
        }
    }

    @Test
    void hdf5WriterRefusesConflictingPaths() {
        Hdf5Writer h5 = new Hdf5Writer().dataset("a/b", new int[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> h5.group("a/b/c"));
        assertThrows(IllegalArgumentException.class, () -> h5.dataset("a/b", new int[] {1}, new float[] {2}));
        assertThrows(IllegalArgumentException.class, () -> h5.dataset("a//c", new int[] {1}, new float[] {2}));
        assertThrows(IllegalArgumentException.class, () -> h5.dataset("a/c", new int[] {2}, new float[] {2}));
    }

    /** The checksum of superblock and object headers, against jHDF's, which checks them on reading. */
    @Test
    void lookup3MatchesAReferenceImplementation() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 64; n++) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            assertEquals(JenkinsLookup3HashLittle.hash(bytes), Lookup3.hash(bytes, 0, n), "length " + n);
        }
    }

    /** Saves, loads, and compares weights (bits), predictions and configs. */
    private void assertRoundTrip(Sequential original) throws IOException {
        Path file = dir.resolve(original.name() + ".keras");
        KerasExport.save(original, file);
        Model loaded = KerasImport.load(file);
        assertEquals(ModelConfig.toJson(original), ModelConfig.toJson(loaded));
        List<Tensor> want = original.getWeights();
        List<Tensor> got = loaded.getWeights();
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i).shape(), got.get(i).shape(), "weight " + i);
            assertArrayEquals(bits(want.get(i)), bits(got.get(i)), "weight " + i);
        }
        Tensor x = random(new SplittableRandom(7), 5, original.inputShape());
        assertArrayEquals(bits(original.predict(x)), bits(loaded.predict(x)));
    }

    /** Every weight random (BatchNormalization's variances positive), so none is a default. */
    private static Sequential randomized(Sequential m) {
        SplittableRandom random = new SplittableRandom(42);
        for (Layer layer : m.layers()) {
            List<Tensor> weights = new ArrayList<>();
            for (Tensor w : layer.getWeights()) {
                Tensor r = random(random, 1, w.shape());
                weights.add(layer instanceof BatchNormalization ? Tensor.of(abs(r.data()), w.shape()) : r);
            }
            layer.setWeights(weights);
        }
        return m;
    }

    private static Tensor random(SplittableRandom random, int batch, int[] shape) {
        int[] full = new int[shape.length + (batch > 1 ? 1 : 0)];
        if (batch > 1) {
            full[0] = batch;
        }
        System.arraycopy(shape, 0, full, full.length - shape.length, shape.length);
        int n = 1;
        for (int d : full) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return Tensor.of(v, full);
    }

    private static float[] abs(float[] v) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(out[i]) + 0.1f;
        }
        return out;
    }

    private static int[] bits(Tensor t) {
        float[] v = t.data();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** Every group and dataset below the root, by path. */
    private static Map<String, Node> walk(Group group) {
        Map<String, Node> out = new TreeMap<>();
        for (Node child : group.getChildren().values()) {
            String path = child.getPath().substring(1);
            out.put(path, child);
            if (child instanceof Group g) {
                out.putAll(walk(g));
            }
        }
        return out;
    }

    private static Map<String, byte[]> unzip(Path file) throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                parts.put(e.getName(), zip.readAllBytes());
            }
        }
        return parts;
    }

    private static JsonObject json(byte[] bytes) {
        JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        return e.getAsJsonObject();
    }
}
