package org.tatami.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.tatami.tensor.Tensor;

/**
 * Parses and checks safetensors content. Files may come from anywhere, so everything the header
 * claims is checked against the real size before anything is allocated from it.
 */
final class SafetensorsReader {
    /** The reference implementation's limit; a larger header is a corrupt or hostile file. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** Bytes read and converted per step. */
    private static final int CHUNK = 1 << 20;

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    /** Random access to the content. */
    @FunctionalInterface
    interface Source {
        /** Fills {@code dst} from its position to its limit with the bytes starting at {@code position}. */
        void read(long position, ByteBuffer dst) throws IOException;
    }

    /** The element types that convert to float32. */
    private enum Dtype {
        F32(4) {
            @Override
            void decode(ByteBuffer in, float[] out, int from, int count) {
                in.asFloatBuffer().get(out, from, count);
            }
        },
        F64(8) {
            @Override
            void decode(ByteBuffer in, float[] out, int from, int count) {
                for (int i = 0; i < count; i++) {
                    // Java's narrowing rounds to nearest, ties to even, and overflows to infinity.
                    out[from + i] = (float) in.getDouble();
                }
            }
        },
        F16(2) {
            @Override
            void decode(ByteBuffer in, float[] out, int from, int count) {
                for (int i = 0; i < count; i++) {
                    out[from + i] = halfToFloat(in.getShort());
                }
            }
        },
        BF16(2) {
            @Override
            void decode(ByteBuffer in, float[] out, int from, int count) {
                for (int i = 0; i < count; i++) {
                    // bfloat16 is the upper half of a float32.
                    out[from + i] = Float.intBitsToFloat(in.getShort() << 16);
                }
            }
        };

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        abstract void decode(ByteBuffer in, float[] out, int from, int count);

        static Dtype named(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** A header entry as written, before its values are checked. */
    private record RawEntry(String name, String dtype, long[] shape, long[] offsets) {
    }

    /** A checked header entry. */
    private record Entry(String name, Dtype dtype, int[] shape, int size, long begin, long end) {
    }

    private final String name;
    private final long size;
    private final Source source;

    private SafetensorsReader(String name, long size, Source source) {
        this.name = name;
        this.size = size;
        this.source = source;
    }

    /** Reads content of {@code size} bytes; {@code name} prefixes every error message. */
    static SafetensorsFile read(String name, long size, Source source) throws IOException {
        return new SafetensorsReader(name, size, source).read();
    }

    private SafetensorsFile read() throws IOException {
        if (size == 0) {
            throw error("file is empty, expected an 8-byte header length followed by a JSON header");
        }
        if (size < 8) {
            throw error("file is " + size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        source.read(0, lengthField);
        refuseOtherFormats(lengthField.array());
        long headerLength = lengthField.getLong(0);
        // Unsigned comparisons: a length of 2^63 or more reads as negative.
        if (Long.compareUnsigned(headerLength, 2) < 0) {
            throw error("header length is " + headerLength + ", expected at least 2 (the JSON object {})");
        }
        if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
            throw error("header length is " + Long.toUnsignedString(headerLength) + ", more than the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > size - 8) {
            throw error("header length is " + headerLength + ", but only " + (size - 8)
                    + " bytes follow the length field");
        }
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        if (dataLength > Integer.MAX_VALUE) {
            throw error("data section is " + dataLength + " bytes, more than the " + Integer.MAX_VALUE
                    + " bytes (2 GiB) supported");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        source.read(8, headerBytes);
        headerBytes.flip();
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw error("header is not valid UTF-8", e);
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<RawEntry> rawEntries = new ArrayList<>();
        parseHeader(header, metadata, rawEntries);
        List<Entry> entries = new ArrayList<>();
        for (RawEntry raw : rawEntries) {
            entries.add(check(raw, dataLength));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkContiguous(entries, dataLength);

        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, dataLength)).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] values = new float[e.size()];
            long position = dataStart + e.begin();
            for (int done = 0; done < values.length; ) {
                int n = Math.min(values.length - done, chunk.capacity() / e.dtype().bytes);
                chunk.clear().limit(n * e.dtype().bytes);
                source.read(position, chunk);
                chunk.flip();
                e.dtype().decode(chunk, values, done, n);
                done += n;
                position += (long) n * e.dtype().bytes;
            }
            tensors.put(e.name(), Tensor.of(values, e.shape()));
        }
        return new SafetensorsFile(tensors, Collections.unmodifiableMap(metadata));
    }

    /** Fills {@code metadata} and {@code entries} from the JSON header, checking its structure only. */
    private void parseHeader(String header, Map<String, String> metadata, List<RawEntry> entries)
            throws SafetensorsFormatException {
        JsonReader json = new JsonReader(new StringReader(header));
        json.setStrictness(Strictness.STRICT);
        try {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw error("header is " + describe(json.peek()) + ", expected a JSON object");
            }
            Set<String> names = new HashSet<>();
            json.beginObject();
            while (json.hasNext()) {
                String key = json.nextName();
                if (!names.add(key)) {
                    throw error("header has two entries named '" + key + "'");
                }
                if (key.equals(Safetensors.METADATA_KEY)) {
                    readMetadata(json, metadata);
                } else {
                    entries.add(readEntry(json, key));
                }
            }
            json.endObject();
            // Only whitespace (the padding) may follow; strict mode rejects anything else.
            json.peek();
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw error("header is not valid JSON: " + gsonProblem(e.getMessage()), e);
        }
    }

