package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tatami.data.IdxTest.gzip;
import static org.tatami.data.IdxTest.idx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

class MnistTest {
    private static Mnist.Data mnist;

    @BeforeAll
    static void load() throws IOException {
        mnist = Mnist.load();
    }

    @Test
    void shapesAreKerasLoadData() {
        assertArrayEquals(new int[] {60000, 28, 28}, mnist.train().images().shape());
        assertArrayEquals(new int[] {60000}, mnist.train().labels().shape());
        assertArrayEquals(new int[] {10000, 28, 28}, mnist.test().images().shape());
        assertArrayEquals(new int[] {10000}, mnist.test().labels().shape());
    }

    @Test
    void pixelsAreRawGreyLevels() {
        for (Tensor images : new Tensor[] {mnist.train().images(), mnist.test().images()}) {
            assertEquals(0f, images.min());
            assertEquals(255f, images.max());
        }
        // Known values: the first training image (a 5) sums to 27525, its centre pixel is 240.
        Tensor first = mnist.train().images().get(0);
        assertEquals(27525.0, first.sum());
        assertEquals(240f, first.get(14, 14));
    }

    @Test
    void oneBundledFileReadsAsInTheWholeSet() throws IOException {
        assertEquals(mnist.test().images(), Mnist.loadBundled("t10k-images-idx3-ubyte").toTensor());
        assertEquals(mnist.test().labels(), Mnist.loadBundled("t10k-labels-idx1-ubyte").toIntTensor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mnist.loadBundled("SHA256SUMS"));
        assertTrue(e.getMessage().startsWith("no bundled MNIST file 'SHA256SUMS': expected one of"), e.getMessage());
    }

