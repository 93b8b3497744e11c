package org.tatami.interop.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.config.ModelConfigException;
import org.tatami.models.Model;
import org.tatami.models.NonFiniteWeightsException;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

/** Other ways in (JSON + weights) and bad input: every failure names the file and what is wrong. */
class KerasHostileFilesTest {
    private static final String H5_3A = "Moonflower2022__MNIST-models__mnist_model.h5";
    private static final String KERAS_3B = "Moonflower2022__MNIST-models__mnist_model.keras";
    private static final String H5_4A = "Jhas876622__mnist-digit-recognition__mnist_cnn.h5";
    private static final String KERAS_4B = "Jhas876622__mnist-digit-recognition__mnist_cnn.keras";

    @TempDir
    Path dir;

    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                parts.put(e.getName(), in.readAllBytes());
            }
        }
        return parts;
    }

    private Path zip(String name, Map<String, byte[]> parts) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return p;
    }

    private static <T extends Exception> T fails(Class<T> type, Path file, String... fragments) {
        T e = assertThrows(type, () -> KerasImport.load(file));
        assertMentions(e, fragments);
        return e;
    }

    private static void assertMentions(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + f + "' not in: " + e.getMessage());
        }
    }

    /** to_json() text with Keras 3's .weights.h5, or with a legacy .h5 as the weights: the same model. */
    @Test
    void loadsJsonWithKeras3OrLegacyWeights() throws IOException {
        Map<String, byte[]> parts = unzip(KerasFiles.file(KERAS_4B));
        Path json = Files.write(dir.resolve("model.json"), parts.get(KerasImport.CONFIG));
        Path weights = Files.write(dir.resolve("model.weights.h5"), parts.get(KerasImport.WEIGHTS));
        Tensor x = KerasFiles.testImages().slice(0, 200);
        Tensor expected = KerasImport.load(KerasFiles.file(KERAS_4B)).predict(x);
        assertArrayEquals(expected.data(), KerasImport.load(json, weights).predict(x).data());
        assertArrayEquals(expected.data(), KerasImport.load(json, KerasFiles.file(H5_4A)).predict(x).data());
    }

    @Test
    void rejectsNonFiniteWeightsNamingTheTensor() throws IOException {
        Model model = KerasImport.load(KerasFiles.file(KERAS_4B));
        String kernel = model.layers().get(0).name() + "/kernel";
        model.namedWeights().get(kernel).data()[3] = Float.NaN;
        Path file = dir.resolve("nan.keras");
        KerasExport.save(model, file);
        fails(NonFiniteWeightsException.class, file, "nan.keras", "tensor '" + kernel + "' holds 1 non-finite value(s)");
    }

    @Test
    void rejectsAWeightsOnlyFileAsAModel() throws IOException {
        Path weights = Files.write(dir.resolve("w.weights.h5"), unzip(KerasFiles.file(KERAS_4B)).get(KerasImport.WEIGHTS));
        fails(KerasFormatException.class, weights, "w.weights.h5", "no model_config", "load(json, weights)");
    }

    @Test
    void rejectsTruncatedAndCorruptedHdf5() throws IOException {
        byte[] bytes = Files.readAllBytes(KerasFiles.file(H5_3A));
        Path truncated = Files.write(dir.resolve("truncated.h5"), Arrays.copyOf(bytes, bytes.length / 3));
        assertMentions(assertThrows(IOException.class, () -> KerasImport.load(truncated)), "truncated.h5");
        byte[] noSignature = bytes.clone();
        Arrays.fill(noSignature, 0, 8, (byte) 0);
        fails(KerasFormatException.class, Files.write(dir.resolve("garbage.h5"), noSignature), "garbage.h5",
                "corrupt or truncated HDF5");
        Path empty = Files.write(dir.resolve("empty.keras"), new byte[0]);
        fails(KerasFormatException.class, empty, "empty.keras");
    }

    @Test
    void rejectsZipEntriesOutsideKerasLayout() throws IOException {
        Map<String, byte[]> parts = unzip(KerasFiles.file(KERAS_3B));
        parts.put("../../evil.sh", "echo".getBytes(StandardCharsets.UTF_8));
        fails(KerasFormatException.class, zip("traversal.keras", parts), "traversal.keras",
                "unexpected entry '../../evil.sh'");
        Map<String, byte[]> noWeights = unzip(KerasFiles.file(KERAS_3B));
        noWeights.remove(KerasImport.WEIGHTS);
        fails(KerasFormatException.class, zip("noweights.keras", noWeights), "noweights.keras", "model.weights.h5");
    }

    /** A zip whose weights file is not HDF5 at all. */
    @Test
    void rejectsGarbageWeightsInsideAZip() throws IOException {
        Map<String, byte[]> parts = unzip(KerasFiles.file(KERAS_3B));
        parts.put(KerasImport.WEIGHTS, "not hdf5".getBytes(StandardCharsets.UTF_8));
        fails(KerasFormatException.class, zip("junk.keras", parts), "junk.keras/model.weights.h5");
    }

    @Test
    void namesAnUnsupportedLayerClass() throws IOException {
        Map<String, byte[]> parts = unzip(KerasFiles.file(KERAS_3B));
        String config = new String(parts.get(KerasImport.CONFIG), StandardCharsets.UTF_8);
        parts.put(KerasImport.CONFIG, config.replace("\"class_name\": \"Dropout\"", "\"class_name\": \"AlphaDropout\"")
                .getBytes(StandardCharsets.UTF_8));
        fails(ModelConfigException.class, zip("lstm.keras", parts), "lstm.keras/config.json", "'dropout'",
                "AlphaDropout", "class_name");
    }

    /**
     * The dense kernel's declared shape (1600, 10) patched to (2^40, 10) in the file's dataspace: the
     * shape is compared with the model's before any data is read, so nothing huge is allocated.
     */
    @Test
    void rejectsAHugeDeclaredShapeBeforeReadingIt() throws IOException {
        Map<String, byte[]> parts = unzip(KerasFiles.file(KERAS_3B));
        byte[] h5 = parts.get(KerasImport.WEIGHTS);
        byte[] from = longs(1600, 10);
        byte[] to = longs(1L << 40, 10);
        int patched = 0;
        for (int i = 0; i + from.length <= h5.length; i++) {
            if (Arrays.equals(h5, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, h5, i, to.length);
                patched++;
            }
        }
        assertTrue(patched > 0, "the dense kernel's dataspace was found");
        fails(KerasFormatException.class, zip("huge.keras", parts), "huge.keras/model.weights.h5/layers/dense/vars/0",
                "1099511627776", "(1600, 10)");
    }

    /** Weights written as float64, and with a wrong shape, for a one-layer model from JSON. */
    @Test
    void rejectsWrongDtypesAndShapes() throws IOException {
        Path json = Files.writeString(dir.resolve("dense.json"), """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "name": "in"}},
                  {"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}
                """);
        Path doubles = weights("doubles.weights.h5", new double[][] {{1, 2}, {3, 4}, {5, 6}}, new float[] {0, 0});
        KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasImport.load(json, doubles));
        assertMentions(e, "doubles.weights.h5/layers/dense/vars/0", "dtype double", "float32");
        Path wrong = weights("shape.weights.h5", new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[] {0, 0});
        e = assertThrows(KerasFormatException.class, () -> KerasImport.load(json, wrong));
        assertMentions(e, "shape.weights.h5/layers/dense/vars/0", "shape (2, 3)", "expects (3, 2)");
        Path good = weights("good.weights.h5", new float[][] {{1, 2}, {3, 4}, {5, 6}}, new float[] {0.5f, 0});
        Model m = KerasImport.load(json, good);
        assertArrayEquals(new float[] {1 + 3 + 5 + 0.5f, 2 + 4 + 6}, m.predict(Tensor.of(new float[] {1, 1, 1}, 1, 3))
                .data());
    }

    private Path weights(String name, Object kernel, Object bias) {
        Path p = dir.resolve(name);
        try (WritableHdfFile f = HdfFile.write(p)) {
            WritableGroup vars = f.putGroup("layers").putGroup("dense").putGroup("vars");
            vars.putDataset("0", kernel);
            vars.putDataset("1", bias);
        }
        return p;
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }
}
