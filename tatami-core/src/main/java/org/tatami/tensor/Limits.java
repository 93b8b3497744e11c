package org.tatami.tensor;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * How much a file or an option may make tatami allocate, checked before the allocation, so that a
 * careless or hostile input ends in a one-line refusal with the numbers rather than in an
 * OutOfMemoryError or gigabytes of memory spent on a file of a few kilobytes.
 *
 * <p>Each cap is a system property (e.g. {@code JAVA_OPTS=-Dtatami.maxPixels=100000000}), read when it
 * is checked; {@link #requireHeap} compares an allocation with what the JVM's heap can still hold.
 */
public final class Limits {
    /** Values in one weight tensor: 2^28 float32 values are 1 GiB. */
    public static final String MAX_PARAMETERS = "tatami.maxParameters";
    /** Pixels of one decoded picture (each becomes 4 or more bytes): 50 million. */
    public static final String MAX_PIXELS = "tatami.maxPixels";
    /** Bytes of a JSON model config or metadata file: 16 MiB. */
    public static final String MAX_JSON_BYTES = "tatami.maxJsonBytes";

    private static final long DEFAULT_MAX_PARAMETERS = 1L << 28;
    private static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    private static final long DEFAULT_MAX_JSON_BYTES = 16L << 20;

    private Limits() {
    }

    public static long maxParameters() {
        return property(MAX_PARAMETERS, DEFAULT_MAX_PARAMETERS);
    }

    public static long maxPixels() {
        return property(MAX_PIXELS, DEFAULT_MAX_PIXELS);
    }

    public static long maxJsonBytes() {
        return property(MAX_JSON_BYTES, DEFAULT_MAX_JSON_BYTES);
    }

    /**
     * Refuses an allocation of {@code bytes} that the heap cannot hold.
     *
     * @param what names the allocation and its source in the message, e.g. {@code x.json: layer 'dense' kernel}
     * @throws IllegalArgumentException naming {@code what}, the bytes needed and the heap's free and maximum sizes
     */
    public static void requireHeap(long bytes, String what) {
        if (bytes <= free()) {
            return;
        }
        // Garbage counts as used until it is collected: collect once before refusing.
        System.gc();
        if (bytes > free()) {
            throw refusal(bytes, what, "");
        }
    }

    /**
     * {@link #requireHeap}, then the allocation. The heap may have the room in total but not in one piece
     * (a large array takes whole contiguous regions): the allocation's OutOfMemoryError then gives the
     * same refusal.
     */
    public static <T> T allocate(long bytes, String what, Supplier<T> allocation) {
        requireHeap(bytes, what);
        try {
            return allocation.get();
        } catch (OutOfMemoryError e) {
            throw refusal(bytes, what, ", not in one piece");
        }
    }

    private static IllegalArgumentException refusal(long bytes, String what, String how) {
        return new IllegalArgumentException(what + " needs " + bytes(bytes) + " of memory, the JVM heap has "
                + bytes(free()) + " free of " + bytes(Runtime.getRuntime().maxMemory()) + how
                + ": give the JVM more heap with JAVA_OPTS=-Xmx<size>");
    }

    /** A byte count for people: {@code 12.5 GiB}, {@code 3.0 MiB}, {@code 512 bytes}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static long free() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    private static long property(String name, long absent) {
        String value = System.getProperty(name);
        if (value == null) {
            return absent;
        }
        try {
            long v = Long.parseLong(value.trim().replace("_", ""));
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the name of the property
        }
        throw new IllegalArgumentException("system property " + name + " must be a positive integer, got \""
                + value + "\"");
    }
}
