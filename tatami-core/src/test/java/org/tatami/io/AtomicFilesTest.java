package org.tatami.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void newFileAppearsOnlyWhenCompleteAndMissingFoldersAreCreated() throws IOException {
        Path target = dir.resolve("a/b/weights.bin");
        AtomicFiles.write(target, out -> {
            out.write(new byte[] {1, 2, 3});
            assertFalse(Files.exists(target), "target visible before the content is complete");
            out.write(4);
        });
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(target));
        assertEquals(List.of(target), filesIn(target.getParent()));
    }

    @Test
    void replacesAnExistingFileOnlyAtTheEnd() throws IOException {
        Path target = dir.resolve("config.json");
        Files.writeString(target, "old content that is longer than the new one");
        AtomicFiles.write(target, out -> {
            out.write("new".getBytes(StandardCharsets.UTF_8));
            assertEquals("old content that is longer than the new one", Files.readString(target));
        });
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), filesIn(dir));
    }

    @Test
    void failingWriterLeavesOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.writeString(target, "old");
        IOException failure = new IOException("No space left on device");
        FileSystemException thrown = assertThrows(FileSystemException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw failure;
        }));
        assertSame(failure, thrown.getCause());
        assertEquals(target + ": No space left on device", thrown.getMessage(), "the message names the file");
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), filesIn(dir));
    }

    @Test
    void failuresThatSayWhereAlreadyPassThrough() {
        IOException failure = new ZipException("invalid entry size");
        assertSame(failure, assertThrows(IOException.class,
                () -> AtomicFiles.write(dir.resolve("m.zip"), out -> {
                    throw failure;
                })));
    }

    @Test
    void writesThroughASymbolicLinkAndKeepsTheLink() throws IOException {
        Path real = Files.createDirectories(dir.resolve("models")).resolve("v3.onnx");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("latest.onnx"), Path.of("models", "v3.onnx"));
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals("new", Files.readString(real));
        assertEquals(List.of(real), filesIn(real.getParent()));

        Path dangling = Files.createSymbolicLink(dir.resolve("next.onnx"), dir.resolve("models/v4.onnx"));
        AtomicFiles.writeString(dangling, "v4");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("v4", Files.readString(dir.resolve("models/v4.onnx")));
    }

    @Test
    void refusesALoopOfSymbolicLinks() throws IOException {
        Path a = dir.resolve("a.onnx");
        Files.createSymbolicLink(a, dir.resolve("b.onnx"));
        Files.createSymbolicLink(dir.resolve("b.onnx"), a);
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(a, "x"));
        assertEquals(a + ": too many levels of symbolic links", e.getMessage());
    }

    @Test
    void writerFailingWithRuntimeExceptionLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("bug in writer");
        }));
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void writerMayCloseTheStreamAsZipStreamsDo() throws IOException {
        Path target = dir.resolve("model.zip");
        AtomicFiles.write(target, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("config.json"));
                zip.write("{}".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        });
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(target))) {
            assertEquals("config.json", zip.getNextEntry().getName());
            assertEquals("{}", new String(zip.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void writeStringUsesUtf8AndWriteBytesIsExact() throws IOException {
        Path text = dir.resolve("notes.txt");
        AtomicFiles.writeString(text, "héllo ✓");
        assertArrayEquals("héllo ✓".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(text));

        Path bytes = dir.resolve("data.bin");
        byte[] content = {0, -1, 127, -128};
        AtomicFiles.writeBytes(bytes, content);
        assertArrayEquals(content, Files.readAllBytes(bytes));
        AtomicFiles.writeBytes(bytes, new byte[0]);
        assertEquals(0, Files.size(bytes));
    }
}
