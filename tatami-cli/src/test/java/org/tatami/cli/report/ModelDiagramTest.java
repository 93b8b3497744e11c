package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.layers.Dense;
import org.tatami.layers.Layer;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ModelDiagramTest {
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @TempDir
    Path dir;

    /** The text elements in document order, which is top to bottom. */
    private static List<String> texts(Document svg) {
        NodeList nodes = svg.getElementsByTagNameNS(SVG_NS, "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void svgShowsEveryLayerWithItsShapesInOrder() throws Exception {
        Sequential model = Fixtures.model();
        Document svg = Fixtures.parseXml(ModelDiagram.svg(model));

        Element root = svg.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(SVG_NS, root.getNamespaceURI());
        assertTrue(Integer.parseInt(root.getAttribute("width")) > 200);
        assertTrue(Integer.parseInt(root.getAttribute("height")) > 5 * 48);

        List<String> texts = texts(svg);
        String first = model.layers().get(0).name();
        List<String> expected = new ArrayList<>(List.of(first + "_input: InputLayer", "input:", "output:",
                "(None, 28, 28, 1)", "(None, 28, 28, 1)"));
        for (Layer l : model.layers()) {
            expected.addAll(List.of(l.name() + ": " + l.className(), "input:", "output:",
                    Shape.withBatch(l.inputShape()), Shape.withBatch(l.outputShape())));
        }
        assertEquals(expected, texts);
        assertTrue(texts.contains("conv2d: Conv2D"));
        assertTrue(texts.contains("(None, 26, 26, 3)"));
        assertTrue(texts.contains("(None, 507)"));
        // An arrow between each pair of boxes.
        assertEquals(model.layers().size(), svg.getElementsByTagNameNS(SVG_NS, "polygon").getLength());
    }

    /** The boxes of a diagram: each is five rectangles (name, two keys, two shapes), as {x, y, w, h}. */
    private static List<int[]> boxes(Document svg) {
        NodeList rects = svg.getElementsByTagNameNS(SVG_NS, "rect");
        List<int[]> out = new ArrayList<>();
        // The first rectangle is the white background.
        for (int i = 1; i < rects.getLength(); i += 5) {
            Element name = (Element) rects.item(i);
            Element shape = (Element) rects.item(i + 3);
            int x = attr(name, "x");
            int y = attr(name, "y");
            out.add(new int[] {x, y, attr(shape, "x") + attr(shape, "width") - x, attr(name, "height")});
        }
        return out;
    }

    private static int attr(Element e, String name) {
        return Integer.parseInt(e.getAttribute(name));
    }

    /** Every line and polyline as its list of points. */
    private static List<int[][]> arrows(Document svg) {
        List<int[][]> out = new ArrayList<>();
        NodeList lines = svg.getElementsByTagNameNS(SVG_NS, "line");
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            out.add(new int[][] {{attr(l, "x1"), attr(l, "y1")}, {attr(l, "x2"), attr(l, "y2")}});
        }
        NodeList polylines = svg.getElementsByTagNameNS(SVG_NS, "polyline");
        for (int i = 0; i < polylines.getLength(); i++) {
            String[] points = ((Element) polylines.item(i)).getAttribute("points").split(" ");
            int[][] p = new int[points.length][];
            for (int k = 0; k < points.length; k++) {
                String[] xy = points[k].split(",");
                p[k] = new int[] {Integer.parseInt(xy[0]), Integer.parseInt(xy[1])};
            }
            out.add(p);
        }
        return out;
    }

    private static boolean inside(int[] box, double x, double y) {
        return x > box[0] && x < box[0] + box[2] && y > box[1] && y < box[1] + box[3];
    }

    @Test
    void branchesStandSideBySideWithAnArrowPerEdge() throws Exception {
        Model model = Fixtures.residualModel();
        Document svg = Fixtures.parseXml(ModelDiagram.svg(model));

        List<int[]> boxes = boxes(svg);
        assertEquals(model.nodes().size(), boxes.size(), "one box per node");
        assertEquals(9, boxes.size(), "input, 4 convolutions, add, pooling, flatten, dense");
        List<String> texts = texts(svg);
        for (Layer l : model.layers()) {
            assertEquals(1, texts.stream().filter(t -> t.equals(l.name() + ": " + l.className())).count(), l.name());
        }
        assertTrue(texts.contains("[(None, 26, 26, 4), (None, 26, 26, 4)]"), "the Add's two inputs");
        int edges = model.nodes().stream().mapToInt(n -> n.inputs().size()).sum();
        assertEquals(9, edges, "a chain of 8 arrows and the shortcut");
        assertEquals(edges, svg.getElementsByTagNameNS(SVG_NS, "polygon").getLength(), "one arrow head per edge");
        List<int[][]> arrows = arrows(svg);
        assertEquals(edges, arrows.size(), "one line per edge");

        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                int[] a = boxes.get(i);
                int[] b = boxes.get(j);
                boolean apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
                assertTrue(apart, "boxes " + i + " and " + j + " overlap");
            }
        }
        // Box 2 is the block's first convolution: the shortcut's 1x1 convolution stands beside it.
        long sideBySide = boxes.stream().filter(b -> b[1] == boxes.get(2)[1]).count();
        assertEquals(2, sideBySide, "the block's first convolution and the shortcut share a row");
        // No arrow passes through a box: sample every segment at each pixel.
        for (int[][] arrow : arrows) {
            for (int k = 0; k + 1 < arrow.length; k++) {
                int steps = Math.max(Math.abs(arrow[k + 1][0] - arrow[k][0]), Math.abs(arrow[k + 1][1] - arrow[k][1]));
                for (int s = 0; s <= steps; s++) {
                    double x = arrow[k][0] + (arrow[k + 1][0] - arrow[k][0]) * (double) s / steps;
                    double y = arrow[k][1] + (arrow[k + 1][1] - arrow[k][1]) * (double) s / steps;
                    for (int[] box : boxes) {
                        assertTrue(!inside(box, x, y), "an arrow crosses the box at " + box[0] + "," + box[1]);
                    }
                }
            }
        }
    }

    /** A chain is one column of boxes joined by straight vertical arrows, as before graphs were drawn. */
    @Test
    void aChainIsOneColumn() throws Exception {
        Document svg = Fixtures.parseXml(ModelDiagram.svg(Fixtures.model()));
        List<int[]> boxes = boxes(svg);
        assertEquals(5, boxes.size());
        assertEquals(0, svg.getElementsByTagNameNS(SVG_NS, "polyline").getLength());
        for (int i = 0; i < boxes.size(); i++) {
            assertEquals(boxes.get(0)[0], boxes.get(i)[0], "box " + i + " lines up");
            assertEquals(16 + i * (48 + 40), boxes.get(i)[1], "box " + i + " follows the one above");
        }
        int centre = boxes.get(0)[0] + boxes.get(0)[2] / 2;
        for (int[][] line : arrows(svg)) {
            assertEquals(List.of(centre, centre), List.of(line[0][0], line[1][0]), "vertical through the centres");
        }
        assertEquals(2 * 16 + boxes.get(0)[2], attr(svg.getDocumentElement(), "width"));
    }

    @Test
    void namesAreEscapedAndTheSizeFollowsTheContent() throws Exception {
        Sequential shortName = new Sequential(new Dense(2).name("d").inputShape(4));
        String odd = "out<&>\"' \u0001end";
        Sequential longName = new Sequential(new Dense(2).name(odd + "-with-a-much-longer-name").inputShape(4));

        Document a = Fixtures.parseXml(ModelDiagram.svg(shortName));
        Document b = Fixtures.parseXml(ModelDiagram.svg(longName));

        assertTrue(texts(b).contains("out<&>\"' \uFFFDend-with-a-much-longer-name: Dense"), texts(b).toString());
        int widthA = Integer.parseInt(a.getDocumentElement().getAttribute("width"));
        int widthB = Integer.parseInt(b.getDocumentElement().getAttribute("width"));
        assertTrue(widthB > widthA + 100, widthA + " vs " + widthB);

        Sequential deeper = new Sequential(new Dense(2).name("d").inputShape(4), new Dense(2).name("e"));
        int heightA = Integer.parseInt(a.getDocumentElement().getAttribute("height"));
        int heightDeeper = Integer.parseInt(Fixtures.parseXml(ModelDiagram.svg(deeper)).getDocumentElement()
                .getAttribute("height"));
        assertTrue(heightDeeper > heightA + 48, heightA + " vs " + heightDeeper);
    }

    @Test
    void writesAPngOfAGraph() throws Exception {
        Model model = Fixtures.residualModel();
        Path png = dir.resolve("residual.png");
        ModelDiagram.write(model, png);
        Element root = Fixtures.parseXml(ModelDiagram.svg(model)).getDocumentElement();
        BufferedImage image = Fixtures.read(png);
        assertEquals(attr(root, "width"), image.getWidth());
        assertEquals(attr(root, "height"), image.getHeight());
        assertTrue(Fixtures.count(image, 0x333333) > 400, "outlines, arrows and text are drawn");
    }

    @Test
    void writesSvgOrPngOfTheSameSize() throws Exception {
        Sequential model = Fixtures.model();
        Path svgFile = dir.resolve("model.svg");
        Path pngFile = dir.resolve("model.PNG");
        ModelDiagram.write(model, svgFile);
        ModelDiagram.write(model, pngFile);

        Element root = Fixtures.parseXml(Files.readString(svgFile)).getDocumentElement();
        BufferedImage png = Fixtures.read(pngFile);
        assertEquals(Integer.parseInt(root.getAttribute("width")), png.getWidth());
        assertEquals(Integer.parseInt(root.getAttribute("height")), png.getHeight());
        assertTrue(Fixtures.count(png, 0x333333) > 200, "outlines and text are drawn");
    }

    @Test
    void rejectsOtherFormatsAndUnbuiltModels() {
        Sequential model = Fixtures.model();
        assertThrows(IllegalArgumentException.class, () -> ModelDiagram.write(model, dir.resolve("model.gif")));
        Sequential unbuilt = new Sequential(new Dense(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelDiagram.svg(unbuilt));
        assertTrue(e.getMessage().contains("not built"), e.getMessage());
    }
}
