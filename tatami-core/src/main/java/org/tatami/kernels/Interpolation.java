package org.tatami.kernels;

import java.util.Locale;

/** How an image is read between its pixels, as Keras's {@code interpolation}: {@code bilinear} or {@code nearest}. */
public enum Interpolation {
    BILINEAR, NEAREST;

    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The interpolation of a Keras name. */
    public static Interpolation of(String name) {
        for (Interpolation i : values()) {
            if (i.kerasName().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown interpolation '" + name + "': expected bilinear or nearest");
    }
}
