package org.tatami.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;

/**
 * Counts of (true class, predicted class) pairs, as scikit-learn's {@code confusion_matrix}: row i,
 * column j counts the samples of class i predicted as j, so the diagonal holds the correct ones.
 */
public final class ConfusionMatrix {
    static {
        Drawing.headless();
    }

    private static final int MARGIN = 16;
    private static final int MIN_CELL = 44;
    private static final Color EMPTY = new Color(0xF7, 0xFB, 0xFF);
    private static final Color FULL = new Color(0x08, 0x30, 0x6B);

    private ConfusionMatrix() {
    }

    /**
     * The {@code classes} x {@code classes} matrix of predicted classes against the true labels.
     *
     * @throws IllegalArgumentException if the two differ in size, or a value lies outside 0..classes-1
     */
    public static int[][] compute(IntTensor predicted, IntTensor labels, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        if (predicted.size() != labels.size()) {
            throw new IllegalArgumentException("predicted has " + predicted.size() + " values (shape "
                    + Shape.toString(predicted.shape()) + ") but labels has " + labels.size() + " (shape "
                    + Shape.toString(labels.shape()) + "): they must pair up one to one");
        }
        int[][] matrix = new int[classes][classes];
        for (int i = 0; i < labels.size(); i++) {
            int t = checkClass("labels", labels.get(i), i, classes);
            int p = checkClass("predicted", predicted.get(i), i, classes);
            matrix[t][p]++;
        }
        return matrix;
    }

    private static int checkClass(String what, int value, int index, int classes) {
        if (value < 0 || value >= classes) {
            throw new IllegalArgumentException(what + "[" + index + "] is " + value + ", outside the classes 0.."
                    + (classes - 1));
        }
        return value;
    }

    /**
     * Writes the matrix as a heat map: true classes down the side, predicted classes along the bottom,
     * the count in every cell.
     *
     * @throws IllegalArgumentException if the matrix is empty, not square, or has a negative count
     */
    public static void writePng(int[][] matrix, Path png) throws IOException {
        int n = matrix.length;
        if (n == 0) {
            throw new IllegalArgumentException("the confusion matrix is empty");
        }
        int max = 0;
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("the confusion matrix must be square: row " + i + " has "
                        + matrix[i].length + " columns, there are " + n + " rows");
            }
            for (int c : matrix[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative count " + c + " in row " + i + ": "
                            + Arrays.toString(matrix[i]));
                }
                max = Math.max(max, c);
            }
        }

        Font font = Drawing.font(Font.PLAIN, 13);
        Font axisFont = Drawing.font(Font.BOLD, 14);
        int cell = Math.max(MIN_CELL, Drawing.width(font, Integer.toString(max)) + 12);
        int classWidth = Drawing.width(font, Integer.toString(n - 1));
        int axisHeight = 20;
        int left = MARGIN + axisHeight + 8 + classWidth + 8;
        int top = MARGIN;
        int grid = n * cell;
        int width = left + grid + MARGIN;
        int height = top + grid + 8 + 16 + 8 + axisHeight + MARGIN;

        BufferedImage image = Drawing.canvas(width, height);
        Graphics2D g = Drawing.graphics(image);
        g.setFont(font);
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int x = left + p * cell;
                int y = top + t * cell;
                // A square-root scale, so that the few mistakes beside a full diagonal still show.
                double level = max == 0 ? 0 : Math.sqrt((double) matrix[t][p] / max);
                g.setColor(blend(EMPTY, FULL, level));
                g.fillRect(x, y, cell, cell);
                g.setColor(level > 0.55 ? Color.WHITE : Drawing.INK);
                Drawing.centred(g, Integer.toString(matrix[t][p]), x + cell / 2.0,
                        Drawing.middleBaseline(font, y + cell / 2.0));
            }
        }
        g.setColor(Drawing.RULE);
        g.drawRect(left, top, grid - 1, grid - 1);

        g.setColor(Drawing.INK);
        for (int k = 0; k < n; k++) {
            String label = Integer.toString(k);
            Drawing.centred(g, label, left + k * cell + cell / 2.0, top + grid + 8 + 13);
            g.drawString(label, left - 8 - Drawing.width(font, label),
                    (float) Drawing.middleBaseline(font, top + k * cell + cell / 2.0));
        }

        g.setFont(axisFont);
        Drawing.centred(g, "predicted", left + grid / 2.0, height - MARGIN - 4);
        AffineTransform unrotated = g.getTransform();
        g.rotate(-Math.PI / 2);
        // Rotated a quarter turn left, x runs up the picture and y to the right.
        Drawing.centred(g, "true", -(top + grid / 2.0), MARGIN + 14);
        g.setTransform(unrotated);
        g.dispose();
        Drawing.writePng(image, png);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color(
                (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }
}
