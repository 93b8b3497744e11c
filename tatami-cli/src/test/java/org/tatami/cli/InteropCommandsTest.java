package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras and ONNX files through the commands: import, export, evaluate and predict with input scaling. */
class InteropCommandsTest {
    @TempDir
    Path tmp;

    /** The shared folder of other people's model files, beside the repository; null when absent. */
    private static Path shared() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/interop");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path sharedFile(String relative) {
        Path dir = shared();
        assumeTrue(dir != null, "shared/interop is not beside the repository: the tests on other people's files are skipped");
        return dir.resolve(relative);
    }

    private static JsonObject json(CliRun r) {
        assertEquals(0, r.status(), r.toString());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void kerasAndOnnxFilesEvaluateDirectly() {
        Path keras = sharedFile("keras/Moonflower2022__MNIST-models__mnist_model.keras");
        assertEquals(0.9918, json(CliRun.of("evaluate", "--model", keras.toString(), "--json")).get("accuracy").getAsDouble(),
                0.0005);
        Path onnx = sharedFile("onnx/mnist-8/model.onnx");
        assertEquals(0.9890, json(CliRun.of("evaluate", "--model", onnx.toString(), "--json")).get("accuracy").getAsDouble(),
                0.0005);
    }

    @Test
    void importThenExportToOnnxAndKerasKeepsTheAccuracy() {
        Path h5 = sharedFile("keras/KiLJ4EdeN__Streamlit_Minimal_ML__mnist.h5");
        Path tatami = tmp.resolve("imported.tatami");
        assertEquals(0, CliRun.of("import", h5.toString(), "--out", tatami.toString()).status());
        double imported = json(CliRun.of("evaluate", "--model", tatami.toString(), "--json")).get("accuracy").getAsDouble();
        assertEquals(0.9903, imported, 0.0005);
        Path onnx = tmp.resolve("exported.onnx");
        assertEquals(0, CliRun.of("export", "--model", tatami.toString(), "--format", "onnx", "--out", onnx.toString())
                .status());
        assertEquals(imported, json(CliRun.of("evaluate", "--model", onnx.toString(), "--json")).get("accuracy")
                .getAsDouble(), 1e-12);
        Path keras = tmp.resolve("exported.keras");
        assertEquals(0, CliRun.of("export", "--model", tatami.toString(), "--format", "keras", "--out", keras.toString())
                .status());
        assertEquals(imported, json(CliRun.of("evaluate", "--model", keras.toString(), "--json")).get("accuracy")
                .getAsDouble(), 1e-12);
    }

    @Test
    void predictOnALogitsModelGivesProbabilities() {
        Path onnx = sharedFile("onnx/mnist-8/model.onnx");
        JsonObject o = json(CliRun.of("predict", "--model", onnx.toString(), "--json", "--top", "10",
                "../examples/digits/digit_3_240x200.png"));
        double sum = 0;
        for (var p : o.getAsJsonArray("predictions")) {
            sum += p.getAsJsonObject().get("probability").getAsDouble();
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(3, o.getAsJsonArray("predictions").get(0).getAsJsonObject().get("class").getAsInt());
    }

    @Test
    void rescaleChangesTheInputAndRejectsNonsense() {
        Path keras = sharedFile("keras/Moonflower2022__MNIST-models__mnist_model.keras");
        // Inverted pixels (1 - pixel/255): a model trained on white digits on black mostly fails.
        double inverted = json(CliRun.of("evaluate", "--model", keras.toString(), "--json", "--rescale", "-1/255",
                "--offset", "1")).get("accuracy").getAsDouble();
        assertTrue(inverted < 0.7, "accuracy on inverted pixels: " + inverted);
        // The default spelled out gives the default's figure exactly.
        assertEquals(0.9918, json(CliRun.of("evaluate", "--model", keras.toString(), "--json", "--rescale", "0.00392156862745098"))
                .get("accuracy").getAsDouble(), 0.0005);
        CliRun bad = CliRun.of("evaluate", "--model", keras.toString(), "--rescale", "half");
        assertEquals(2, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--rescale must be a number within float32's range (up to 3.4e38) or a fraction"
                + " like 1/127.5, got 'half'"), bad.toString());
        CliRun huge = CliRun.of("evaluate", "--model", keras.toString(), "--rescale", "1e39");
        assertEquals(2, huge.status(), huge.toString());
        assertTrue(huge.err().contains("got '1e39'"), huge.toString());
    }

    @Test
    void imagesAreFedInTheModelsOwnInputShape() throws Exception {
        // A dense-only model on flat (784) inputs: the (28, 28, 1) images are reshaped for it.
        org.tatami.models.Sequential flat = new org.tatami.models.Sequential(
                new org.tatami.layers.Dense(10).activation("softmax").inputShape(784));
        Path model = tmp.resolve("flat.tatami");
        flat.save(model);
        JsonObject o = json(CliRun.of("evaluate", "--model", model.toString(), "--json"));
        assertEquals(10000, o.get("samples").getAsInt());
        // Channels first with one channel, (1, 28, 28), has the same layout.
        CliRun nchw = CliRun.of("predict", "--model", channelsFirstModel(), "--top", "1",
                "../examples/digits/digit_1_90x120.png");
        assertEquals(0, nchw.status(), nchw.toString());

        org.tatami.models.Sequential big = new org.tatami.models.Sequential(
                new org.tatami.layers.Dense(10).inputShape(1000));
        Path bigModel = tmp.resolve("big.tatami");
        big.save(bigModel);
        CliRun r = CliRun.of("evaluate", "--model", bigModel.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("takes input (None, 1000); the images are (None, 28, 28, 1)"), r.toString());
    }

    private String channelsFirstModel() throws Exception {
        Path model = tmp.resolve("nchw.tatami");
        new org.tatami.models.Sequential(new org.tatami.layers.Flatten().inputShape(1, 28, 28),
                new org.tatami.layers.Dense(10).activation("softmax")).save(model);
        return model.toString();
    }

    @Test
    void exportNeedsTheRightEnding() {
        CliRun r = CliRun.of("export", "--model", "x.tatami", "--format", "onnx", "--out", tmp.resolve("m.txt").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out must name a .onnx file"), r.toString());
    }
}
