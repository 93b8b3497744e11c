package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.io.Safetensors;
import org.tatami.io.SafetensorsFormatException;
import org.tatami.layers.Dense;
import org.tatami.tensor.Tensor;

class SaveLoadTest {
    @TempDir
    Path dir;

    private static Tensor randomImages(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] v = new float[n * 28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, n, 28, 28, 1);
    }

    @Test
    void savedWeightsReloadIntoAFreshModelWithIdenticalPredictions() throws Exception {
        Tatami.setRandomSeed(3);
        Sequential model = SeedModel.create();
        Path file = dir.resolve("w.safetensors");
        model.saveWeights(file);
        // A fresh model built in the same session gets other names (conv2d_1, ...) and other weights.
        Sequential fresh = SeedModel.create();
        Tensor x = randomImages(5);
        assertNotEquals(model.predict(x), fresh.predict(x));
        fresh.loadWeights(file);
        assertEquals(model.predict(x), fresh.predict(x), "bit-identical outputs after reload");
        assertEquals(
                Safetensors.read(file).tensors().keySet(),
                model.namedWeights().keySet(), "tensor names are layer/kernel, layer/bias");
    }

    @Test
    void truncatedAndCorruptedFilesAreRejected() throws Exception {
        Sequential model = SeedModel.create();
        Path file = dir.resolve("w.safetensors");
        model.saveWeights(file);
        byte[] bytes = Files.readAllBytes(file);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Exception e = assertThrows(SafetensorsFormatException.class, () -> model.loadWeights(truncated));
        assertTrue(e.getMessage().contains("truncated.safetensors"), e.getMessage());

        Path corrupted = dir.resolve("corrupted.safetensors");
        byte[] bad = bytes.clone();
        bad[12] = '#';
        Files.write(corrupted, bad);
        e = assertThrows(SafetensorsFormatException.class, () -> model.loadWeights(corrupted));
        assertTrue(e.getMessage().contains("corrupted.safetensors"), e.getMessage());
    }

    @Test
    void mismatchedWeightsNameTheTensorAndShapes() throws Exception {
        Sequential model = SeedModel.create();
        Sequential other = new Sequential(new Dense(100).activation("relu").inputShape(507), new Dense(10));
        Path file = dir.resolve("other.safetensors");
        other.saveWeights(file);
        float before = model.getWeights().get(0).data()[0];
        Exception e = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(file));
        assertTrue(e.getMessage().startsWith("other.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
        assertEquals(before, model.getWeights().get(0).data()[0], "nothing changed");

        // Same names, one shape different.
        Map<String, Tensor> named = new java.util.LinkedHashMap<>(model.namedWeights());
        String kernel = named.keySet().stream().filter(k -> k.endsWith("/kernel")).reduce((a, b) -> b).orElseThrow();
        named.put(kernel, Tensor.zeros(100, 9));
        Path wrongShape = dir.resolve("shape.safetensors");
        Safetensors.write(wrongShape, named, Map.of());
        e = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(wrongShape));
        assertTrue(e.getMessage().contains("'" + kernel + "' has shape (100, 9)") && e.getMessage().contains("(100, 10)"),
                e.getMessage());
    }
}
