package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

class IdxTest {
    private static final String NAME = "test.idx";

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void unsignedBytesBecome0To255(boolean gzip) throws IOException {
        byte[] file = idx(0x08, new int[] {2, 3}, out -> out.write(new byte[] {0, 1, 127, (byte) 128, (byte) 200, -1}));
        IdxArray a = read(file, gzip);
        assertEquals(IdxType.UINT8, a.type());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(IntTensor.of(new int[] {0, 1, 127, 128, 200, 255}, 2, 3), a.toIntTensor());
        assertEquals(Tensor.of(new float[] {0, 1, 127, 128, 200, 255}, 2, 3), a.toTensor());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void signedBytes(boolean gzip) throws IOException {
        byte[] file = idx(0x09, new int[] {5}, out -> out.write(new byte[] {-128, -1, 0, 1, 127}));
        IdxArray a = read(file, gzip);
        assertEquals(IdxType.INT8, a.type());
        assertEquals(IntTensor.of(new int[] {-128, -1, 0, 1, 127}, 5), a.toIntTensor());
        assertEquals(Tensor.of(new float[] {-128, -1, 0, 1, 127}, 5), a.toTensor());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void bigEndianShorts(boolean gzip) throws IOException {
        short[] values = {Short.MIN_VALUE, -2, 0x0102, Short.MAX_VALUE};
        IdxArray a = read(idx(0x0B, new int[] {2, 2}, out -> {
            for (short v : values) {
                out.writeShort(v);
            }
        }), gzip);
        assertEquals(IdxType.INT16, a.type());
        assertEquals(IntTensor.of(new int[] {-32768, -2, 258, 32767}, 2, 2), a.toIntTensor());
        assertEquals(Tensor.of(new float[] {-32768, -2, 258, 32767}, 2, 2), a.toTensor());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void bigEndianInts(boolean gzip) throws IOException {
        int[] values = {Integer.MIN_VALUE, -1, 0x01020304, Integer.MAX_VALUE};
        IdxArray a = read(idx(0x0C, new int[] {1, 2, 2}, out -> {
            for (int v : values) {
                out.writeInt(v);
            }
        }), gzip);
        assertEquals(IdxType.INT32, a.type());
        assertEquals(IntTensor.of(values, 1, 2, 2), a.toIntTensor());
        assertEquals(Tensor.of(new float[] {Integer.MIN_VALUE, -1, 0x01020304, Integer.MAX_VALUE}, 1, 2, 2),
                a.toTensor());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void bigEndianFloats(boolean gzip) throws IOException {
        float[] values = {-1.5f, -0.0f, 1e-3f, Float.MAX_VALUE, Float.NaN};
        IdxArray a = read(idx(0x0D, new int[] {5}, out -> {
            for (float v : values) {
                out.writeFloat(v);
            }
        }), gzip);
        assertEquals(IdxType.FLOAT32, a.type());
        assertEquals(Tensor.of(values, 5), a.toTensor());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toIntTensor);
        assertTrue(e.getMessage().contains("float values"), e.getMessage());
    }

    @Test
    void rowsConvertAsTheWhole() throws IOException {
        IdxArray bytes = read(idx(0x08, new int[] {3, 2}, out -> out.write(new byte[] {1, 2, 3, 4, 5, (byte) 200})),
                false);
        assertEquals(Tensor.of(new float[] {3, 4, 5, 200}, 2, 2), bytes.toTensor(1, 3));
        assertEquals(Tensor.of(new float[0], 0, 2), bytes.toTensor(3, 3));
        IdxArray floats = read(idx(0x0D, new int[] {3}, out -> {
            for (float v : new float[] {1.5f, -2f, 7f}) {
                out.writeFloat(v);
            }
        }), false);
        assertEquals(Tensor.of(new float[] {-2f, 7f}, 2), floats.toTensor(1, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bytes.toTensor(2, 4));
        assertEquals("rows [2, 4) are outside the 3 rows of IDX data of shape (3, 2)", e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void bigEndianDoublesRoundToFloat(boolean gzip) throws IOException {
        double[] values = {0.5, -2.25, 1.0 / 3, 1e300};
        IdxArray a = read(idx(0x0E, new int[] {2, 2}, out -> {
            for (double v : values) {
                out.writeDouble(v);
            }
        }), gzip);
        assertEquals(IdxType.FLOAT64, a.type());
        assertEquals(Tensor.of(new float[] {0.5f, -2.25f, 1f / 3, Float.POSITIVE_INFINITY}, 2, 2), a.toTensor());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toIntTensor);
        assertTrue(e.getMessage().contains("double values"), e.getMessage());
    }

    @Test
    void emptyDimension() throws IOException {
        IdxArray a = read(idx(0x08, new int[] {0, 28}, out -> { }), false);
        assertArrayEquals(new int[] {0, 28}, a.shape());
        assertEquals(0, a.toTensor().size());
    }

    @Test
    void gzipIsRecognisedByContentNotByName(@TempDir Path dir) throws IOException {
        byte[] plain = idx(0x08, new int[] {3}, out -> out.write(new byte[] {7, 8, 9}));
        Path gzipNamedIdx = dir.resolve("labels.idx");
        Path plainNamedGz = dir.resolve("labels.gz");
        Files.write(gzipNamedIdx, gzip(plain));
        Files.write(plainNamedGz, plain);
        IntTensor expected = IntTensor.vector(7, 8, 9);
        assertEquals(expected, Idx.read(gzipNamedIdx).toIntTensor());
        assertEquals(expected, Idx.read(plainNamedGz).toIntTensor());
    }

    @Test
    void errorsFromPathsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("images.idx");
        Files.write(file, idx(0x08, new int[] {2}, out -> out.write(1)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(file));
        assertEquals(file + ": truncated IDX data: expected 2 bytes of unsigned byte data for shape (2,), got 1",
                e.getMessage());
    }

    @Test
    void truncatedMagic() {
        assertFormatError(new byte[] {0, 0, 8},
                "test.idx: truncated IDX header: expected a 4-byte magic number, got 3 bytes");
        assertFormatError(new byte[0], "test.idx: truncated IDX header: expected a 4-byte magic number, got 0 bytes");
    }

    @Test
    void truncatedDimensions() {
        assertFormatError(new byte[] {0, 0, 8, 2, 0, 0, 0, 5, 0, 0},
                "test.idx: truncated IDX header: expected 8 bytes of dimensions for rank 2, got 6");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedData(boolean gzip) throws IOException {
        byte[] file = idx(0x08, new int[] {2, 3}, out -> out.write(new byte[] {1, 2, 3, 4}));
        assertFormatError(gzip ? gzip(file) : file,
                "test.idx: truncated IDX data: expected 6 bytes of unsigned byte data for shape (2, 3), got 4");
        byte[] doubles = idx(0x0E, new int[] {2}, out -> out.writeDouble(1));
        assertFormatError(gzip ? gzip(doubles) : doubles,
                "test.idx: truncated IDX data: expected 16 bytes of double data for shape (2,), got 8");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void trailingBytes(boolean gzip) throws IOException {
        byte[] file = idx(0x08, new int[] {2, 3}, out -> out.write(new byte[8]));
        assertFormatError(gzip ? gzip(file) : file,
                "test.idx: 2 unexpected bytes after the 6 bytes of unsigned byte data for shape (2, 3)");
    }

    @Test
    void badMagic() {
        IdxFormatException e = assertFormatError(new byte[] {1, 0, 8, 1, 0, 0, 0, 0}, "test.idx: not an IDX file");
        assertTrue(e.getMessage().contains("found 01 00 08 01"), e.getMessage());
        assertFormatError("hello, world".getBytes(), "test.idx: not an IDX file");
    }

    @Test
    void unknownTypeCode() {
        IdxFormatException e = assertFormatError(new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 0},
                "test.idx: unknown IDX element type code 0x0A");
        assertTrue(e.getMessage().contains("0x08 (unsigned byte)"), e.getMessage());
    }

    @Test
    void rankOutOfRange() {
        assertFormatError(new byte[] {0, 0, 8, 0}, "test.idx: IDX rank 0 is out of range");
        assertFormatError(new byte[] {0, 0, 8, 9}, "test.idx: IDX rank 9 is out of range");
    }

    @Test
    void negativeDimension() throws IOException {
        assertFormatError(idx(0x08, new int[] {3, -1}, out -> { }),
                "test.idx: IDX header declares negative dimension -1 for axis 1");
    }

    /** 2^60 bytes: naive int arithmetic would see 0 elements, naive long arithmetic would try to allocate. */
    @Test
    void absurdShapeIsRefusedWithoutAllocating() throws IOException {
        byte[] file = idx(0x08, new int[] {1 << 30, 1 << 30}, out -> out.write(new byte[16]));
        long before = allocatedBytes();
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> read(file, false));
        assertAllocatedLittleSince(before);
        assertEquals("test.idx: IDX header declares shape (1073741824, 1073741824) of unsigned byte:"
                + " 1152921504606846976 elements, 1152921504606846976 bytes, more than the limit of 2147483639 bytes;"
                + " refusing to allocate", e.getMessage());
        assertThrows(IdxFormatException.class, () -> read(idx(0x0E, new int[] {1 << 28}, out -> { }), false));
    }

    /** A header within the limits but lying about the size must cost memory for the data present, not declared. */
    @Test
    void largeDeclaredSizeWithLittleDataFailsWithoutAllocatingIt() throws IOException {
        byte[] file = idx(0x08, new int[] {1 << 29, 3}, out -> out.write(new byte[10]));
        long before = allocatedBytes();
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> read(file, false));
        assertAllocatedLittleSince(before);
        assertEquals("test.idx: truncated IDX data: expected 1610612736 bytes of unsigned byte data"
                + " for shape (536870912, 3), got 10", e.getMessage());
    }

    @Test
    void corruptedGzip() throws IOException {
        byte[] random = new byte[4000];
        new Random(42).nextBytes(random);
        byte[] good = gzip(idx(0x08, new int[] {4000}, out -> out.write(random)));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertFormatError(flipped, "test.idx: corrupted or truncated gzip data");
        assertFormatError(Arrays.copyOf(good, good.length - 6), "test.idx: corrupted or truncated gzip data");
        assertFormatError(Arrays.copyOf(good, 5), "test.idx: corrupted or truncated gzip data");
        assertEquals("test.idx: corrupted or truncated gzip data: the file ends before the compressed data does",
                assertFormatError(new byte[] {0x1f, (byte) 0x8b}, "test.idx").getMessage(), "only the magic bytes");
    }

    private static IdxFormatException assertFormatError(byte[] file, String expectedPrefix) {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> read(file, false));
        assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
        return e;
    }

    private static IdxArray read(byte[] file, boolean gzip) throws IOException {
        return Idx.read(new ByteArrayInputStream(gzip ? gzip(file) : file), NAME);
    }

    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes");
        return threads.getCurrentThreadAllocatedBytes();
    }

    private static void assertAllocatedLittleSince(long before) {
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "reader allocated " + allocated + " bytes");
    }

    @FunctionalInterface
    interface Values {
        void write(DataOutputStream out) throws IOException;
    }

    /** An IDX file: magic (0, 0, type code, rank), big-endian dimensions, then what {@code values} writes. */
    static byte[] idx(int typeCode, int[] shape, Values values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) typeCode, (byte) shape.length});
        for (int d : shape) {
            out.writeInt(d);
        }
        values.write(out);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }
}
