package org.tatami.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tatami.io.AtomicFiles;
import org.tatami.layers.Layer;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;

/**
 * The layer graph as Keras's {@code plot_model(model, show_shapes=True)} draws it: from an InputLayer
 * down through every layer, one box each, naming the layer and its class beside a small table of its
 * input and output shapes, arrows between the boxes.
 */
public final class ModelDiagram {
    static {
        Drawing.headless();
    }

    private static final String FONT_FAMILY = "'DejaVu Sans', Verdana, Geneva, sans-serif";
    private static final int NAME_SIZE = 14;
    private static final int TABLE_SIZE = 13;
    private static final int MARGIN = 16;
    private static final int ROW = 24;
    private static final int GAP = 40;
    private static final int ARROW_HEAD = 9;
    private static final int NAME_PAD = 14;
    private static final int CELL_PAD = 9;
    private static final Color LINE = new Color(0x33, 0x33, 0x33);
    private static final Color NAME_FILL = new Color(0xE8, 0xEF, 0xF7);
    private static final Color TABLE_FILL = Color.WHITE;

    private ModelDiagram() {
    }

    /** One box: a layer (or the input) with its shapes in Keras's notation. */
    private record Node(String label, String input, String output) {
    }

    /**
     * The diagram as a standalone SVG document, sized to its content.
     *
     * @throws IllegalStateException if the model has no layers or is not built
     */
    public static String svg(Model model) {
        List<Node> nodes = nodes(model);
        Layout layout = new Layout(nodes);
        Svg svg = new Svg(layout.width, layout.height, model.name());
        layout.paint(nodes, svg);
        return svg.finish();
    }