    private void readMetadata(JsonReader json, Map<String, String> metadata) throws IOException {
        String key = Safetensors.METADATA_KEY;
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw error(key + " is " + describe(json.peek()) + ", expected a JSON object of strings");
        }
        json.beginObject();
        while (json.hasNext()) {
            String name = json.nextName();
            if (json.peek() != JsonToken.STRING) {
                throw error(key + " entry '" + name + "' is " + describe(json.peek()) + ", expected a string");
            }
            if (metadata.put(name, json.nextString()) != null) {
                throw error(key + " has two entries named '" + name + "'");
            }
        }
        json.endObject();
    }

    private RawEntry readEntry(JsonReader json, String tensor) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw tensorError(tensor, "entry is " + describe(json.peek())
                    + ", expected a JSON object with dtype, shape and data_offsets");
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        Set<String> fields = new HashSet<>();
        json.beginObject();
        while (json.hasNext()) {
            String field = json.nextName();
            if (!fields.add(field)) {
                throw tensorError(tensor, "field '" + field + "' appears twice");
            }
            switch (field) {
                case "dtype" -> {
                    if (json.peek() != JsonToken.STRING) {
                        throw tensorError(tensor, "dtype is " + describe(json.peek()) + ", expected a string");
                    }
                    dtype = json.nextString();
                }
                case "shape" -> shape = readIntegers(json, tensor, field);
                case "data_offsets" -> offsets = readIntegers(json, tensor, field);
                default -> throw tensorError(tensor, "unexpected field '" + field
                        + "', expected only dtype, shape and data_offsets");
            }
        }
        json.endObject();
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw tensorError(tensor, "entry has no " + missing + ", expected dtype, shape and data_offsets");
        }
        return new RawEntry(tensor, dtype, shape, offsets);
    }

    private long[] readIntegers(JsonReader json, String tensor, String field) throws IOException {
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw tensorError(tensor, field + " is " + describe(json.peek()) + ", expected an array of integers");
        }
        List<Long> values = new ArrayList<>();
        json.beginArray();
        while (json.hasNext()) {
            if (json.peek() != JsonToken.NUMBER) {
                throw tensorError(tensor, field + " holds " + describe(json.peek()) + ", expected integers");
            }
            // The literal, so that 2.0 or 1e3 are refused rather than silently converted.
            String literal = json.nextString();
            if (!INTEGER.matcher(literal).matches()) {
                throw tensorError(tensor, field + " holds " + literal + ", expected integers");
            }
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw tensorError(tensor, field + " holds " + literal + ", beyond the 64-bit integer range");
            }
        }
        json.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** Checks one entry's dtype, shape and offsets against each other and the data section. */
    private Entry check(RawEntry raw, long dataLength) throws SafetensorsFormatException {
        String tensor = raw.name();
        Dtype dtype = Dtype.named(raw.dtype());
        if (dtype == null) {
            throw tensorError(tensor, "dtype '" + raw.dtype() + "' is not supported, expected F32, F64, F16 or BF16");
        }
        long[] shape = raw.shape();
        String shapeText = Arrays.stream(shape).mapToObj(Long::toString)
                .collect(Collectors.joining(", ", "(", shape.length == 1 ? ",)" : ")"));
        boolean empty = false;
        for (long d : shape) {
            if (d < 0) {
                throw tensorError(tensor, "shape " + shapeText + " has a negative dimension");
            }
            if (d > Integer.MAX_VALUE) {
                throw tensorError(tensor, "shape " + shapeText + " has a dimension over " + Integer.MAX_VALUE);
            }
            empty |= d == 0;
        }
        long count = empty ? 0 : 1;
        for (int i = 0; i < shape.length && count > 0; i++) {
            // Both factors are below 2^31, so the product cannot overflow a long.
            count *= shape[i];
            if (count > Integer.MAX_VALUE) {
                throw tensorError(tensor, "shape " + shapeText + " has more than " + Integer.MAX_VALUE
                        + " elements, the most a tensor holds");
            }
        }
        long[] offsets = raw.offsets();
        if (offsets.length != 2) {
            throw tensorError(tensor, "data_offsets holds " + offsets.length + " numbers, expected [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin < 0 || end < 0) {
            throw tensorError(tensor, range + " are negative");
        }
        if (begin > end) {
            throw tensorError(tensor, range + " begin after they end");
        }
        if (end > dataLength) {
            throw tensorError(tensor, range + " end past the data section, which holds " + dataLength
                    + " bytes (truncated file?)");
        }
        long needed = count * dtype.bytes;
        if (end - begin != needed) {
            throw tensorError(tensor, range + " hold " + (end - begin) + " bytes, shape " + shapeText + " of " + dtype
                    + " needs " + needed);
        }
        return new Entry(tensor, dtype, Arrays.stream(shape).mapToInt(d -> (int) d).toArray(), (int) count,
                begin, end);
    }

    /** The format requires the tensors, in offset order, to tile the data section exactly. */
    private void checkContiguous(List<Entry> sorted, long dataLength) throws SafetensorsFormatException {
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < at) {
                throw tensorError(e.name(), "data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor '"
                        + previous.name() + "' at [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > at) {
                throw error("bytes [" + at + ", " + e.begin() + ") of the data section belong to no tensor,"
                        + " expected tensors to follow each other without gaps");
            }
            at = e.end();
            previous = e;
        }
        if (at < dataLength) {
            throw error("the data section ends with " + (dataLength - at) + " bytes [" + at + ", " + dataLength
                    + ") that belong to no tensor");
        }
    }

    /** IEEE half precision to float; every half value is exactly representable. */
    private static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity or NaN, keeping the NaN payload.
            return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "a JSON array";
            case BEGIN_OBJECT -> "a JSON object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> token.name();
        };
    }

    /** Gson's message without its advice to callers of its API. */
    private static String gsonProblem(String message) {
        String problem = message.split("\n", 2)[0];
        return problem.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
    }

    /**
     * Whole-model files given where weights are expected (a common slip) are named as what they are, rather
     * than reported as a nonsense header length.
     */
    private void refuseOtherFormats(byte[] head) throws SafetensorsFormatException {
        if (Arrays.equals(head, 0, 4, ZIP_MAGIC, 0, 4)) {
            throw error(name.endsWith(".tatami")
                    ? "expected a .safetensors file, this is a .tatami model (a zip archive): its weights are the"
                            + " weights.safetensors beside it in its run folder, or the model.safetensors inside it"
                    : "expected a .safetensors file, this is a zip archive (a .keras or .tatami model?)");
        }
        if (Arrays.equals(head, HDF5_MAGIC)) {
            throw error("expected a .safetensors file, this is an HDF5 file (Keras .h5 weights?): convert it with"
                    + " 'tatami import'");
        }
    }

    private SafetensorsFormatException error(String detail) {
        return new SafetensorsFormatException(name + ": " + detail);
    }

    private SafetensorsFormatException error(String detail, Throwable cause) {
        return new SafetensorsFormatException(name + ": " + detail, cause);
    }

    private SafetensorsFormatException tensorError(String tensor, String detail) {
        return error("tensor '" + tensor + "': " + detail);
    }
}
