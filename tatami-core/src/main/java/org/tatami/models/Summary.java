package org.tatami.models;

import java.util.Locale;
import org.tatami.layers.Layer;
import org.tatami.tensor.Shape;

/**
 * Keras's {@code model.summary()} table, in the layout of the Keras 2 releases the seed tutorial
 * printed: 65 columns, fields cut at columns 29 and 55, a rule between layers, then the totals.
 */
final class Summary {
    private static final int LINE = 65;
    private static final int[] POSITIONS = {29, 55, 65};

    private Summary() {
    }

    static String of(Model model) {
        StringBuilder b = new StringBuilder();
        b.append("Model: \"").append(model.name()).append("\"\n");
        b.append("_".repeat(LINE)).append('\n');
        row(b, "Layer (type)", "Output Shape", "Param #");
        b.append("=".repeat(LINE)).append('\n');
        int n = model.layers().size();
        for (int i = 0; i < n; i++) {
            Layer l = model.layers().get(i);
            String shape = l.isBuilt() ? Shape.withBatch(l.outputShape()) : "multiple";
            String params = l.isBuilt() ? String.valueOf(l.countParams()) : "0 (unbuilt)";
            row(b, l.name() + " (" + l.className() + ")", shape, params);
            b.append((i == n - 1 ? "=" : "_").repeat(LINE)).append('\n');
        }
        if (n == 0) {
            b.append("=".repeat(LINE)).append('\n');
        }
        long total = model.isBuilt() ? model.countParams() : 0;
        long trainable = model.isBuilt() ? model.countTrainableParams() : 0;
        b.append(String.format(Locale.US, "Total params: %,d%n", total));
        b.append(String.format(Locale.US, "Trainable params: %,d%n", trainable));
        b.append(String.format(Locale.US, "Non-trainable params: %,d%n", total - trainable));
        b.append("_".repeat(LINE)).append('\n');
        return b.toString();
    }

    // Keras's print_row: each field starts where the previous column ends (its last character replaced
    // by a space) and is cut at its own column's end.
    private static void row(StringBuilder b, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.setLength(line.length() - 1);
                line.append(' ');
            }
            line.append(fields[i]);
            line.setLength(Math.min(line.length(), POSITIONS[i]));
            line.append(" ".repeat(POSITIONS[i] - line.length()));
        }
        b.append(line).append('\n');
    }
}