    /**
     * Writes the diagram as SVG, or as a PNG drawn with Java2D when the file name ends in {@code .png}.
     *
     * @throws IllegalArgumentException if the file name ends in neither {@code .svg} nor {@code .png}
     */
    public static void write(Model model, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            AtomicFiles.writeString(file, svg(model));
        } else if (name.endsWith(".png")) {
            List<Node> nodes = nodes(model);
            Layout layout = new Layout(nodes);
            BufferedImage image = Drawing.canvas(layout.width, layout.height);
            Graphics2D g = Drawing.graphics(image);
            layout.paint(nodes, new Java2D(g));
            g.dispose();
            Drawing.writePng(image, file);
        } else {
            throw new IllegalArgumentException(file + ": a model diagram is written as .svg or .png");
        }
    }

    private static List<Node> nodes(Model model) {
        int[] input = model.inputShape();
        List<Layer> layers = model.layers();
        List<Node> nodes = new ArrayList<>();
        // Keras names the InputLayer a Sequential model creates after its first layer.
        String inputShape = Shape.withBatch(input);
        nodes.add(new Node(layers.get(0).name() + "_input: InputLayer", inputShape, inputShape));
        for (Layer l : layers) {
            nodes.add(new Node(l.name() + ": " + l.className(), Shape.withBatch(l.inputShape()),
                    Shape.withBatch(l.outputShape())));
        }
        return nodes;
    }

    /** Drawing operations, so that SVG and PNG come from one layout. */
    private interface Painter {
        void rect(int x, int y, int w, int h, Color fill);

        void line(int x1, int y1, int x2, int y2);

        /** A filled triangle pointing down with its tip at (x, y). */
        void arrowHead(int x, int y);

        /** Text centred on (cx, cy). */
        void text(String text, int size, int cx, int cy);
    }

    /** Column widths shared by all boxes, so the chain lines up. */
    private static final class Layout {
        final int nameWidth;
        final int keyWidth;
        final int shapeWidth;
        final int width;
        final int height;

        Layout(List<Node> nodes) {
            Font name = Drawing.font(Font.PLAIN, NAME_SIZE);
            Font table = Drawing.font(Font.PLAIN, TABLE_SIZE);
            int n = 0;
            int s = 0;
            for (Node node : nodes) {
                n = Math.max(n, Drawing.width(name, node.label()));
                s = Math.max(s, Math.max(Drawing.width(table, node.input()), Drawing.width(table, node.output())));
            }
            nameWidth = n + 2 * NAME_PAD;
            keyWidth = Math.max(Drawing.width(table, "input:"), Drawing.width(table, "output:")) + 2 * CELL_PAD;
            shapeWidth = s + 2 * CELL_PAD;
            width = 2 * MARGIN + nameWidth + keyWidth + shapeWidth;
            height = 2 * MARGIN + nodes.size() * 2 * ROW + (nodes.size() - 1) * GAP;
        }

        void paint(List<Node> nodes, Painter p) {
            int x0 = MARGIN;
            int x1 = x0 + nameWidth;
            int x2 = x1 + keyWidth;
            int centre = x0 + (nameWidth + keyWidth + shapeWidth) / 2;
            for (int i = 0; i < nodes.size(); i++) {
                Node node = nodes.get(i);
                int y = MARGIN + i * (2 * ROW + GAP);
                p.rect(x0, y, nameWidth, 2 * ROW, NAME_FILL);
                p.rect(x1, y, keyWidth, ROW, TABLE_FILL);
                p.rect(x1, y + ROW, keyWidth, ROW, TABLE_FILL);
                p.rect(x2, y, shapeWidth, ROW, TABLE_FILL);
                p.rect(x2, y + ROW, shapeWidth, ROW, TABLE_FILL);
                p.text(node.label(), NAME_SIZE, x0 + nameWidth / 2, y + ROW);
                p.text("input:", TABLE_SIZE, x1 + keyWidth / 2, y + ROW / 2);
                p.text("output:", TABLE_SIZE, x1 + keyWidth / 2, y + ROW + ROW / 2);
                p.text(node.input(), TABLE_SIZE, x2 + shapeWidth / 2, y + ROW / 2);
                p.text(node.output(), TABLE_SIZE, x2 + shapeWidth / 2, y + ROW + ROW / 2);
                if (i + 1 < nodes.size()) {
                    int next = y + 2 * ROW + GAP;
                    p.line(centre, y + 2 * ROW, centre, next - ARROW_HEAD);
                    p.arrowHead(centre, next);
                }
            }
        }
    }

    private static final class Svg implements Painter {
        private final StringBuilder b = new StringBuilder();

        Svg(int width, int height, String title) {
            b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " viewBox=\"0 0 %d %d\" font-family=\"%s\">%n", width, height, width, height, FONT_FAMILY));
            b.append("<title>").append(Markup.escape(title)).append("</title>\n");
            b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
            // Half-pixel offset: 1-pixel outlines on whole coordinates would straddle two pixel rows.
            b.append("<g transform=\"translate(0.5,0.5)\">\n");
        }

        @Override
        public void rect(int x, int y, int w, int h, Color fill) {
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\""
                    + " stroke=\"%s\" stroke-width=\"1\"/>%n", x, y, w, h, hex(fill), hex(LINE)));
        }

        @Override
        public void line(int x1, int y1, int x2, int y2) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"1.5\"/>%n", x1, y1, x2, y2, hex(LINE)));
        }

        @Override
        public void arrowHead(int x, int y) {
            b.append(String.format(Locale.ROOT, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>%n",
                    x - ARROW_HEAD / 2 - 1, y - ARROW_HEAD, x + ARROW_HEAD / 2 + 1, y - ARROW_HEAD, x, y, hex(LINE)));
        }

        @Override
        public void text(String text, int size, int cx, int cy) {
            // The baseline is computed rather than left to dominant-baseline, which not every viewer honours.
            double baseline = Drawing.middleBaseline(Drawing.font(Font.PLAIN, size), cy);
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\""
                    + " fill=\"%s\">%s</text>%n", cx, baseline, size, hex(LINE), Markup.escape(text)));
        }

        String finish() {
            return b.append("</g>\n</svg>\n").toString();
        }

        private static String hex(Color c) {
            return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
        }
    }

    private static final class Java2D implements Painter {
        private final Graphics2D g;

        Java2D(Graphics2D g) {
            this.g = g;
            g.setStroke(new BasicStroke(1f));
        }

        @Override
        public void rect(int x, int y, int w, int h, Color fill) {
            g.setColor(fill);
            g.fill(new Rectangle2D.Double(x, y, w, h));
            g.setColor(LINE);
            g.draw(new Rectangle2D.Double(x + 0.5, y + 0.5, w, h));
        }

        @Override
        public void line(int x1, int y1, int x2, int y2) {
            g.setColor(LINE);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
            g.setStroke(new BasicStroke(1f));
        }

        @Override
        public void arrowHead(int x, int y) {
            Path2D.Double head = new Path2D.Double();
            head.moveTo(x - ARROW_HEAD / 2.0 - 1, y - ARROW_HEAD);
            head.lineTo(x + ARROW_HEAD / 2.0 + 1, y - ARROW_HEAD);
            head.lineTo(x, y);
            head.closePath();
            g.setColor(LINE);
            g.fill(head);
        }

        @Override
        public void text(String text, int size, int cx, int cy) {
            g.setColor(LINE);
            g.setFont(Drawing.font(Font.PLAIN, size));
            Drawing.centred(g, text, cx, Drawing.middleBaseline(g.getFont(), cy));
        }
    }
}
