package org.tatami.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.io.AtomicFiles;
import org.tatami.layers.Node;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;

/**
 * The layer graph as Keras's {@code plot_model(model, show_shapes=True)} draws it: one box per node (a
 * layer applied to its inputs), naming the layer and its class beside a small table of its input and
 * output shapes, with an arrow from the box that produces each input. Boxes are laid out in rows by the
 * longest path from the inputs, so parallel branches stand side by side; an arrow that skips rows
 * passes through a lane of its own in each row between, never through a box. A chain is one column.
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
    /** Between the boxes and lanes of one row. */
    private static final int SIDE_GAP = 24;
    /** The width of the lane an arrow takes through a row it skips. */
    private static final int LANE = 8;
    /** Arrows leave and enter boxes vertically for this long, so bends never hide under a head. */
    private static final int LEAD = 8;
    private static final int ARROW_HEAD = 9;
    private static final int NAME_PAD = 14;
    private static final int CELL_PAD = 9;
    private static final Color LINE = new Color(0x33, 0x33, 0x33);
    private static final Color NAME_FILL = new Color(0xE8, 0xEF, 0xF7);
    private static final Color TABLE_FILL = Color.WHITE;

    private ModelDiagram() {
    }

    /** One box: a node of the model with its shapes in Keras's notation. */
    private record Box(String label, String input, String output) {
    }

    /** An arrow from box {@code from} into box {@code to}, whose input {@code slot} of {@code slots} it is. */
    private record Edge(int from, int to, int slot, int slots) {
    }

    /**
     * The diagram as a standalone SVG document, sized to its content.
     *
     * @throws IllegalStateException if the model has no layers or is not built
     */
    public static String svg(Model model) {
        Layout layout = new Layout(model);
        Svg svg = new Svg(layout.width, layout.height, model.name());
        layout.paint(svg);
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
            Layout layout = new Layout(model);
            BufferedImage image = Drawing.canvas(layout.width, layout.height);
            Graphics2D g = Drawing.graphics(image);
            layout.paint(new Java2D(g));
            g.dispose();
            Drawing.writePng(image, file);
        } else {
            throw new IllegalArgumentException(file + ": a model diagram is written as .svg or .png");
        }
    }

    /** Shapes as Keras's labels show them: one bare, several as a list. */
    private static String shapes(List<SymbolicTensor> tensors) {
        if (tensors.size() == 1) {
            return Shape.withBatch(tensors.get(0).shape());
        }
        List<String> parts = new ArrayList<>();
        for (SymbolicTensor t : tensors) {
            parts.add(Shape.withBatch(t.shape()));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** Drawing operations, so that SVG and PNG come from one layout. */
    private interface Painter {
        void rect(int x, int y, int w, int h, Color fill);

        /** A line through the points (two or more). */
        void line(int[] xs, int[] ys);

        /** A filled triangle pointing down with its tip at (x, y). */
        void arrowHead(int x, int y);

        /** Text centred on (cx, cy). */
        void text(String text, int size, int cx, int cy);
    }

    /**
     * Where everything goes. Column widths are shared by all boxes, so that a chain lines up. Each box's
     * row is its longest path from an input; within a row, boxes and lanes are ordered by the mean
     * position of what feeds them in the row above (fewer crossings) and centred.
     */
    private static final class Layout {
        final List<Box> boxes = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
        final int nameWidth;
        final int keyWidth;
        final int shapeWidth;
        final int boxWidth;
        final int width;
        final int height;
        final int[] row;
        final int[] left;
        /** For each edge, the centre of its lane in each row it skips (empty for neighbouring rows). */
        final int[][] lanes;

        /** A place in a row: a box, or the lane of an edge. */
        private record Slot(int box, int edge) {
        }

        Layout(Model model) {
            Map<Node, Integer> index = new IdentityHashMap<>();
            for (Node node : model.nodes()) {
                int i = boxes.size();
                index.put(node, i);
                String out = shapes(node.outputs());
                boxes.add(new Box(node.layer().name() + ": " + node.layer().className(),
                        node.inputs().isEmpty() ? out : shapes(node.inputs()), out));
                for (int j = 0; j < node.inputs().size(); j++) {
                    edges.add(new Edge(index.get(node.inputs().get(j).node()), i, j, node.inputs().size()));
                }
            }
            Font name = Drawing.font(Font.PLAIN, NAME_SIZE);
            Font table = Drawing.font(Font.PLAIN, TABLE_SIZE);
            int n = 0;
            int s = 0;
            for (Box box : boxes) {
                n = Math.max(n, Drawing.width(name, box.label()));
                s = Math.max(s, Math.max(Drawing.width(table, box.input()), Drawing.width(table, box.output())));
            }
            nameWidth = n + 2 * NAME_PAD;
            keyWidth = Math.max(Drawing.width(table, "input:"), Drawing.width(table, "output:")) + 2 * CELL_PAD;
            shapeWidth = s + 2 * CELL_PAD;
            boxWidth = nameWidth + keyWidth + shapeWidth;

            row = new int[boxes.size()];
            for (Edge e : edges) {
                // Boxes come in topological order: every edge's source has its row already.
                row[e.to()] = Math.max(row[e.to()], row[e.from()] + 1);
            }
            int rows = Arrays.stream(row).max().orElse(0) + 1;
            List<List<Slot>> slots = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                slots.add(new ArrayList<>());
            }
            for (int b = 0; b < boxes.size(); b++) {
                slots.get(row[b]).add(new Slot(b, -1));
            }
            lanes = new int[edges.size()][];
            for (int e = 0; e < edges.size(); e++) {
                Edge edge = edges.get(e);
                lanes[e] = new int[row[edge.to()] - row[edge.from()] - 1];
                for (int r = row[edge.from()] + 1; r < row[edge.to()]; r++) {
                    slots.get(r).add(new Slot(-1, e));
                }
            }
            int inner = 0;
            for (List<Slot> r : slots) {
                inner = Math.max(inner, rowWidth(r));
            }
            left = new int[boxes.size()];
            for (int r = 0; r < rows; r++) {
                List<Slot> here = slots.get(r);
                int rr = r;
                here.sort(Comparator.comparingDouble(slot -> feed(slot, rr)));
                int x = MARGIN + (inner - rowWidth(here)) / 2;
                for (Slot slot : here) {
                    if (slot.box() >= 0) {
                        left[slot.box()] = x;
                        x += boxWidth + SIDE_GAP;
                    } else {
                        lanes[slot.edge()][r - row[edges.get(slot.edge()).from()] - 1] = x + LANE / 2;
                        x += LANE + SIDE_GAP;
                    }
                }
            }
            width = 2 * MARGIN + inner;
            height = 2 * MARGIN + rows * 2 * ROW + (rows - 1) * GAP;
        }

        private int rowWidth(List<Slot> slots) {
            int w = -SIDE_GAP;
            for (Slot slot : slots) {
                w += (slot.box() >= 0 ? boxWidth : LANE) + SIDE_GAP;
            }
            return w;
        }

        /** The mean centre, in the row above, of what feeds this slot; 0 in the first row (order kept). */
        private double feed(Slot slot, int r) {
            if (r == 0) {
                return 0;
            }
            if (slot.box() < 0) {
                return above(slot.edge(), r);
            }
            double sum = 0;
            int count = 0;
            for (int e = 0; e < edges.size(); e++) {
                if (edges.get(e).to() == slot.box()) {
                    sum += above(e, r);
                    count++;
                }
            }
            return sum / count;
        }

        /** Where edge e is in row r - 1: its source box or its lane there. */
        private int above(int e, int r) {
            int from = edges.get(e).from();
            return r - 1 == row[from] ? left[from] + boxWidth / 2 : lanes[e][r - 2 - row[from]];
        }

        private int top(int r) {
            return MARGIN + r * (2 * ROW + GAP);
        }

        void paint(Painter p) {
            int x1 = nameWidth;
            int x2 = x1 + keyWidth;
            for (int i = 0; i < boxes.size(); i++) {
                Box box = boxes.get(i);
                int x0 = left[i];
                int y = top(row[i]);
                p.rect(x0, y, nameWidth, 2 * ROW, NAME_FILL);
                p.rect(x0 + x1, y, keyWidth, ROW, TABLE_FILL);
                p.rect(x0 + x1, y + ROW, keyWidth, ROW, TABLE_FILL);
                p.rect(x0 + x2, y, shapeWidth, ROW, TABLE_FILL);
                p.rect(x0 + x2, y + ROW, shapeWidth, ROW, TABLE_FILL);
                p.text(box.label(), NAME_SIZE, x0 + nameWidth / 2, y + ROW);
                p.text("input:", TABLE_SIZE, x0 + x1 + keyWidth / 2, y + ROW / 2);
                p.text("output:", TABLE_SIZE, x0 + x1 + keyWidth / 2, y + ROW + ROW / 2);
                p.text(box.input(), TABLE_SIZE, x0 + x2 + shapeWidth / 2, y + ROW / 2);
                p.text(box.output(), TABLE_SIZE, x0 + x2 + shapeWidth / 2, y + ROW + ROW / 2);
                for (int e = 0; e < edges.size(); e++) {
                    if (edges.get(e).from() == i) {
                        arrow(p, e);
                    }
                }
            }
        }

        /**
         * From the bottom centre of the source, through its lanes, to the top of the target: inputs enter
         * side by side in their order, so the arrows of a merge stay apart.
         */
        private void arrow(Painter p, int e) {
            Edge edge = edges.get(e);
            List<int[]> points = new ArrayList<>();
            int sx = left[edge.from()] + boxWidth / 2;
            int sy = top(row[edge.from()]) + 2 * ROW;
            points.add(new int[] {sx, sy});
            points.add(new int[] {sx, sy + LEAD});
            for (int k = 0; k < lanes[e].length; k++) {
                int r = row[edge.from()] + 1 + k;
                points.add(new int[] {lanes[e][k], top(r)});
                points.add(new int[] {lanes[e][k], top(r) + 2 * ROW});
            }
            int tx = left[edge.to()] + boxWidth * (edge.slot() + 1) / (edge.slots() + 1);
            int ty = top(row[edge.to()]);
            points.add(new int[] {tx, ty - ARROW_HEAD - LEAD});
            points.add(new int[] {tx, ty - ARROW_HEAD});
            // Points in a vertical run add nothing: a straight arrow stays one line.
            List<int[]> kept = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                boolean inner = i > 0 && i < points.size() - 1;
                if (!(inner && points.get(i - 1)[0] == points.get(i)[0] && points.get(i + 1)[0] == points.get(i)[0])) {
                    kept.add(points.get(i));
                }
            }
            p.line(kept.stream().mapToInt(q -> q[0]).toArray(), kept.stream().mapToInt(q -> q[1]).toArray());
            p.arrowHead(tx, ty);
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
        public void line(int[] xs, int[] ys) {
            if (xs.length == 2) {
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                        + " stroke-width=\"1.5\"/>%n", xs[0], ys[0], xs[1], ys[1], hex(LINE)));
                return;
            }
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                points.append(i == 0 ? "" : " ").append(xs[i]).append(',').append(ys[i]);
            }
            b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"1.5\" stroke-linejoin=\"round\"/>%n", points, hex(LINE)));
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
        public void line(int[] xs, int[] ys) {
            Path2D.Double path = new Path2D.Double();
            path.moveTo(xs[0], ys[0]);
            for (int i = 1; i < xs.length; i++) {
                path.lineTo(xs[i], ys[i]);
            }
            g.setColor(LINE);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_SQUARE, BasicStroke.JOIN_ROUND));
            g.draw(path);
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
