package org.tatami.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files of writes cut off by the end of their process: by a shutdown, or by SIGKILL. */
class AtomicFilesShutdownTest {
    @TempDir
    Path dir;

    /** A process that starts an atomic write of its first argument, says so, and never finishes it. */
    public static final class UnfinishedWrite {
        public static void main(String[] args) throws IOException {
            AtomicFiles.write(Path.of(args[0]), out -> {
                out.write(new byte[1 << 20]);
                out.flush();
                System.out.println("writing");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** Starts {@link UnfinishedWrite} on {@code target} and returns once its temporary file exists. */
    private static Process startWriting(Path target) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                UnfinishedWrite.class.getName(), target.toString()).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = lines.readLine();
        assertEquals("writing", line, "the writer process did not start its write");
        return p;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aShutdownDeletesTheTemporaryFileOfAWriteStillRunning() throws Exception {
        Path target = dir.resolve("model.tatami");
        Process p = startWriting(target);
        assertEquals(1, files().size(), "the temporary file: " + files());
        p.destroy(); // SIGTERM: the JVM runs its shutdown hooks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(List.of(), files());
    }

    @Test
    void theNextWriteDeletesTheTemporaryFileOfAKilledProcessButNotOfALiveOne() throws Exception {
        Path target = dir.resolve("model.tatami");
        Process p = startWriting(target);
        List<String> temp = files();
        assertEquals(1, temp.size(), "the temporary file: " + temp);

        AtomicFiles.writeString(target, "while the other process writes");
        assertEquals(Stream.concat(temp.stream(), Stream.of("model.tatami")).sorted().toList(), files(),
                "a live process's temporary file is left alone");

        p.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, files().size(), "SIGKILL leaves the temporary file: " + files());

        AtomicFiles.writeString(target, "next run");
        assertEquals(List.of("model.tatami"), files());
        assertEquals("next run", Files.readString(target));
    }
}
