package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.callbacks.BackupAndRestore;
import org.tatami.models.Model;

/** Ctrl-C during {@code tatami train}, sent to a real process: the finished epochs are saved, exit 130. */
class TrainInterruptTest {
    @TempDir
    Path tmp;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "no POSIX signals")
    void sigintSavesTheFinishedEpochsAndExitsWith130() throws Exception {
        Path run = tmp.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--train-limit", "200",
                "--batch-size", "100", "--epochs", "10000", "--out", run.toString())
                .redirectErrorStream(true).start();
        StringBuilder said = new StringBuilder();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && !line.startsWith("Epoch 3/"); line = lines.readLine()) {
                said.append(line).append('\n');
            }
            // Epochs 1 and 2 have finished. A shell that started the build in the background may have
            // ignored SIGINT for its children (POSIX); SIGTERM is handled the same way then.
            int signal = ignores(p.pid(), 2) ? 15 : 2;
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor());
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            said.append(rest);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), said.toString());
            assertEquals(128 + signal, p.exitValue(), said.toString());

            JsonObject metrics = JsonParser.parseString(Files.readString(run.resolve(RunFolder.METRICS)))
                    .getAsJsonObject();
            JsonObject stopped = metrics.getAsJsonObject("stopped");
            assertNotNull(stopped, metrics.toString());
            assertEquals("interrupted by " + (signal == 2 ? "SIGINT" : "SIGTERM"), stopped.get("reason").getAsString());
            int epochs = stopped.get("epochs").getAsInt();
            assertTrue(epochs >= 2, "epochs saved: " + epochs);
            assertEquals(epochs, stopped.get("weights_epoch").getAsInt());
            assertEquals(epochs, metrics.getAsJsonObject("history").getAsJsonArray("loss").size());
            List<String> csv = Files.readAllLines(run.resolve(RunFolder.HISTORY));
            assertEquals(epochs + 1, csv.size(), "a header and one line per finished epoch: " + csv);
            Model model = Model.load(run.resolve(RunFolder.MODEL));
            assertTrue(model.isBuilt());
            assertTrue(Files.isRegularFile(run.resolve("report.html")));
            assertTrue(rest.contains("tatami train: interrupted by SIG"), said.toString());
            assertTrue(rest.contains("go on with the same options and --resume"), said.toString());
            assertTrue(Files.isRegularFile(run.resolve(RunBackup.DIR).resolve(BackupAndRestore.FILE)),
                    "the backup stays to be resumed");
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether process {@code pid} ignores signal {@code number}, from Linux's /proc; false where unknown. */
    private static boolean ignores(long pid, int number) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >> (number - 1) & 1) != 0;
            }
        }
        return false;
    }
}
