package org.tatami.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Shape;

/**
 * Reads IDX files, the format of MNIST and of its drop-in replacements (Fashion-MNIST, KMNIST, EMNIST).
 *
 * <p>An IDX file is a magic number (two zero bytes, an element type code, the rank), one big-endian int32
 * per dimension, then the values, big-endian and row-major. Files may be gzip-compressed: gzip is recognised
 * by its magic bytes, whatever the file is called.
 *
 * <p>The whole header is checked before the data buffer is allocated, and the buffer then grows with the
 * data actually read, so a damaged or hostile header cannot make the reader exhaust memory. The input must
 * end exactly where the header says the data ends.
 */
public final class Idx {
    /** Highest rank accepted; MNIST-like data sets use 1 to 4 axes. */
    public static final int MAX_RANK = 8;
    /** Largest data section accepted, in bytes: about the largest Java array, as the values are kept in one. */
    public static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 8;
    /** First data buffer; it doubles as data arrives, up to the declared size. */
    private static final int INITIAL_BUFFER = 1 << 20;

    private Idx() {
    }

    /** Reads an IDX file, gzip-compressed or not. Messages name the file by {@code file.toString()}. */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads one IDX file, gzip-compressed or not, from {@code in} up to its end; {@code in} is not closed.
     *
     * @param name names the input in error messages, e.g. its file name
     * @throws IdxFormatException if the input is not exactly one well-formed IDX file
     */
    public static IdxArray read(InputStream in, String name) throws IOException {
        return parse(decompressed(in, name), name);
    }

    /** {@code in}'s bytes, decompressed if they start with gzip's magic bytes (1f 8b). */
    static InputStream decompressed(InputStream in, String name) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        return gzip ? new Gunzip(buffered, name) : buffered;
    }

    /** Reads one uncompressed IDX file from {@code in} up to its end. */
    static IdxArray parse(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw error(name, "truncated IDX header: expected a 4-byte magic number, got " + magic.length + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw error(name, String.format("not an IDX file: expected a magic number starting with two zero bytes,"
                    + " found %02x %02x %02x %02x", magic[0], magic[1], magic[2], magic[3]));
        }
        int code = magic[2] & 0xFF;
        IdxType type = IdxType.ofCode(code).orElseThrow(() -> error(name, String.format(
                "unknown IDX element type code 0x%02X; known codes: %s", code, Stream.of(IdxType.values())
                        .map(t -> String.format("0x%02X (%s)", t.code(), t.description()))
                        .collect(Collectors.joining(", ")))));
        int rank = magic[3] & 0xFF;
        if (rank < 1 || rank > MAX_RANK) {
            throw error(name, "IDX rank " + rank + " is out of range: expected 1 to " + MAX_RANK + " dimensions");
        }
        byte[] dims = in.readNBytes(4 * rank);
        if (dims.length < 4 * rank) {
            throw error(name, "truncated IDX header: expected " + 4 * rank + " bytes of dimensions for rank " + rank
                    + ", got " + dims.length);
        }
        int[] shape = new int[rank];
        ByteBuffer.wrap(dims).asIntBuffer().get(shape);
        for (int axis = 0; axis < rank; axis++) {
            if (shape[axis] < 0) {
                throw error(name, "IDX header declares negative dimension " + shape[axis] + " for axis " + axis
                        + " (shape " + Shape.toString(shape) + ")");
            }
        }
        BigInteger elements = BigInteger.ONE;
        for (int d : shape) {
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        BigInteger bytes = elements.multiply(BigInteger.valueOf(type.itemSize()));
        if (bytes.compareTo(BigInteger.valueOf(MAX_DATA_BYTES)) > 0) {
            throw error(name, "IDX header declares shape " + Shape.toString(shape) + " of " + type.description()
                    + ": " + elements + " elements, " + bytes + " bytes, more than the limit of " + MAX_DATA_BYTES
                    + " bytes; refusing to allocate");
        }
        byte[] data = readUpTo(in, bytes.intValue(), name + ": IDX data of shape " + Shape.toString(shape));
        if (data.length < bytes.intValue()) {
            throw error(name, "truncated IDX data: expected " + bytes + " bytes of " + type.description()
                    + " data for shape " + Shape.toString(shape) + ", got " + data.length);
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw error(name, extra + " unexpected bytes after the " + bytes + " bytes of " + type.description()
                    + " data for shape " + Shape.toString(shape));
        }
        return new IdxArray(type, shape, data);
    }

    /**
     * The next {@code n} bytes of {@code in}, or all that remain if fewer (then a shorter array). The
     * buffer grows only as data arrives, and only while the heap can hold it: a small compressed file
     * that inflates to gigabytes is refused with the numbers instead of running out of memory.
     */
    private static byte[] readUpTo(InputStream in, int n, String what) throws IOException {
        byte[] buf = new byte[Math.min(n, INITIAL_BUFFER)];
        int filled = 0;
        while (true) {
            filled += in.readNBytes(buf, filled, buf.length - filled);
            if (filled == n) {
                return buf;
            }
            if (filled < buf.length) {
                return Arrays.copyOf(buf, filled);
            }
            int next = (int) Math.min(n, 2L * buf.length);
            // The old buffer stays alive during the copy, and a large array needs contiguous room: ask for twice.
            byte[] old = buf;
            buf = Limits.allocate(2L * next, what, () -> Arrays.copyOf(old, next));
        }
    }

    private static IdxFormatException error(String name, String message) {
        return new IdxFormatException(name + ": " + message);
    }

    /** Gzip decompression whose failures name the input, instead of a bare "invalid block type". */
    private static final class Gunzip extends FilterInputStream {
        private final String name;

        Gunzip(InputStream compressed, String name) throws IOException {
            super(null);
            this.name = name;
            try {
                in = new GZIPInputStream(compressed, 1 << 16);
            } catch (ZipException | EOFException e) {
                throw corrupted(e);
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (ZipException | EOFException e) {
                throw corrupted(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw corrupted(e);
            }
        }

        private IdxFormatException corrupted(IOException e) {
            // GZIPInputStream reports a stream that stops early as an EOFException without a message.
            String detail = e instanceof EOFException ? "the file ends before the compressed data does" : e.getMessage();
            return new IdxFormatException(name + ": corrupted or truncated gzip data: " + detail, e);
        }
    }
}
