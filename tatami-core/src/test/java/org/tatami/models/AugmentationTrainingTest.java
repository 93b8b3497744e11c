package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.kernels.Parallel;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Layer;
import org.tatami.layers.CenterCrop;
import org.tatami.layers.Normalization;
import org.tatami.layers.RandomContrast;
import org.tatami.layers.RandomCrop;
import org.tatami.layers.RandomFlip;
import org.tatami.layers.RandomRotation;
import org.tatami.layers.RandomTranslation;
import org.tatami.layers.RandomZoom;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Resizing;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/**
 * Augmentation inside a model: training draws are the same bits on any number of threads, the model
 * saves and loads with its augmentation layers, and predicting runs them in inference mode.
 */
class AugmentationTrainingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void fresh() {
        Tatami.clearSession();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Every random layer, then a small CNN; 8x8 one-channel pictures, 3 classes. */
    static Sequential augmentedModel() {
        Sequential model = new Sequential("augmented",
                new Rescaling(1 / 2.0, -0.25).inputShape(8, 8, 1),
                new RandomFlip("horizontal"),
                new RandomRotation(0.1).fillMode("nearest"),
                new RandomZoom(0.2, 0.1).interpolation("nearest"),
                new RandomTranslation(0.1, 0.2).fillMode("constant").seed(5),
                new RandomContrast(0.3).valueRange(-5, 5),
                new RandomCrop(6, 6),
                new Conv2D(4, 3).activation("relu"),
                new Flatten(),
                new Dense(3).activation("softmax"));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        return model;
    }

    @Test
    void augmentedTrainingIsTheSameBitsOnOneAndTwoThreads() {
        float[][] weights = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            Tatami.setRandomSeed(31);
            Sequential model = augmentedModel();
            // 150 samples per batch: chunks of 64, 64 and 22, run by one thread or two.
            model.fit(FunctionalModelTest.randomTensor(32, 300, 8, 8, 1), FunctionalModelTest.labels(33, 300, 3),
                    new FitOptions().batchSize(150).epochs(2).verbose(0));
            weights[threads - 1] = FunctionalModelTest.flatten(model.getWeights());
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    @Test
    void anAugmentedModelSavesLoadsAndPredictsInInferenceMode() throws Exception {
        Tatami.setRandomSeed(34);
        Sequential model = augmentedModel();
        Tensor x = FunctionalModelTest.randomTensor(35, 10, 8, 8, 1);
        model.fit(x, FunctionalModelTest.labels(36, 10, 3), new FitOptions().batchSize(5).epochs(1).verbose(0));
        Path file = dir.resolve("augmented.tatami");
        model.save(file);
        Model loaded = Model.load(file);
        assertEquals(model.layers().stream().map(Layer::className).toList(),
                loaded.layers().stream().map(Layer::className).toList());
        for (int i = 0; i < model.layers().size(); i++) {
            assertEquals(model.layers().get(i).config(), loaded.layers().get(i).config());
        }
        Tensor expected = model.predict(x);
        assertArrayEquals(expected.data(), loaded.predict(x).data());
        // At inference the random layers are the identity, and RandomCrop resizes the centred 8x8 window to 6x6.
        Sequential plain = new Sequential(new Rescaling(1 / 2.0, -0.25).inputShape(8, 8, 1), new RandomCrop(6, 6));
        Sequential tail = new Sequential(model.layers().get(7), model.layers().get(8), model.layers().get(9));
        assertArrayEquals(expected.data(), tail.predict(plain.predict(x)).data(), 1e-6f);
    }

    /** Resizing, CenterCrop and two Normalizations (adapted, given), then a Dense layer. */
    static Sequential preprocessingModel(Tensor adaptOn) {
        Normalization adapted = new Normalization().axis();
        Sequential model = new Sequential("preprocessing",
                new Resizing(10, 12).inputShape(8, 8, 1),
                new CenterCrop(8, 10),
                adapted,
                new Normalization().mean(0.5).variance(4).invert(true),
                new Resizing(4, 3).interpolation("nearest").cropToAspectRatio(true),
                new Flatten(),
                new Dense(3).activation("softmax"));
        Sequential front = new Sequential(model.layers().get(0), model.layers().get(1));
        adapted.adapt(front.predict(adaptOn));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        return model;
    }

    @Test
    void preprocessingLayersSaveAndLoadWithAdaptedStatistics() throws Exception {
        Tensor x = FunctionalModelTest.randomTensor(37, 10, 8, 8, 1);
        Sequential model = preprocessingModel(x);
        float mean = model.layers().get(2).getWeights().get(0).data()[0];
        model.fit(x, FunctionalModelTest.labels(38, 10, 3), new FitOptions().batchSize(5).epochs(1).verbose(0));
        assertEquals(mean, model.layers().get(2).getWeights().get(0).data()[0], "training leaves the statistics");
        Path file = dir.resolve("preprocessing.tatami");
        model.save(file);
        Model loaded = Model.load(file);
        assertEquals(List.of("normalization/mean", "normalization/variance", "normalization/count", "dense/kernel",
                "dense/bias"), List.copyOf(loaded.namedWeights().keySet()));
        assertEquals(mean, loaded.layers().get(2).getWeights().get(0).data()[0]);
        assertArrayEquals(model.predict(x).data(), loaded.predict(x).data());
    }
}
