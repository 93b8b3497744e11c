package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.kernels.Parallel;
import org.tatami.kernels.Simd;
import org.tatami.layers.Add;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.MeanSquaredError;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.Tensor;

/** Models as graphs: branches, merges, shared layers, nested models, several inputs and outputs, freezing. */
class FunctionalModelTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Tensor randomTensor(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    static Tensor labels(long seed, int n, int classes) {
        Tensor t = Tensor.zeros(n);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            t.data()[i] = r.nextInt(classes);
        }
        return t;
    }

    /** A residual block: conv-BN-tanh-conv-BN, plus the shortcut (projected by a 1x1 conv when asked). */
    static SymbolicTensor residualBlock(SymbolicTensor x, int filters, boolean project, String activation) {
        SymbolicTensor y = new Conv2D(filters, 3).padding("same").apply(x);
        y = new BatchNormalization().apply(y);
        y = new org.tatami.layers.Activation(activation).apply(y);
        y = new Conv2D(filters, 3).padding("same").apply(y);
        y = new BatchNormalization().apply(y);
        SymbolicTensor shortcut = project ? new Conv2D(filters, 1).apply(x) : x;
        return new org.tatami.layers.Activation(activation).apply(new Add().apply(y, shortcut));
    }

    /** Three residual blocks (the first with a projection shortcut) on (8, 8, 2) inputs, 3 classes. */
    static Model residualModel(String activation) {
        SymbolicTensor in = Input.of(8, 8, 2);
        SymbolicTensor x = residualBlock(in, 4, true, activation);
        x = residualBlock(x, 4, false, activation);
        x = residualBlock(x, 4, false, activation);
        x = new GlobalAveragePooling2D().apply(x);
        SymbolicTensor out = new Dense(3).activation("softmax").apply(x);
        return new Model(in, out);
    }

    private static void assertGradientsMatch(Model model, List<Tensor> xs, List<Tensor> ys, int samples) {
        GraphGradientCheck.Result r = GraphGradientCheck.check(model,
                xs.stream().map(Tensor::data).toArray(float[][]::new),
                ys.stream().map(Tensor::data).toArray(float[][]::new), samples, 12);
        assertTrue(r.checked() > 0, "nothing was checked");
        assertTrue(r.passed(), "worst: " + r.where() + " (ratio " + r.ratio() + ", " + r.checked() + " checked)");
    }

    @Test
    void residualModelWithBatchNormAndProjectionPassesTheEndToEndGradientCheck() {
        Tatami.setRandomSeed(1);
        Model model = residualModel("tanh");
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        // 150 samples: three chunks, so the batch statistics are combined from partial sums.
        assertGradientsMatch(model, List.of(randomTensor(2, 150, 8, 8, 2)), List.of(labels(3, 150, 3)), 150);
    }

    /**
     * gelu and silu need the values before them in backward: layers that fuse their activation (Conv2D,
     * DepthwiseConv2D, Dense) hand it to the node, which keeps those values, across two chunks.
     */
    @Test
    void activationsThatNeedTheirInputPassTheEndToEndGradientCheck() {
        Tatami.setRandomSeed(6);
        SymbolicTensor in = Input.of(6, 6, 2);
        SymbolicTensor x = new Conv2D(4, 3).activation("gelu").apply(in);
        x = new org.tatami.layers.DepthwiseConv2D(3).padding("same").activation("swish").apply(x);
        x = new Dense(5).activation("gelu").apply(x);
        x = new org.tatami.layers.Activation("silu").apply(x);
        x = new GlobalAveragePooling2D().apply(x);
        Model model = new Model(in, new Dense(3).activation("softmax").apply(x));
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        assertGradientsMatch(model, List.of(randomTensor(2, 70, 6, 6, 2)), List.of(labels(3, 70, 3)), 70);
        // predict runs the same nodes without training: the values match a layer-by-layer computation.
        Tensor sample = randomTensor(3, 1, 6, 6, 2);
        Tensor expected = sample;
        for (org.tatami.layers.Layer layer : model.layers().subList(1, model.layers().size())) {
            expected = layer.call(expected);
        }
        assertArrayEquals(expected.data(), model.predict(sample).data(), 1e-6f);
    }

    @Test
    void concatenateBranchesPassTheEndToEndGradientCheck() {
        Tatami.setRandomSeed(4);
        SymbolicTensor in = Input.of(6, 6, 3);
        SymbolicTensor a = new Conv2D(4, 1).activation("tanh").apply(in);
        SymbolicTensor b = new Conv2D(2, 3).padding("same").activation("tanh").apply(in);
        SymbolicTensor c = new Concatenate().apply(a, b, in);
        SymbolicTensor out = new Dense(4).activation("softmax").apply(new Flatten().apply(c));
        Model model = new Model(in, out);
        assertArrayEquals(new int[] {6, 6, 9}, c.shape());
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        assertGradientsMatch(model, List.of(randomTensor(5, 70, 6, 6, 3)), List.of(labels(6, 70, 4)), 70);
    }

    @Test
    void aSharedLayerAppliedTwiceSumsItsGradients() {
        Tatami.setRandomSeed(7);
        SymbolicTensor in = Input.of(5);
        Dense shared = new Dense(5);
        shared.activation("tanh");
        SymbolicTensor x = shared.apply(shared.apply(in));
        SymbolicTensor out = new Dense(3).activation("softmax").apply(new Add().apply(x, in));
        Model model = new Model(in, out);
        assertEquals(2, model.layers().stream().filter(l -> l instanceof Dense).count(), "the shared layer is listed once");
        assertEquals(30 + 18, model.countParams());
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        assertGradientsMatch(model, List.of(randomTensor(8, 80, 5)), List.of(labels(9, 80, 3)), 80);
    }

    @Test
    void aNestedModelRunsAsALayerAndSharesItsWeights() {
        Tatami.setRandomSeed(10);
        SymbolicTensor innerIn = Input.of(6);
        Model inner = new Model("encoder", List.of(innerIn),
                List.of(new Dense(4).activation("tanh").apply(innerIn)));
        SymbolicTensor a = Input.of("a", 6);
        SymbolicTensor b = Input.of("b", 6);
        SymbolicTensor merged = new Add().apply(inner.apply(a), inner.apply(b));
        SymbolicTensor out = new Dense(2).activation("softmax").apply(merged);
        Model model = new Model(List.of(a, b), List.of(out));
        assertEquals(28 + 10, model.countParams());
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        List<Tensor> xs = List.of(randomTensor(11, 40, 6), randomTensor(12, 40, 6));
        assertGradientsMatch(model, xs, List.of(labels(13, 40, 2)), 40);
        // The outer model computes what the inner one computes on each input.
        Tensor ea = inner.predict(xs.get(0));
        Tensor eb = inner.predict(xs.get(1));
        SymbolicTensor ia = Input.of(4);
        SymbolicTensor ib = Input.of(4);
        Model head = new Model(List.of(ia, ib), List.of(model.layers().get(model.layers().size() - 1)
                .apply(new Add().apply(ia, ib))));
        assertEquals(head.predict(List.of(ea, eb)).get(0), model.predict(xs).get(0));
    }

    @Test
    void twoInputsAndTwoOutputsTrainWithLossWeightsAndKerasHistoryKeys() {
        Tatami.setRandomSeed(14);
        SymbolicTensor image = Input.of("image", 4, 4, 1);
        SymbolicTensor extra = Input.of("extra", 3);
        SymbolicTensor f = new Flatten().apply(new Conv2D(2, 3).activation("tanh").apply(image));
        SymbolicTensor joined = new Concatenate().apply(f, extra);
        SymbolicTensor classes = new Dense(3).activation("softmax").name("classes").apply(joined);
        SymbolicTensor value = new Dense(1).name("value").apply(joined);
        Model model = new Model(List.of(image, extra), List.of(classes, value));
        assertEquals(List.of("image", "extra"), model.inputNames());
        assertEquals(List.of("classes", "value"), model.outputNames());
        model.compile(new Adam(0.01), Map.of("classes", new SparseCategoricalCrossentropy(), "value",
                new MeanSquaredError()), Map.of("classes", 1.0, "value", 0.5), "accuracy");
        List<Tensor> xs = List.of(randomTensor(15, 90, 4, 4, 1), randomTensor(16, 90, 3));
        List<Tensor> ys = List.of(labels(17, 90, 3), randomTensor(18, 90, 1));
        assertGradientsMatch(model, xs, ys, 90);
        History h = model.fit(Map.of("image", xs.get(0), "extra", xs.get(1)),
                Map.of("classes", ys.get(0), "value", ys.get(1)),
                new FitOptions().batchSize(30).epochs(3).verbose(0).validationData(xs, ys));
        assertEquals(List.of("loss", "classes_loss", "value_loss", "classes_accuracy", "val_loss", "val_classes_loss",
                "val_value_loss", "val_classes_accuracy", "learning_rate"), List.copyOf(h.history().keySet()));
        Map<String, Double> eval = model.evaluate(xs, ys);
        assertEquals(eval.get("classes_loss") + 0.5 * eval.get("value_loss"), eval.get("loss"), 1e-9,
                "the loss is the weighted sum");
        assertTrue(h.get("loss").get(2) < h.get("loss").get(0), "loss fell: " + h.get("loss"));
        assertEquals(2, model.predict(xs).size());
        assertThrows(IllegalArgumentException.class, () -> model.predict(xs.get(0)));
    }

    @Test
    void theResidualModelTrainsToTheSameBitsOnOneAndTwoThreads() {
        float[][] weights = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            Tatami.setRandomSeed(20);
            Model model = residualModel("relu");
            model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
            model.fit(randomTensor(21, 300, 8, 8, 2), labels(22, 300, 3),
                    new FitOptions().batchSize(150).epochs(2).verbose(0));
            weights[threads - 1] = flatten(model.getWeights());
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    static float[] flatten(List<Tensor> ts) {
        int n = ts.stream().mapToInt(Tensor::size).sum();
        float[] out = new float[n];
        int o = 0;
        for (Tensor t : ts) {
            System.arraycopy(t.data(), 0, out, o, t.size());
            o += t.size();
        }
        return out;
    }

    @Test
    void batchStatisticsCombinedFromChunksMatchTheWholeBatch() {
        Tatami.setRandomSeed(23);
        SymbolicTensor in = Input.of(3, 3, 4);
        BatchNormalization bn = new BatchNormalization().momentum(0);
        Model model = new Model(in, new Flatten().apply(bn.apply(in)));
        model.compile(new SGD(0.01), new MeanSquaredError());
        Tensor x = randomTensor(24, 200, 3, 3, 4);
        model.fit(x, Tensor.zeros(200, 36), new FitOptions().batchSize(200).epochs(1).verbose(0).shuffle(false));
        // momentum 0: the moving statistics are the batch's, from four chunks; the reference sums all at once.
        double[] mean = new double[4];
        double[] var = new double[4];
        for (int i = 0; i < x.size(); i++) {
            mean[i % 4] += x.data()[i] / 1800.0;
        }
        for (int i = 0; i < x.size(); i++) {
            double d = x.data()[i] - mean[i % 4];
            var[i % 4] += d * d / 1800.0;
        }
        List<Tensor> w = bn.getWeights();
        for (int c = 0; c < 4; c++) {
            assertEquals(mean[c], w.get(2).data()[c], 1e-6, "mean of channel " + c);
            assertEquals(var[c], w.get(3).data()[c], 1e-5, "variance of channel " + c);
        }
    }

    @Test
    void aFrozenBaseKeepsItsBitsWhileTheHeadLearns() {
        Tatami.setRandomSeed(25);
        SymbolicTensor in = Input.of(8, 8, 2);
        Model base = new Model("base", List.of(in), List.of(new GlobalAveragePooling2D()
                .apply(residualBlock(in, 4, true, "relu"))));
        base.trainable(false);
        SymbolicTensor x = Input.of(8, 8, 2);
        Dense head = new Dense(3);
        head.activation("softmax");
        Model model = new Model(x, head.apply(base.apply(x)));
        assertEquals(15, model.countTrainableParams());
        assertEquals(model.countParams() - 15, model.countParams() - model.countTrainableParams());
        String summary = Summary.of(model);
        assertTrue(summary.contains("Trainable params: 15"), summary);
        float[] before = flatten(base.getWeights());
        float[] headBefore = flatten(head.getWeights());
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy());
        model.fit(randomTensor(26, 200, 8, 8, 2), labels(27, 200, 3), new FitOptions().batchSize(100).epochs(2)
                .verbose(0));
        assertArrayEquals(before, flatten(base.getWeights()), "frozen weights and moving statistics");
        assertFalse(java.util.Arrays.equals(headBefore, flatten(head.getWeights())), "the head learned");
        // Unfrozen, the same model trains the base too.
        base.trainable(true);
        model.fit(randomTensor(26, 200, 8, 8, 2), labels(27, 200, 3), new FitOptions().batchSize(100).epochs(1)
                .verbose(0));
        assertFalse(java.util.Arrays.equals(before, flatten(base.getWeights())));
    }

    @Test
    void theSeedBuiltAsAGraphIsTheSeedAndKeepsItsFusedStep() {
        Tatami.setRandomSeed(0);
        Sequential seed = SeedModel.create();
        SymbolicTensor in = Input.of(28, 28, 1);
        SymbolicTensor x = in;
        for (Layer l : seed.layers()) {
            x = l.apply(x);
        }
        Model functional = new Model(in, x);
        Tensor images = randomTensor(30, 10, 28, 28, 1);
        assertEquals(seed.predict(images), functional.predict(images));
        List<String> steps = functional.plannedSteps();
        // The scalar path has one lane, so Conv2D(3) is not narrower than a vector and runs unfused.
        assertEquals(Simd.ENABLED ? 4 : 5, steps.size(), steps.toString());
        assertEquals(Simd.ENABLED, steps.get(0).endsWith("+pool"), steps.toString());
        assertEquals(seed.plannedSteps(), steps);
    }

    @Test
    void aConvolutionReadByMoreThanItsPoolIsNotFused() {
        Tatami.setRandomSeed(0);
        SymbolicTensor in = Input.of(28, 28, 1);
        SymbolicTensor c = new Conv2D(3, 3).activation("relu").apply(in);
        SymbolicTensor p = new MaxPool2D(2).apply(c);
        SymbolicTensor out = new Concatenate().apply(new Flatten().apply(p), new Flatten().apply(c));
        Model model = new Model(in, out);
        assertFalse(model.plannedSteps().get(0).endsWith("+pool"), model.plannedSteps().toString());
    }

    @Test
    void anOutputThatAlsoFeedsAnotherLayerGetsBothGradients() {
        Tatami.setRandomSeed(31);
        SymbolicTensor in = Input.of(4);
        SymbolicTensor hidden = new Dense(3).activation("softmax").name("first").apply(in);
        SymbolicTensor second = new Dense(2).activation("softmax").name("second").apply(hidden);
        Model model = new Model(List.of(in), List.of(hidden, second));
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        assertGradientsMatch(model, List.of(randomTensor(32, 70, 4)), List.of(labels(33, 70, 3), labels(34, 70, 2)), 70);
    }

    @Test
    void oneTensorReturnedTwiceAddsBothLosses() {
        Tatami.setRandomSeed(35);
        SymbolicTensor in = Input.of(4);
        SymbolicTensor out = new Dense(3).activation("softmax").apply(in);
        Model model = new Model(List.of(in), List.of(out, out));
        model.compile(new SGD(0.1), List.of(new SparseCategoricalCrossentropy(), new SparseCategoricalCrossentropy()),
                List.of(1.0, 0.25));
        assertGradientsMatch(model, List.of(randomTensor(36, 70, 4)), List.of(labels(37, 70, 3), labels(38, 70, 3)), 70);
    }

    @Test
    void aModelWhoseOutputIsItsInputPredictsItsInput() {
        SymbolicTensor in = Input.of(2, 3);
        Model identity = new Model(in, in);
        Tensor x = randomTensor(39, 5, 2, 3);
        assertEquals(x, identity.predict(x));
    }

    @Test
    void applyingABuiltLayerDrawsNoRandomNumbers() {
        // A draw here would shift shuffling and dropout: the seed model would no longer train to the same bits.
        Tatami.setRandomSeed(5);
        new Dense(2).build(3);
        long expected = Tatami.newRandom().nextLong();
        Tatami.setRandomSeed(5);
        Dense dense = new Dense(2);
        dense.build(3);
        dense.apply(Input.of(3));
        dense.apply(Input.of(3));
        assertEquals(expected, Tatami.newRandom().nextLong());
    }

    @Test
    void graphErrorsNameTheProblem() {
        SymbolicTensor a = Input.of(4);
        SymbolicTensor b = Input.of(4);
        SymbolicTensor sum = new Add().apply(a, b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Model(a, sum));
        assertTrue(e.getMessage().contains("graph disconnected"), e.getMessage());
        IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                () -> new Add().apply(a, Input.of(5)));
        assertTrue(shapes.getMessage().contains("(None, 5)"), shapes.getMessage());
        Dense d1 = new Dense(2);
        d1.name("same");
        Dense d2 = new Dense(2);
        d2.name("same");
        SymbolicTensor x = d2.apply(d1.apply(a));
        assertThrows(IllegalArgumentException.class, () -> new Model(a, x));
        assertNotEquals(null, sum.toString());
    }
}