    @Test
    void labels() {
        assertArrayEquals(new int[] {5, 0, 4, 1, 9}, Arrays.copyOf(mnist.train().labels().data(), 5));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Arrays.copyOf(mnist.test().labels().data(), 5));
        assertEquals(0, mnist.train().labels().min());
        assertEquals(9, mnist.train().labels().max());
    }

    /** The real files, with the bundled SHA256SUMS; the test labels decompressed, one label changed. */
    @Test
    void corruptedCopyFailsTheChecksum(@TempDir Path dir) throws IOException {
        for (String file : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "SHA256SUMS"}) {
            Files.write(dir.resolve(file), bundled(file));
        }
        byte[] labels;
        try (InputStream in = new GZIPInputStream(Mnist.class.getResourceAsStream("mnist/t10k-labels-idx1-ubyte.gz"))) {
            labels = in.readAllBytes();
        }
        assertEquals(7, labels[8]);
        labels[8] = 1;
        Path copy = dir.resolve("t10k-labels-idx1-ubyte");
        Files.write(copy, labels);

        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(copy + ": SHA-256 of the decompressed data is " + sha256(labels) + ", but "
                + dir.resolve("SHA256SUMS") + " lists ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2;"
                + " the file is damaged or is not the one that list describes", e.getMessage());
    }

    /** The splits are read on two threads; each file gives what reading it alone, one after another, gives. */
    @Test
    void concurrentLoadGivesWhatEachFileHolds() throws IOException {
        String[][] splits = {{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
            {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}};
        Mnist.Split[] loaded = {mnist.train(), mnist.test()};
        for (int i = 0; i < 2; i++) {
            Tensor images = Idx.read(new java.io.ByteArrayInputStream(bundled(splits[i][0])), splits[i][0]).toTensor();
            IntTensor labels = Idx.read(new java.io.ByteArrayInputStream(bundled(splits[i][1])), splits[i][1])
                    .toIntTensor();
            assertEquals(images, loaded[i].images(), splits[i][0]);
            assertEquals(labels, loaded[i].labels(), splits[i][1]);
        }
        Mnist.Data again = Mnist.load();
        assertEquals(mnist.train().images(), again.train().images());
        assertEquals(mnist.test().labels(), again.test().labels());
    }

    /** With both splits damaged, the training split's problem is reported, as a sequential read would. */
    @Test
    void concurrentLoadReportsTheTrainingSplitFirst(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {1, 2, 3});
        Files.delete(dir.resolve("train-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8});
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("train-images-idx3-ubyte") + ": truncated IDX header"),
                e.getMessage());

        writeTinyMnist(dir, false);
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("t10k-labels-idx1-ubyte") + ": truncated IDX header"),
                e.getMessage());
    }

    @Test
    void folderWithSumsLoads(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, true);
        Mnist.Data data = Mnist.load(dir);
        assertArrayEquals(new int[] {3, 2, 2}, data.train().images().shape());
        assertEquals(Tensor.of(new float[] {0, 255, 10, 20}, 2, 2), data.train().images().get(2));
        assertEquals(IntTensor.vector(1, 2, 3), data.train().labels());
        assertArrayEquals(new int[] {2, 2, 2}, data.test().images().shape());
        assertEquals(IntTensor.vector(4, 5), data.test().labels());
    }

    @Test
    void folderChecksumMismatchNamesFileAndDigests(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, true);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        String expected = sha256(bytes);
        bytes[bytes.length - 1] = 9;
        Files.write(labels, bytes);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().startsWith(labels + ": SHA-256 of the decompressed data is " + sha256(bytes)
                + ", but " + dir.resolve("SHA256SUMS") + " lists " + expected), e.getMessage());
    }

    /** Damage to a header is still reported as a checksum mismatch, with the format error attached. */
    @Test
    void damagedHeaderIsReportedAsChecksumMismatch(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, true);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[2] = 0x0A; // an unknown type code: the reader stops after the magic number
        Files.write(labels, bytes);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().startsWith(labels + ": SHA-256 of the decompressed data is " + sha256(bytes)),
                e.getMessage());
        assertTrue(e.getSuppressed()[0].getMessage().contains("unknown IDX element type code 0x0A"),
                Arrays.toString(e.getSuppressed()));
    }

    @Test
    void withoutSumsNothingIsVerified(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length - 1] = 9;
        Files.write(labels, bytes);
        assertEquals(IntTensor.vector(1, 2, 9), Mnist.load(dir).train().labels());
    }

    @Test
    void sumsMustCoverEveryFile(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, true);
        Path sums = dir.resolve("SHA256SUMS");
        String kept = Files.readAllLines(sums).stream().filter(l -> !l.contains("t10k-images"))
                .reduce("", (a, l) -> a + l + "\n");
        Files.writeString(sums, kept);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().startsWith(sums + " lists no SHA-256 of the decompressed t10k-images-idx3-ubyte"),
                e.getMessage());
    }

    @Test
    void missingFileNamesFolderAndFile(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir));
        assertEquals(dir + ": MNIST folder holds neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte",
                e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Mnist.load(dir.resolve("absent")));
    }

    @Test
    void imageAndLabelCountsMustAgree(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        Files.write(labels, idx(0x08, new int[] {2}, out -> out.write(new byte[] {1, 2})));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + " holds 3 images but " + labels + " holds 2 labels",
                e.getMessage());
    }

    @Test
    void imagesMustBe3dAndLabels1d(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(images, idx(0x08, new int[] {2, 4}, out -> out.write(new byte[8])));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(images + ": expected images of shape (count, rows, cols), got shape (2, 4)", e.getMessage());

        writeTinyMnist(dir, false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        Files.write(labels, idx(0x08, new int[] {2, 1}, out -> out.write(new byte[2])));
        e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(labels + ": expected labels of shape (count,), got shape (2, 1)", e.getMessage());
    }

    @Test
    void emptySplitsAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        writeTinyMnist(dir, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(images, idx(0x08, new int[] {0, 2, 2}, out -> { }));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x08, new int[] {0}, out -> { }));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(images + ": holds no images (shape (0, 2, 2)); expected at least one", e.getMessage());

        writeTinyMnist(dir, false);
        Files.delete(dir.resolve("train-images-idx3-ubyte.gz"));
        images = dir.resolve("train-images-idx3-ubyte");
        Files.write(images, idx(0x08, new int[] {3, 0, 2}, out -> { }));
        e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertEquals(images + ": holds images of 0x2 pixels (shape (3, 0, 2)); expected at least one pixel",
                e.getMessage());
    }

    /**
     * A small data set in MNIST's layout: 3 training and 2 test images of 2x2. Training images are gzipped,
     * the rest plain; the sums list one file in the "(uncompressed)" form, the rest as plain files.
     */
    private static void writeTinyMnist(Path dir, boolean withSums) throws IOException {
        byte[] trainImages = idx(0x08, new int[] {3, 2, 2}, out -> out.write(new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 0, -1, 10, 20}));
        byte[] trainLabels = idx(0x08, new int[] {3}, out -> out.write(new byte[] {1, 2, 3}));
        byte[] testImages = idx(0x08, new int[] {2, 2, 2}, out -> out.write(new byte[8]));
        byte[] testLabels = idx(0x08, new int[] {2}, out -> out.write(new byte[] {4, 5}));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(trainImages));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), trainLabels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), testImages);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), testLabels);
        if (withSums) {
            Files.writeString(dir.resolve("SHA256SUMS"),
                    sha256(trainImages) + "  train-images-idx3-ubyte (uncompressed)\n"
                    + sha256(trainLabels) + "  train-labels-idx1-ubyte\n"
                    + sha256(testImages) + " *t10k-images-idx3-ubyte\n"
                    + sha256(testLabels) + "  t10k-labels-idx1-ubyte\n", StandardCharsets.UTF_8);
        }
    }

    private static byte[] bundled(String file) throws IOException {
        try (InputStream in = Mnist.class.getResourceAsStream("mnist/" + file)) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
