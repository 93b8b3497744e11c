package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;

class HistoryPlotTest {
    private static final int BLUE = 0x1F77B4;
    private static final int ORANGE = 0xFF7F0E;
    private static History history;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        history = Fixtures.history(Fixtures.model());
    }

    @Test
    void drawsOneColouredLinePerMetricOnWhite() throws Exception {
        Path png = dir.resolve("loss.png");
        HistoryPlot.write(history, "loss", List.of("loss", "val_loss"), png);

        BufferedImage image = Fixtures.read(png);
        assertEquals(640, image.getWidth());
        assertEquals(480, image.getHeight());
        assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "white background");
        // A line across the plot takes hundreds of pixels; a legend sample alone takes a few dozen.
        assertTrue(Fixtures.count(image, BLUE) > 300, "first metric's line");
        assertTrue(Fixtures.count(image, ORANGE) > 300, "second metric's line");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void oneMetricDrawsOneLine() throws Exception {
        Path png = dir.resolve("accuracy.png");
        HistoryPlot.write(history, "accuracy", List.of("accuracy"), png);

        BufferedImage image = Fixtures.read(png);
        assertTrue(Fixtures.count(image, BLUE) > 300);
        assertEquals(0, Fixtures.count(image, ORANGE));
    }

    @Test
    void aHistoryOfNoEpochsGivesAnEmptyChart() throws Exception {
        Sequential model = Fixtures.model();
        History none = model.fit(Fixtures.images(8, 1), Fixtures.labels(8, 2), new FitOptions().epochs(0).verbose(0));
        Path png = dir.resolve("empty.png");
        HistoryPlot.write(none, "loss", List.of("loss", "val_loss"), png);

        BufferedImage image = Fixtures.read(png);
        assertEquals(640, image.getWidth());
        assertTrue(Fixtures.count(image, BLUE) < 50, "at most a legend sample, no line");
    }

    @Test
    void unknownOrMissingMetricsAreRejectedByName() {
        Path png = dir.resolve("x.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HistoryPlot.write(history, "t", List.of("loss", "val_acc"), png));
        assertTrue(e.getMessage().contains("val_acc"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HistoryPlot.write(history, "t", List.of(), png));
        assertTrue(Files.notExists(png));
    }
}
