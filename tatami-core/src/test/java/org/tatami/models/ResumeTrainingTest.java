package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.io.Safetensors;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adagrad;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.AdamW;
import org.tatami.optimizers.Nadam;
import org.tatami.optimizers.Optimizer;
import org.tatami.optimizers.SGD;
import org.tatami.optimizers.schedules.CosineDecay;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * A {@code .tatami} file keeps the optimizer's state and the training's random streams: two epochs
 * straight and one epoch, save, load, one more epoch end with bit-identical weights, with shuffling
 * and dropout on.
 */
class ResumeTrainingTest {
    @TempDir
    Path dir;

    private static final Tensor X = images(48);
    private static final IntTensor Y = IntTensor.vector(labels(48));
    private static final FitOptions ONE_EPOCH = new FitOptions().batchSize(16).epochs(1).verbose(0);

    private static Tensor images(int n) {
        SplittableRandom r = new SplittableRandom(11);
        float[] v = new float[n * 8 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, n, 8, 8, 1);
    }

    private static int[] labels(int n) {
        int[] l = new int[n];
        Arrays.setAll(l, i -> i % 3);
        return l;
    }

    private static Sequential model(Optimizer optimizer) {
        Sequential m = new Sequential(new Conv2D(4, 3).activation("relu").inputShape(8, 8, 1),
                new BatchNormalization(), new Flatten(), new Dropout(0.3), new Dense(3).activation("softmax"));
        m.compile(optimizer, new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    private static List<float[]> weights(Model m) {
        List<float[]> out = new ArrayList<>();
        m.namedWeights().values().forEach(t -> out.add(t.data().clone()));
        return out;
    }

    @Test
    void saveLoadAndFitContinueBitIdentically() throws IOException {
        List<Supplier<Optimizer>> optimizers = List.of(
                () -> new Adam(new CosineDecay(0.01, 4, 0.1, 0.05, 2)).clipnorm(0.5),
                () -> new AdamW(0.01, 0.1).globalClipnorm(1),
                () -> new Nadam(0.01),
                () -> new Adagrad(0.05).clipvalue(0.1),
                () -> new SGD(0.05, 0.9, true));
        for (Supplier<Optimizer> optimizer : optimizers) {
            Tatami.setRandomSeed(3);
            Sequential straight = model(optimizer.get());
            straight.fit(X, Y, new FitOptions().batchSize(16).epochs(2).verbose(0));

            Tatami.setRandomSeed(3);
            Sequential first = model(optimizer.get());
            first.fit(X, Y, ONE_EPOCH);
            Path file = dir.resolve("checkpoint.tatami");
            first.save(file);
            Model resumed = Model.load(file);
            assertEquals(3, resumed.optimizer().iterations());
            resumed.fit(X, Y, ONE_EPOCH);

            String name = straight.optimizer().className();
            List<float[]> expected = weights(straight);
            List<float[]> actual = weights(resumed);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), name + " weight " + i);
            }
            assertEquals(straight.optimizer().learningRate(), resumed.optimizer().learningRate(), name);
        }
    }

    /** Without the state (a fresh optimizer on the saved weights) the second epoch ends elsewhere. */
    @Test
    void theStateMatters() throws IOException {
        Tatami.setRandomSeed(4);
        Sequential straight = model(new Adam(0.01));
        straight.fit(X, Y, new FitOptions().batchSize(16).epochs(2).shuffle(false).verbose(0));
        Tatami.setRandomSeed(4);
        Sequential first = model(new Adam(0.01));
        first.fit(X, Y, ONE_EPOCH);
        Path file = dir.resolve("fresh.tatami");
        first.save(file);
        Model fresh = Model.load(file);
        fresh.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        fresh.fit(X, Y, ONE_EPOCH);
        assertTrue(!Arrays.equals(weights(straight).get(0), weights(fresh).get(0)));
    }

    @Test
    void badOptimizerStateIsRefused() throws IOException {
        Tatami.setRandomSeed(5);
        Sequential m = model(new Adam(0.01));
        m.fit(X, Y, ONE_EPOCH);
        Path good = dir.resolve("good.tatami");
        m.save(good);
        Map<String, byte[]> parts = parts(good);
        var state = Safetensors.read(parts.get(ModelFile.OPTIMIZER), "state");
        String conv = m.layers().get(0).name();

        Map<String, Tensor> unknownSlot = new LinkedHashMap<>(state.tensors());
        unknownSlot.put(conv + "/kernel/accumulator", unknownSlot.remove(conv + "/kernel/momentum"));
        assertRefused(parts, unknownSlot, state.metadata(), "accumulator");

        Map<String, Tensor> missing = new LinkedHashMap<>(state.tensors());
        missing.remove(conv + "/bias/velocity");
        assertRefused(parts, missing, state.metadata(), "no velocity");

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(state.tensors());
        wrongShape.put(conv + "/bias/velocity", Tensor.zeros(5));
        assertRefused(parts, wrongShape, state.metadata(), "shape");

        Map<String, String> otherOptimizer = new LinkedHashMap<>(state.metadata());
        otherOptimizer.put("optimizer", "SGD");
        assertRefused(parts, state.tensors(), otherOptimizer, "SGD");

        Map<String, String> badCount = new LinkedHashMap<>(state.metadata());
        badCount.put("iterations", "-3");
        assertRefused(parts, state.tensors(), badCount, "iterations");
    }

    private void assertRefused(Map<String, byte[]> parts, Map<String, Tensor> tensors, Map<String, String> metadata,
                               String expected) throws IOException {
        Path file = dir.resolve("bad.tatami");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getKey().equals(ModelFile.OPTIMIZER) ? Safetensors.toBytes(tensors, metadata) : e.getValue());
                zip.closeEntry();
            }
        }
        IOException e = assertThrows(IOException.class, () -> Model.load(file));
        assertTrue(e.getMessage().startsWith("bad.tatami/" + ModelFile.OPTIMIZER) && e.getMessage().contains(expected),
                e.getMessage());
    }

    private static Map<String, byte[]> parts(Path file) throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                parts.put(e.getName(), zip.readAllBytes());
            }
        }
        return parts;
    }
}
