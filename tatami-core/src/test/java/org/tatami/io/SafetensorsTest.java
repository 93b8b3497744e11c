package org.tatami.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tatami.tensor.Tensor;

class SafetensorsTest {
    private static final String NAME = "bad.safetensors";

    /** Values whose bits a careless conversion would change. */
    private static final float[] SPECIAL = {
        Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000), -0.0f, 0.0f,
        Float.MIN_VALUE, Float.intBitsToFloat(0x007fffff), -Float.MIN_NORMAL, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.1f,
    };

    @TempDir
    Path dir;

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static LinkedHashMap<String, Tensor> sample() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        // Not in alphabetical order, so that a sorted map would be noticed.
        tensors.put("dense/kernel", Tensor.of(SPECIAL.clone(), 3, 4));
        tensors.put("scalar", Tensor.of(new float[] {-7.5f}));
        tensors.put("empty", Tensor.zeros(0, 4));
        tensors.put("conv2d/bias", Tensor.vector(1f, 2f, 3f));
        float[] big = new float[300_000];
        Random random = new Random(42);
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) random.nextGaussian();
        }
        // Larger than the reading and writing chunks, so several chunks are joined.
        tensors.put("big", Tensor.of(big, 1000, 300));
        return tensors;
    }

    private static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            assertArrayEquals(bits(expected.get(name).data()), bits(actual.get(name).data()), name);
        }
    }

    /** Content with the given (unpadded) JSON header and data section. */
    private static byte[] content(String header, byte[] data) {
        byte[] json = header.getBytes(UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    private static byte[] withLength(long headerLength, int restBytes) {
        return ByteBuffer.allocate(8 + restBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
    }

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private static String error(byte[] content) {
        return assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(content, NAME)).getMessage();
    }

    @Test
    void roundTripsThroughAFile() throws IOException {
        LinkedHashMap<String, Tensor> tensors = sample();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "tatami");
        metadata.put("note", "ünïcode \"quoted\" <b>&</b>\n");
        Path file = dir.resolve("model.safetensors");

        Safetensors.write(file, tensors, metadata);
        SafetensorsFile read = Safetensors.read(file);

        assertSameTensors(tensors, read.tensors());
        assertEquals(metadata, read.metadata());
        assertEquals(List.of("format", "note"), List.copyOf(read.metadata().keySet()));
    }

    @Test
    void toBytesMatchesTheFileAndReadsBack() throws IOException {
        LinkedHashMap<String, Tensor> tensors = sample();
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors, Map.of("k", "v"));

        byte[] bytes = Safetensors.toBytes(tensors, Map.of("k", "v"));

        assertArrayEquals(Files.readAllBytes(file), bytes);
        SafetensorsFile read = Safetensors.read(bytes, "embedded");
        assertSameTensors(tensors, read.tensors());
        assertEquals(Map.of("k", "v"), read.metadata());
    }

    @Test
    void layoutMatchesTheSpecificationByteForByte() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.vector(1f, -2f));
        tensors.put("a", Tensor.of(new float[] {0.5f}));

        byte[] bytes = Safetensors.toBytes(tensors, Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        assertEquals(132, json.length());
        // 132 bytes of JSON padded with 4 spaces to 136 = 0x88.
        assertArrayEquals(new byte[] {(byte) 0x88, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(bytes, 8));
        assertEquals(json + "    ", new String(bytes, 8, 136, UTF_8));
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, 0, 0, 0, 0x3f},
                Arrays.copyOfRange(bytes, 144, bytes.length));
    }

    @Test
    void sameWeightsAndMetadataGiveTheSameBytesWhateverTheMapOrder() throws IOException {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("format", "tatami");
        ab.put("model", "sequential");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("model", "sequential");
        ba.put("format", "tatami");
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        Safetensors.write(first, sample(), ab);
        Safetensors.write(second, sample(), ba);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertArrayEquals(Safetensors.toBytes(sample(), ab), Safetensors.toBytes(sample(), ba));
        assertTrue(new String(Files.readAllBytes(first), UTF_8)
                .contains("{\"__metadata__\":{\"format\":\"tatami\",\"model\":\"sequential\"}"));
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytesAndOmitsEmptyMetadata() {
        for (int length = 1; length <= 9; length++) {
            Map<String, Tensor> tensors = Map.of("x".repeat(length), Tensor.vector(1f));
            for (Map<String, String> metadata : Arrays.asList(null, Map.<String, String>of())) {
                byte[] bytes = Safetensors.toBytes(tensors, metadata);
                long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertEquals(0, headerLength % 8, "name length " + length);
                assertEquals(8 + headerLength + 4, bytes.length);
                String header = new String(bytes, 8, (int) headerLength, UTF_8);
                String json = "{\"" + "x".repeat(length)
                        + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
                assertEquals(json + " ".repeat((int) headerLength - json.length()), header);
            }
        }
    }

    @Test
    void readsAnEmptyFile() throws IOException {
        SafetensorsFile read = Safetensors.read(content("{}      ", new byte[0]), NAME);
        assertEquals(Map.of(), read.tensors());
        assertEquals(Map.of(), read.metadata());
    }

    @Test
    void convertsHalfBfloatAndDoubleToFloat() throws IOException {
        short[] half = {0x3c00, (short) 0xc000, 0x3555, 0x7bff, 0x0400, 0x0001, 0x03ff, (short) 0x8001,
            (short) 0x8000, 0x7c00, (short) 0xfc00, 0x7e00};
        float[] halfValues = {1f, -2f, 0.333251953125f, 65504f, 0x1p-14f, 0x1p-24f, 1023 * 0x1p-24f, -0x1p-24f,
            -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        short[] bfloat = {0x3f80, (short) 0xc049, 0x0001, (short) 0xff80};
        float[] bfloatValues = {1f, -3.140625f, 0x1p-133f, Float.NEGATIVE_INFINITY};
        double[] doubles = {0.1, 1 + 0x1p-24, 1 + 3 * 0x1p-24, 1e300, -1e-50, -2.5};
        // 0.1 rounds to nearest; the two ties round to the even neighbour; overflow gives infinity.
        float[] doubleValues = {Float.intBitsToFloat(0x3dcccccd), 1f, 1 + 0x1p-22f, Float.POSITIVE_INFINITY,
            -0f, -2.5f};

        ByteBuffer data = ByteBuffer.allocate(24 + 8 + 48).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : half) {
            data.putShort(s);
        }
        for (short s : bfloat) {
            data.putShort(s);
        }
        for (double d : doubles) {
            data.putDouble(d);
        }
        String header = "{\"h\":" + entry("F16", "[3,4]", "[0,24]") + ",\"bf\":" + entry("BF16", "[4]", "[24,32]")
                + ",\"d\":" + entry("F64", "[2,1,3]", "[32,80]") + "}";

        Map<String, Tensor> read = Safetensors.read(content(header, data.array()), NAME).tensors();

        assertArrayEquals(bits(halfValues), bits(read.get("h").data()));
        assertArrayEquals(new int[] {3, 4}, read.get("h").shape());
        assertArrayEquals(bits(bfloatValues), bits(read.get("bf").data()));
        assertArrayEquals(bits(doubleValues), bits(read.get("d").data()));
        assertArrayEquals(new int[] {2, 1, 3}, read.get("d").shape());
    }

    @Test
    void tensorsComeInOffsetOrder() throws IOException {
        String header = "{\"second\":" + entry("F32", "[1]", "[4,8]") + ",\"first\":" + entry("F32", "[1]", "[0,4]")
                + "}";
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array();

        Map<String, Tensor> read = Safetensors.read(content(header, data), NAME).tensors();

        assertEquals(List.of("first", "second"), List.copyOf(read.keySet()));
        assertEquals(1f, read.get("first").data()[0]);
        assertEquals(2f, read.get("second").data()[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"I8", "I32", "I64", "BOOL", "U8", "F8_E4M3", "float32", "f32"})
    void refusesOtherDtypes(String dtype) {
        String header = "{\"w\":" + entry(dtype, "[1]", "[0,4]") + "}";
        assertEquals(NAME + ": tensor 'w': dtype '" + dtype + "' is not supported, expected F32, F64, F16 or BF16",
                error(content(header, new byte[4])));
    }

    @Test
    void namesWholeModelFilesGivenAsWeights() {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 8, 8, 0, 0};
        assertEquals("model.tatami: expected a .safetensors file, this is a .tatami model (a zip archive): its weights"
                + " are the weights.safetensors beside it in its run folder, or the model.safetensors inside it",
                assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(zip, "model.tatami")).getMessage());
        assertEquals(NAME + ": expected a .safetensors file, this is a zip archive (a .keras or .tatami model?)",
                error(zip));
        byte[] hdf5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0};
        assertEquals(NAME + ": expected a .safetensors file, this is an HDF5 file (Keras .h5 weights?): convert it"
                + " with 'tatami import'", error(hdf5));
    }

    @Test
    void refusesAnEmptyOrTooShortFile() {
        assertEquals(NAME + ": file is empty, expected an 8-byte header length followed by a JSON header",
                error(new byte[0]));
        assertEquals(NAME + ": file is 5 bytes, too short for the 8-byte header length", error(new byte[5]));
    }

    @Test
    void refusesHeaderLengthsThatCannotBeRight() {
        assertEquals(NAME + ": header length is 100, but only 20 bytes follow the length field",
                error(withLength(100, 20)));
        assertEquals(NAME + ": header length is 1, expected at least 2 (the JSON object {})", error(withLength(1, 1)));
        assertEquals(NAME + ": header length is 104857601, more than the limit of 104857600 bytes",
                error(withLength(100L * 1024 * 1024 + 1, 8)));
        // Refused before allocating anything of that size.
        assertEquals(NAME + ": header length is 4611686018427387904, more than the limit of 104857600 bytes",
                error(withLength(1L << 62, 8)));
        assertEquals(NAME + ": header length is 18446744073709551615, more than the limit of 104857600 bytes",
                error(withLength(-1, 8)));
    }

    @Test
    void refusesAHugeHeaderLengthInAFile() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        Files.write(file, withLength(1L << 62, 8));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file));
        assertEquals(file + ": header length is 4611686018427387904, more than the limit of 104857600 bytes",
                e.getMessage());
    }

    @Test
    void refusesHeadersThatAreNotAJsonObject() {
        assertTrue(error(content("not json", new byte[0])).startsWith(NAME + ": header is not valid JSON: "));
        assertTrue(error(content("{\"a\":", new byte[0])).startsWith(NAME + ": header is not valid JSON: "));
        assertTrue(error(content("{} {}", new byte[0])).startsWith(NAME + ": header is not valid JSON: "));
        assertEquals(NAME + ": header is a JSON array, expected a JSON object", error(content("[1, 2]", new byte[0])));
        assertEquals(NAME + ": header is a string, expected a JSON object", error(content("\"{}\"", new byte[0])));
        byte[] latin1 = content("{\"caf\u00e9\":{}}", new byte[0]);
        latin1[13] = (byte) 0xe9;
        assertEquals(NAME + ": header is not valid UTF-8", error(latin1));
    }

    @Test
    void refusesMalformedEntries() {
        byte[] four = new byte[4];
        assertEquals(NAME + ": tensor 'w': entry has no dtype, expected dtype, shape and data_offsets",
                error(content("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", four)));
        assertEquals(NAME + ": tensor 'w': entry has no data_offsets, expected dtype, shape and data_offsets",
                error(content("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", four)));
        assertEquals(NAME + ": tensor 'w': entry is a JSON array, expected a JSON object with dtype, shape and"
                + " data_offsets", error(content("{\"w\":[]}", four)));
        assertEquals(NAME + ": tensor 'w': dtype is a number, expected a string",
                error(content("{\"w\":" + entry("F32", "[1]", "[0,4]").replace("\"F32\"", "32") + "}", four)));
        assertEquals(NAME + ": tensor 'w': unexpected field 'scale', expected only dtype, shape and data_offsets",
                error(content("{\"w\":{\"scale\":1," + entry("F32", "[1]", "[0,4]").substring(1) + "}", four)));
        assertEquals(NAME + ": tensor 'w': shape holds 1.0, expected integers",
                error(content("{\"w\":" + entry("F32", "[1.0]", "[0,4]") + "}", four)));
        assertEquals(NAME + ": tensor 'w': shape holds a string, expected integers",
                error(content("{\"w\":" + entry("F32", "[\"1\"]", "[0,4]") + "}", four)));
        assertEquals(NAME + ": tensor 'w': data_offsets holds 99999999999999999999, beyond the 64-bit integer range",
                error(content("{\"w\":" + entry("F32", "[1]", "[0,99999999999999999999]") + "}", four)));
        assertEquals(NAME + ": tensor 'w': data_offsets holds 3 numbers, expected [begin, end]",
                error(content("{\"w\":" + entry("F32", "[1]", "[0,4,8]") + "}", four)));
        assertEquals(NAME + ": header has two entries named 'w'",
                error(content("{\"w\":" + entry("F32", "[1]", "[0,4]") + ",\"w\":" + entry("F32", "[1]", "[0,4]")
                        + "}", four)));
        assertEquals(NAME + ": __metadata__ entry 'epochs' is a number, expected a string",
                error(content("{\"__metadata__\":{\"epochs\":3}}", new byte[0])));
    }

    @Test
    void refusesBadShapes() {
        assertEquals(NAME + ": tensor 'w': shape (2, -1) has a negative dimension",
                error(content("{\"w\":" + entry("F32", "[2,-1]", "[0,8]") + "}", new byte[8])));
        assertEquals(NAME + ": tensor 'w': shape (2147483648, 2147483648) has a dimension over 2147483647",
                error(content("{\"w\":" + entry("F32", "[2147483648,2147483648]", "[0,8]") + "}", new byte[8])));
        assertEquals(NAME + ": tensor 'w': shape (65536, 65536) has more than 2147483647 elements, the most a tensor"
                + " holds", error(content("{\"w\":" + entry("F16", "[65536,65536]", "[0,8]") + "}", new byte[8])));
    }

    @Test
    void refusesOffsetsThatDoNotMatchTheShape() {
        String header = "{\"dense/kernel\":" + entry("F32", "[507,100]", "[0,100]") + "}";
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> Safetensors.read(content(header, new byte[100]), "model.safetensors"));
        assertEquals("model.safetensors: tensor 'dense/kernel': data_offsets [0, 100] hold 100 bytes, shape"
                + " (507, 100) of F32 needs 202800", e.getMessage());
        assertEquals(NAME + ": tensor 'b': data_offsets [0, 2] hold 2 bytes, shape (3,) of BF16 needs 6",
                error(content("{\"b\":" + entry("BF16", "[3]", "[0,2]") + "}", new byte[2])));
    }

    @Test
    void refusesOffsetsOutOfRange() {
        assertEquals(NAME + ": tensor 'w': data_offsets [0, 16] end past the data section, which holds 8 bytes"
                + " (truncated file?)", error(content("{\"w\":" + entry("F32", "[4]", "[0,16]") + "}", new byte[8])));
        assertEquals(NAME + ": tensor 'w': data_offsets [8, 4] begin after they end",
                error(content("{\"w\":" + entry("F32", "[1]", "[8,4]") + "}", new byte[8])));
        assertEquals(NAME + ": tensor 'w': data_offsets [-4, 0] are negative",
                error(content("{\"w\":" + entry("F32", "[1]", "[-4,0]") + "}", new byte[8])));
    }

    @Test
    void refusesATruncatedDataSection() throws IOException {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.vector(1f, 2f));
        tensors.put("b", Tensor.vector(3f, 4f));
        byte[] bytes = Safetensors.toBytes(tensors, null);
        Path file = dir.resolve("cut.safetensors");
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));

        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file));

        assertEquals(file + ": tensor 'b': data_offsets [8, 16] end past the data section, which holds 13 bytes"
                + " (truncated file?)", e.getMessage());
    }

    @Test
    void refusesOverlapsGapsAndTrailingBytes() {
        assertEquals(NAME + ": tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]",
                error(content("{\"a\":" + entry("F32", "[2]", "[0,8]") + ",\"b\":" + entry("F32", "[2]", "[4,12]")
                        + "}", new byte[12])));
        assertEquals(NAME + ": bytes [4, 8) of the data section belong to no tensor, expected tensors to follow each"
                + " other without gaps",
                error(content("{\"a\":" + entry("F32", "[1]", "[0,4]") + ",\"b\":" + entry("F32", "[1]", "[8,12]")
                        + "}", new byte[12])));
        assertEquals(NAME + ": bytes [0, 4) of the data section belong to no tensor, expected tensors to follow each"
                + " other without gaps", error(content("{\"a\":" + entry("F32", "[1]", "[4,8]") + "}", new byte[8])));
        assertEquals(NAME + ": the data section ends with 4 bytes [4, 8) that belong to no tensor",
                error(content("{\"a\":" + entry("F32", "[1]", "[0,4]") + "}", new byte[8])));
        assertEquals(NAME + ": the data section ends with 3 bytes [0, 3) that belong to no tensor",
                error(content("{}", new byte[3])));
    }

    @Test
    void refusesMoreThanTwoGibibytesOfData() throws IOException {
        Path file = dir.resolve("large.safetensors");
        byte[] head = content("{}      ", new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(head);
            // Sparse: the length is set without writing the bytes.
            raf.setLength(head.length + (1L << 31));
        }
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file));
        assertEquals(file + ": data section is 2147483648 bytes, more than the 2147483647 bytes (2 GiB) supported",
                e.getMessage());
    }

    @Test
    void refusesATensorNamedLikeTheMetadata() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.toBytes(Map.of("__metadata__", Tensor.vector(1f)), null));
        assertEquals("a tensor cannot be named __metadata__, the format reserves it for metadata", e.getMessage());
    }
}
