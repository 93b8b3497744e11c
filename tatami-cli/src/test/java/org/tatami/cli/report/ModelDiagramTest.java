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
