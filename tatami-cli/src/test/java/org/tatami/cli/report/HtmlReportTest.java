package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
    private static final String TITLE = "Run <1> & \"co\"";
    private static final String NOTE = "<b>bold</b> & 'quoted'";

    @TempDir
    Path run;

    private History history;
    private String summary;

    /** A complete small run: every picture the train command leaves, then the report's description of it. */
    private Report fullRun() throws Exception {
        Sequential model = Fixtures.model();
        history = Fixtures.history(model);
        summary = Fixtures.summary(model);
        HistoryPlot.write(history, "loss", List.of("loss", "val_loss"), run.resolve("loss.png"));
        HistoryPlot.write(history, "accuracy", List.of("accuracy", "val_accuracy"), run.resolve("accuracy.png"));
        ModelDiagram.write(model, run.resolve("model.svg"));
        Tensor x = Fixtures.images(32, 3);
        IntTensor t = Fixtures.labels(32, 4);
        IntTensor p = model.predict(x).argmax();
        ConfusionMatrix.writePng(ConfusionMatrix.compute(p, t, 10), run.resolve("confusion matrix.png"));
        DigitGrid.writeMisclassified(x, p, t, 20, run.resolve("misclassified.png"));
        List<FeatureMaps.LayerOutput> maps = FeatureMaps.write(model, x.slice(0, 1), run.resolve("feature_maps"));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("epochs", 2);
        settings.put("batch_size", 16);
        settings.put("learning_rate", 1e-3);
        settings.put("note", NOTE);
        Map<String, Double> finals = new LinkedHashMap<>();
        finals.put("loss", 2.3456789);
        finals.put("val_accuracy", 0.0987654);
        return new Report(TITLE, summary, settings, finals, 12.34, 5678.9, history,
                new Report.Pictures("loss.png", "accuracy.png", "model.svg", "confusion matrix.png",
                        "misclassified.png"), "feature_maps", maps);
    }

    private static List<Element> elements(Document page, String tag) {
        NodeList nodes = page.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void showsEveryPictureOfTheRunByRelativeLinksToFilesThatExist() throws Exception {
        Report report = fullRun();
        Path file = HtmlReport.write(run, report);
        assertEquals(run.resolve("report.html"), file);
        String html = Files.readString(file);
        Document page = Fixtures.parseXml(html);

        List<String> sources = new ArrayList<>();
        for (Element img : elements(page, "img")) {
            String src = img.getAttribute("src");
            URI uri = URI.create(src);
            assertEquals(null, uri.getScheme(), src);
            assertTrue(Files.isRegularFile(run.resolve(uri.getPath())), src);
            assertFalse(img.getAttribute("alt").isEmpty(), src);
            sources.add(uri.getPath());
        }
        List<String> expected = new ArrayList<>(List.of("loss.png", "accuracy.png", "model.svg",
                "confusion matrix.png", "misclassified.png"));
        report.featureMaps().forEach(m -> m.files().forEach(f -> expected.add("feature_maps/" + f)));
        assertEquals(12, expected.size());
        assertEquals(expected.stream().sorted().toList(), sources.stream().sorted().toList());
        assertTrue(html.contains("src=\"confusion%20matrix.png\""), "names are encoded as URLs");
    }

    @Test
    void isSelfContainedAndOffline() throws Exception {
        String html = Files.readString(HtmlReport.write(run, fullRun()));
        Document page = Fixtures.parseXml(html);
        assertFalse(html.toLowerCase(Locale.ROOT).contains("http"), "no links to the network");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("@import"));
        assertTrue(elements(page, "script").isEmpty());
        assertTrue(elements(page, "link").isEmpty());
        assertEquals(1, elements(page, "style").size());
        for (Element a : elements(page, "a")) {
            String target = a.getAttribute("href");
            assertTrue(target.startsWith("#"), target);
            assertEquals(1, elements(page, "section").stream()
                    .filter(s -> s.getAttribute("id").equals(target.substring(1))).count(), target);
        }
    }

    @Test
    void showsTheTextsAndFiguresEscaped() throws Exception {
        Report report = fullRun();
        String html = Files.readString(HtmlReport.write(run, report));
        Document page = Fixtures.parseXml(html);

        assertEquals(TITLE, elements(page, "h1").get(0).getTextContent());
        assertEquals(TITLE, elements(page, "title").get(0).getTextContent());
        assertTrue(elements(page, "b").isEmpty(), "markup in settings is shown as text");
        String text = page.getDocumentElement().getTextContent();
        assertTrue(text.contains(NOTE));
        assertTrue(text.contains("0.001"), "settings");
        assertTrue(text.contains("2.3457"), "final loss");
        assertTrue(text.contains("0.0988"), "final val_accuracy");
        assertTrue(text.contains("12.3 s"), "training time");
        assertTrue(text.contains("5,679"), "samples per second");
        assertEquals(summary, elements(page, "pre").get(0).getTextContent());

        Element historySection = elements(page, "section").stream()
                .filter(s -> s.getAttribute("id").equals("history")).findFirst().orElseThrow();
        assertEquals(1 + history.epochs(), historySection.getElementsByTagName("tr").getLength(),
                "a header row and one row per epoch");
        for (Map.Entry<String, List<Double>> e : history.history().entrySet()) {
            assertTrue(historySection.getTextContent().contains(e.getKey()), e.getKey());
            for (double v : e.getValue()) {
                assertTrue(historySection.getTextContent().contains(String.format(Locale.ROOT, "%.4f", v)),
                        e.getKey() + " " + v);
            }
        }
        for (FeatureMaps.LayerOutput m : report.featureMaps()) {
            assertTrue(text.contains(m.name()), m.name());
            assertTrue(text.contains(m.shapeText()), m.shapeText());
        }
    }

    @Test
    void picturesNotProducedAreLeftOut() throws Exception {
        Sequential model = Fixtures.model();
        History h = Fixtures.history(model);
        Report bare = new Report("bare", Fixtures.summary(model), Map.of(), Map.of("loss", 1.0), 1, 2, h,
                new Report.Pictures(null, null, null, null, null), null, List.of());
        Document page = Fixtures.parseXml(Files.readString(HtmlReport.write(run, bare)));
        assertTrue(elements(page, "img").isEmpty());
        assertTrue(elements(page, "figure").isEmpty());
        List<String> sections = elements(page, "section").stream().map(s -> s.getAttribute("id")).toList();
        assertEquals(List.of("run", "history", "model"), sections);
    }

    @Test
    void refusesToLinkFilesThatAreMissingOrOutsideTheRun() throws Exception {
        Report report = fullRun();
        Files.delete(run.resolve("misclassified.png"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> HtmlReport.write(run, report));
        assertTrue(missing.getFile().endsWith("misclassified.png"), missing.getFile());
        assertFalse(Files.exists(run.resolve("report.html")));

        Report outside = new Report("x", "", Map.of(), Map.of(), 0, 0, report.history(),
                new Report.Pictures("../loss.png", null, null, null, null), null, List.of());
        assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(run, outside));
    }
}
