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
import org.tatami.data.FashionMnist;

/** {@code --dataset fashion-mnist}: Debian's package, or a folder; a clear line when it is missing. */
class FashionMnistCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void trainAndEvaluateOnFashionMnist() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_FOLDER), "Debian's dataset-fashion-mnist is not installed");
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "--dataset", "fashion-mnist", "--epochs", "2", "--train-limit", "20000",
                "--batch-size", "256", "--out", run.toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        JsonObject metrics = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("Fashion-MNIST (Debian's package)", metrics.getAsJsonObject("settings").get("data").getAsString());
        // Clothes are harder than digits: above chance by far, below what the seed model reaches on MNIST.
        double accuracy = metrics.getAsJsonObject("final").get("val_accuracy").getAsDouble();
        assertTrue(accuracy > 0.7 && accuracy < 0.95, r.out());

        CliRun e = CliRun.of("evaluate", "--model", run.resolve("model.tatami").toString(), "--dataset",
                "fashion-mnist", "--json");
        assertEquals(0, e.status(), e.toString());
        assertEquals(accuracy, JsonParser.parseString(e.out()).getAsJsonObject().get("accuracy").getAsDouble(), 1e-9);
    }

    @Test
    void missingFolderIsOneLine() {
        Path absent = tmp.resolve("absent");
        CliRun r = CliRun.of("train", "--dataset", "fashion-mnist", "--data", absent.toString(), "--out",
                tmp.resolve("run").toString());
        assertEquals(1, r.status(), r.toString());
        assertEquals("tatami train: " + absent + ": no such folder (expected Fashion-MNIST's four IDX files there)",
                r.err().strip());
    }

    /** Where the package is missing the line says how to install it (the message is tested in core). */
    @Test
    void missingPackageSaysWhatToInstallOrGive() {
        assumeTrue(!Files.exists(FashionMnist.DEBIAN_FOLDER), "Debian's dataset-fashion-mnist is installed");
        CliRun r = CliRun.of("train", "--dataset", "fashion-mnist", "--out", tmp.resolve("run").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("apt-get install dataset-fashion-mnist', or give the folder that holds its four"
                + " IDX files with --data DIR"), r.toString());
    }

    @Test
    void unknownDataSetIsAUsageError() {
        CliRun r = CliRun.of("train", "--dataset", "cifar10", "--out", tmp.resolve("run").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--dataset': expected one of mnist, fashion-mnist, got"
                + " 'cifar10'"), r.toString());
        assertTrue(Files.notExists(tmp.resolve("run")), "no run folder for a command line that cannot run");
    }
}
