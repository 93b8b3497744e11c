package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    /** MNIST's 180 MiB of training images cannot fit a 48 MiB heap: refused with the numbers, in one line. */
    @Test
    void mnistInASmallHeapIsRefusedWithTheNumbers() throws IOException, InterruptedException {
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
        assertTrue(lines.get(0).startsWith("tatami train: "), err);
        assertTrue(lines.get(0).contains(" needs ") && lines.get(0).contains("JAVA_OPTS=-Xmx<size>"), err);
    }

    /** What no check foresaw: the error becomes one line naming the command's files and the remedy. */
    @Test
    void anOutOfMemoryErrorIsOneLineNamingTheFiles() {
        CommandLine.ParseResult parsed = new CommandLine(new Main())
                .parseArgs("train", "--data", "digits", "--out", "runs/a").subcommand();
        String line = Errors.oneLine(new IllegalStateException(new OutOfMemoryError("Java heap space")), parsed);
        assertTrue(line.startsWith("out of memory with digits, runs/a: give the JVM more heap with"
                + " JAVA_OPTS=-Xmx<size> (the limit is now "), line);
        assertTrue(line.endsWith("), or a smaller --batch-size"), line);
    }

    /**
     * A gzip file of 0.8 MB that inflates to 784 MB of images: refused with the numbers while the data
     * arrives, in a 64 MiB heap, before it can run out of memory.
     */
    @Test
    void anIdxFileThatInflatesPastTheHeapIsRefusedWithTheNumbers() throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve("bomb"));
        for (String split : new String[] {"train", "t10k"}) {
            writeZeroImages(data.resolve(split + "-images-idx3-ubyte.gz"), split.equals("train") ? 1_000_000 : 10);
            Files.write(data.resolve(split + "-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        }
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--data", data.toString(), "--quiet", "--out",
                dir.resolve("run").toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).contains("train-images-idx3-ubyte.gz: IDX data of shape (1000000, 28, 28) needs "), err);
        assertTrue(lines.get(0).contains("give the JVM more heap with JAVA_OPTS=-Xmx<size>"), err);
    }

    private static void writeZeroImages(Path file, int count) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {0, 0, 8, 3});
            for (int d : new int[] {count, 28, 28}) {
                out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
            }
            byte[] image = new byte[28 * 28];
            for (int i = 0; i < count; i++) {
                out.write(image);
            }
        }
    }
}
