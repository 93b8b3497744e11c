package org.tatami.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tatami.Tatami;
import org.tatami.config.ModelConfigException;
import org.tatami.interop.keras.KerasExport;
import org.tatami.interop.keras.KerasImport;
import org.tatami.interop.onnx.OnnxExport;
import org.tatami.interop.onnx.OnnxImport;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.Model;
import org.tatami.models.ModelConfig;
import org.tatami.models.ModelFile;
import org.tatami.models.Sequential;
import org.tatami.tensor.Limits;

/**
 * Bit flips in every model file format tatami reads: safetensors weights, {@code .tatami}, Keras's
 * {@code .keras} zip and HDF5 weights ({@code .weights.h5} with the model's JSON), and ONNX. Each of
 * a few hundred copies of a small model's file, one random bit flipped, must either load or fail with
 * an exception of the readers' documented types (an {@link IOException}, such as the formats' own
 * FormatExceptions, or a {@link ModelConfigException}) whose message names the file. Anything else
 * fails the test: another exception type (NullPointerException, ArrayIndexOutOfBoundsException,
 * NegativeArraySizeException...), an Error such as OutOfMemoryError, or a case that takes more than
 * {@value #TIMEOUT_SECONDS} s (a hang).
 *
 * <p>It runs in a JVM of its own with a 256 MiB heap (the surefire execution {@code fuzz} in this
 * module's pom), so a reader that trusts a flipped size runs out of memory here rather than passing on a
 * large machine. {@code -Dtatami.fuzz.flips=N} sets the flips per format (default 300) for a longer run.
 */
class BitFlipFuzzTest {
    private static final int TIMEOUT_SECONDS = 10;
    private static final int FLIPS = Integer.getInteger("tatami.fuzz.flips", 300);

    @TempDir
    static Path dir;

    private static Model model;

    /** Reads one file of the format; the file is {@code dir/<name>}. */
    @FunctionalInterface
    private interface Reader {
        void read(Path file) throws Exception;
    }

    private record Format(String name, String fileName, Reader reader) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void writeTheOriginals() throws IOException {
        Tatami.clearSession();
        Tatami.setRandomSeed(7);
        model = new Sequential(new Conv2D(2, 3).activation("relu").inputShape(8, 8, 1), new MaxPool2D(2),
                new Flatten(), new Dense(3).activation("softmax"));
        Path originals = Files.createDirectories(dir.resolve("originals"));
        model.saveWeights(originals.resolve("w.safetensors"));
        ModelFile.save(model, originals.resolve("m.tatami"));
        KerasExport.save(model, originals.resolve("m.keras"));
        try (ZipFile keras = new ZipFile(originals.resolve("m.keras").toFile())) {
            Files.write(originals.resolve("w.weights.h5"),
                    keras.getInputStream(keras.getEntry("model.weights.h5")).readAllBytes());
        }
        Files.writeString(dir.resolve("m.json"), ModelConfig.toJson(model));
        OnnxExport.save(model, originals.resolve("m.onnx"));
    }

    static Stream<Format> formats() {
        return Stream.of(
                new Format("safetensors", "w.safetensors", file -> model.loadWeights(file)),
                new Format(".tatami", "m.tatami", ModelFile::load),
                new Format(".keras", "m.keras", KerasImport::load),
                new Format("HDF5 weights", "w.weights.h5", file -> KerasImport.load(dir.resolve("m.json"), file)),
                new Format("ONNX", "m.onnx", OnnxImport::load));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void everyFlippedBitLoadsOrFailsCleanly(Format format) throws Exception {
        byte[] original = Files.readAllBytes(dir.resolve("originals").resolve(format.fileName()));
        SplittableRandom random = new SplittableRandom(format.name().hashCode());
        Path file = dir.resolve(format.fileName());
        int loaded = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        ExecutorService runner = newRunner();
        try {
            for (int i = 0; i < FLIPS; i++) {
                byte[] flipped = original.clone();
                int bit = random.nextInt(flipped.length * 8);
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                Files.write(file, flipped);
                String where = "bit " + bit + " (byte " + bit / 8 + " of " + flipped.length + ")";
                Future<?> run = runner.submit(() -> {
                    format.reader().read(file);
                    return null;
                });
                try {
                    run.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    loaded++;
                } catch (TimeoutException hang) {
                    run.cancel(true);
                    runner.shutdownNow();
                    runner = newRunner();
                    failures.add(where + ": no answer within " + TIMEOUT_SECONDS + " s");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (documented(cause) && String.valueOf(cause.getMessage()).contains(format.fileName())) {
                        refused++;
                    } else {
                        failures.add(where + ": " + stackTrace(cause));
                    }
                }
            }
        } finally {
            runner.shutdownNow();
        }
        System.out.printf("bit-flip fuzz, %s (heap %s): %d flips, %d loaded, %d refused cleanly, %d failures%n",
                format.name(), Limits.bytes(Runtime.getRuntime().maxMemory()), FLIPS, loaded, refused, failures.size());
        assertTrue(failures.isEmpty(), failures.size() + " of " + FLIPS + " flipped " + format.name()
                + " files did not load or fail cleanly:\n" + String.join("\n", failures));
    }

    private static boolean documented(Throwable e) {
        return e instanceof IOException || e instanceof ModelConfigException;
    }

    private static ExecutorService newRunner() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    private static String stackTrace(Throwable e) {
        StringWriter s = new StringWriter();
        e.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}
