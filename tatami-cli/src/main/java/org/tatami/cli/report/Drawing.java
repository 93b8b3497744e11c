package org.tatami.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.tatami.io.AtomicFiles;

/** Java2D pictures for the report: off-screen canvases, one font family, atomic PNG files. */
final class Drawing {
    static {
        // Before the colours below: initialising java.awt.Color fixes the headless mode for good.
        headless();
    }

    static final Color INK = new Color(0x33, 0x33, 0x33);
    static final Color RULE = new Color(0xBB, 0xBB, 0xBB);
    /** Measures text as {@link #graphics} draws it: antialiased, fractional metrics. */
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private Drawing() {
    }

    /**
     * Pictures are drawn off-screen only; without this, the first use of AWT on a desktop would start a
     * window toolkit (and on servers without a display, fail). Must run before any AWT class is
     * initialised, so the public classes call it first thing in their static initialisers; an explicit
     * choice made on the command line is kept.
     */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The logical sans-serif font, which maps to an installed font on every platform. */
    static Font font(int style, float size) {
        return new Font(Font.SANS_SERIF, style, 1).deriveFont(size);
    }

    /** A white canvas. */
    static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** Graphics with antialiased shapes and text; pixel images are drawn without smoothing. */
    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        return g;
    }

    /** Width of {@code text} in {@code font}, as drawn by {@link #graphics}. */
    static int width(Font font, String text) {
        return (int) Math.ceil(font.getStringBounds(text, FRC).getWidth());
    }

    /** Draws {@code text} centred horizontally on {@code cx} with its baseline at {@code baseline}. */
    static void centred(Graphics2D g, String text, double cx, double baseline) {
        double w = g.getFont().getStringBounds(text, g.getFontRenderContext()).getWidth();
        g.drawString(text, (float) (cx - w / 2), (float) baseline);
    }

    /** Baseline that centres digits and capital letters of {@code font} vertically on {@code cy}. */
    static double middleBaseline(Font font, double cy) {
        return cy + font.createGlyphVector(FRC, "0").getVisualBounds().getHeight() / 2;
    }

    static void writePng(BufferedImage image, Path png) throws IOException {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException(png + ": no PNG writer available");
            }
        });
    }
}
