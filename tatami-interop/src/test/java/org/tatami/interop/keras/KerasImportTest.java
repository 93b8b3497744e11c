package org.tatami.interop.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tatami.layers.Layer;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * Every real Keras file of the shared folder (see its MANIFEST.md): imported, then scored on the full
 * MNIST test set. "measured" there is an independent float re-implementation, good to ±0.0005; tatami
 * must agree within 0.005.
 */
class KerasImportTest {
    private static final Map<String, Tensor> PREDICTIONS = new ConcurrentHashMap<>();

    private static Tensor predictions(String file) throws IOException {
        Tensor p = PREDICTIONS.get(file);
        if (p == null) {
            Model model = KerasImport.load(KerasFiles.file(file));
            p = model.predict(KerasFiles.testImages());
            PREDICTIONS.put(file, p);
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            1  | ikukang__DeepLearningWithPythonKeras__mnist_cnn.h5      | 0.9908
            2  | KiLJ4EdeN__Streamlit_Minimal_ML__mnist.h5               | 0.9903
            3a | Moonflower2022__MNIST-models__mnist_model.h5            | 0.9928
            3b | Moonflower2022__MNIST-models__mnist_model.keras         | 0.9918
            4a | Jhas876622__mnist-digit-recognition__mnist_cnn.h5       | 0.9905
            4b | Jhas876622__mnist-digit-recognition__mnist_cnn.keras    | 0.9905
            5  | leyuzak__Digit-Recognizer-Computer-Vision__mnist_cnn.h5 | 0.9980
            6  | ibukye__Number_recognition_ResNet__resnet_mnist.keras   | 0.9588
            """)
    void importsAndMatchesTheMeasuredAccuracy(String id, String file, double measured) throws IOException {
        double accuracy = KerasFiles.accuracy(predictions(file));
        System.out.printf("file %s: tatami accuracy %.4f, MANIFEST measured %.4f (%s)%n", id, accuracy, measured, file);
        assertEquals(measured, accuracy, 0.005, file);
    }

    /** File 6 is a Functional ResNet: residual Adds (each block's shortcut and main path) and ReLU layers. */
    @Test
    void theResNetIsReadAsAGraph() throws IOException {
        Model m = KerasImport.load(KerasFiles.file("ibukye__Number_recognition_ResNet__resnet_mnist.keras"));
        assertEquals("Functional", m.className());
        Layer add = m.getLayer("add");
        List<String> inputs = m.nodes().stream().filter(n -> n.layer() == add).findFirst().orElseThrow().inputs()
                .stream().map(t -> t.layer().name()).toList();
        assertEquals(List.of("batch_normalization", "batch_normalization_2"), inputs);
        assertEquals("ReLU", m.getLayer("re_lu").className());
        assertEquals(List.of("input_layer"), m.inputNames());
        assertEquals(List.of("dense"), m.outputNames());
    }

    /** 4a (legacy H5) and 4b (.keras) hold the same weights: the same predictions, bit for bit. */
    @Test
    void theSameModelInTwoFormatsPredictsIdentically() throws IOException {
        Tensor h5 = predictions("Jhas876622__mnist-digit-recognition__mnist_cnn.h5");
        Tensor keras = predictions("Jhas876622__mnist-digit-recognition__mnist_cnn.keras");
        assertArrayEquals(h5.data(), keras.data());
    }

    /**
     * In 4b the layers are named conv2d_2, conv2d_3, dense_2, dense_3, but their weights sit under
     * layers/conv2d, conv2d_1, dense, dense_1: they are found by Keras's key, and the names kept.
     */
    @Test
    void keras3WeightsAreFoundByClassKeyNotByLayerName() throws IOException {
        Model m = KerasImport.load(KerasFiles.file("Jhas876622__mnist-digit-recognition__mnist_cnn.keras"));
        assertEquals(List.of("conv2d_2", "max_pooling2d_2", "conv2d_3", "max_pooling2d_3", "flatten_1", "dense_2",
                "dropout_1", "dense_3"), m.layers().stream().map(Layer::name).toList());
        assertEquals(List.of("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dropout",
                "dense_1"), KerasKeys.of(m.layers()));
    }

    /** File 5 has BatchNormalization: its moving statistics are loaded and count as non-trainable. */
    @Test
    void batchNormalizationStatisticsAreLoaded() throws IOException {
        Model m = KerasImport.load(KerasFiles.file("leyuzak__Digit-Recognizer-Computer-Vision__mnist_cnn.h5"));
        Layer bn = m.getLayer("batch_normalization_5");
        assertEquals("BatchNormalization", bn.className());
        float[] variance = bn.getWeights().get(3).data();
        assertTrue(variance[0] != 1f && variance[0] > 0, "moving_variance is the file's, not the initial ones");
        assertEquals(m.countParams() - m.countTrainableParams(), 2 * (32 + 32 + 64 + 64 + 256));
    }

    @Test
    void snakeCaseMatchesKeras() {
        assertEquals("conv2d", KerasKeys.snakeCase("Conv2D"));
        assertEquals("max_pooling2d", KerasKeys.snakeCase("MaxPooling2D"));
        assertEquals("batch_normalization", KerasKeys.snakeCase("BatchNormalization"));
        assertEquals("global_average_pooling2d", KerasKeys.snakeCase("GlobalAveragePooling2D"));
    }
}
