package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tatami.tensor.Tensor;

class ImagesTest {
    private static final Color PAPER = Color.WHITE;
    private static final Color PEN = Color.BLACK;

    @TempDir
    Path dir;

    // ---- drawing and measuring ----

    private static BufferedImage canvas(int w, int h, Color paper, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(paper);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    /** A pen stroke through the given points, antialiased, round-ended as a felt pen. */
    private static void stroke(BufferedImage img, Color ink, float width, int... xy) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(ink);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Float path = new Path2D.Float();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        g.draw(path);
        g.dispose();
    }

    private static BufferedImage seven(Color paper, Color ink) {
        BufferedImage img = canvas(200, 300, paper, BufferedImage.TYPE_INT_RGB);
        stroke(img, ink, 22, 50, 60, 150, 60, 90, 250);
        return img;
    }

    private static BufferedImage one(Color paper, Color ink) {
        BufferedImage img = canvas(200, 300, paper, BufferedImage.TYPE_INT_RGB);
        stroke(img, ink, 24, 70, 80, 105, 50, 105, 250);
        return img;
    }

    private Path save(BufferedImage img, String name) throws IOException {
        Path file = dir.resolve(name);
        String format = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
        return file;
    }

    /** Bounding box {row0, col0, row1, col1} (inclusive) of pixels above 0.05, or null if there are none. */
    private static int[] inkBox(Tensor t) {
        int r0 = 28;
        int c0 = 28;
        int r1 = -1;
        int c1 = -1;
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                if (t.get(r, c, 0) > 0.05f) {
                    r0 = Math.min(r0, r);
                    r1 = Math.max(r1, r);
                    c0 = Math.min(c0, c);
                    c1 = Math.max(c1, c);
                }
            }
        }
        return r1 < 0 ? null : new int[] {r0, c0, r1, c1};
    }

    /** Centre of mass {row, col} in pixel indices. */
    private static double[] centreOfMass(Tensor t) {
        double m = 0;
        double r = 0;
        double c = 0;
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                float p = t.get(i, j, 0);
                m += p;
                r += p * i;
                c += p * j;
            }
        }
        return new double[] {r / m, c / m};
    }

    private static float maxDiff(Tensor a, Tensor b) {
        float d = 0;
        for (int i = 0; i < a.size(); i++) {
            d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
        }
        return d;
    }

    /** What every MNIST digit satisfies: white ink on exact black, 20 pixels long, centred by mass. */
    private static void assertMnistLike(Tensor t) {
        assertArrayEquals(new int[] {28, 28, 1}, t.shape());
        assertTrue(t.min() >= 0 && t.max() <= 1, "range " + t.min() + ".." + t.max());
        assertEquals(1f, t.max(), 1e-6f, "the strongest ink is white");
        int dark = 0;
        for (float v : t.data()) {
            dark += v < 0.01f ? 1 : 0;
        }
        assertTrue(dark > 28 * 28 / 2, "background is black: only " + dark + " dark pixels");
        for (int r : new int[] {0, 1, 26, 27}) {
            for (int c : new int[] {0, 1, 26, 27}) {
                assertEquals(0f, t.get(r, c, 0), 0.01f, "corner pixel " + r + "," + c);
            }
        }
        int[] box = inkBox(t);
        int longer = Math.max(box[2] - box[0] + 1, box[3] - box[1] + 1);
        assertTrue(longer >= 19 && longer <= 20, "longer side of the ink " + longer + " px, box " + Arrays.toString(box));
        double[] com = centreOfMass(t);
        assertEquals(14, com[0], 1, "centre of mass row");
        assertEquals(14, com[1], 1, "centre of mass column");
    }

    // ---- digits ----

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "gif", "bmp"})
    void darkInkOnLightPaperIsInvertedAndNormalised(String format) throws IOException {
        for (BufferedImage img : List.of(seven(PAPER, PEN), one(PAPER, PEN))) {
            Path file = save(img, "digit." + format);
            Tensor auto = Images.loadDigit(file);
            assertMnistLike(auto);
            assertEquals(Images.loadDigit(file, Invert.YES), auto);
            assertNotEquals(Images.loadDigit(file, Invert.NO), auto);
            // Every format gives about the same digit as the picture itself, JPEG's artefacts included.
            assertTrue(maxDiff(Images.toDigit(img, Invert.YES), auto) < 0.1f, format);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg"})
    void lightInkOnDarkPaperIsKept(String format) throws IOException {
        Path file = save(seven(Color.BLACK, Color.WHITE), "digit." + format);
        Tensor auto = Images.loadDigit(file, Invert.AUTO);
        assertMnistLike(auto);
        assertEquals(Images.loadDigit(file, Invert.NO), auto);
        assertNotEquals(Images.loadDigit(file, Invert.YES), auto);
        assertTrue(maxDiff(Images.toDigit(seven(PAPER, PEN), Invert.AUTO), auto) < 0.1f);
    }

    @Test
    void aPictureInMemoryIsReadAsTheSameFile() throws IOException {
        for (String format : new String[] {"png", "jpg"}) {
            Path file = save(seven(PAPER, PEN), "digit." + format);
            byte[] bytes = Files.readAllBytes(file);
            assertEquals(Images.loadDigit(file, Invert.AUTO), Images.loadDigit(bytes, "upload", Invert.AUTO), format);
        }
        IOException text = assertThrows(IOException.class, () -> Images.loadDigit(
                "hello, world".getBytes(StandardCharsets.UTF_8), "the upload", Invert.AUTO));
        assertEquals("the upload: not a readable image (expected PNG, JPEG, GIF or BMP, found text starting"
                + " \"hello, world\")", text.getMessage());
    }

    @Test
    void aspectRatioIsKeptAndSmallDigitsAreEnlarged() {
        // A 120x60 block fills exactly 20x10 pixels, however large or small it was drawn.
        for (int scale : new int[] {1, 20}) {
            BufferedImage img = canvas(15 * scale, 10 * scale, PAPER, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(PEN);
            g.fillRect(2 * scale, 3 * scale, 6 * scale, 3 * scale);
            g.dispose();
            Tensor t = Images.toDigit(img, Invert.AUTO);
            int[] box = inkBox(t);
            assertEquals(10, box[2] - box[0] + 1, "height at scale " + scale);
            assertEquals(20, box[3] - box[1] + 1, "width at scale " + scale);
            for (float v : t.data()) {
                assertTrue(v < 1e-5f || v > 1 - 1e-5f, "a solid block stays solid, found " + v);
            }
            double[] com = centreOfMass(t);
            assertEquals(14, com[0], 1);
            assertEquals(14, com[1], 1);
        }
    }

    @Test
    void tallDigitKeepsItsProportions() {
        // A bar 24 px wide and 224 px high is under 3 pixels wide once 20 high.
        BufferedImage img = canvas(200, 300, PAPER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(PEN);
        g.fillRect(90, 40, 24, 224);
        g.dispose();
        int[] box = inkBox(Images.toDigit(img, Invert.AUTO));
        assertEquals(20, box[2] - box[0] + 1);
        int width = box[3] - box[1] + 1;
        assertTrue(width >= 2 && width <= 4, "width " + width);
    }

    @Test
    void centreOfMassNotCentreOfBoxIsCentred() {
        // A flag: wide top bar, heavy stem on the left. Its box's centre is 2 px or more off its mass.
        BufferedImage img = canvas(300, 500, PAPER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(PEN);
        g.fillRect(50, 50, 150, 60);
        g.fillRect(50, 110, 40, 340);
        g.dispose();
        Tensor t = Images.toDigit(img, Invert.AUTO);
        double[] com = centreOfMass(t);
        assertEquals(14, com[0], 0.5 + 1e-6, "row");
        assertEquals(14, com[1], 0.5 + 1e-6, "column");
        int[] box = inkBox(t);
        assertTrue((box[0] + box[2]) / 2.0 > 14.5, "the box sits low: " + Arrays.toString(box));
        assertTrue((box[1] + box[3]) / 2.0 > 14.5, "the box sits right: " + Arrays.toString(box));
    }

    @Test
    void centringIsClampedSoNoInkIsLost() {
        // A heavy blob on a long thin tail: centring the mass would push the tail out of the bottom.
        BufferedImage img = canvas(300, 600, PAPER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(PEN);
        g.fillRect(100, 50, 100, 100);
        g.fillRect(147, 150, 6, 400);
        g.dispose();
        Tensor t = Images.toDigit(img, Invert.AUTO);
        int[] box = inkBox(t);
        assertEquals(27, box[2], "pushed down as far as the canvas allows");
        assertEquals(8, box[0], "the whole 20 px height kept");
        assertTrue(centreOfMass(t)[0] < 13, "mass could not be centred");
    }

    @Test
    void anyPenColourOnAnyPaper() {
        Tensor reference = Images.toDigit(seven(PAPER, PEN), Invert.AUTO);
        Random random = new Random(7);
        BufferedImage photo = seven(new Color(200, 195, 185), new Color(70, 70, 90));
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                int n = random.nextInt(13) - 6;
                int p = photo.getRGB(x, y);
                int r = Math.max(0, Math.min(255, (p >> 16 & 0xFF) + n));
                int gr = Math.max(0, Math.min(255, (p >> 8 & 0xFF) + n));
                int b = Math.max(0, Math.min(255, (p & 0xFF) + n));
                photo.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        for (BufferedImage img : List.of(seven(PAPER, Color.BLUE), seven(PAPER, Color.RED),
                seven(PAPER, new Color(230, 200, 0)), photo)) {
            Tensor t = Images.toDigit(img, Invert.AUTO);
            assertMnistLike(t);
            assertTrue(maxDiff(reference, t) < 0.1f, "differs by " + maxDiff(reference, t));
        }
    }

    @Test
    void thinPenStillReachesWhite() {
        // A 3 px line across 300 px covers a fifth of a pixel once 20 px long, as MNIST's strokes never do.
        BufferedImage img = canvas(200, 300, PAPER, BufferedImage.TYPE_INT_RGB);
        stroke(img, PEN, 3, 50, 20, 150, 20, 90, 290);
        assertMnistLike(Images.toDigit(img, Invert.AUTO));
    }

    @Test
    void transparentBackgroundIsWhitePaper() throws IOException {
        // Transparent black: without compositing onto white the background would be as dark as the ink.
        BufferedImage img = new BufferedImage(200, 300, BufferedImage.TYPE_INT_ARGB);
        stroke(img, PEN, 22, 50, 60, 150, 60, 90, 250);
        Path file = save(img, "rgba.png");
        assertTrue(ImageIO.read(file.toFile()).getColorModel().hasAlpha(), "the PNG keeps its alpha channel");
        Tensor t = Images.loadDigit(file);
        assertMnistLike(t);
        assertTrue(maxDiff(Images.toDigit(seven(PAPER, PEN), Invert.AUTO), t) < 0.02f);
    }

    @Test
    void greyPngSamplesAreDisplayValues() throws IOException {
        // Half the stroke mid-grey: its level must survive as drawn, not be brightened as linear light.
        BufferedImage rgb = canvas(200, 300, PAPER, BufferedImage.TYPE_INT_RGB);
        stroke(rgb, PEN, 22, 50, 60, 150, 60);
        stroke(rgb, Color.GRAY, 22, 150, 60, 90, 250);
        BufferedImage grey = new BufferedImage(200, 300, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 200; x++) {
                grey.getRaster().setSample(x, y, 0, rgb.getRGB(x, y) & 0xFF);
            }
        }
        Tensor fromGrey = Images.loadDigit(save(grey, "grey.png"));
        Tensor fromRgb = Images.loadDigit(save(rgb, "rgb.png"));
        assertTrue(maxDiff(fromRgb, fromGrey) < 0.02f, "differs by " + maxDiff(fromRgb, fromGrey));
    }

    @Test
    void pictureWithoutInkGivesZeros() throws IOException {
        Tensor zeros = Tensor.zeros(28, 28, 1);
        assertEquals(zeros, Images.loadDigit(save(canvas(50, 40, PAPER, BufferedImage.TYPE_INT_RGB), "white.png")));
        assertEquals(zeros, Images.loadDigit(save(canvas(50, 40, Color.BLACK, BufferedImage.TYPE_INT_RGB), "black.png")));
        BufferedImage speckled = canvas(50, 40, PAPER, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            int v = 255 - random.nextInt(12);
            speckled.setRGB(random.nextInt(50), random.nextInt(40), v << 16 | v << 8 | v);
        }
        assertEquals(zeros, Images.toDigit(speckled, Invert.AUTO));
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 8})
    void jpegExifOrientationIsApplied(int orientation) throws IOException {
        BufferedImage stored = seven(PAPER, PEN);
        Path plain = save(stored, "plain.jpg");
        Path tagged = dir.resolve("tagged.jpg");
        Files.write(tagged, withExifOrientation(Files.readAllBytes(plain), orientation));
        // 6: the stored picture must be turned clockwise to be upright, 8: anticlockwise.
        int w = stored.getWidth();
        int h = stored.getHeight();
        BufferedImage upright = new BufferedImage(h, w, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (orientation == 6) {
                    upright.setRGB(h - 1 - y, x, stored.getRGB(x, y));
                } else {
                    upright.setRGB(y, w - 1 - x, stored.getRGB(x, y));
                }
            }
        }
        Tensor t = Images.loadDigit(tagged);
        assertTrue(maxDiff(Images.toDigit(upright, Invert.AUTO), t) < 0.1f);
        assertTrue(maxDiff(Images.loadDigit(plain), t) > 0.5f, "the tag changes the picture");
    }

    /** A JPEG with an EXIF segment holding only the orientation tag, after the JFIF segment. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        int jfifEnd = 4 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
            0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, jfifEnd);
        int length = 2 + 6 + tiff.length;
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, jfifEnd, jpeg.length - jfifEnd);
        return out.toByteArray();
    }

    // ---- errors ----

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nothing-here.png");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Images.loadDigit(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void folderIsNotAnImage() {
        IOException e = assertThrows(IOException.class, () -> Images.loadDigit(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("folder"), e.getMessage());
    }

    @Test
    void textFileIsNotAnImage() throws IOException {
        Path file = dir.resolve("digit.png");
        Files.writeString(file, "this is not a picture\n");
        IOException e = assertThrows(IOException.class, () -> Images.loadDigit(file));
        assertTrue(e.getMessage().startsWith(file + ": not a readable image"), e.getMessage());
        assertTrue(e.getMessage().contains("text starting \"this is not a pictur"), e.getMessage());
    }

    @Test
    void emptyAndUnknownFilesAreDescribed() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jpg"));
        IOException e = assertThrows(IOException.class, () -> Images.loadDigit(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty file"), e.getMessage());
        Path webp = dir.resolve("photo.webp");
        Files.write(webp, "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> Images.loadDigit(webp));
        assertTrue(e.getMessage().contains(webp.toString()) && e.getMessage().contains("WebP"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg"})
    void truncatedImageIsAnError(String format) throws IOException {
        Path whole = save(seven(PAPER, PEN), "whole." + format);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut." + format);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> Images.loadDigit(cut));
        assertTrue(e.getMessage().startsWith(cut + ": not a readable image"), e.getMessage());
        assertTrue(e.getMessage().contains(format.equals("png") ? "PNG" : "JPEG"), e.getMessage());
    }

    // ---- writing ----

    private static int[][] readGrey(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType(), "8-bit grey PNG");
        Raster r = img.getRaster();
        int[][] px = new int[img.getHeight()][img.getWidth()];
        for (int y = 0; y < px.length; y++) {
            for (int x = 0; x < px[y].length; x++) {
                px[y][x] = r.getSample(x, y, 0);
            }
        }
        return px;
    }

    @Test
    void writeGrayPngMapsMinToBlackAndMaxToWhite() throws IOException {
        Path file = dir.resolve("map.png");
        Images.writeGrayPng(Tensor.of(new float[] {-1, 0, 1, 3, 2, -1}, 2, 3), file);
        assertArrayEquals(new int[][] {{0, 64, 128}, {255, 191, 0}}, readGrey(file));
        Images.writeGrayPng(Tensor.of(new float[] {5, 7}, 1, 2, 1), file);
        assertArrayEquals(new int[][] {{0, 255}}, readGrey(file), "(H, W, 1) and overwriting");
        Images.writeGrayPng(Tensor.full(0.7f, 2, 2), file);
        assertArrayEquals(new int[][] {{0, 0}, {0, 0}}, readGrey(file), "constant is black");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left");
        }
    }

    @Test
    void failedWriteLeavesNoTemporaryFile() throws IOException {
        // A non-empty folder in the way makes the final move fail after the PNG was written.
        Path taken = Files.createDirectory(dir.resolve("taken.png"));
        Files.createFile(taken.resolve("inside"));
        assertThrows(IOException.class, () -> Images.writeGrayPng(Tensor.zeros(3, 3), taken));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(taken), files.toList());
        }
    }

    @Test
    void writeGrayPngScaleEnlargesEachPixel() throws IOException {
        Path file = dir.resolve("big.png");
        Images.writeGrayPng(Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2), file, 4);
        int[][] px = readGrey(file);
        assertEquals(12, px.length);
        assertEquals(8, px[0].length);
        int[] expected = {0, 51, 102, 153, 204, 255};
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(expected[(y / 4) * 2 + x / 4], px[y][x], "pixel " + y + "," + x);
            }
        }
    }

    @Test
    void writeGrayPngRejectsWhatIsNotAGreyImage() {
        Path file = dir.resolve("bad.png");
        assertThrows(IllegalArgumentException.class, () -> Images.writeGrayPng(Tensor.zeros(2, 2, 3), file));
        assertThrows(IllegalArgumentException.class, () -> Images.writeGrayPng(Tensor.zeros(4), file));
        assertThrows(IllegalArgumentException.class,
                () -> Images.writeGrayPng(Tensor.of(new float[] {0, Float.NaN}, 1, 2), file));
        assertThrows(IllegalArgumentException.class, () -> Images.writeGrayPng(Tensor.zeros(2, 2), file, 0));
        assertTrue(Files.notExists(file));
    }

    @Test
    void writeGrayPngCreatesMissingFolders() throws IOException {
        Path nested = dir.resolve("feature_maps/conv2d/channel_0.png");
        Images.writeGrayPng(Tensor.zeros(2, 2), nested);
        assertTrue(Files.isRegularFile(nested));
    }

    @Test
    void pictureBytesReadAsTheFile() throws IOException {
        Path png = save(seven(PAPER, PEN), "seven.png");
        assertEquals(Images.loadDigit(png, Invert.AUTO),
                Images.loadDigit(Files.readAllBytes(png), "seven.png", Invert.AUTO));
        // JPEG bytes keep their EXIF orientation too.
        Path tagged = dir.resolve("tagged.jpg");
        Files.write(tagged, withExifOrientation(Files.readAllBytes(save(seven(PAPER, PEN), "plain.jpg")), 6));
        assertEquals(Images.loadDigit(tagged), Images.loadDigit(Files.readAllBytes(tagged), "tagged.jpg", Invert.AUTO));
    }

    @Test
    void grayPixelsAreTheGreyLevelsOver255() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int[] levels = {0, 1, 77, 128, 254, 255};
        for (int i = 0; i < levels.length; i++) {
            raster[i] = (byte) levels[i];
        }
        Tensor t = Images.loadGray(Files.readAllBytes(save(img, "grey.png")), "grey.png");
        assertArrayEquals(new int[] {2, 3, 1}, t.shape());
        for (int i = 0; i < levels.length; i++) {
            assertEquals(levels[i] / 255f, t.data()[i], 0f, "level " + levels[i]);
        }
    }

    @Test
    void unreadableBytesAreNamedInTheMessage() {
        IOException e = assertThrows(IOException.class,
                () -> Images.loadGray("hello".getBytes(StandardCharsets.UTF_8), "s3a://bucket/a.png"));
        assertEquals("s3a://bucket/a.png: not a readable image (expected PNG, JPEG, GIF or BMP, found text starting"
                + " \"hello\")", e.getMessage());
    }
}
