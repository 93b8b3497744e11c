package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/** image_dataset_from_directory on folders of generated pictures. */
class ImageDirectoryTest {
    @TempDir
    Path dir;

    /** A picture of one colour, w x h. */
    private static void png(Path file, int rgb, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void grey(Path file, int[][] values) throws IOException {
        BufferedImage image = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                image.getRaster().setSample(x, y, 0, values[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    /** cat: 3 reddish pictures; dog: 2 bluish ones (one in a sub-folder); and what is not a class picture. */
    private void animals() throws IOException {
        png(dir.resolve("cat/a.png"), 0xC80000, 5, 4);
        png(dir.resolve("cat/b.PNG"), 0xC80A00, 3, 3);
        png(dir.resolve("cat/c.png"), 0xC81400, 8, 2);
        png(dir.resolve("dog/a.png"), 0x0000C8, 4, 4);
        png(dir.resolve("dog/sub/d.png"), 0x000AC8, 6, 6);
        png(dir.resolve(".hidden/x.png"), 0xFFFFFF, 2, 2);
        png(dir.resolve("top.png"), 0x808080, 2, 2);
        Files.writeString(dir.resolve("dog/notes.txt"), "not a picture");
    }

    private static List<Dataset.Element> all(Dataset d) {
        List<Dataset.Element> out = new ArrayList<>();
        d.forEach(out::add);
        return out;
    }

    private ImageDirectory options() {
        return ImageDirectory.of(dir).verbose(false).shuffle(false);
    }

    @Test
    void classFoldersGiveLabelsInSortedOrder() throws IOException {
        animals();
        ImageDataset d = options().imageSize(2, 3).batchSize(2).load();
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(List.of(dir.resolve("cat/a.png"), dir.resolve("cat/b.PNG"), dir.resolve("cat/c.png"),
                dir.resolve("dog/a.png"), dir.resolve("dog/sub/d.png")), d.filePaths());
        assertEquals(3, d.cardinality());
        List<Dataset.Element> batches = all(d);
        assertArrayEquals(new int[] {2, 2, 3, 3}, batches.get(0).x().shape());
        assertArrayEquals(new int[] {1, 2, 3, 3}, batches.get(2).x().shape());
        assertEquals(Tensor.vector(0, 0), batches.get(0).y());
        assertEquals(Tensor.vector(0, 1), batches.get(1).y());
        // Pictures of one colour stay that colour whatever the resizing: 0..255 per channel.
        float[] second = batches.get(0).x().data();
        assertArrayEquals(new float[] {200, 10, 0}, new float[] {second[18], second[19], second[20]});
        float[] dog = batches.get(2).x().data();
        assertArrayEquals(new float[] {0, 10, 200}, new float[] {dog[0], dog[1], dog[2]});
    }

    @Test
    void labelModesAndColourModes() throws IOException {
        animals();
        Dataset.Element categorical = all(options().imageSize(2, 2).batchSize(5).labelMode("categorical").load())
                .get(0);
        assertEquals(Tensor.of(new float[] {1, 0, 1, 0, 1, 0, 0, 1, 0, 1}, 5, 2), categorical.y());
        Dataset.Element binary = all(options().imageSize(2, 2).batchSize(5).labelMode("binary").load()).get(0);
        assertEquals(Tensor.of(new float[] {0, 0, 0, 1, 1}, 5, 1), binary.y());
        Dataset.Element grey = all(options().imageSize(2, 2).batchSize(5).colorMode("grayscale").load()).get(0);
        assertArrayEquals(new int[] {5, 2, 2, 1}, grey.x().shape());
        assertEquals(Math.round(0.299f * 200), grey.x().data()[0]);
        assertEquals(Math.round(0.299f * 200 + 0.587f * 10), grey.x().data()[4]);
        Dataset.Element rgba = all(options().imageSize(1, 1).batchSize(5).colorMode("rgba").load()).get(0);
        assertArrayEquals(new float[] {200, 0, 0, 255}, java.util.Arrays.copyOf(rgba.x().data(), 4));

        ImageDataset unlabelled = options().imageSize(2, 2).labelMode(null).load();
        assertEquals(List.of(), unlabelled.classNames());
        assertEquals(List.of(), all(unlabelled).get(0).ys());
        assertEquals(7, unlabelled.filePaths().size(), "without labels, every picture under the folder");
        assertEquals(List.of(dir.resolve("top.png"), dir.resolve(".hidden/x.png")),
                unlabelled.filePaths().subList(0, 2),
                "by sorted folder, as os.walk sorted");

        ImageDataset single = options().imageSize(2, 2).batchSize(null).load();
        assertEquals(5, single.cardinality());
        Dataset.Element one = all(single).get(4);
        assertArrayEquals(new int[] {2, 2, 3}, one.x().shape());
        assertArrayEquals(new int[0], one.y().shape());
        assertEquals(1f, one.y().data()[0]);
    }

    /** tf.image.resize: bilinear with half-pixel centres, and nearest. */
    @Test
    void resizesAsTensorFlow() throws IOException {
        grey(dir.resolve("a/up.png"), new int[][] {{0, 100}, {200, 255}});
        Tensor up = all(options().imageSize(4, 4).colorMode("grayscale").load()).get(0).x();
        double[] top = {0, 25, 75, 100};
        double[] bottom = {200, 213.75, 241.25, 255};
        double[] rowWeight = {0, 0.25, 0.75, 1};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                double expected = top[x] + (bottom[x] - top[x]) * rowWeight[y];
                assertEquals(expected, up.data()[y * 4 + x], 1e-4, "(" + y + ", " + x + ")");
            }
        }
        Files.delete(dir.resolve("a/up.png"));
        int[][] v = {{0, 10, 20, 30}, {40, 50, 60, 70}, {80, 90, 100, 110}, {120, 130, 140, 150}};
        grey(dir.resolve("a/down.png"), v);
        Tensor down = all(options().imageSize(2, 2).colorMode("grayscale").load()).get(0).x();
        assertArrayEquals(new float[] {25, 45, 105, 125}, down.data(), 1e-4f);
        Tensor nearest = all(options().imageSize(2, 2).colorMode("grayscale").interpolation("nearest").load()).get(0)
                .x();
        assertArrayEquals(new float[] {50, 70, 130, 150}, nearest.data());
        Files.delete(dir.resolve("a/down.png"));
        grey(dir.resolve("a/wide.png"), new int[][] {{0, 10, 20, 30}, {40, 50, 60, 70}});
        Tensor stretched = all(options().imageSize(2, 2).colorMode("grayscale").load()).get(0).x();
        assertArrayEquals(new float[] {5, 25, 45, 65}, stretched.data(), 1e-4f);
        Tensor cropped = all(options().imageSize(2, 2).colorMode("grayscale").cropToAspectRatio(true).load()).get(0)
                .x();
        assertArrayEquals(new float[] {10, 20, 50, 60}, cropped.data(), "the centred square, as it is");
        Files.delete(dir.resolve("a/wide.png"));
        grey(dir.resolve("a/down.png"), v);
        Tensor same = all(options().imageSize(4, 4).colorMode("rgb").load()).get(0).x();
        assertEquals(v[2][3], same.data()[(2 * 4 + 3) * 3 + 1], "same size: the pixels, grey in every channel");
    }

    /** As Keras: the last fraction of the shuffled file list is the validation subset. */
    @Test
    void validationSplitPartitionsTheFiles() throws IOException {
        for (int i = 0; i < 10; i++) {
            png(dir.resolve((i % 2 == 0 ? "even" : "odd") + "/p" + i + ".png"), i * 20, 3, 3);
        }
        ImageDirectory split = ImageDirectory.of(dir).verbose(false).imageSize(3, 3).validationSplit(0.2).seed(5);
        List<ImageDataset> both = split.loadBoth();
        ImageDataset train = split.subset("training").load();
        ImageDataset validation = ImageDirectory.of(dir).verbose(false).imageSize(3, 3).validationSplit(0.2).seed(5)
                .subset("validation").load();
        assertEquals(8, train.filePaths().size());
        assertEquals(2, validation.filePaths().size());
        assertEquals(train.filePaths(), both.get(0).filePaths());
        assertEquals(validation.filePaths(), both.get(1).filePaths());
        Set<Path> union = new HashSet<>(train.filePaths());
        union.addAll(validation.filePaths());
        assertEquals(10, union.size(), "disjoint, and every file in one of them");
        // Labels follow their files through the shuffles: file p<i> is 0 (even) or 1 (odd).
        for (Dataset.Element e : all(both.get(0))) {
            for (int i = 0; i < e.y().size(); i++) {
                int level = Math.round(e.x().data()[i * 27 + 2] / 20);
                assertEquals(level % 2, (int) e.y().data()[i]);
            }
        }
        ImageDataset fresh = split.subset("training").load();
        List<Float> firstPass = pixelsOf(fresh);
        assertNotEquals(firstPass, pixelsOf(fresh), "reshuffled every epoch");
        assertEquals(firstPass, pixelsOf(split.subset("training").load()), "the same seed, the same order");
        assertEquals(pixelsOf(both.get(1)), pixelsOf(both.get(1)), "validation is not reshuffled");
    }

    private static List<Float> pixelsOf(Dataset d) {
        List<Float> out = new ArrayList<>();
        d.forEach(e -> {
            for (float v : e.x().data()) {
                out.add(v);
            }
        });
        return out;
    }

    /** Pictures are read as batches are: a damaged one fails when its batch is read, naming the file. */
    @Test
    void picturesAreReadBatchByBatch() throws IOException {
        animals();
        ImageDataset d = options().imageSize(4, 4).batchSize(2).load();
        Path damaged = dir.resolve("dog/sub/d.png");
        Files.write(damaged, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertEquals(1, all(d.take(1)).size(), "the first batch does not read the last picture");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> all(d));
        assertTrue(e.getMessage().startsWith(damaged + ": not a readable image"), e.getMessage());
        Files.writeString(damaged, "text");
        e = assertThrows(UncheckedIOException.class, () -> all(d));
        assertEquals(damaged + ": not a readable image (expected PNG, JPEG, GIF or BMP, found text starting \"text\")",
                e.getMessage());
    }

    @Test
    void jpegsToo() throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0x3C78B4);
            }
        }
        Files.createDirectories(dir.resolve("c"));
        ImageIO.write(image, "jpeg", dir.resolve("c/p.jpg").toFile());
        float[] px = all(options().imageSize(2, 2).load()).get(0).x().data();
        assertEquals(60, px[0], 3);
        assertEquals(120, px[1], 3);
        assertEquals(180, px[2], 3);
    }

    @Test
    void followLinksDecidesWhetherLinkedSubFoldersCount() throws IOException {
        animals();
        png(dir.getParent().resolve(dir.getFileName() + "-extra/e.png"), 0xC80000, 2, 2);
        Path extra = dir.getParent().resolve(dir.getFileName() + "-extra");
        Files.createSymbolicLink(dir.resolve("cat/linked"), extra);
        try {
            assertEquals(3, options().imageSize(2, 2).load().filePaths().stream()
                    .filter(p -> p.startsWith(dir.resolve("cat"))).count());
            assertEquals(4, options().imageSize(2, 2).followLinks(true).load().filePaths().stream()
                    .filter(p -> p.startsWith(dir.resolve("cat"))).count());
        } finally {
            Files.delete(dir.resolve("cat/linked"));
            Files.delete(extra.resolve("e.png"));
            Files.delete(extra);
        }
    }

    @Test
    void mistakesAreNamed() throws IOException {
        assertThrows(NoSuchFileException.class, () -> ImageDirectory.of(dir.resolve("absent")).load());
        Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> options().load());
        assertEquals("no images found in " + dir + ": allowed formats are .bmp, .gif, .jpeg, .jpg, .png",
                empty.getMessage());
        animals();
        png(dir.resolve("fish/f.png"), 0, 2, 2);
        IllegalArgumentException binary = assertThrows(IllegalArgumentException.class,
                () -> options().labelMode("binary").load());
        assertEquals("label_mode \"binary\" needs exactly 2 classes, got 4: [cat, dog, empty, fish]",
                binary.getMessage());
        assertEquals(List.of("dog", "cat"), options().classNames(List.of("dog", "cat")).load().classNames());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> options().classNames(List.of("cat", "cow")).load());
        assertTrue(names.getMessage().startsWith("class_names [cat, cow] are not sub-folders of "), names.getMessage());
        IllegalArgumentException noSeed = assertThrows(IllegalArgumentException.class,
                () -> ImageDirectory.of(dir).validationSplit(0.2).subset("training").load());
        assertTrue(noSeed.getMessage().startsWith("with validation_split and shuffling, give a seed"));
        IllegalArgumentException noSplit = assertThrows(IllegalArgumentException.class,
                () -> options().subset("training").load());
        assertEquals("if subset is set, validation_split must be set, and inversely", noSplit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> options().colorMode("cmyk"));
        assertThrows(IllegalArgumentException.class, () -> options().labelMode("sparse"));
        assertThrows(IllegalArgumentException.class, () -> options().interpolation("bicubic"));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> options().labels(0, 1).load());
        assertEquals("labels holds 2 labels but " + dir + " holds 8 pictures: expected one label per picture",
                count.getMessage());
    }

    @Test
    void explicitLabelsFollowTheSortedFiles() throws IOException {
        png(dir.resolve("b.png"), 0x000001, 2, 2);
        png(dir.resolve("a.png"), 0x000002, 2, 2);
        png(dir.resolve("x/c.png"), 0x000003, 2, 2);
        ImageDataset d = options().imageSize(1, 1).labels(1, 0, 2).load();
        assertEquals(List.of("0", "1", "2"), d.classNames());
        Dataset.Element e = all(d).get(0);
        assertEquals(Tensor.vector(1, 0, 2), e.y());
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 1, 0, 0, 3}, e.x().data());
    }

    /** A small model learns to tell the two colours of class folders apart, the pictures streamed from disk. */
    @Test
    void aModelLearnsFromAFolder() throws IOException {
        for (int i = 0; i < 40; i++) {
            png(dir.resolve("red/r" + i + ".png"), (150 + i) << 16 | i, 6 + i % 3, 5);
            png(dir.resolve("blue/b" + i + ".png"), i << 16 | (150 + i), 5, 6 + i % 2);
        }
        List<ImageDataset> sets = ImageDirectory.of(dir).verbose(false).imageSize(4, 4).batchSize(16)
                .validationSplit(0.25).seed(3).loadBoth();
        Tatami.setRandomSeed(0);
        Sequential model = new Sequential(new Flatten().inputShape(4, 4, 3), new Dense(2).activation("softmax"));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        Dataset train = sets.get(0).map(e -> e.withX(e.x().div(255f)));
        Dataset validation = sets.get(1).map(e -> e.withX(e.x().div(255f)));
        History h = model.fit(train, new FitOptions().epochs(5).verbose(0).validationData(validation));
        assertEquals(1.0, h.get("val_accuracy").get(4), "val_accuracy " + h.get("val_accuracy"));
    }
}
