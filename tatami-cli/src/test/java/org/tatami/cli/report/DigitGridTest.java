package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

class DigitGridTest {
    private static final int N = 20;
    private static final int WRONG = 13;
    /** Black pixels of one drawn digit: 28 x 28 pixels at 3 x 3, but for one white pixel. */
    private static final int BLACK_PER_DIGIT = 28 * 28 * 9 - 9;

    @TempDir
    Path dir;

    /**
     * Samples 0..12 are misclassified and drawn black with one white pixel; the others are correctly
     * classified and uniformly dark grey (darker than any text, so no antialiased caption makes that
     * shade), which must then not appear in the grid.
     */
    private static Tensor images() {
        Tensor x = Tensor.zeros(N, 28, 28, 1);
        for (int i = 0; i < N; i++) {
            if (i < WRONG) {
                x.set(1f, i, 14, 14, 0);
            } else {
                Arrays.fill(x.data(), i * 784, (i + 1) * 784, 0.1f);
            }
        }
        return x;
    }

    private static IntTensor labels() {
        int[] t = new int[N];
        for (int i = 0; i < N; i++) {
            t[i] = i % 10;
        }
        return IntTensor.vector(t);
    }

    private static IntTensor predictions() {
        int[] p = labels().data().clone();
        for (int i = 0; i < WRONG; i++) {
            p[i] = (p[i] + 1) % 10;
        }
        return IntTensor.vector(p);
    }

    @Test
    void showsAtMostMaxMisclassifiedDigits() throws Exception {
        Path png = dir.resolve("five.png");
        assertEquals(5, DigitGrid.writeMisclassified(images(), predictions(), labels(), 5, png));
        BufferedImage five = Fixtures.read(png);
        assertEquals(5 * BLACK_PER_DIGIT, Fixtures.count(five, 0x000000));
        assertEquals(0, Fixtures.count(five, 0x1A1A1A), "correctly classified images are not shown");
    }

    @Test
    void showsEveryMisclassifiedDigitWhenMaxIsLarger() throws Exception {
        Path png = dir.resolve("all.png");
        assertEquals(WRONG, DigitGrid.writeMisclassified(images(), predictions(), labels(), 100, png));
        BufferedImage all = Fixtures.read(png);
        assertEquals(WRONG * BLACK_PER_DIGIT, Fixtures.count(all, 0x000000));

        Path fivePng = dir.resolve("five.png");
        DigitGrid.writeMisclassified(images(), predictions(), labels(), 5, fivePng);
        BufferedImage five = Fixtures.read(fivePng);
        assertTrue(all.getWidth() > five.getWidth(), "ten columns are wider than five");
        assertTrue(all.getHeight() > five.getHeight() + 84, "thirteen digits take two rows");
    }

    @Test
    void acceptsImagesWithoutAChannelAxis() throws Exception {
        Path png = dir.resolve("hw.png");
        Tensor hw = images().reshape(N, 28, 28);
        assertEquals(3, DigitGrid.writeMisclassified(hw, predictions(), labels(), 3, png));
        assertEquals(3 * BLACK_PER_DIGIT, Fixtures.count(Fixtures.read(png), 0x000000));
    }

    @Test
    void saysSoWhenNothingIsMisclassified() throws Exception {
        Path png = dir.resolve("none.png");
        assertEquals(0, DigitGrid.writeMisclassified(images(), labels(), labels(), 50, png));
        BufferedImage image = Fixtures.read(png);
        assertTrue(image.getHeight() < 100 && image.getWidth() < 400, image.getWidth() + "x" + image.getHeight());
        assertEquals(0, Fixtures.count(image, 0x000000), "no digits");
        assertTrue(Fixtures.count(image, 0xFFFFFF) < image.getWidth() * image.getHeight(), "some text");
    }

    @Test
    void mismatchedInputsAreRejected() {
        Path png = dir.resolve("bad.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DigitGrid.writeMisclassified(images(), predictions().slice(0, 5), labels(), 5, png));
        assertTrue(e.getMessage().contains("20 images but 5 predictions"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DigitGrid.writeMisclassified(images(), predictions(), labels(), -1, png));
        assertThrows(IllegalArgumentException.class,
                () -> DigitGrid.writeMisclassified(Tensor.zeros(N, 28, 28, 3), predictions(), labels(), 5, png));
    }
}
