package org.tatami.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.layers.Conv2D;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

class FeatureMapsTest {
    @TempDir
    Path dir;

    @Test
    void writesOnePicturePerChannelOfEveryImageShapedOutput() throws Exception {
        Sequential model = Fixtures.model();
        String conv = model.layers().get(0).name();
        String pool = model.layers().get(1).name();
        List<FeatureMaps.LayerOutput> maps = FeatureMaps.write(model, Fixtures.images(1, 7), dir);

        assertEquals(5, maps.size());
        FeatureMaps.LayerOutput input = maps.get(0);
        assertEquals(new FeatureMaps.LayerOutput("input", "InputLayer", List.of(28, 28, 1), List.of("00_input.png")),
                input);
        assertEquals(new FeatureMaps.LayerOutput(conv, "Conv2D", List.of(26, 26, 3),
                List.of("01_" + conv + "/channel_0.png", "01_" + conv + "/channel_1.png",
                        "01_" + conv + "/channel_2.png")), maps.get(1));
        assertEquals(new FeatureMaps.LayerOutput(pool, "MaxPooling2D", List.of(13, 13, 3),
                List.of("02_" + pool + "/channel_0.png", "02_" + pool + "/channel_1.png",
                        "02_" + pool + "/channel_2.png")), maps.get(2));
        assertEquals(List.of(507), maps.get(3).shape());
        assertEquals(List.of(), maps.get(3).files());
        assertEquals("(None, 10)", maps.get(4).shapeText());
        assertEquals(List.of(), maps.get(4).files());
        assertEquals("(None, 26, 26, 3)", maps.get(1).shapeText());

        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(7, files.filter(Files::isRegularFile).count(), "nothing but the pictures");
        }
        assertEquals(112, Fixtures.read(dir.resolve("00_input.png")).getWidth());
        for (FeatureMaps.LayerOutput m : maps.subList(1, 3)) {
            for (String f : m.files()) {
                BufferedImage image = Fixtures.read(dir.resolve(f));
                assertEquals(104, image.getWidth(), f);
                assertEquals(104, image.getHeight(), f);
            }
        }
    }

    @Test
    void eachPictureShowsItsOwnChannel() throws Exception {
        Sequential model = Fixtures.model();
        Tensor sample = Fixtures.images(1, 8);
        List<FeatureMaps.LayerOutput> maps = FeatureMaps.write(model, sample, dir);
        Tensor out = model.layers().get(0).call(sample);

        for (int c = 0; c < 3; c++) {
            // The brightest pixel of the picture is where the channel's output is largest.
            int best = 0;
            for (int p = 1; p < 26 * 26; p++) {
                if (out.data()[p * 3 + c] > out.data()[best * 3 + c]) {
                    best = p;
                }
            }
            BufferedImage image = Fixtures.read(dir.resolve(maps.get(1).files().get(c)));
            int scale = image.getWidth() / 26;
            assertEquals(0xFFFFFF, image.getRGB((best % 26) * scale, (best / 26) * scale) & 0xFFFFFF, "channel " + c);
        }
    }

    @Test
    void namesThatAreNotFileNamesAreMadeSafe() throws Exception {
        Sequential odd = new Sequential(new Conv2D(2, 3).name("my conv:1\\x").inputShape(8, 8, 1));
        List<FeatureMaps.LayerOutput> maps = FeatureMaps.write(odd, Tensor.zeros(1, 8, 8, 1), dir);
        assertEquals("my conv:1\\x", maps.get(1).name());
        assertEquals(List.of("01_my_conv_1_x/channel_0.png", "01_my_conv_1_x/channel_1.png"), maps.get(1).files());
        assertTrue(Files.isRegularFile(dir.resolve("01_my_conv_1_x/channel_1.png")));
    }

    @Test
    void theSampleMustBeABatchOfOneOfTheInputShape() {
        Sequential model = Fixtures.model();
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.write(model, Fixtures.images(2, 1), dir));
        assertTrue(two.getMessage().contains("(1, 28, 28, 1)"), two.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.write(model, Tensor.zeros(28, 28, 1), dir));
        assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.write(model, Tensor.zeros(1, 27, 28, 1), dir));
    }
}
