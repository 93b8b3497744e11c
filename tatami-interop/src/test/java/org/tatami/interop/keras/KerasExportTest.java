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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tatami.constraints.MaxNorm;
import org.tatami.initializers.Orthogonal;
import org.tatami.layers.Add;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.CenterCrop;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.Normalization;
import org.tatami.layers.RandomContrast;
import org.tatami.layers.RandomCrop;
import org.tatami.layers.RandomFlip;
import org.tatami.layers.RandomRotation;
import org.tatami.layers.RandomTranslation;
import org.tatami.layers.RandomZoom;
import org.tatami.layers.ReLU;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Resizing;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.models.ModelConfig;
import org.tatami.models.ModelZoo;
import org.tatami.models.Sequential;
import org.tatami.regularizers.L2;
import org.tatami.tensor.Tensor;

/**
 * Keras 3 {@code .keras} export: tatami to .keras to tatami is exact, and the written files have the
 * structure of a real Keras 3.11 file (4b of the shared folder, see its MANIFEST.md).
 */
class KerasExportTest {
    private static final String REAL = "Jhas876622__mnist-digit-recognition__mnist_cnn.keras";
    /** A real Keras 3.11 Functional model: residual blocks, Add, ReLU (file 6 of the shared folder). */
    private static final String RESNET = "ibukye__Number_recognition_ResNet__resnet_mnist.keras";

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

    /** A residual block with a 1x1 projection shortcut, merged by Add, then global pooling and a classifier. */
    @Test
    void aResidualModelRoundTripsExactly() throws IOException {
        SymbolicTensor in = Input.of(10, 10, 2);
        SymbolicTensor y = new Conv2D(4, 3).padding("same").activation("relu").apply(in);
        y = new BatchNormalization().apply(y);
        y = new Conv2D(4, 3).padding("same").apply(y);
        y = new BatchNormalization().apply(y);
        SymbolicTensor shortcut = new Conv2D(4, 1).apply(in);
        SymbolicTensor x = new ReLU().apply(new Add().apply(y, shortcut));
        SymbolicTensor out = new Dense(3).activation("softmax").apply(new GlobalAveragePooling2D().apply(x));
        assertRoundTrip(randomized(new Model("residual", List.of(in), List.of(out))), 10, 10, 2);
    }

    @Test
    void aTwoInputModelRoundTripsExactly() throws IOException {
        SymbolicTensor image = Input.of("image", 8, 8, 1);
        SymbolicTensor extra = Input.of("extra", 4);
        SymbolicTensor features = new Flatten().apply(new Conv2D(2, 3).activation("relu").apply(image));
        SymbolicTensor out = new Dense(3).activation("softmax").apply(new Concatenate().apply(features, extra));
        assertRoundTrip(randomized(new Model("two_inputs", List.of(image, extra), List.of(out))), 8, 8, 1);
    }

    /** A nested model's weights go to its own group, layers/functional/layers/..., as Keras writes them. */
    @Test
    void aNestedModelRoundTripsExactly() throws IOException {
        SymbolicTensor innerIn = Input.of(6, 6, 3);
        Model inner = new Model("block", List.of(innerIn),
                List.of(new BatchNormalization().apply(new Conv2D(3, 3).apply(innerIn))));
        SymbolicTensor in = Input.of(6, 6, 3);
        SymbolicTensor out = new Dense(2).apply(new Flatten().apply(inner.apply(in)));
        Model model = randomized(new Model("outer", List.of(in), List.of(out)));
        assertRoundTrip(model, 6, 6, 3);
        try (HdfFile h5 = HdfFile.fromBytes(KerasExport.weights(model))) {
            Set<String> paths = walk(h5).keySet();
            assertTrue(paths.contains("layers/functional/layers/conv2d/vars/0"), paths.toString());
            assertTrue(paths.contains("layers/functional/layers/batch_normalization/vars/3"), paths.toString());
        }
    }

    /**
     * Preprocessing and augmentation layers, an adapted Normalization (whose count Keras keeps as
     * int64), and Dense layers with new initializers, regularizers and constraints.
     */
    @Test
    void preprocessingLayersRoundTripExactly() throws IOException {
        Normalization norm = new Normalization();
        Sequential m = new Sequential("preprocessing",
                new Rescaling(1 / 255.0).inputShape(12, 10, 3),
                new Resizing(8, 8).cropToAspectRatio(true),
                norm,
                new RandomFlip("horizontal").seed(3),
                new RandomRotation(0.1).fillMode("constant"),
                new RandomZoom(0.2, 0.1),
                new RandomTranslation(0.1, 0.1),
                new RandomContrast(0.2).valueRange(0, 1),
                new RandomCrop(6, 6),
                new CenterCrop(5, 4),
                new Flatten(),
                new Dense(4).kernelInitializer("he_uniform").kernelRegularizer(new L2(0.001))
                        .kernelConstraint(new MaxNorm(3)),
                new Dense(3).kernelInitializer(new Orthogonal()).biasRegularizer("l1").activation("softmax"));
        randomized(m.layers().get(11));
        randomized(m.layers().get(12));
        norm.adapt(random(new SplittableRandom(8), 20, new int[] {8, 8, 3}));
        assertRoundTrip(m);
        try (HdfFile h5 = HdfFile.fromBytes(KerasExport.weights(m))) {
            Dataset count = (Dataset) h5.getByPath("layers/normalization/vars/2");
            assertEquals(Long.class, count.getJavaType());
            assertEquals(0, count.getDimensions().length);
        }
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
    @ParameterizedTest
    @ValueSource(strings = {REAL, RESNET})
    void configHasTheKeysOfARealKerasFile(String name) throws IOException {
        Path real = KerasFiles.file(name);
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
    @ParameterizedTest
    @CsvSource({REAL + ", 8", RESNET + ", 32"})
    void weightsFileMatchesARealKerasFile(String name, int expectedDatasets) throws IOException {
        Path real = KerasFiles.file(name);
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
            assertEquals(expectedDatasets, datasets);
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
        assertRoundTrip(original, original.inputShape());
    }

    /**
     * {@link #assertRoundTrip(Sequential)} for any model; {@code firstInput} is the shape of its first
     * input, the others are vectors found from the model.
     */
    private void assertRoundTrip(Model original, int... firstInput) throws IOException {
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
        SplittableRandom random = new SplittableRandom(7);
        List<Tensor> x = new ArrayList<>();
        for (int[] shape : original.inputShapes()) {
            x.add(random(random, 5, shape));
        }
        assertArrayEquals(firstInput, original.inputShapes()[0]);
        List<Tensor> expected = original.predict(x);
        List<Tensor> actual = loaded.predict(x);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(bits(expected.get(i)), bits(actual.get(i)), "output " + i);
        }
    }

    /** Every weight random (BatchNormalization's variances positive), so none is a default. */
    private static <M extends Model> M randomized(M m) {
        m.leafLayers().forEach(KerasExportTest::randomized);
        return m;
    }

    private static void randomized(Layer layer) {
        SplittableRandom random = new SplittableRandom(42);
        List<Tensor> weights = new ArrayList<>();
        for (Tensor w : layer.getWeights()) {
            Tensor r = random(random, 1, w.shape());
            weights.add(layer instanceof BatchNormalization ? Tensor.of(abs(r.data()), w.shape()) : r);
        }
        layer.setWeights(weights);
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
