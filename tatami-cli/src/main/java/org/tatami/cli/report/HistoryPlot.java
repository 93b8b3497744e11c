package org.tatami.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tatami.models.History;

/**
 * Line charts of a training history, as the seed notebook's {@code results[['loss', 'val_loss']].plot()}:
 * one line per metric, epochs numbered from 0 as the DataFrame's index, a legend naming the lines.
 */
public final class HistoryPlot {
    static {
        Drawing.headless();
    }

    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;

    /** matplotlib's first colours, which pandas plots with. */
    private static final Color[] COLOURS = {
        new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
    };
    /** Beyond this many epochs, point markers would crowd the lines. */
    private static final int MAX_EPOCHS_WITH_MARKERS = 25;

    private HistoryPlot() {
    }

    /**
     * Writes a {@value #WIDTH} x {@value #HEIGHT} PNG of the given metrics of {@code history}, e.g.
     * {@code List.of("loss", "val_loss")}. Values that are not finite (a diverged loss) leave a gap; a
     * history of no epochs gives an empty chart that says so.
     *
     * @throws IllegalArgumentException if {@code metrics} is empty or names a metric the history lacks
     */
    public static void write(History history, String title, List<String> metrics, Path png) throws IOException {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("no metrics to plot; the history has " + history.history().keySet());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (String metric : metrics) {
            // A fit of zero epochs records no metrics at all: its chart is empty rather than an error.
            List<Double> values = history.epochs() == 0 ? List.of() : history.get(metric);
            XYSeries series = new XYSeries(metric, false, true);
            for (int epoch = 0; epoch < values.size(); epoch++) {
                Double v = values.get(epoch);
                series.add(Integer.valueOf(epoch), v != null && Double.isFinite(v) ? v : null);
            }
            data.addSeries(series);
        }
        JFreeChart chart = chart(title, data, history.epochs() <= MAX_EPOCHS_WITH_MARKERS);
        BufferedImage image = Drawing.canvas(WIDTH, HEIGHT);
        Graphics2D g = Drawing.graphics(image);
        chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        g.dispose();
        Drawing.writePng(image, png);
    }

    private static JFreeChart chart(String title, XYSeriesCollection data, boolean markers) {
        Font label = Drawing.font(Font.PLAIN, 14);
        Font ticks = Drawing.font(Font.PLAIN, 12);

        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        x.setLabelFont(label);
        x.setTickLabelFont(ticks);
        NumberAxis y = new NumberAxis();
        y.setAutoRangeIncludesZero(false);
        y.setTickLabelFont(ticks);

        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, markers);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            lines.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            lines.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            lines.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }

        XYPlot plot = new XYPlot(data, x, y, lines);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(Drawing.RULE);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessage("no epochs");
        plot.setNoDataMessageFont(label);

        JFreeChart chart = new JFreeChart(title, Drawing.font(Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        chart.getLegend().setItemFont(label);
        chart.getLegend().setFrame(BlockBorder.NONE);
        chart.getLegend().setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
