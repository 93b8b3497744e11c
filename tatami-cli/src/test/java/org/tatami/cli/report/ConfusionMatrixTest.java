package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.tensor.IntTensor;

class ConfusionMatrixTest {
    @TempDir
    Path dir;

    @Test
    void countsTrueClassesByRowAndPredictionsByColumn() {
        IntTensor predicted = IntTensor.vector(0, 1, 2, 2, 1, 0, 2, 2);
        IntTensor labels = IntTensor.vector(0, 1, 1, 2, 1, 2, 0, 2);
        int[][] m = ConfusionMatrix.compute(predicted, labels, 3);
        assertArrayEquals(new int[] {1, 0, 1}, m[0]);
        assertArrayEquals(new int[] {0, 2, 1}, m[1]);
        assertArrayEquals(new int[] {1, 0, 2}, m[2]);
    }

    @Test
    void unusedClassesGetEmptyRowsAndColumns() {
        int[][] m = ConfusionMatrix.compute(IntTensor.vector(1, 1), IntTensor.vector(1, 0), 4);
        assertEquals(4, m.length);
        assertArrayEquals(new int[] {0, 1, 0, 0}, m[0]);
        assertArrayEquals(new int[] {0, 1, 0, 0}, m[1]);
        assertArrayEquals(new int[4], m[3]);
    }

    @Test
    void badInputsAreExplained() {
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.compute(IntTensor.vector(0, 1, 2), IntTensor.vector(0, 1, 2, 3), 4));
        assertTrue(lengths.getMessage().contains("predicted has 3 values"), lengths.getMessage());
        assertTrue(lengths.getMessage().contains("labels has 4"), lengths.getMessage());

        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.compute(IntTensor.vector(0, 1, 2), IntTensor.vector(0, 1, 3), 3));
        assertEquals("labels[2] is 3, outside the classes 0..2", label.getMessage());

        IllegalArgumentException prediction = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.compute(IntTensor.vector(-1, 1), IntTensor.vector(0, 1), 3));
        assertEquals("predicted[0] is -1, outside the classes 0..2", prediction.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.compute(IntTensor.vector(), IntTensor.vector(), 0));
    }

    @Test
    void heatMapShadesTheLargestCountDarkest() throws Exception {
        int[][] m = new int[10][10];
        for (int i = 0; i < 10; i++) {
            m[i][i] = 900 + i;
        }
        m[3][5] = 12;
        Path png = dir.resolve("confusion.png");
        ConfusionMatrix.writePng(m, png);

        BufferedImage image = Fixtures.read(png);
        assertTrue(image.getWidth() >= 10 * 44 && image.getHeight() >= 10 * 44,
                image.getWidth() + "x" + image.getHeight());
        assertTrue(Fixtures.count(image, 0x08306B) > 500, "the cell of the largest count is fully dark");
        assertTrue(Fixtures.count(image, 0xF7FBFF) > 80 * 500, "empty cells are the lightest shade");

        Path small = dir.resolve("small.png");
        ConfusionMatrix.writePng(new int[][] {{1, 0}, {0, 1}}, small);
        assertTrue(Fixtures.read(small).getWidth() < image.getWidth());
    }

    @Test
    void malformedMatricesAreRejected() {
        Path png = dir.resolve("bad.png");
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.writePng(new int[0][0], png));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.writePng(new int[][] {{1, 2}, {3}}, png));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.writePng(new int[][] {{-1}}, png));
        assertTrue(Files.notExists(png));
    }
}
