package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tatami.data.Mnist;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Imports the ONNX Model Zoo's MNIST CNN (opset 8 and opset 1) and checks it against the zoo's reference data. */
class OnnxImportTest {

    @ParameterizedTest
    @CsvSource({"mnist-8, 1", "mnist-2018-opset1, 3"})
    void reproducesTheReferenceOutputs(String name, int sets) throws IOException {
        Path dir = SharedModels.model(name);
        Model model = OnnxImport.load(dir.resolve("model.onnx"));
        assertArrayEquals(new int[] {28, 28, 1}, model.inputShape());
        assertEquals(List.of("Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense"),
                model.layers().stream().map(l -> l.className()).toList());
        for (int i = 0; i < sets; i++) {
            Path set = dir.resolve("test_data_set_" + i);
            // (1, 1, 28, 28) NCHW of one channel is (1, 28, 28, 1) NHWC in memory.
            Tensor x = SharedModels.readTensor(set.resolve("input_0.pb")).reshape(1, 28, 28, 1);
            Tensor expected = SharedModels.readTensor(set.resolve("output_0.pb"));
            Tensor y = model.predict(x);
            double diff = maxAbsDiff(expected, y);
            System.out.printf("%s test_data_set_%d: max abs diff %.3g%n", name, i, diff);
            assertTrue(diff < 1e-4, name + " set " + i + ": max abs diff " + diff);
        }
    }

    @Test
    void mnist8ClassifiesTheMnistTestSet() throws IOException {
        Model model = OnnxImport.load(SharedModels.model("mnist-8").resolve("model.onnx"));
        Mnist.Split test = Mnist.load().test();
        Tensor x = test.images().div(255).reshape(-1, 28, 28, 1);
        IntTensor predicted = model.predict(x).argmax();
        int correct = 0;
        for (int i = 0; i < predicted.size(); i++) {
            correct += predicted.get(i) == test.labels().get(i) ? 1 : 0;
        }
        double accuracy = correct / (double) predicted.size();
        System.out.printf("mnist-8 accuracy on the MNIST test set: %.4f%n", accuracy);
        assertEquals(0.989, accuracy, 0.002);
    }

    @Test
    void importedModelHasTatamiLayoutAndFoldedBiases() throws IOException {
        Model model = OnnxImport.load(SharedModels.model("mnist-8").resolve("model.onnx"));
        Conv2D conv = (Conv2D) model.layers().get(0);
        assertEquals("relu", conv.activation().kerasName());
        assertArrayEquals(new int[] {5, 5, 1, 8}, conv.getWeights().get(0).shape());
        assertEquals("same", conv.config().get("padding"));
        MaxPool2D pool = (MaxPool2D) model.layers().get(3);
        assertEquals(List.of(3, 3), pool.config().get("pool_size"));
        assertTrue(model.layers().get(4) instanceof Flatten);
        assertArrayEquals(new int[] {256, 10}, ((Dense) model.layers().get(5)).getWeights().get(0).shape());
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        assertEquals(a.size(), b.size(), "sizes");
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
        }
        return max;
    }
}
