package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras's mnist_convnet as a command line: the built-in convnet and --validation-split. */
class ConvnetCommandTest {
    @TempDir
    Path tmp;

    @Test
    void convnetWithAValidationSplitScoresTheTestSetAtTheEnd() throws Exception {
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "--model", "convnet", "--learning-rate", "0.001", "--batch-size", "128",
                "--epochs", "1", "--validation-split", "0.1", "--train-limit", "3000", "--out", run.toString(),
                "--json");
        assertEquals(0, r.status(), r.toString());
        JsonObject metrics = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject settings = metrics.getAsJsonObject("settings");
        assertEquals("convnet (built-in)", settings.get("model").getAsString());
        assertEquals(2700, settings.get("train_samples").getAsInt());
        assertEquals(300, settings.get("validation_samples").getAsInt());
        assertEquals(0.1, settings.get("validation_split").getAsDouble());
        assertTrue(metrics.getAsJsonObject("final").has("val_accuracy"));
        double test = metrics.getAsJsonObject("test").get("accuracy").getAsDouble();
        assertTrue(test > 0.5, "one epoch on 2,700 digits: " + test);
        assertEquals(metrics, JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject());
        assertTrue(Files.readString(run.resolve("summary.txt")).contains("Total params: 34,826"));
    }

    @Test
    void validationSplitMustBeAFraction() {
        CliRun r = CliRun.of("train", "--validation-split", "1", "--out", tmp.resolve("run").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--validation-split must be between 0 and 1, got 1.0"), r.toString());
    }
}
