package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;

class SummaryTest {
    @Test
    void seedModelSummaryMatchesKeras() {
        Tatami.clearSession();
        Sequential model = SeedModel.create();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String expected = String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #   ",
                "=================================================================",
                "conv2d (Conv2D)              (None, 26, 26, 3)         30        ",
                "_________________________________________________________________",
                "max_pooling2d (MaxPooling2D) (None, 13, 13, 3)         0         ",
                "_________________________________________________________________",
                "flatten (Flatten)            (None, 507)               0         ",
                "_________________________________________________________________",
                "dense (Dense)                (None, 100)               50800     ",
                "_________________________________________________________________",
                "dense_1 (Dense)              (None, 10)                1010      ",
                "=================================================================",
                "Total params: 51,840",
                "Trainable params: 51,840",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                "");
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
        assertEquals(51_840, model.countParams());
    }

    @Test
    void longNamesAreCutAtTheColumnAsKerasDoes() {
        Tatami.clearSession();
        SeedModel.create();
        Sequential second = SeedModel.create();
        String text = Summary.of(second);
        // "max_pooling2d_1 (MaxPooling2D)" is 30 characters: Keras shows the first 28.
        assertEquals(true, text.contains("\nmax_pooling2d_1 (MaxPooling2 (None, 13, 13, 3)"), text);
        assertEquals(true, text.startsWith("Model: \"sequential_1\""), text);
    }
}
