package org.tatami.interop.keras;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the subset of HDF5 that Keras weight files use: groups, contiguous little-endian float32
 * datasets, and scalar UTF-8 string attributes. The layout follows the HDF5 File Format
 * Specification: a version 2 superblock, version 2 object headers with checksums, groups holding
 * their links in the header ("compact" storage), and string attributes as variable-length strings
 * in one global heap collection, the type h5py gives a Python {@code str}.
 *
 * <p>Objects are written children first, so every header is written once, with its children's
 * addresses already known; the superblock, which needs the root's address, is written last over
 * the space reserved for it at offset 0.
 */
final class Hdf5Writer {
    private static final long UNDEFINED = -1L;
    private static final int SUPERBLOCK_SIZE = 48;
    /** HDF5's minimum collection size: its reader fetches this much before it looks at the stated size. */
    private static final int MIN_HEAP_SIZE = 4096;
    private static final int HEAP_OBJECT_HEADER = 16;

    private static final int DATASPACE = 0x01;
    private static final int LINK_INFO = 0x02;
    private static final int DATATYPE = 0x03;
    private static final int FILL_VALUE = 0x05;
    private static final int LINK = 0x06;
    private static final int LAYOUT = 0x08;
    private static final int GROUP_INFO = 0x0A;
    private static final int ATTRIBUTE = 0x0C;

