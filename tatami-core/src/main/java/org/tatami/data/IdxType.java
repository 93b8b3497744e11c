package org.tatami.data;

import java.util.Optional;

/** The element types of the IDX format, by the type code in the third byte of the magic number. */
public enum IdxType {
    UINT8(0x08, 1, "unsigned byte"),
    INT8(0x09, 1, "signed byte"),
    INT16(0x0B, 2, "short"),
    INT32(0x0C, 4, "int"),
    FLOAT32(0x0D, 4, "float"),
    FLOAT64(0x0E, 8, "double");

    private final int code;
    private final int itemSize;
    private final String description;

    IdxType(int code, int itemSize, String description) {
        this.code = code;
        this.itemSize = itemSize;
        this.description = description;
    }

    /** The type code, e.g. {@code 0x08} for unsigned bytes. */
    public int code() {
        return code;
    }

    /** Bytes per element, as NumPy's {@code dtype.itemsize}. */
    public int itemSize() {
        return itemSize;
    }

    /** The IDX format's own name for the type, e.g. "unsigned byte"; used in messages. */
    public String description() {
        return description;
    }

    /** Whether every value is an exact int, i.e. {@link IdxArray#toIntTensor()} applies. */
    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64;
    }

    /** The type with the given code, or empty if the IDX format defines none. */
    public static Optional<IdxType> ofCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
