package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.callbacks.BackupAndRestore;

/**
 * {@code tatami train} killed outright (SIGKILL) and started again with {@code --resume} ends with the
 * weights file of a run never stopped, byte for byte; {@code --resume} refuses other options.
 */
class TrainResumeTest {
    @TempDir
    Path tmp;

    private static List<String> args(Path out, String... more) {
        return argsWith(out, "100", "7", more);
    }

    private static List<String> argsWith(Path out, String batch, String backupFreq, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--train-limit", "3000", "--batch-size", batch, "--epochs",
                "3", "--backup-freq", backupFreq, "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws Exception {
        Path straight = tmp.resolve("straight");
        CliRun s = CliRun.of(args(straight).toArray(String[]::new));
        assertEquals(0, s.status(), s.toString());
        assertFalse(Files.exists(straight.resolve(RunBackup.DIR)), "a finished run leaves no backup");

        Path run = tmp.resolve("run");
        Path backup = run.resolve(RunBackup.DIR).resolve(BackupAndRestore.FILE);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args(run, "--threads", "1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("Epoch 2/") && Files.exists(backup)) {
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(Files.exists(backup), "the killed run left its backup");

        CliRun other = CliRun.of(argsWith(run, "50", "7", "--resume").toArray(String[]::new));
        assertEquals(2, other.status(), other.toString());
        assertEquals("tatami train: --resume: batch_size is 50 here, 100 in the interrupted run; give the options the"
                + " run was started with", other.err().strip());

        CliRun resumed = CliRun.of(args(run, "--resume").toArray(String[]::new));
        assertEquals(0, resumed.status(), resumed.toString());
        // Killed once epoch 2 had begun: the last backup was written after epoch 1's batch 28 or later.
        assertTrue(resumed.out().contains("Resuming from the backup at epoch "), resumed.toString());
        assertTrue(resumed.out().contains(", after batch "), resumed.toString());
        assertArrayEquals(Files.readAllBytes(straight.resolve(RunFolder.WEIGHTS)),
                Files.readAllBytes(run.resolve(RunFolder.WEIGHTS)), "weights.safetensors");
        assertEquals(Files.readAllLines(straight.resolve(RunFolder.HISTORY)).size(),
                Files.readAllLines(run.resolve(RunFolder.HISTORY)).size(), "the history of every epoch");
        assertFalse(Files.exists(run.resolve(RunBackup.DIR)), "a finished run leaves no backup");
    }

    @Test
    void resumeNeedsABackup() {
        CliRun r = CliRun.of(args(tmp.resolve("fresh"), "--resume").toArray(String[]::new));
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--resume: " + tmp.resolve("fresh") + " holds no backup to resume"), r.toString());
        CliRun bad = CliRun.of(argsWith(tmp.resolve("bad"), "100", "0").toArray(String[]::new));
        assertEquals(2, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--backup-freq must be epoch or a number of batches >= 1, got 0"), bad.toString());
    }
}
