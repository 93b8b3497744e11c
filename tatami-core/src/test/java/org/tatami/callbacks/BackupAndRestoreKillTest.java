package org.tatami.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed outright (SIGKILL: no shutdown hook, no finally) in the middle of an epoch,
 * once a backup exists, and started again, ends with weights identical byte for byte to those of a
 * process never stopped, and with the same History.
 */
class BackupAndRestoreKillTest {
    @TempDir
    Path dir;

    private Process child(Path backup, String name, long millis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), BackupChild.class.getName(), backup.toString(),
                dir.resolve(name + ".safetensors").toString(), dir.resolve(name + ".history").toString(),
                Long.toString(millis)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Runs a child to its end; returns its batch lines. */
    private List<String> finish(Process p) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertEquals("done", lines.get(lines.size() - 1));
        return lines;
    }

    @Test
    void killedMidEpochAndRestartedEndsWithTheSameBytes() throws Exception {
        finish(child(dir.resolve("straight-backup"), "straight", 0));

        Path backupDir = dir.resolve("backup");
        Path backup = backupDir.resolve(BackupAndRestore.FILE);
        Process first = child(backupDir, "resumed", 30);
        String killedAfter = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8))) {
            // 20 batches per epoch, a backup every 7: wait for one, then kill in the middle of an epoch.
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] f = line.split(" ");
                int epoch = Integer.parseInt(f[1]);
                int step = Integer.parseInt(f[2]);
                if (Files.exists(backup) && epoch >= 1 && step % 7 != 0 && step > 1 && step < 20) {
                    first.destroyForcibly();
                    killedAfter = line;
                    break;
                }
            }
        } finally {
            first.destroyForcibly();
        }
        assertNotNull(killedAfter, "the first run ended before it could be killed");
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertTrue(Files.exists(backup), "the kill leaves the backup");
        assertFalse(Files.exists(dir.resolve("resumed.safetensors")), "the first run did not finish");

        List<String> lines = finish(child(backupDir, "resumed", 0));
        String[] resumedAt = lines.get(0).split(" ");
        // The last backup on disk (one may have been under way at the kill) is some epoch's batch 7 or 14.
        assertTrue(Integer.parseInt(resumedAt[2]) > 1, "resumed mid-epoch, not from the start: " + lines.get(0)
                + " (killed after " + killedAfter + ")");

        assertArrayEquals(Files.readAllBytes(dir.resolve("straight.safetensors")),
                Files.readAllBytes(dir.resolve("resumed.safetensors")), "weights file");
        assertEquals(Files.readString(dir.resolve("straight.history")), Files.readString(dir.resolve("resumed.history")));
        assertFalse(Files.exists(backup), "the finished run deleted its backup");
    }
}
