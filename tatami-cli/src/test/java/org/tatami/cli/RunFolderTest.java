package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder of {@code tatami train}: checked before training, never shared, never silently replaced. */
class RunFolderTest {
    @TempDir
    Path tmp;

    private static CliRun train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train-limit", "200", "--batch-size", "100",
                "--epochs", "1", "--out", out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertRefusedBeforeTraining(CliRun r, int status, String message) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(message, r.err().strip(), r.toString());
        assertFalse(r.out().contains("Epoch"), "trained before refusing: " + r);
    }

    @Test
    void aFileOrAnUncreatableFolderIsRefusedBeforeTheFirstEpoch() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        assertRefusedBeforeTraining(train(file), 2, "tatami train: --out " + file + ": is a file, not a folder");
        CliRun r = train(file.resolve("run"));
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().startsWith("tatami train: --out " + file.resolve("run") + ": cannot create the folder ("),
                r.toString());
        assertFalse(r.out().contains("Epoch"), r.toString());
    }

    @Test
    void aFolderHoldingFilesIsReplacedOnlyWithOverwrite() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run).status());
        byte[] model = Files.readAllBytes(run.resolve(RunFolder.MODEL));
        assertRefusedBeforeTraining(train(run, "--seed", "1"), 2, "tatami train: --out " + run
                + ": already holds files (accuracy.png, confusion_matrix.png, feature_maps, history.csv, ...);"
                + " add --overwrite to replace them, or choose another --out");
        assertTrue(Arrays.equals(model, Files.readAllBytes(run.resolve(RunFolder.MODEL))));

        CliRun r = train(run, "--seed", "1", "--overwrite");
        assertEquals(0, r.status(), r.toString());
        assertFalse(Arrays.equals(model, Files.readAllBytes(run.resolve(RunFolder.MODEL))));
    }

    @Test
    void aFolderInUseByAnotherRunIsRefused() throws IOException {
        Path run = tmp.resolve("busy");
        try (RunFolder other = RunFolder.claim(run, false)) {
            assertRefusedBeforeTraining(train(run), 2, "tatami train: --out " + run + ": is in use by another tatami"
                    + " train (process " + ProcessHandle.current().pid() + "); wait for it to finish or choose another"
                    + " --out");
        }
        assertEquals(0, train(run).status(), "free again once the other run is done");
    }

    @Test
    void aLossThatBecomesNaNStopsTheRunAndKeepsWhatFinished() throws IOException {
        // One batch per epoch: epoch 1 finishes on finite weights, the next batch's loss is NaN.
        Path run = tmp.resolve("diverged");
        CliRun r = CliRun.of("train", "--train-limit", "100", "--batch-size", "100", "--epochs", "5",
                "--learning-rate", "1e30", "--out", run.toString(), "--json");
        assertEquals(1, r.status(), r.toString());
        assertEquals("tatami train: stopped at epoch 2, batch 1 of 1: invalid loss NaN; " + run + " holds epochs 1-2"
                + " and the weights of epoch 1, the last finite ones; try a smaller --learning-rate", r.err().strip());
        JsonObject metrics = JsonParser.parseString(Files.readString(run.resolve(RunFolder.METRICS))).getAsJsonObject();
        assertEquals(JsonParser.parseString(r.out()), metrics, "the printed JSON is metrics.json");
        assertTrue(metrics.getAsJsonObject("final").get("loss").isJsonNull(), metrics.toString());
        JsonObject stopped = metrics.getAsJsonObject("stopped");
        assertEquals("stopped at epoch 2, batch 1 of 1: invalid loss NaN", stopped.get("reason").getAsString());
        assertEquals(2, stopped.get("epochs").getAsInt());
        assertEquals(1, stopped.get("weights_epoch").getAsInt());
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
        assertEquals(3, Files.readAllLines(run.resolve(RunFolder.HISTORY)).size());
    }

    @Test
    void aLossThatIsNaNBeforeAnyEpochFinishesLeavesNoFolder() {
        Path run = tmp.resolve("nothing");
        CliRun r = CliRun.of("train", "--train-limit", "200", "--batch-size", "50", "--epochs", "2",
                "--learning-rate", "1e30", "--out", run.toString(), "--quiet");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().strip().matches("tatami train: stopped at epoch 1, batch [2-4] of 4: invalid loss NaN,"
                + " before the first epoch finished: nothing to save; try a smaller --learning-rate"), r.toString());
        assertFalse(Files.exists(run));
    }

    @Test
    void accuracyAtChanceLevelIsWarnedAbout() {
        CliRun r = train(tmp.resolve("chance"), "--learning-rate", "1e6", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().strip().matches("tatami train: warning: final val_accuracy 0\\.[01]\\d{3} is at chance level"
                + " \\(0\\.1000 for 10 classes\\): the model learnt nothing; try a smaller --learning-rate"), r.toString());
    }
}
