package org.tatami.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Zalando's Fashion-MNIST, as Keras's {@code keras.datasets.fashion_mnist.load_data()}: 60000 training and
 * 10000 test pictures of clothes, 28x28 grey levels 0..255, in ten classes ({@link #CLASS_NAMES}).
 *
 * <pre>{@code
 * Mnist.Data fashion = FashionMnist.load();          // Debian's dataset-fashion-mnist package
 * Mnist.Data same = FashionMnist.load(Path.of("data/fashion"));  // or a folder of the four IDX files
 * String name = FashionMnist.CLASS_NAMES.get(fashion.test().labels().get(0));  // "Ankle boot"
 * }</pre>
 *
 * <p>It is not bundled and never downloaded: it is read from {@link #DEBIAN_FOLDER}, where Debian's
 * {@code dataset-fashion-mnist} package installs it, or from a folder holding the same four files (gzip'ed
 * or plain). Either way the SHA-256 of each decompressed file is checked against Fashion-MNIST's own.
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the IDX files. */
    public static final Path DEBIAN_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");
    /** A system property naming a folder of the four files that {@link #load()} reads instead of Debian's. */
    public static final String FOLDER_PROPERTY = "tatami.fashionMnist";
    /** The Debian package that holds the data set. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    /** Label to name, as the data set's authors name the classes. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String SUMS = "fashion_mnist/SHA256SUMS";

    private FashionMnist() {
    }

    /**
     * Fashion-MNIST from {@link #DEBIAN_FOLDER}, or from the folder that the system property
     * {@value #FOLDER_PROPERTY} names ({@code -Dtatami.fashionMnist=FOLDER}).
     *
     * @throws NoSuchFileException if the package is not installed; the message says how to install it
     */
    public static Mnist.Data load() throws IOException {
        String folder = System.getProperty(FOLDER_PROPERTY);
        if (folder != null) {
            return load(Path.of(folder));
        }
        if (!Files.isDirectory(DEBIAN_FOLDER)) {
            throw new NoSuchFileException(DEBIAN_FOLDER.toString(), null, "no such folder: Fashion-MNIST is not"
                    + " installed; install Debian's package with 'apt-get install " + DEBIAN_PACKAGE + "', or give"
                    + " the folder that holds its four IDX files");
        }
        return load(DEBIAN_FOLDER);
    }

    /**
     * Fashion-MNIST from a folder holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
     * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (each with ".gz" or plain).
     *
     * @throws NoSuchFileException if the folder does not exist or lacks a file
     * @throws IOException if a file is damaged: not IDX, truncated, or not Fashion-MNIST's bytes
     */
    public static Mnist.Data load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such folder (expected Fashion-MNIST's four IDX"
                    + " files there)");
        }
        String sumsName = "Fashion-MNIST's SHA-256 list";
        Map<String, String> sums;
        try (InputStream in = FashionMnist.class.getResourceAsStream(SUMS)) {
            if (in == null) {
                throw new NoSuchFileException("org/tatami/data/" + SUMS, null, "missing from the class path");
            }
            sums = Mnist.readSums(in, sumsName);
        }
        return Mnist.load(dir, sums, sumsName);
    }
}
