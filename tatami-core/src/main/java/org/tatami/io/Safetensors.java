package org.tatami.io;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.tatami.tensor.Tensor;

/**
 * The safetensors format of Hugging Face: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, then the tensors' little-endian
 * bytes, contiguous. Files are written as F32; reading also accepts F64, F16 and BF16.
 *
 * @see <a href="https://github.com/huggingface/safetensors">the format's specification</a>
 */
public final class Safetensors {
    /** The header entry that holds string metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";
    /** Header bytes allowed per tensor, and in all, when bounding a file's size by its tensors. */
    private static final long HEADER_BYTES_PER_TENSOR = 1 << 10;
    private static final long HEADER_BYTES = 1 << 20;

    /** Bytes of tensor data converted per step when streaming to a file. */
    private static final int CHUNK = 1 << 16;

    private Safetensors() {
    }

    /**
     * The most bytes a safetensors file of these tensors can take: every value in the widest dtype
     * (F64) and a header of up to 1 KiB per tensor besides 1 MiB of metadata. Bounds an archive
     * entry that must hold a known model's weights.
     */
    public static long maxBytes(Map<String, Tensor> tensors) {
        long values = 0;
        for (Tensor t : tensors.values()) {
            values += t.size();
        }
        return 8 + HEADER_BYTES + HEADER_BYTES_PER_TENSOR * tensors.size() + 8 * values;
    }

    /**
     * Writes {@code tensors}, in iteration order, and {@code metadata} (may be null or empty; its keys
     * in sorted order) to {@code file}, atomically: on failure an existing file is left as it was.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            ByteBuffer bytes = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer floats = bytes.asFloatBuffer();
            for (Tensor t : tensors.values()) {
                float[] data = t.data();
                for (int from = 0; from < data.length; from += floats.capacity()) {
                    int n = Math.min(floats.capacity(), data.length - from);
                    floats.clear();
                    floats.put(data, from, n);
                    out.write(bytes.array(), 0, n * Float.BYTES);
                }
            }
        });
    }

    /** The bytes {@link #write} would put in a file, e.g. to embed them in a zip archive. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        long size = 8L + header.length + dataBytes(tensors);
        // Java arrays stop a few bytes short of Integer.MAX_VALUE.
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("safetensors content of " + size
                    + " bytes does not fit a byte array; write it to a file instead");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (Tensor t : tensors.values()) {
            out.asFloatBuffer().put(t.data());
            out.position(out.position() + t.size() * Float.BYTES);
        }
        return out.array();
    }

    /** Reads a whole safetensors file, checking its structure before allocating the tensors. */
    public static SafetensorsFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            return SafetensorsReader.read(file.toString(), size, (position, dst) -> {
                long at = position;
                while (dst.hasRemaining()) {
                    int n = channel.read(dst, at);
                    if (n < 0) {
                        throw new SafetensorsFormatException(file + ": file ended at byte " + at
                                + " though it was " + size + " bytes long when opened (changed while being read?)");
                    }
                    at += n;
                }
            });
        }
    }

    /** Reads safetensors content held in memory; {@code name} identifies it in error messages. */
    public static SafetensorsFile read(byte[] bytes, String name) throws IOException {
        return SafetensorsReader.read(name, bytes.length,
                (position, dst) -> dst.put(bytes, (int) position, dst.remaining()));
    }

    /**
     * The JSON header, padded with spaces so the data starts 8-byte aligned. Metadata keys are sorted:
     * maps such as {@code Map.of} iterate in a different order in each JVM, and the same weights must
     * give the same bytes.
     */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (metadata != null && !metadata.isEmpty()) {
                json.name(METADATA_KEY).beginObject();
                for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                    json.name(Objects.requireNonNull(e.getKey(), "metadata key"))
                            .value(Objects.requireNonNull(e.getValue(), () -> "metadata value of " + e.getKey()));
                }
                json.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "tensor name");
                Tensor t = Objects.requireNonNull(e.getValue(), () -> "tensor " + name);
                if (name.equals(METADATA_KEY)) {
                    throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY
                            + ", the format reserves it for metadata");
                }
                json.name(name).beginObject().name("dtype").value("F32").name("shape").beginArray();
                for (int d : t.shape()) {
                    json.value(d);
                }
                long end = offset + (long) t.size() * Float.BYTES;
                json.endArray().name("data_offsets").beginArray().value(offset).value(end).endArray();
                json.endObject();
                offset = end;
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(utf8, (utf8.length + 7) / 8 * 8);
        Arrays.fill(padded, utf8.length, padded.length, (byte) ' ');
        return padded;
    }

    private static long dataBytes(Map<String, Tensor> tensors) {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += (long) t.size() * Float.BYTES;
        }
        return n;
    }
}
