package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Dense;
import org.tatami.losses.Loss;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.Tensor;

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

    /** BatchNormalization's moving mean and variance count as non-trainable, as in Keras. */
    @Test
    void movingStatisticsAreNonTrainableParams() {
        Tatami.clearSession();
        Sequential model = new Sequential(new Dense(4).inputShape(3), new BatchNormalization());
        String text = Summary.of(model);
        assertEquals(true, text.contains("\nTotal params: 32\nTrainable params: 24\nNon-trainable params: 8\n"), text);
        assertEquals(24, model.countTrainableParams());
    }

    /**
     * One training step: the optimizer moves the trainable weights only; the moving statistics move
     * by the momentum formula alone, towards the batch's mean 2 and biased variance 2/3.
     */
    @Test
    void trainingMovesStatisticsByMomentumAndTheOptimizerLeavesThemAlone() {
        Tatami.clearSession();
        BatchNormalization bn = new BatchNormalization();
        bn.inputShape(1);
        Sequential model = new Sequential(bn, new Dense(1));
        model.compile(new SGD(0.1), Loss.of("mse"));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        model.fit(x, Tensor.of(new float[] {0, 1, 0}, 3, 1), new FitOptions().epochs(1).batchSize(3).verbose(0));
        assertEquals(0.01f * 2, bn.getWeights().get(2).data()[0], 1e-7f);
        assertEquals(0.99f + 0.01f * (2f / 3), bn.getWeights().get(3).data()[0], 1e-6f);
        float gamma = bn.getWeights().get(0).data()[0];
        assertEquals(true, gamma != 1f, "gamma is trained");
    }
}
