package org.tatami.tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/** NumPy-like text for arrays: nested brackets, and "..." past 1000 elements (3 items per axis end). */
final class ArrayFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private ArrayFormat() {
    }

    static String formatFloat(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return ((long) v) + ".";
        }
        String s = String.format(Locale.ROOT, "%.8g", v);
        if (s.contains("e")) {
            return s;
        }
        return s.replaceAll("0+$", "");
    }

    static String format(int[] shape, IntFunction<String> item, int size) {
        if (shape.length == 0) {
            return size == 1 ? item.apply(0) : "[]";
        }
        boolean abbreviate = size > THRESHOLD;
        // Only the items shown are formatted (at most 2 * EDGE per axis), in printing order.
        List<String> cells = new ArrayList<>();
        visit(shape, 0, 0, abbreviate, i -> cells.add(item.apply(i)));
        int width = 0;
        for (String c : cells) {
            width = Math.max(width, c.length());
        }
        StringBuilder sb = new StringBuilder();
        append(sb, shape, 0, cells.iterator(), width, abbreviate);
        return sb.toString();
    }

    private static boolean skipped(int n, int i, boolean abbreviate) {
        return abbreviate && n > 2 * EDGE && i >= EDGE && i < n - EDGE;
    }

    private static void visit(int[] shape, int axis, int base, boolean abbreviate, IntConsumer shown) {
        int stride = 1;
        for (int a = axis + 1; a < shape.length; a++) {
            stride *= shape[a];
        }
        for (int i = 0; i < shape[axis]; i++) {
            if (skipped(shape[axis], i, abbreviate)) {
                i = shape[axis] - EDGE - 1;
            } else if (axis == shape.length - 1) {
                shown.accept(base + i);
            } else {
                visit(shape, axis + 1, base + i * stride, abbreviate, shown);
            }
        }
    }

    // As NumPy's str(): items separated by a space, rows by newlines (a blank line per extra axis),
    // and "..." in place of the skipped items, followed by the same separator as an item.
    private static void append(StringBuilder sb, int[] shape, int axis, Iterator<String> cells, int width,
                               boolean abbreviate) {
        int n = shape[axis];
        String separator = axis == shape.length - 1 ? " "
                : "\n".repeat(shape.length - axis - 1) + " ".repeat(axis + 1);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (skipped(n, i, abbreviate)) {
                sb.append("...").append(separator);
                i = n - EDGE - 1;
                continue;
            }
            if (axis == shape.length - 1) {
                String c = cells.next();
                sb.append(" ".repeat(width - c.length())).append(c);
            } else {
                append(sb, shape, axis + 1, cells, width, abbreviate);
            }
            if (i < n - 1) {
                sb.append(separator);
            }
        }
        sb.append(']');
    }
}
