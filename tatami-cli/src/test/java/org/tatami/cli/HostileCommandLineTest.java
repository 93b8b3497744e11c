package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options and heaps that would take more memory than there is: one line, never a stack trace. */
class HostileCommandLineTest {
    @TempDir
    Path dir;

    @Test
    void tenThousandThreadsAreAUsageError() {
        CliRun r = CliRun.of("summary", "--threads", "10000");
        int max = 8 * Runtime.getRuntime().availableProcessors();
        assertEquals(2, r.status(), r.toString());
        assertEquals("tatami summary: --threads must be between 1 and " + max + " (8 per core, "
                + Runtime.getRuntime().availableProcessors() + " cores), got 10000\n", r.err());
    }

    /** MNIST's 180 MiB of training images cannot fit a 48 MiB heap: the JVM runs out, tatami says so. */
    @Test
    void runningOutOfMemoryIsOneLineNamingTheFiles() throws IOException, InterruptedException {
        Path out = dir.resolve("run");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--epochs", "1", "--quiet", "--out", out.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("tatami train: out of memory with " + out + ": give the JVM more heap with"
                + " JAVA_OPTS=-Xmx<size> (the limit is now "), err);
        assertTrue(lines.get(0).endsWith(" MiB), or a smaller --batch-size"), err);
    }
}
