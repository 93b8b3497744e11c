package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tatami.layers.Activation;
import org.tatami.layers.Add;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.CenterCrop;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.DepthwiseConv2D;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Normalization;
import org.tatami.layers.RandomContrast;
import org.tatami.layers.RandomCrop;
import org.tatami.layers.RandomFlip;
import org.tatami.layers.RandomRotation;
import org.tatami.layers.RandomZoom;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Reshape;
import org.tatami.layers.Resizing;
import org.tatami.layers.SeparableConv2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

/** Exported models run in ONNX Runtime as they do in tatami, and read back into the same model. */
class OnnxExportTest {
    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("seed", (ModelFactory) () -> new Sequential(
                        new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                        new MaxPool2D(2),
                        new Flatten(),
                        new Dense(100).activation("relu"),
                        new Dense(10).activation("softmax"))),
                Arguments.of("convnet", (ModelFactory) () -> new Sequential(
                        new Conv2D(32, 3).activation("relu").inputShape(28, 28, 1),
                        new MaxPool2D(2),
                        new Conv2D(64, 3).activation("relu"),
                        new MaxPool2D(2),
                        new Flatten(),
                        new Dropout(0.5),
                        new Dense(10).activation("softmax"))),
                // Same padding with strides (odd totals split with the extra one at the end), pooling
                // with overlapping windows, Dense on images, and standalone activations.
                Arguments.of("same-strided", (ModelFactory) () -> new Sequential(
                        new Conv2D(4, 3, 2).strides(2, 1).padding("same").activation("tanh").inputShape(11, 10, 3),
                        new MaxPool2D(3, 3).strides(2, 2).padding("same"),
                        new Dense(5),
                        new Activation("sigmoid"),
                        new Flatten(),
                        new Dense(7).useBias(false),
                        new Activation("softmax"))),
                // Average pooling with same padding averages fewer values at the borders (odd totals on
                // both axes), and batch normalization with its own epsilon.
                Arguments.of("batchnorm-average", (ModelFactory) () -> new Sequential(
                        new Conv2D(4, 3).activation("relu").inputShape(12, 11, 3),
                        new BatchNormalization().epsilon(1e-4),
                        new AveragePooling2D(3).strides(2, 2).padding("same"),
                        new Conv2D(6, 3).padding("same").activation("relu"),
                        new GlobalAveragePooling2D(),
                        new Dense(5).activation("softmax"))),
                // Depthwise convolutions with a depth multiplier (output channel c * 2 + m), same padding
                // with strides, and without a bias.
                Arguments.of("depthwise", (ModelFactory) () -> new Sequential(
                        new Conv2D(3, 3).activation("relu").inputShape(10, 9, 2),
                        new DepthwiseConv2D(3, 2).depthMultiplier(2).strides(2, 1).padding("same")
                                .activation("relu6"),
                        new DepthwiseConv2D(3).useBias(false),
                        new Conv2D(4, 1),
                        new GlobalAveragePooling2D(),
                        new Dense(5).activation("softmax"))));
    }

    interface ModelFactory {
        Sequential create();
    }

    /**
     * Random weights, biases and batch normalization statistics included, so that every tensor's
     * layout is checked.
     */
    private static Sequential randomized(ModelFactory factory) {
        return withRandomWeights(factory.create());
    }

    private static <M extends Model> M withRandomWeights(M model) {
        SplittableRandom random = new SplittableRandom(7);
        for (Layer layer : model.layers()) {
            List<Tensor> weights = new ArrayList<>();
            for (Tensor w : layer.getWeights()) {
                weights.add(random(random, w.shape()));
            }
            if (layer instanceof BatchNormalization) {
                // A variance must be positive: moving_variance, the last weight, in [0.1, 2.1).
                float[] variance = weights.get(weights.size() - 1).data();
                for (int i = 0; i < variance.length; i++) {
                    variance[i] = 2 * Math.abs(variance[i]) + 0.1f;
                }
            }
            layer.setWeights(weights);
        }
        return model;
    }

    private static Tensor random(SplittableRandom random, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) random.nextDouble(-1, 1);
        }
        return t;
    }

    private static Tensor batch(Model model, int n) {
        int[] in = model.inputShape();
        int[] shape = new int[in.length + 1];
        shape[0] = n;
        System.arraycopy(in, 0, shape, 1, in.length);
        return random(new SplittableRandom(11), shape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeComputesWhatTatamiComputes(String name, ModelFactory factory) throws Exception {
        runsAsInTatami(name, randomized(factory));
    }

    /**
     * Layers whose import reads back as other layers (a Reshape that flattens as Flatten, a kept 1x1
     * spatial grid as GlobalAveragePooling2D with keepdims), and batch normalization of vectors.
     */
    @Test
    void keptDimensionsReshapeAndVectorBatchNormRunInOnnxRuntime() throws Exception {
        runsAsInTatami("keepdims-reshape", randomized(() -> new Sequential(
                new Conv2D(4, 3).inputShape(7, 6, 2),
                new BatchNormalization().center(false),
                new GlobalAveragePooling2D(true),
                new Reshape(2, 2),
                new Dense(3),
                new Reshape(-1),
                new BatchNormalization().scale(false),
                new Dense(4).activation("softmax"))));
    }

    /** SeparableConv2D is written as a depthwise Conv and a 1x1 Conv. */
    @Test
    void separableConvRunsInOnnxRuntime() throws Exception {
        runsAsInTatami("separable", randomized(() -> new Sequential(
                new SeparableConv2D(5, 3).depthMultiplier(2).padding("same").activation("relu").inputShape(8, 7, 3),
                new SeparableConv2D(4, 2, 3).strides(2, 2).useBias(false),
                new Flatten(),
                new Dense(3))));
    }

    /** Dilated convolutions (same padding for the dilated window's span) and the newer activations. */
    @Test
    void dilationAndMoreActivationsRunInOnnxRuntime() throws Exception {
        runsAsInTatami("dilated-activations", randomized(() -> new Sequential(
                new Conv2D(4, 3).dilationRate(2).padding("same").activation("elu").inputShape(9, 8, 2),
                new Conv2D(3, 2).dilationRate(1, 2).activation("selu"),
                new Activation("softplus"),
                new Dense(4).activation("leaky_relu"),
                new Activation("hard_sigmoid"),
                new Conv2D(3, 2).activation("gelu"),
                new Activation("swish"),
                new Flatten(),
                new Dense(3))));
    }

    /**
     * The preprocessing layers: Rescaling (Mul, Add), Normalization (Sub, Div; inverted Mul, Add),
     * Resizing, CenterCrop and RandomCrop (Slice, Resize; on NHWC values and, after a Conv, NCHW ones),
     * and the random layers, which write nothing. They run in ONNX Runtime as in tatami and read back
     * as Normalization, Rescaling, Resizing and Cropping2D.
     */
    @Test
    void preprocessingLayersRunInOnnxRuntimeAndReadBack() throws Exception {
        Normalization adapted = new Normalization();
        Sequential model = withRandomWeights(new Sequential(
                adapted.inputShape(12, 10, 3),
                new Rescaling(0.5, 0.25),
                new RandomFlip(),
                new RandomRotation(0.2),
                new RandomContrast(0.3),
                new Resizing(9, 9).cropToAspectRatio(true),
                new Conv2D(4, 3).activation("relu"),
                new Resizing(10, 8).interpolation("nearest"),
                new CenterCrop(6, 6),
                new RandomZoom(0.1),
                new RandomCrop(4, 5),
                new Normalization().mean(0.1, 0.2, 0.3, 0.4).variance(1, 2, 3, 4).invert(true),
                new Rescaling(2),
                new Flatten(),
                new Dense(3).activation("softmax")));
        Tensor x = batch(model, 5);
        adapted.adapt(x);
        runsAsInTatami("preprocessing", model);

        Path file = dir.resolve("preprocessing.onnx");
        OnnxExport.save(model, file);
        Model back = OnnxImport.load(file);
        // A window that is not the whole image is sliced off first: Cropping2D, then Resizing.
        assertEquals(List.of("Normalization", "Rescaling", "Cropping2D", "Resizing", "Conv2D", "Resizing", "Cropping2D",
                "Cropping2D", "Resizing", "Normalization", "Rescaling", "Flatten", "Dense"),
                back.layers().stream().map(Layer::className).toList());
        double diff = OnnxImportTest.maxAbsDiff(model.predict(x), back.predict(x));
        System.out.printf("preprocessing: tatami -> ONNX -> tatami max abs diff %.3g%n", diff);
        assertTrue(diff <= 1e-6, "max abs diff " + diff);
    }

    private void runsAsInTatami(String name, Sequential model) throws Exception {
        Path file = dir.resolve(name + ".onnx");
        OnnxExport.save(model, file);
        Tensor x = batch(model, 5);
        Tensor expected = model.predict(x);
        Tensor actual = OnnxRuntime.run(file, OnnxExport.INPUT, x);
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = OnnxImportTest.maxAbsDiff(expected, actual);
        System.out.printf("%s: tatami vs ONNX Runtime max abs diff %.3g%n", name, diff);
        assertTrue(diff <= 1e-5, name + ": max abs diff " + diff);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void importOfTheExportGivesTheSamePredictions(String name, ModelFactory factory) throws IOException {
        Sequential model = randomized(factory);
        Path file = dir.resolve(name + ".onnx");
        OnnxExport.save(model, file);
        Model back = OnnxImport.load(file);
        // An activation standing right after a Dense comes back folded into it, as ONNX cannot tell them apart.
        assertEquals(model.layers().stream().map(l -> l.className()).filter(c -> !c.equals("Activation")).toList(),
                back.layers().stream().map(l -> l.className()).toList());
        assertEquals(model.countParams(), back.countParams());
        Tensor x = batch(model, 5);
        double diff = OnnxImportTest.maxAbsDiff(model.predict(x), back.predict(x));
        System.out.printf("%s: tatami -> ONNX -> tatami max abs diff %.3g%n", name, diff);
        assertTrue(diff <= 1e-6, name + ": max abs diff " + diff);
    }

    /**
     * A residual model (Conv2D, BatchNormalization, Add with a strided 1x1 projection shortcut, relu6,
     * GlobalAveragePooling2D, Dense softmax) runs in ONNX Runtime as in tatami, and its import is a
     * Functional model with the same predictions.
     */
    @Test
    void residualGraphExportsAndReadsBack() throws Exception {
        SymbolicTensor in = Input.of(9, 8, 3);
        SymbolicTensor x = new Conv2D(6, 3).strides(2, 2).padding("same").useBias(false).apply(in);
        x = new BatchNormalization().apply(x);
        x = new Activation("relu").apply(x);
        x = new Conv2D(6, 3).padding("same").apply(x);
        x = new BatchNormalization().epsilon(1e-3).apply(x);
        SymbolicTensor shortcut = new Conv2D(6, 1).strides(2, 2).apply(in);
        x = new Activation("relu6").apply(new Add().apply(x, shortcut));
        SymbolicTensor out = new Dense(4).activation("softmax").apply(new GlobalAveragePooling2D().apply(x));
        Model model = withRandomWeights(new Model(in, out));
        Path file = dir.resolve("residual.onnx");
        OnnxExport.save(model, file);
        Tensor x0 = batch(model, 5);
        double diff = OnnxImportTest.maxAbsDiff(model.predict(x0), OnnxRuntime.run(file, OnnxExport.INPUT, x0));
        System.out.printf("residual graph: tatami vs ONNX Runtime max abs diff %.3g%n", diff);
        assertTrue(diff <= 1e-5, "max abs diff " + diff);

        Model back = OnnxImport.load(file);
        assertEquals("Functional", back.className());
        assertEquals(model.countParams(), back.countParams());
        diff = OnnxImportTest.maxAbsDiff(model.predict(x0), back.predict(x0));
        System.out.printf("residual graph: tatami -> ONNX -> tatami max abs diff %.3g%n", diff);
        assertTrue(diff <= 1e-6, "max abs diff " + diff);
    }

    @Test
    void saveIsAtomicAndLeavesNoTemporaryFile() throws IOException {
        Sequential model = randomized(() -> new Sequential(new Flatten().inputShape(2, 2, 1), new Dense(3)));
        Path file = dir.resolve("m.onnx");
        Files.writeString(file, "old");
        OnnxExport.save(model, file);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(1, OnnxImport.load(file).layers().stream().filter(l -> l instanceof Dense).count());
    }

    @Test
    void unbuiltModelIsRefusedAndNothingIsWritten() {
        Sequential unbuilt = new Sequential(new Dense(3));
        assertThrows(IllegalStateException.class, () -> OnnxExport.save(unbuilt, dir.resolve("u.onnx")));
        assertTrue(Files.notExists(dir.resolve("u.onnx")));
    }
}
