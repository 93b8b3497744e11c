package org.tatami.tensor;

import java.util.Locale;
import java.util.function.IntFunction;

/** NumPy-like text for arrays: nested brackets, and "..." past 1000 elements (3 items per axis end). */
final class ArrayFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private ArrayFormat() {
    }

    /** NumPy's default: up to 8 decimals without trailing zeros; scientific for very small or large. */
    static String formatFloat(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return ((long) v) + ".";
        }
        float a = Math.abs(v);
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return Float.toString(v).replace("Infinity", "inf").replace("NaN", "nan");
        }
        if (a < 1e-4f || a >= 1e8f) {
            return String.format(Locale.ROOT, "%.8e", v).replaceAll("0+e", "e").replace(".e", "e");
        }
        return String.format(Locale.ROOT, "%.8f", v).replaceAll("0+$", "");
    }

    static String format(int[] shape, IntFunction<String> item, int size) {
        boolean abbreviate = size > THRESHOLD;
        String[] cells = new String[size];
        int width = 0;
        for (int i = 0; i < size; i++) {
            if (!abbreviate || visible(shape, i)) {
                cells[i] = item.apply(i);
                width = Math.max(width, cells[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        if (shape.length == 0) {
            return size == 1 ? item.apply(0) : "[]";
        }
        append(sb, shape, 0, 0, cells, width, abbreviate);
        return sb.toString();
    }

    private static boolean visible(int[] shape, int flat) {
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            int idx = flat % shape[axis];
            flat /= shape[axis];
            if (shape[axis] > 2 * EDGE && idx >= EDGE && idx < shape[axis] - EDGE) {
                return false;
            }
        }
        return true;
    }

    private static void append(StringBuilder sb, int[] shape, int axis, int base, String[] cells, int width,
                               boolean abbreviate) {
        int n = shape[axis];
        int stride = 1;
        for (int a = axis + 1; a < shape.length; a++) {
            stride *= shape[a];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (abbreviate && n > 2 * EDGE && i == EDGE) {
                sb.append(axis == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(axis + 1));
                i = n - EDGE - 1;
                continue;
            }
            if (axis == shape.length - 1) {
                String c = cells[base + i];
                sb.append(" ".repeat(width - c.length())).append(c);
                if (i < n - 1) {
                    sb.append(' ');
                }
            } else {
                append(sb, shape, axis + 1, base + i * stride, cells, width, abbreviate);
                if (i < n - 1) {
                    sb.append("\n".repeat(shape.length - axis - 1)).append(" ".repeat(axis + 1));
                }
            }
        }
        sb.append(']');
    }
}
