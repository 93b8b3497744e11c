package org.tatami.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * The MNIST handwritten digits, as Keras's {@code keras.datasets.mnist.load_data()}; bundled, so no network is
 * needed.
 *
 * <pre>{@code
 * Mnist.Data mnist = Mnist.load();
 * Tensor x = mnist.train().images().div(255);  // (60000, 28, 28), 0..1
 * IntTensor y = mnist.train().labels();         // (60000,), 0..9
 * }</pre>
 *
 * <p>Images are float32 holding the raw grey levels 0..255 (Keras gives uint8; tatami's tensors are float32).
 * The SHA-256 of each decompressed file is checked against a SHA256SUMS list while the file is read.
 */
public final class Mnist {
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    private static final String SUMS = "SHA256SUMS";
    private static final String BUNDLED = "org/tatami/data/mnist/";
    /** A line of {@code sha256sum}'s output: digest, space, then a space (text mode) or '*' (binary mode), name. */
    private static final Pattern SUMS_LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

    private Mnist() {
    }

    /** The training and test splits, as Keras's {@code (x_train, y_train), (x_test, y_test)}. */
    public record Data(Split train, Split test) {
    }

    /**
     * Images of shape (N, rows, cols), float32 grey levels 0..255, and labels of shape (N,); {@code labelsName}
     * names the labels' file in messages about a label.
     */
    public record Split(Tensor images, IntTensor labels, String labelsName) {
    }

    /** The bundled MNIST: 60000 training and 10000 test images of 28x28, checked against the bundled sums. */
    public static Data load() throws IOException {
        Map<String, String> sums = readSums(bundled(SUMS), BUNDLED + SUMS);
        List<Source> sources = new ArrayList<>();
        for (String file : FILES) {
            sources.add(bundledSource(file, sums));
        }
        return load(sources);
    }

    /**
     * One bundled file, checked against the bundled sums: for readers that need one file rather than the
     * whole set (a Spark partition reads only its rows).
     *
     * @param file one of MNIST's four names, e.g. {@code t10k-images-idx3-ubyte}
     */
    public static IdxArray loadBundled(String file) throws IOException {
        if (!FILES.contains(file)) {
            throw new IllegalArgumentException("no bundled MNIST file '" + file + "': expected one of " + FILES);
        }
        return read(bundledSource(file, readSums(bundled(SUMS), BUNDLED + SUMS))).array();
    }

    private static Source bundledSource(String file, Map<String, String> sums) throws IOException {
        String gz = file + ".gz";
        String sumsName = BUNDLED + SUMS;
        return new Source(BUNDLED + gz, () -> bundled(gz), expectedDigest(sums, file, sumsName), sumsName);
    }

    /**
     * An MNIST-format data set from a folder holding MNIST's four file names ({@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}), each
     * gzip-compressed with a ".gz" suffix or plain; the ".gz" one is used if both exist. Fashion-MNIST, for one,
     * uses these names. If the folder holds a SHA256SUMS file, it must list the SHA-256 of each decompressed
     * file, as {@code <sha256>  <name> (uncompressed)} or {@code <sha256>  <name>}, and every file is checked.
     */
    public static Data load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a folder");
        }
        Path sumsFile = dir.resolve(SUMS);
        String sumsName = sumsFile.toString();
        Map<String, String> sums = Files.isRegularFile(sumsFile) ? readSums(Files.newInputStream(sumsFile), sumsName)
                : null;
        return load(dir, sums, sumsName);
    }

    /**
     * The four files of an MNIST-layout folder, each checked against {@code sums} (file name to the SHA-256
     * of its decompressed bytes, listed in {@code sumsName}) unless that is null.
     */
    static Data load(Path dir, Map<String, String> sums, String sumsName) throws IOException {
        // Find everything before reading anything, so that a missing file fails at once.
        List<Source> sources = new ArrayList<>();
        for (String file : FILES) {
            Path path = find(dir, file);
            sources.add(new Source(path.toString(), () -> Files.newInputStream(path),
                    sums == null ? null : expectedDigest(sums, file, sumsName), sumsName));
        }
        return load(sources);
    }

    /**
     * Reads the training split on a thread of its own while this thread reads the test split: each is
     * decompressed, checked and converted independently. Failures are reported as a sequential read
     * would report them: the training split's first.
     */
    private static Data load(List<Source> sources) throws IOException {
        FutureTask<Split> train = new FutureTask<>(() -> split(read(sources.get(0)), read(sources.get(1))));
        Thread trainReader = new Thread(train, "tatami-mnist-train");
        trainReader.setDaemon(true);
        trainReader.start();
        Split test = null;
        Exception testFailure = null;
        try {
            test = split(read(sources.get(2)), read(sources.get(3)));
        } catch (IOException | RuntimeException e) {
            testFailure = e;
        }
        Split trainSplit = result(train);
        if (testFailure instanceof IOException e) {
            throw e;
        } else if (testFailure instanceof RuntimeException e) {
            throw e;
        }
        return new Data(trainSplit, test);
    }

    /** The task's result, or the exception it threw, as thrown. */
    private static Split result(FutureTask<Split> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while reading MNIST");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof RuntimeException re) {
                throw re;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static Split split(Named images, Named labels) throws IOException {
        int[] x = images.array().shape();
        int[] y = labels.array().shape();
        if (x.length != 3) {
            throw new IOException(images.name() + ": expected images of shape (count, rows, cols), got shape "
                    + Shape.toString(x));
        }
        if (y.length != 1) {
            throw new IOException(labels.name() + ": expected labels of shape (count,), got shape "
                    + Shape.toString(y));
        }
        if (!labels.array().type().isInteger()) {
            throw new IOException(labels.name() + ": expected integer labels, got "
                    + labels.array().type().description() + " values");
        }
        if (x[0] != y[0]) {
            throw new IOException(images.name() + " holds " + x[0] + " images but " + labels.name() + " holds "
                    + y[0] + " labels");
        }
        // Refused here, naming the file: an empty split would train "0/0" steps and fail later, elsewhere.
        if (x[0] == 0) {
            throw new IOException(images.name() + ": holds no images (shape " + Shape.toString(x)
                    + "); expected at least one");
        }
        if (x[1] == 0 || x[2] == 0) {
            throw new IOException(images.name() + ": holds images of " + x[1] + "x" + x[2] + " pixels (shape "
                    + Shape.toString(x) + "); expected at least one pixel");
        }
        return new Split(images.array().toTensor(), labels.array().toIntTensor(), labels.name());
    }

    /** Reads and, if a digest is expected, verifies one file in a single pass. */
    private static Named read(Source source) throws IOException {
        try (InputStream raw = source.opener().open()) {
            InputStream in = Idx.decompressed(raw, source.name());
            if (source.sha256() == null) {
                return new Named(source.name(), Idx.parse(in, source.name()));
            }
            MessageDigest sha = sha256();
            DigestInputStream digesting = new DigestInputStream(in, sha);
            IdxArray array;
            try {
                array = Idx.parse(digesting, source.name());
            } catch (IdxFormatException e) {
                // A damaged file is best reported as damaged, not by whatever its damaged header now says.
                try {
                    digesting.transferTo(OutputStream.nullOutputStream());
                } catch (IOException unreadable) {
                    throw e;
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(source.sha256())) {
                    IOException mismatch = checksumMismatch(source, actual);
                    mismatch.addSuppressed(e);
                    throw mismatch;
                }
                throw e;
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(source.sha256())) {
                throw checksumMismatch(source, actual);
            }
            return new Named(source.name(), array);
        }
    }

    private static IOException checksumMismatch(Source source, String actual) {
        return new IOException(source.name() + ": SHA-256 of the decompressed data is " + actual + ", but "
                + source.sumsName() + " lists " + source.sha256()
                + "; the file is damaged or is not the one that list describes");
    }

    /** File name to lower-case hex digest. */
    static Map<String, String> readSums(InputStream in, String sumsName) throws IOException {
        Map<String, String> sums = new HashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Matcher m = SUMS_LINE.matcher(line.strip());
                if (!m.matches()) {
                    throw new IOException(sumsName + ", line " + number
                            + ": expected '<64 hex digits of SHA-256>  <file name>', got '" + line + "'");
                }
                sums.put(m.group(2), m.group(1).toLowerCase());
            }
        }
        return sums;
    }

    /** The digest of the decompressed {@code file}: listed as such, or as a plain file (whose bytes it is). */
    private static String expectedDigest(Map<String, String> sums, String file, String sumsName) throws IOException {
        String digest = sums.getOrDefault(file + " (uncompressed)", sums.get(file));
        if (digest == null) {
            throw new IOException(sumsName + " lists no SHA-256 of the decompressed " + file
                    + ": expected a line '<sha256>  " + file + " (uncompressed)' or '<sha256>  " + file + "'");
        }
        return digest;
    }

    private static Path find(Path dir, String file) throws NoSuchFileException {
        for (String candidate : List.of(file + ".gz", file)) {
            Path path = dir.resolve(candidate);
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new NoSuchFileException(dir.toString(), null, "MNIST folder holds neither " + file + ".gz nor " + file);
    }

    private static InputStream bundled(String file) throws IOException {
        InputStream in = Mnist.class.getResourceAsStream("mnist/" + file);
        if (in == null) {
            throw new NoSuchFileException(BUNDLED + file, null, "missing from the class path");
        }
        return in;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** One of the four files: its name in messages, how to open it, its expected SHA-256 (null: unchecked). */
    private record Source(String name, Opener opener, String sha256, String sumsName) {
    }

    private record Named(String name, IdxArray array) {
    }
}
