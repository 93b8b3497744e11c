package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.FitOptions;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Tensor;

class ModelFileTest {
    @TempDir
    Path dir;

    private static Sequential seedModel() {
        return new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
    }

    private static Tensor images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, n, 28, 28, 1);
    }

    @Test
    void saveAndLoadGiveTheSameModelAndBitIdenticalPredictions() throws IOException {
        Tatami.setRandomSeed(5);
        Sequential model = seedModel();
        model.compile(new Adam(0.01), new org.tatami.losses.SparseCategoricalCrossentropy(), "accuracy");
        int[] labels = new int[32];
        Arrays.setAll(labels, i -> i % 10);
        model.fit(images(32, 1), IntTensor.vector(labels), new FitOptions().batchSize(16).epochs(1).verbose(0));
        Path file = dir.resolve("seed.tatami");
        model.save(file);

        Model loaded = Model.load(file);
        Tensor x = images(4, 2);
        assertEquals(model.predict(x), loaded.predict(x));
        assertEquals(model.countParams(), loaded.countParams());
        assertEquals(model.layers().get(3).name(), loaded.layers().get(3).name());
        assertEquals("Adam", loaded.optimizer().className());
        assertEquals(0.01f, loaded.optimizer().learningRate());
        assertEquals("sparse_categorical_crossentropy", loaded.loss().name());
        assertEquals(model.metrics(), loaded.metrics());
        // A loaded model trains on.
        loaded.fit(images(16, 3), IntTensor.vector(Arrays.copyOf(labels, 16)),
                new FitOptions().batchSize(16).epochs(1).verbose(0));
    }

    /** A loss on logits keeps from_logits through a save (it came back on probabilities, 2.07 -> 7.16 on one model). */
    @Test
    void aLossOnLogitsStaysOnLogits() throws IOException {
        Tatami.setRandomSeed(6);
        Sequential model = new Sequential(new Flatten().inputShape(28, 28, 1), new Dense(10));
        model.compile(new Adam(0.01), new org.tatami.losses.SparseCategoricalCrossentropy(true), "accuracy");
        Path file = dir.resolve("logits.tatami");
        model.save(file);
        Model loaded = Model.load(file);
        assertTrue(loaded.loss().fromLogits());
        int[] labels = new int[8];
        Arrays.setAll(labels, i -> i % 10);
        Tensor x = images(8, 4);
        assertEquals(model.evaluate(x, IntTensor.vector(labels)), loaded.evaluate(x, IntTensor.vector(labels)));
    }

    private interface ZipBody {
        void write(ZipOutputStream zip) throws IOException;
    }

    private Path zip(String name, ZipBody body) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            body.write(zip);
        }
        return file;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static String messageOf(Path file) {
        Exception e = assertThrows(IOException.class, () -> ModelFile.load(file));
        return e.getMessage();
    }

    @Test
    void notAZipOrTruncatedIsRejected() throws IOException {
        Path text = dir.resolve("text.tatami");
        Files.writeString(text, "hello, this is not a model");
        assertTrue(messageOf(text).startsWith("text.tatami: not a tatami model file"), messageOf(text));

        Path good = dir.resolve("good.tatami");
        seedModel().save(good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.tatami");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        String m = messageOf(truncated);
        assertTrue(m.startsWith("truncated.tatami"), m);

        assertTrue(assertThrows(IOException.class, () -> ModelFile.load(dir.resolve("missing.tatami")))
                .getMessage().contains("missing.tatami"));
    }

    @Test
    void unexpectedAndTraversalEntriesAreRejected() throws IOException {
        Path evil = zip("evil.tatami", z -> entry(z, "../../etc/passwd", new byte[] {1}));
        assertTrue(messageOf(evil).contains("unexpected entry '../../etc/passwd'"), messageOf(evil));

        Path extra = zip("extra.tatami", z -> {
            entry(z, ModelFile.CONFIG, "{}".getBytes());
            z.putNextEntry(new ZipEntry("x"));
        });
        assertTrue(messageOf(extra).contains("unexpected entry 'x'"), messageOf(extra));

        Path missing = zip("partial.tatami", z -> entry(z, ModelFile.CONFIG, "{}".getBytes()));
        assertTrue(messageOf(missing).contains("it has no model.safetensors"), messageOf(missing));
    }

    @Test
    void aZipBombStopsAtTheCap() throws IOException {
        // 100 MiB of zeros compress to about 100 KiB; the reader must stop at its 16 MiB cap for JSON.
        Path bomb = zip("bomb.tatami", z -> {
            z.putNextEntry(new ZipEntry(ModelFile.METADATA));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        });
        assertTrue(Files.size(bomb) < 1 << 20);
        String m = messageOf(bomb);
        assertTrue(m.contains("metadata.json: larger than the limit of " + Limits.maxJsonBytes()), m);
    }

    @Test
    void corruptedPartsNameThePart() throws IOException {
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        weights.write(new byte[] {9, 0, 0, 0, 0, 0, 0, 0});
        Path badWeights = zip("badweights.tatami", z -> {
            entry(z, ModelFile.METADATA, "{\"format_version\": 1}".getBytes());
            entry(z, ModelFile.CONFIG, ModelConfig.toJson(seedModel()).getBytes());
            entry(z, ModelFile.WEIGHTS, weights.toByteArray());
        });
        assertTrue(messageOf(badWeights).startsWith("badweights.tatami/model.safetensors"), messageOf(badWeights));

        Path future = zip("future.tatami", z -> {
            entry(z, ModelFile.METADATA, "{\"format_version\": 99}".getBytes());
            entry(z, ModelFile.CONFIG, "{}".getBytes());
            entry(z, ModelFile.WEIGHTS, new byte[0]);
        });
        assertTrue(messageOf(future).contains("format_version 99 is not supported"), messageOf(future));

        for (String version : new String[] {"\"abc\"", "1.5", "0", "[1]"}) {
            Path odd = zip("odd.tatami", z -> {
                entry(z, ModelFile.METADATA, ("{\"format_version\": " + version + "}").getBytes());
                entry(z, ModelFile.CONFIG, "{}".getBytes());
                entry(z, ModelFile.WEIGHTS, new byte[0]);
            });
            assertEquals("odd.tatami/metadata.json: format_version must be a whole number such as 1, got " + version,
                    messageOf(odd));
        }

        Path badJson = zip("badjson.tatami", z -> {
            entry(z, ModelFile.METADATA, "{not json".getBytes());
            entry(z, ModelFile.CONFIG, "{}".getBytes());
            entry(z, ModelFile.WEIGHTS, new byte[0]);
        });
        assertTrue(messageOf(badJson).startsWith("badjson.tatami/metadata.json: not valid JSON"), messageOf(badJson));
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensorAndTheCount() throws IOException {
        Sequential model = seedModel();
        String kernel = model.layers().get(3).name() + "/kernel";
        String bias = model.layers().get(4).name() + "/bias";
        model.namedWeights().get(kernel).data()[7] = Float.NaN;
        model.namedWeights().get(kernel).data()[8] = Float.NEGATIVE_INFINITY;
        model.namedWeights().get(bias).data()[0] = Float.POSITIVE_INFINITY;
        String expected = "tensor '" + kernel + "' holds 2 non-finite value(s) (NaN or infinite) of 50,700, and 1"
                + " other tensor(s) hold some too";

        Path file = dir.resolve("nan.tatami");
        model.save(file);
        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class, () -> Model.load(file));
        assertTrue(e.getMessage().startsWith("nan.tatami/model.safetensors: " + expected), e.getMessage());

        Path weights = dir.resolve("nan.safetensors");
        model.saveWeights(weights);
        Sequential fresh = seedModel();
        float[] before = fresh.namedWeights().get(fresh.layers().get(3).name() + "/kernel").data().clone();
        e = assertThrows(NonFiniteWeightsException.class, () -> fresh.loadWeights(weights));
        assertTrue(e.getMessage().startsWith("nan.safetensors: tensor '"), e.getMessage());
        assertTrue(Arrays.equals(before, fresh.namedWeights().get(fresh.layers().get(3).name() + "/kernel").data()),
                "nothing is changed");
    }
}
