package org.tatami.cli.report;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/** Grids of digit images with captions, e.g. the test images the model got wrong. */
public final class DigitGrid {
    static {
        Drawing.headless();
    }

    /** Each image pixel becomes a SCALE x SCALE square: 28 x 28 digits are drawn 84 x 84. */
    public static final int SCALE = 3;
    public static final int MAX_COLUMNS = 10;
    private static final int MARGIN = 16;
    private static final int PAD = 9;
    private static final int CAPTION = 18;
    private static final int HEADER = 28;

    private DigitGrid() {
    }

    /**
     * Draws the first {@code max} images (in data order) whose predicted class differs from the label,
     * white on black as {@code imshow(x, cmap='gray')} shows values in [0, 1], each captioned
     * "true 5 / pred 3", up to {@value #MAX_COLUMNS} to a row. With nothing to show, writes a small
     * picture that says so.
     *
     * @param images (N, H, W, 1) or (N, H, W), values in [0, 1] (others are clipped)
     * @return the number of images drawn: min(max, number misclassified)
     * @throws IllegalArgumentException if the shapes do not agree or {@code max} is negative
     */
    public static int writeMisclassified(Tensor images, IntTensor predicted, IntTensor labels, int max, Path png)
            throws IOException {
        int[] shape = images.shape();
        if (!(shape.length == 3 || (shape.length == 4 && shape[3] == 1))) {
            throw new IllegalArgumentException("images must have shape (N, H, W, 1) or (N, H, W), got "
                    + Shape.toString(shape));
        }
        int n = shape[0];
        if (predicted.size() != n || labels.size() != n) {
            throw new IllegalArgumentException("there are " + n + " images but " + predicted.size()
                    + " predictions and " + labels.size() + " labels");
        }
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, got " + max);
        }
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (predicted.get(i) != labels.get(i)) {
                wrong.add(i);
            }
        }
        int shown = Math.min(max, wrong.size());
        if (shown == 0) {
            writeMessage(wrong.isEmpty() ? "No misclassified images" : wrong.size() + " misclassified, none shown",
                    png);
            return 0;
        }

        int h = shape[1];
        int w = shape[2];
        Font captionFont = Drawing.font(Font.PLAIN, 13);
        Font headerFont = Drawing.font(Font.BOLD, 14);
        String[] captions = new String[shown];
        int captionWidth = 0;
        for (int k = 0; k < shown; k++) {
            int i = wrong.get(k);
            captions[k] = "true " + labels.get(i) + " / pred " + predicted.get(i);
            captionWidth = Math.max(captionWidth, Drawing.width(captionFont, captions[k]));
        }
        int cellWidth = Math.max(w * SCALE, captionWidth) + 2 * PAD;
        int cellHeight = h * SCALE + CAPTION + 2 * PAD;
        int columns = Math.min(MAX_COLUMNS, shown);
        int rows = (shown + columns - 1) / columns;
        String header = (shown < wrong.size() ? "First " + shown + " of " : "All ") + wrong.size()
                + " misclassified of " + n;
        int width = Math.max(2 * MARGIN + columns * cellWidth, 2 * MARGIN + Drawing.width(headerFont, header));
        int height = 2 * MARGIN + HEADER + rows * cellHeight;

        BufferedImage image = Drawing.canvas(width, height);
        Graphics2D g = Drawing.graphics(image);
        g.setColor(Drawing.INK);
        g.setFont(headerFont);
        g.drawString(header, MARGIN, MARGIN + 14);
        g.setFont(captionFont);
        float[] data = images.data();
        for (int k = 0; k < shown; k++) {
            int i = wrong.get(k);
            int x0 = MARGIN + (k % columns) * cellWidth;
            int y0 = MARGIN + HEADER + (k / columns) * cellHeight;
            int ix = x0 + (cellWidth - w * SCALE) / 2;
            int iy = y0 + PAD;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = data[(i * h + y) * w + x];
                    int grey = Math.round(Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)) * 255);
                    int rgb = grey << 16 | grey << 8 | grey;
                    for (int dy = 0; dy < SCALE; dy++) {
                        for (int dx = 0; dx < SCALE; dx++) {
                            image.setRGB(ix + x * SCALE + dx, iy + y * SCALE + dy, rgb);
                        }
                    }
                }
            }
            Drawing.centred(g, captions[k], x0 + cellWidth / 2.0, iy + h * SCALE + CAPTION - 3);
        }
        g.dispose();
        Drawing.writePng(image, png);
        return shown;
    }

    private static void writeMessage(String message, Path png) throws IOException {
        Font font = Drawing.font(Font.PLAIN, 15);
        int width = Drawing.width(font, message) + 2 * MARGIN;
        int height = 56;
        BufferedImage image = Drawing.canvas(width, height);
        Graphics2D g = Drawing.graphics(image);
        g.setColor(Drawing.INK);
        g.setFont(font);
        Drawing.centred(g, message, width / 2.0, Drawing.middleBaseline(font, height / 2.0));
        g.dispose();
        Drawing.writePng(image, png);
    }
}
