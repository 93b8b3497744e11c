package org.tatami.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads the few named entries of a model archive (.tatami, .keras) into memory, defensively: any
 * other entry name (a path, "..") is refused before its content is read, an entry may appear once,
 * and each entry stops at its size cap however small its header claims it is (zip bombs).
 */
public final class ZipParts {
    private ZipParts() {
    }

    /**
     * @param name the archive's name, for messages
     * @param caps the allowed entry names and the most bytes each may inflate to
     * @param error makes the caller's exception type from a message and a cause (or null)
     * @return the entries found (possibly not all of {@code caps}; none for an empty or non-zip input)
     */
    public static Map<String, byte[]> read(InputStream in, String name, Map<String, Long> caps,
                                           BiFunction<String, Throwable, IOException> error) throws IOException {
        return read(in, name, caps, (entry, before) -> null, error);
    }

    /** An entry's size limit and what sets it, for the message: "the limit", "the size config.json implies". */
    public record Cap(long bytes, String reason) {
    }

    /** A tighter cap for an entry from the entries before it, e.g. for weights from the model config; or null. */
    @FunctionalInterface
    public interface Implied {
        Cap cap(String entry, Map<String, byte[]> before) throws IOException;
    }

    /**
     * As {@link #read(InputStream, String, Map, BiFunction)}, where {@code implied} may lower an
     * entry's cap to what the entries read before it (in archive order) imply it can hold.
     */
    public static Map<String, byte[]> read(InputStream in, String name, Map<String, Long> caps, Implied implied,
                                           BiFunction<String, Throwable, IOException> error) throws IOException {
        Map<String, byte[]> parts = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = nextEntry(zip, name, error)) != null; ) {
                String entry = e.getName();
                Long cap = caps.get(entry);
                if (cap == null) {
                    throw error.apply(name + ": unexpected entry '" + entry + "'; the archive may hold only "
                            + String.join(", ", caps.keySet()), null);
                }
                if (parts.containsKey(entry)) {
                    throw error.apply(name + ": entry '" + entry + "' appears twice", null);
                }
                Cap tighter = implied.cap(entry, parts);
                Cap limit = tighter != null && tighter.bytes() < cap ? tighter : new Cap(cap, "the limit");
                parts.put(entry, readCapped(zip, limit, name + "/" + entry, error));
            }
        } catch (ZipException ex) {
            throw error.apply(name + ": corrupted zip archive: " + ex.getMessage(), ex);
        } catch (EOFException ex) {
            throw error.apply(name + ": truncated zip archive", ex);
        }
        return parts;
    }

    /** Writes {@code entries}, in their order, as a zip archive at {@code file}, atomically ({@link AtomicFiles}). */
    public static void write(Path file, Map<String, byte[]> entries) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static ZipEntry nextEntry(ZipInputStream zip, String name,
                                      BiFunction<String, Throwable, IOException> error) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException ex) {
            // ZipInputStream's way of saying that an entry's name is not valid UTF-8.
            throw error.apply(name + ": corrupted zip archive: an entry name is not valid UTF-8", ex);
        }
    }

    // Counts what is actually inflated, so an entry stops at its cap whatever its header claims.
    private static byte[] readCapped(InputStream in, Cap cap, String what,
                                     BiFunction<String, Throwable, IOException> error) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > cap.bytes()) {
                throw error.apply(what + ": larger than " + cap.reason() + " of " + cap.bytes() + " bytes", null);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
