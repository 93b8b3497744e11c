package org.tatami.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws digits the way a person writes them with a pen, dark on light paper, at several sizes and
 * slants: pictures that are not from MNIST, to try {@code tatami predict} on.
 *
 * <p>Argument: the output folder (default {@code examples/digits}).
 */
public final class DrawDigits {
    // Pen strokes per digit in a unit box (x right, y down); each stroke is a polyline of x,y pairs.
    private static final double[][][] STROKES = {
        {{0.5, 0.05, 0.2, 0.2, 0.12, 0.5, 0.2, 0.82, 0.5, 0.95, 0.8, 0.82, 0.88, 0.5, 0.8, 0.18, 0.5, 0.05}},
        {{0.3, 0.25, 0.55, 0.05, 0.55, 0.95}},
        {{0.15, 0.25, 0.35, 0.06, 0.65, 0.06, 0.82, 0.25, 0.75, 0.5, 0.15, 0.95, 0.88, 0.95}},
        {{0.15, 0.12, 0.45, 0.04, 0.78, 0.14, 0.75, 0.36, 0.45, 0.48, 0.8, 0.6, 0.82, 0.84, 0.5, 0.96, 0.15, 0.86}},
        {{0.62, 0.95, 0.62, 0.05, 0.12, 0.65, 0.9, 0.65}},
        {{0.82, 0.05, 0.25, 0.05, 0.2, 0.45, 0.55, 0.38, 0.82, 0.55, 0.8, 0.82, 0.5, 0.96, 0.15, 0.85}},
        {{0.75, 0.06, 0.4, 0.25, 0.18, 0.6, 0.25, 0.9, 0.55, 0.96, 0.8, 0.78, 0.7, 0.55, 0.4, 0.52, 0.2, 0.65}},
        {{0.12, 0.06, 0.88, 0.06, 0.45, 0.95}},
        {{0.5, 0.5, 0.22, 0.35, 0.25, 0.12, 0.5, 0.04, 0.75, 0.12, 0.78, 0.35, 0.5, 0.5, 0.2, 0.68, 0.25, 0.9,
            0.5, 0.97, 0.78, 0.9, 0.82, 0.68, 0.5, 0.5}},
        {{0.8, 0.35, 0.55, 0.5, 0.25, 0.42, 0.2, 0.2, 0.45, 0.04, 0.75, 0.1, 0.8, 0.35, 0.78, 0.95}},
    };

    private DrawDigits() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/digits");
        Files.createDirectories(dir);
        int[][] sizes = {{90, 120}, {240, 200}, {400, 520}};
        Random random = new Random(2024);
        for (int d = 0; d < 10; d++) {
            for (int s = 0; s < sizes.length; s++) {
                BufferedImage img = draw(d, sizes[s][0], sizes[s][1], random);
                Path file = dir.resolve("digit_" + d + "_" + sizes[s][0] + "x" + sizes[s][1] + ".png");
                ImageIO.write(img, "png", file.toFile());
            }
        }
        System.out.println("30 digits written to " + dir);
    }

    /** One digit, in a box of random placement and slant on a light canvas of the given size. */
    static BufferedImage draw(int digit, int width, int height, Random random) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int paper = 235 + random.nextInt(20);
        g.setColor(new Color(paper, paper, paper - random.nextInt(15)));
        g.fillRect(0, 0, width, height);
        double box = Math.min(width, height) * (0.5 + 0.3 * random.nextDouble());
        double x0 = (width - box * 0.8) * (0.3 + 0.4 * random.nextDouble());
        double y0 = (height - box) * (0.3 + 0.4 * random.nextDouble());
        double slant = (random.nextDouble() - 0.3) * 0.25;
        g.setColor(random.nextBoolean() ? new Color(25, 25, 30) : new Color(20, 40, 120));
        g.setStroke(new BasicStroke((float) (box * (0.07 + 0.04 * random.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        for (double[] stroke : STROKES[digit]) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < stroke.length; i += 2) {
                double y = stroke[i + 1] + (random.nextDouble() - 0.5) * 0.03;
                double x = stroke[i] + (random.nextDouble() - 0.5) * 0.03 + slant * (0.5 - y);
                double px = x0 + x * box * 0.8;
                double py = y0 + y * box;
                if (i == 0) {
                    path.moveTo(px, py);
                } else {
                    path.lineTo(px, py);
                }
            }
            g.draw(path);
        }
        g.dispose();
        return img;
    }
}
