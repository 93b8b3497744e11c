package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST from Debian's package (the tests that need it are skipped where it is not installed). */
class FashionMnistTest {
    private static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    @TempDir
    Path dir;

    /** The links to the package's files go first: JUnit warns about deleting links to files outside. */
    @AfterEach
    void unlink() throws IOException {
        for (String file : FILES) {
            if (Files.isSymbolicLink(dir.resolve(file))) {
                Files.delete(dir.resolve(file));
            }
        }
    }

    @Test
    void loadsAsKerasLoadData() throws IOException {
        assumeInstalled();
        Mnist.Data data = FashionMnist.load();
        assertArrayEquals(new int[] {60000, 28, 28}, data.train().images().shape());
        assertArrayEquals(new int[] {10000, 28, 28}, data.test().images().shape());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0}, Arrays.copyOf(data.train().labels().data(), 5));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(data.test().labels().data(), 5));
        assertEquals(0, data.train().labels().min());
        assertEquals(9, data.train().labels().max());
        assertEquals(0f, data.train().images().min());
        assertEquals(255f, data.train().images().max());
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(data.test().labels().get(0)));
        assertEquals("Trouser", FashionMnist.CLASS_NAMES.get(data.test().labels().get(2)));
    }

    @Test
    void missingPackageSaysWhatToInstall() {
        assumeTrue(!Files.exists(FashionMnist.DEBIAN_FOLDER), "Debian's dataset-fashion-mnist is installed");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, FashionMnist::load);
        assertEquals("/usr/share/datasets/fashion-mnist: no such folder: Fashion-MNIST is not installed; install"
                + " Debian's package with 'apt-get install dataset-fashion-mnist', or give the folder that holds its"
                + " four IDX files", e.getMessage());
    }

    @Test
    void missingFolderIsNamed() {
        Path absent = dir.resolve("fashion");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(absent));
        assertEquals(absent + ": no such folder (expected Fashion-MNIST's four IDX files there)", e.getMessage());
    }

    @Test
    void folderMissingAFileNamesIt() throws IOException {
        assumeInstalled();
        linkAll();
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte"),
                e.getMessage());
    }

    /** -Dtatami.fashionMnist names another folder for load(). */
    @Test
    void systemPropertyNamesTheFolder() {
        Path absent = dir.resolve("elsewhere");
        System.setProperty(FashionMnist.FOLDER_PROPERTY, absent.toString());
        try {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, FashionMnist::load);
            assertEquals(absent.toString(), e.getFile());
        } finally {
            System.clearProperty(FashionMnist.FOLDER_PROPERTY);
        }
    }

    /** A copy of the package's files loads from any folder, decompressed or not. */
    @Test
    void userFolderLoads() throws IOException {
        assumeInstalled();
        linkAll();
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), testLabels());
        assertEquals(FashionMnist.load().test().labels(), FashionMnist.load(dir).test().labels());
    }

    @Test
    void truncatedGzipIsReported() throws IOException {
        assumeInstalled();
        linkAll();
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] whole = Files.readAllBytes(FashionMnist.DEBIAN_FOLDER.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.delete(labels);
        Files.write(labels, Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        assertEquals(labels + ": corrupted or truncated gzip data: the file ends before the compressed data does",
                e.getMessage());
    }

    @Test
    void truncatedOrChangedDataFailsFashionMnistsChecksum() throws IOException {
        assumeInstalled();
        linkAll();
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Path plain = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] labels = testLabels();

        Files.write(plain, Arrays.copyOf(labels, labels.length - 100));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().startsWith(plain + ": SHA-256 of the decompressed data is "), e.getMessage());
        assertTrue(e.getMessage().contains("but Fashion-MNIST's SHA-256 list lists 0402a96d92fd2663957122ceb108a494c5"
                + "af83dab82d92729df917d7dec38c34; the file is damaged"), e.getMessage());
        assertTrue(e.getSuppressed()[0].getMessage().contains("truncated IDX data"), e.getSuppressed()[0].getMessage());

        labels[8] = (byte) (labels[8] == 0 ? 1 : 0);
        Files.write(plain, labels);
        e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().startsWith(plain + ": SHA-256 of the decompressed data is "), e.getMessage());
    }

    /** MNIST's digits are not Fashion-MNIST, though in the same layout. */
    @Test
    void mnistIsNotFashionMnist() throws IOException {
        for (String file : FILES) {
            try (InputStream in = Mnist.class.getResourceAsStream("mnist/" + file)) {
                Files.write(dir.resolve(file), in.readAllBytes());
            }
        }
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("SHA-256 of the decompressed data is"), e.getMessage());
    }

    private static void assumeInstalled() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_FOLDER), "Debian's dataset-fashion-mnist is not installed");
    }

    private void linkAll() throws IOException {
        for (String file : FILES) {
            Files.createSymbolicLink(dir.resolve(file), FashionMnist.DEBIAN_FOLDER.resolve(file));
        }
    }

    private static byte[] testLabels() throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                FashionMnist.DEBIAN_FOLDER.resolve("t10k-labels-idx1-ubyte.gz")))) {
            return in.readAllBytes();
        }
    }
}
