package org.tatami.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.tatami.Tatami;
import org.tatami.interop.ModelFormats;
import org.tatami.models.Model;

/**
 * A model file's bytes and name, as they travel to the executors (in a broadcast, once per job): any file
 * tatami reads ({@code .tatami}, {@code .keras}, {@code .h5}, {@code .onnx}). Its SHA-256 tells the
 * copies loaded in one JVM apart ({@link ExecutorModels}).
 */
final class ModelBytes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final byte[] bytes;
    private final String digest;

    ModelBytes(String fileName, byte[] bytes) {
        if (!ModelFormats.readable(fileName)) {
            throw new IllegalArgumentException(fileName + ": unknown model file type: expected " + ModelFormats.EXPECTED);
        }
        this.fileName = fileName;
        this.bytes = bytes;
        this.digest = sha256(bytes);
    }

    /** A local model file. */
    static ModelBytes read(Path file) throws IOException {
        return new ModelBytes(file.getFileName().toString(), Files.readAllBytes(file));
    }

    /** A model file on any file system Hadoop reaches (a local path, {@code hdfs://}, {@code s3a://}, ...). */
    static ModelBytes read(String location, Configuration hadoop) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = path.getFileSystem(hadoop);
        try (InputStream in = fs.open(path)) {
            return new ModelBytes(path.getName(), in.readAllBytes());
        }
    }

    /** A model as a {@code .tatami} file: architecture, weights, compile settings and optimizer state. */
    static ModelBytes of(Model model) {
        try {
            Path dir = Files.createTempDirectory("tatami-model");
            Path file = dir.resolve("model.tatami");
            try {
                model.save(file);
                return read(file);
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model '" + model.name() + "' as a .tatami file", e);
        }
    }

    /** Writes the file, under its own name, into the folder {@code dir}. */
    void writeTo(org.apache.hadoop.fs.Path dir, Configuration hadoop) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir, fileName);
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(bytes);
        }
    }

    /**
     * Loads the model. Its layers are built with random draws of a private stream, so loading on an
     * executor that is also the driver (local mode) leaves the session's random streams as they were.
     */
    Model load() {
        Model[] loaded = new Model[1];
        Tatami.withPrivateRandom(0, () -> loaded[0] = loadFile());
        return loaded[0];
    }

    private Model loadFile() {
        try {
            Path dir = Files.createTempDirectory("tatami-model");
            Path file = dir.resolve(fileName);
            try {
                Files.write(file, bytes);
                return ModelFormats.load(file);
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": " + e.getMessage(), e);
        }
    }

    String fileName() {
        return fileName;
    }

    String digest() {
        return digest;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
