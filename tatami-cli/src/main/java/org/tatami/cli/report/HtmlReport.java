package org.tatami.cli.report;

import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.io.AtomicFiles;

/**
 * The page of a training run, {@code report.html}: one self-contained file (styles inline, nothing fetched
 * from the network, no scripts) that shows the run's settings, results, history, model and pictures,
 * linking the pictures by relative paths so the run folder can be moved or archived as a whole.
 *
 * <p>The markup is also well-formed XML, so the page can be checked or processed with an XML parser.
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";

    private static final String STYLE = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f4f5f7; color: #222; font: 15px/1.5 system-ui, -apple-system,
              'Segoe UI', 'DejaVu Sans', Roboto, 'Helvetica Neue', Arial, sans-serif; }
            main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 48px; }
            header h1 { margin: 8px 0 4px; font-size: 28px; font-weight: 650; }
            .lead { margin: 0 0 12px; color: #555; }
            nav { margin: 0 0 20px; font-size: 14px; }
            nav a { color: #1f5fa8; text-decoration: none; margin-right: 14px; white-space: nowrap; }
            nav a:hover { text-decoration: underline; }
            section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 16px 20px 20px;
              margin: 0 0 20px; }
            h2 { margin: 0 0 12px; font-size: 19px; font-weight: 600; }
            h3 { margin: 18px 0 8px; font-size: 15px; font-weight: 600; }
            h3 .kind { color: #666; font-weight: 400; margin-left: 6px; }
            .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 32px; }
            table { border-collapse: collapse; font-size: 14px; }
            th, td { padding: 4px 12px 4px 0; border-bottom: 1px solid #eceef1; text-align: left;
              vertical-align: top; }
            thead th { border-bottom: 2px solid #d5d9de; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; padding-left: 12px; }
            .kv th { font-weight: 500; color: #444; white-space: nowrap; }
            td.metric { font-size: 16px; font-weight: 600; }
            .scroll { overflow-x: auto; max-height: 420px; overflow-y: auto; }
            pre { margin: 0; padding: 12px 14px; background: #f7f8fa; border: 1px solid #e6e8eb; border-radius: 6px;
              font: 13px/1.35 'DejaVu Sans Mono', Menlo, Consolas, monospace; overflow-x: auto; }
            figure { margin: 0; }
            figcaption { font-size: 13px; color: #555; margin-top: 4px; }
            img { max-width: 100%; height: auto; }
            .plots { display: flex; flex-wrap: wrap; gap: 16px; }
            .plots figure { flex: 1 1 480px; }
            .plots img { width: 100%; border: 1px solid #eceef1; }
            .maps { display: flex; flex-wrap: wrap; gap: 10px; }
            .maps figure { text-align: center; }
            .maps img { image-rendering: pixelated; border: 1px solid #ddd; display: block; }
            .flat { color: #555; font-size: 14px; margin: 10px 0 0; }
            .model { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
            """;

    private HtmlReport() {
    }

    /**
     * Writes {@value #FILE_NAME} into {@code runDir}, replacing it atomically.
     *
     * @return the page's path
     * @throws NoSuchFileException if a picture the report names is not in the run folder
     * @throws IllegalArgumentException if a picture's name is absolute or leads out of the run folder
     */
    public static Path write(Path runDir, Report report) throws IOException {
        Page page = new Page(runDir);
        page.render(report);
        Path file = runDir.resolve(FILE_NAME);
        AtomicFiles.writeString(file, page.html.toString());
        return file;
    }

    /** The page being written, and the run folder its links must resolve in. */
    private static final class Page {
        final Path runDir;
        final StringBuilder html = new StringBuilder(1 << 14);

        Page(Path runDir) {
            this.runDir = runDir.toAbsolutePath().normalize();
        }

        void render(Report r) throws IOException {
            Report.Pictures pics = r.pictures();
            out("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
            out("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
            out("<title>").text(r.title()).out("</title>\n<style>\n").out(STYLE).out("</style>\n</head>\n");
            out("<body>\n<main>\n<header>\n<h1>").text(r.title()).out("</h1>\n<p class=\"lead\">");
            text(lead(r)).out("</p>\n</header>\n");
            nav(r);

            out("<section id=\"run\" class=\"cols\">\n<div>\n<h2>Settings</h2>\n");
            keyValues(r.settings().entrySet().stream()
                    .map(e -> new Row(e.getKey(), value(e.getValue()), "")).toList());
            out("</div>\n<div>\n<h2>Results</h2>\n");
            List<Row> results = new ArrayList<>();
            r.finalMetrics().forEach((k, v) -> results.add(new Row(k, metric(v), "num metric")));
            results.add(new Row("training time", duration(r.wallSeconds()), "num"));
            results.add(new Row("samples per second", String.format(Locale.ROOT, "%,.0f", r.samplesPerSecond()),
                    "num"));
            keyValues(results);
            out("</div>\n</section>\n");

            if (pics.loss() != null || pics.accuracy() != null) {
                out("<section id=\"curves\">\n<h2>Learning curves</h2>\n<div class=\"plots\">\n");
                figure(pics.loss(), "loss per epoch", null);
                figure(pics.accuracy(), "accuracy per epoch", null);
                out("</div>\n</section>\n");
            }
            history(r);

            out("<section id=\"model\">\n<h2>Model</h2>\n<div class=\"model\">\n<pre>").text(r.summary())
                    .out("</pre>\n");
            figure(pics.model(), "layer graph", null);
            out("</div>\n</section>\n");

            if (pics.confusionMatrix() != null) {
                out("<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n");
                figure(pics.confusionMatrix(), "confusion matrix",
                        "Rows: the true class; columns: the predicted class. The diagonal counts the correct answers.");
                out("</section>\n");
            }
            if (pics.misclassified() != null) {
                out("<section id=\"misclassified\">\n<h2>Misclassified images</h2>\n");
                figure(pics.misclassified(), "misclassified images", null);
                out("</section>\n");
            }
            featureMaps(r);
            out("</main>\n</body>\n</html>\n");
        }

        private static String lead(Report r) {
            int epochs = r.history().epochs();
            return epochs + (epochs == 1 ? " epoch" : " epochs") + " \u00b7 " + duration(r.wallSeconds()) + " \u00b7 "
                    + String.format(Locale.ROOT, "%,.0f", r.samplesPerSecond()) + " samples/s";
        }

        private void nav(Report r) {
            Report.Pictures p = r.pictures();
            out("<nav>");
            link("run", "Settings and results");
            if (p.loss() != null || p.accuracy() != null) {
                link("curves", "Learning curves");
            }
            link("history", "History");
            link("model", "Model");
            if (p.confusionMatrix() != null) {
                link("confusion", "Confusion matrix");
            }
            if (p.misclassified() != null) {
                link("misclassified", "Misclassified");
            }
            if (!r.featureMaps().isEmpty()) {
                link("features", "Feature maps");
            }
            out("</nav>\n");
        }

        private void link(String id, String label) {
            out("<a href=\"#").out(id).out("\">").text(label).out("</a>");
        }

        /** A row of a two-column table; the class styles the value cell. */
        private record Row(String key, String value, String cssClass) {
        }

        private void keyValues(List<Row> rows) {
            if (rows.isEmpty()) {
                return;
            }
            out("<table class=\"kv\">\n");
            for (Row row : rows) {
                out("<tr><th>").text(row.key()).out("</th><td class=\"").out(row.cssClass()).out("\">")
                        .text(row.value()).out("</td></tr>\n");
            }
            out("</table>\n");
        }

        private void history(Report r) {
            Map<String, List<Double>> h = r.history().history();
            out("<section id=\"history\">\n<h2>History</h2>\n");
            if (h.isEmpty()) {
                out("<p>No epochs were run.</p>\n</section>\n");
                return;
            }
            out("<div class=\"scroll\">\n<table>\n<thead><tr><th class=\"num\">epoch</th>");
            for (String metric : h.keySet()) {
                out("<th class=\"num\">").text(metric).out("</th>");
            }
            out("<th class=\"num\">seconds</th></tr></thead>\n<tbody>\n");
            // Epochs numbered from 0, as the DataFrame the seed notebook builds from history.history.
            for (int e = 0; e < r.history().epochs(); e++) {
                out("<tr><td class=\"num\">").out(Integer.toString(e)).out("</td>");
                for (List<Double> values : h.values()) {
                    out("<td class=\"num\">").text(metric(values.get(e))).out("</td>");
                }
                out("<td class=\"num\">").text(String.format(Locale.ROOT, "%.2f", r.history().seconds().get(e)))
                        .out("</td></tr>\n");
            }
            out("</tbody>\n</table>\n</div>\n</section>\n");
        }

        private void featureMaps(Report r) throws IOException {
            if (r.featureMaps().isEmpty()) {
                return;
            }
            out("<section id=\"features\">\n<h2>Feature maps</h2>\n");
            out("<p class=\"flat\">One sample through the layers; each picture maps its own minimum to black"
                    + " and maximum to white.</p>\n");
            for (FeatureMaps.LayerOutput layer : r.featureMaps()) {
                if (layer.files().isEmpty()) {
                    out("<p class=\"flat\"><strong>").text(layer.name()).out("</strong> ").text(layer.className())
                            .out(" \u2192 ").text(layer.shapeText()).out("</p>\n");
                    continue;
                }
                out("<h3>").text(layer.name()).out("<span class=\"kind\">").text(layer.className() + " \u2192 "
                        + layer.shapeText()).out("</span></h3>\n<div class=\"maps\">\n");
                boolean channels = layer.files().size() > 1;
                for (int c = 0; c < layer.files().size(); c++) {
                    String caption = channels ? "channel " + c : null;
                    figure(r.featureMapsDir() + "/" + layer.files().get(c),
                            layer.name() + (channels ? " " + caption : ""), caption);
                }
                out("</div>\n");
            }
            out("</section>\n");
        }

        /** An image with optional caption; the file must exist in the run folder. */
        private void figure(String file, String alt, String caption) throws IOException {
            if (file == null) {
                return;
            }
            out("<figure><img src=\"").text(Markup.url(checked(file))).out("\" alt=\"").text(alt)
                    .out("\"/>");
            if (caption != null) {
                out("<figcaption>").text(caption).out("</figcaption>");
            }
            out("</figure>\n");
        }

        private String checked(String relative) throws IOException {
            Path target = runDir.resolve(relative).normalize();
            if (Path.of(relative).isAbsolute() || !target.startsWith(runDir)) {
                throw new IllegalArgumentException("the report links files inside the run folder " + runDir
                        + ", got '" + relative + "'");
            }
            if (!Files.isRegularFile(target)) {
                throw new NoSuchFileException(target.toString(), null, "the report links to it but it does not exist");
            }
            return relative;
        }

        private Page out(String markup) {
            html.append(markup);
            return this;
        }

        private Page text(String text) {
            html.append(Markup.escape(text));
            return this;
        }
    }

    /** Four decimals, as Keras's progress bar prints figures. */
    private static String metric(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = Math.round(seconds);
        return String.format(Locale.ROOT, "%.1f s (%d min %02d s)", seconds, whole / 60, whole % 60);
    }

    /** A setting as text: numbers without exponents or float noise, arrays by their elements. */
    private static String value(Object v) {
        if (v == null) {
            return "none";
        }
        if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
            return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
        }
        if (v.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                items.add(value(Array.get(v, i)));
            }
            return "[" + String.join(", ", items) + "]";
        }
        return v.toString();
    }
}
