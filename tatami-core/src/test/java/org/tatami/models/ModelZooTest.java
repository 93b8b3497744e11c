package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Layer;
import org.tatami.tensor.Tensor;

class ModelZooTest {
    @Test
    void fashionResnetIsTheResnetBehindSeededFlipsAndShifts() {
        Tatami.setRandomSeed(0);
        Model model = ModelZoo.fashionResnet();
        assertEquals(List.of("InputLayer", "RandomFlip", "RandomTranslation", "Functional"),
                model.layers().stream().map(Layer::className).toList());
        assertEquals("horizontal", model.layers().get(1).config().get("mode"));
        assertEquals(1, model.layers().get(1).config().get("seed"));
        assertEquals(0.1, model.layers().get(2).config().get("height_factor"));
        assertEquals(0.1, model.layers().get(2).config().get("width_factor"));
        assertEquals(2, model.layers().get(2).config().get("seed"));
        assertEquals(ModelZoo.resnet().countParams(), model.countParams());
        assertEquals(52_490, model.countParams());

        // At inference the augmentation is the identity: the model predicts what its nested resnet does.
        Tensor x = FunctionalModelTest.randomTensor(1, 4, 28, 28, 1);
        assertArrayEquals(((Model) model.layers().get(3)).predict(x).data(), model.predict(x).data());
    }
}
