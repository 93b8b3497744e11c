package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Layer;

class ModelZooTest {
    @Test
    void fashionResnetIsAResidualNetworkBehindSeededFlipsAndShifts() {
        Tatami.setRandomSeed(0);
        Model model = ModelZoo.fashionResnet();
        List<String> layers = model.layers().stream().map(Layer::className).toList();
        assertEquals(List.of("InputLayer", "RandomFlip", "RandomTranslation", "Conv2D", "MaxPooling2D"),
                layers.subList(0, 5));
        assertEquals(List.of("Flatten", "Dense", "Dense"), layers.subList(layers.size() - 3, layers.size()));
        assertEquals(2, layers.stream().filter("MaxPooling2D"::equals).count());
        assertEquals(3, layers.stream().filter("Add"::equals).count());
        assertEquals("horizontal", model.layers().get(1).config().get("mode"));
        assertEquals(1, model.layers().get(1).config().get("seed"));
        assertEquals(0.1, model.layers().get(2).config().get("height_factor"));
        assertEquals(0.1, model.layers().get(2).config().get("width_factor"));
        assertEquals(2, model.layers().get(2).config().get("seed"));
        assertEquals("constant", model.layers().get(2).config().get("fill_mode"));
        assertArrayEquals(new int[] {6, 6, 64}, model.layers().get(layers.size() - 3).inputShape());
        assertEquals(391_946, model.countParams());
    }
}