    /** IEEE float32, little-endian: class 1, version 1, sign at bit 31, 8-bit exponent at 23, bias 127. */
    private static final byte[] FLOAT32 = new Bytes().u8(0x11).u8(0x20).u8(31).u8(0).u32(4)
            .u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127).toByteArray();
    /** Variable-length UTF-8 string of unsigned bytes, as HDF5 defines {@code H5T_VARIABLE} strings. */
    private static final byte[] VLEN_UTF8 = new Bytes().u8(0x19).u8(0x01).u8(0x01).u8(0).u32(16)
            .u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8).toByteArray();
    /** Signed little-endian 64-bit integers: class 0, version 1, signed, 64 bits from bit 0. */
    private static final byte[] INT64 = new Bytes().u8(0x10).u8(0x08).u8(0).u8(0).u32(8).u16(0).u16(64)
            .toByteArray();
    private static final byte[] SCALAR = {2, 0, 0, 0};

    private final Group root = new Group();

    private static final class Group {
        final Map<String, Object> children = new LinkedHashMap<>();
        final Map<String, String> attributes = new LinkedHashMap<>();
    }

    /** Values written as float32, or as int64 when {@code integers} (they are whole numbers then). */
    private record Dataset(int[] shape, float[] values, boolean integers) {
    }

    private record Message(int type, byte[] body) {
    }

    /** Creates the group at {@code path} ("a/b/c") and any missing parents. */
    Hdf5Writer group(String path) {
        groupAt(path, split(path).length);
        return this;
    }

    /** A float32 dataset of the given shape (row-major values) at {@code path}, creating its parent groups. */
    Hdf5Writer dataset(String path, int[] shape, float[] values) {
        return dataset(path, shape, values, false);
    }

    /**
     * A dataset of the given shape at {@code path}, of float32 values, or of int64 ones when
     * {@code integers} (each value a whole number), creating its parent groups.
     */
    Hdf5Writer dataset(String path, int[] shape, float[] values, boolean integers) {
        long size = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (size != values.length) {
            throw new IllegalArgumentException(path + ": shape " + Arrays.toString(shape) + " holds " + size
                    + " values, given " + values.length);
        }
        for (float v : values) {
            if (integers && v != (long) v) {
                throw new IllegalArgumentException(path + ": " + v + " is not a whole number for an int64 dataset");
            }
        }
        String[] names = split(path);
        Group parent = groupAt(path, names.length - 1);
        Dataset d = new Dataset(shape.clone(), values.clone(), integers);
        if (parent.children.putIfAbsent(names[names.length - 1], d) != null) {
            throw new IllegalArgumentException(path + ": already exists");
        }
        return this;
    }

    /** A string attribute on the group at {@code path} (created if missing; "" is the root). */
    Hdf5Writer attribute(String path, String name, String value) {
        groupAt(path, path.isEmpty() ? 0 : split(path).length).attributes.put(name, value);
        return this;
    }

    /** The complete file. */
    byte[] toBytes() {
        Bytes out = new Bytes();
        out.write(new byte[SUPERBLOCK_SIZE], 0, SUPERBLOCK_SIZE);
        Map<String, Integer> heapIndex = new LinkedHashMap<>();
        collectStrings(root, heapIndex);
        long heap = heapIndex.isEmpty() ? UNDEFINED : writeHeap(out, heapIndex);
        long rootAddress = write(root, out, heap, heapIndex);
        byte[] file = out.toByteArray();
        Bytes superblock = new Bytes();
        superblock.write(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, 8);
        superblock.u8(2).u8(8).u8(8).u8(0).u64(0).u64(UNDEFINED).u64(file.length).u64(rootAddress);
        superblock.checksum();
        System.arraycopy(superblock.toByteArray(), 0, file, 0, SUPERBLOCK_SIZE);
        return file;
    }

    /** The group of the first {@code depth} names of {@code path}, created where missing. */
    private Group groupAt(String path, int depth) {
        Group g = root;
        String[] names = path.isEmpty() ? new String[0] : split(path);
        for (int i = 0; i < depth; i++) {
            Object child = g.children.computeIfAbsent(names[i], n -> new Group());
            if (!(child instanceof Group next)) {
                throw new IllegalArgumentException(path + ": '" + names[i] + "' is a dataset, not a group");
            }
            g = next;
        }
        return g;
    }

    private static String[] split(String path) {
        String[] names = path.split("/", -1);
        for (String n : names) {
            if (n.isEmpty() || n.equals(".")) {
                throw new IllegalArgumentException("'" + path + "': not a valid HDF5 path");
            }
        }
        return names;
    }

    private static void collectStrings(Group g, Map<String, Integer> heapIndex) {
        g.attributes.values().forEach(v -> heapIndex.putIfAbsent(v, heapIndex.size() + 1));
        g.children.values().forEach(c -> {
            if (c instanceof Group child) {
                collectStrings(child, heapIndex);
            }
        });
    }

    /** One global heap collection holding each distinct string once; returns its address. */
    private static long writeHeap(Bytes out, Map<String, Integer> heapIndex) {
        Bytes objects = new Bytes();
        heapIndex.forEach((s, index) -> {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            objects.u16(index).u16(0).u32(0).u64(utf8.length);
            objects.write(utf8, 0, utf8.length);
            objects.pad8();
        });
        // The rest of the collection is one free-space object (index 0), whose size counts its own header.
        int used = HEAP_OBJECT_HEADER + objects.size();
        int size = Math.max(MIN_HEAP_SIZE, used + HEAP_OBJECT_HEADER);
        long address = out.size();
        out.write(new byte[] {'G', 'C', 'O', 'L', 1, 0, 0, 0}, 0, 8);
        out.u64(size);
        out.write(objects.toByteArray(), 0, objects.size());
        out.u16(0).u16(0).u32(0).u64(size - used);
        out.write(new byte[size - used - HEAP_OBJECT_HEADER], 0, size - used - HEAP_OBJECT_HEADER);
        return address;
    }

    /** Writes a group's children, then its header; returns the header's address. */
    private static long write(Group g, Bytes out, long heap, Map<String, Integer> heapIndex) {
        Map<String, Long> addresses = new LinkedHashMap<>();
        g.children.forEach((name, child) -> addresses.put(name, child instanceof Group sub
                ? write(sub, out, heap, heapIndex) : write((Dataset) child, out)));
        Message[] messages = new Message[2 + addresses.size() + g.attributes.size()];
        messages[0] = new Message(LINK_INFO, new Bytes().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED).toByteArray());
        messages[1] = new Message(GROUP_INFO, new byte[] {0, 0});
        int i = 2;
        for (Map.Entry<String, Long> e : addresses.entrySet()) {
            messages[i++] = new Message(LINK, link(e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, String> e : g.attributes.entrySet()) {
            messages[i++] = new Message(ATTRIBUTE, attribute(e.getKey(), e.getValue(), heap,
                    heapIndex.get(e.getValue())));
        }
        return header(out, messages);
    }

    private static long write(Dataset d, Bytes out) {
        long address = d.values.length == 0 ? UNDEFINED : out.size();
        int width = d.integers ? 8 : 4;
        ByteBuffer data = ByteBuffer.allocate(width * d.values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : d.values) {
            if (d.integers) {
                data.putLong((long) v);
            } else {
                data.putFloat(v);
            }
        }
        out.write(data.array(), 0, data.capacity());
        Bytes space = new Bytes().u8(2).u8(d.shape.length).u8(0).u8(d.shape.length == 0 ? 0 : 1);
        for (int dim : d.shape) {
            space.u64(dim);
        }
        return header(out,
                new Message(DATASPACE, space.toByteArray()),
                new Message(DATATYPE, d.integers ? INT64 : FLOAT32),
                // Version 3: space allocated late, fill value written only if one is set (none is).
                new Message(FILL_VALUE, new byte[] {3, 0x0A}),
                new Message(LAYOUT, new Bytes().u8(3).u8(1).u64(address).u64((long) width * d.values.length)
                        .toByteArray()));
    }

    /** A hard link, its name flagged as UTF-8. */
    private static byte[] link(String name, long address) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        boolean shortName = utf8.length < 256;
        Bytes b = new Bytes().u8(1).u8((shortName ? 0 : 1) | 0x10).u8(1);
        if (shortName) {
            b.u8(utf8.length);
        } else {
            b.u16(utf8.length);
        }
        b.write(utf8, 0, utf8.length);
        return b.u64(address).toByteArray();
    }

    /** A scalar variable-length string attribute whose text is object {@code index} of the heap. */
    private static byte[] attribute(String name, String value, long heap, int index) {
        byte[] utf8Name = name.getBytes(StandardCharsets.UTF_8);
        Bytes b = new Bytes().u8(3).u8(0).u16(utf8Name.length + 1).u16(VLEN_UTF8.length).u16(SCALAR.length).u8(1);
        b.write(utf8Name, 0, utf8Name.length);
        b.u8(0);
        b.write(VLEN_UTF8, 0, VLEN_UTF8.length);
        b.write(SCALAR, 0, SCALAR.length);
        return b.u32(value.getBytes(StandardCharsets.UTF_8).length).u64(heap).u32(index).toByteArray();
    }

    /** A version 2 object header with one chunk and a 4-byte chunk size; returns its address. */
    private static long header(Bytes out, Message... messages) {
        int chunk = 0;
        for (Message m : messages) {
            if (m.body.length > 0xffff) {
                throw new IllegalArgumentException("HDF5 header message of " + m.body.length + " bytes, over 65535");
            }
            chunk += 4 + m.body.length;
        }
        Bytes h = new Bytes();
        h.write(new byte[] {'O', 'H', 'D', 'R', 2, 2}, 0, 6);
        h.u32(chunk);
        for (Message m : messages) {
            h.u8(m.type).u16(m.body.length).u8(0);
            h.write(m.body, 0, m.body.length);
        }
        h.checksum();
        long address = out.size();
        out.write(h.toByteArray(), 0, h.size());
        return address;
    }

    /** Little-endian building of HDF5 structures. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes u8(int v) {
            write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Bytes u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        Bytes u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        void pad8() {
            while (count % 8 != 0) {
                write(0);
            }
        }

        /** Appends the lookup3 checksum of everything written so far. */
        void checksum() {
            u32(Lookup3.hash(buf, 0, count));
        }
    }
}
