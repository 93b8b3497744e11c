package org.tatami.interop.keras;

/**
 * Bob Jenkins' lookup3 {@code hashlittle} with seed 0: the checksum HDF5 puts at the end of its
 * version 2 superblock and object headers (HDF5 File Format Specification, "Checksum").
 */
final class Lookup3 {
    private Lookup3() {
    }

    static int hash(byte[] bytes, int offset, int length) {
        int a = 0xdeadbeef + length;
        int b = a;
        int c = a;
        int k = offset;
        int left = length;
        while (left > 12) {
            a += word(bytes, k, 4);
            b += word(bytes, k + 4, 4);
            c += word(bytes, k + 8, 4);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            k += 12;
            left -= 12;
        }
        if (left == 0) {
            return c;
        }
        // The last 1..12 bytes, the missing ones counting as zeros.
        a += word(bytes, k, Math.min(left, 4));
        b += left > 4 ? word(bytes, k + 4, Math.min(left - 4, 4)) : 0;
        c += left > 8 ? word(bytes, k + 8, left - 8) : 0;
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** Up to four bytes from {@code at}, little-endian. */
    private static int word(byte[] bytes, int at, int n) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            w |= (bytes[at + i] & 0xff) << (8 * i);
        }
        return w;
    }
}
