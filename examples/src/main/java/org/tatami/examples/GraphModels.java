package org.tatami.examples;

import java.util.Locale;
import org.tatami.Tatami;
import org.tatami.data.Mnist;
import org.tatami.layers.Activation;
import org.tatami.layers.Add;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * Two graph CNNs built with the Functional API and trained on MNIST: a small ResNet (three residual
 * blocks with BatchNormalization, the first with a 1x1 projection shortcut) and an Inception-style model
 * whose branches meet in a Concatenate.
 *
 * <p>Arguments: {@code resnet|inception [epochs] [threads] [training samples]}; defaults: resnet, 3
 * epochs, all cores, all 60,000 samples.
 */
public final class GraphModels {
    private GraphModels() {
    }

    /** conv-BN-ReLU-conv-BN, added to the shortcut (a 1x1 convolution when the channels change), then ReLU. */
    static SymbolicTensor residualBlock(SymbolicTensor x, int filters) {
        SymbolicTensor y = new Conv2D(filters, 3).padding("same").useBias(false).apply(x);
        y = new Activation("relu").apply(new BatchNormalization().apply(y));
        y = new Conv2D(filters, 3).padding("same").useBias(false).apply(y);
        y = new BatchNormalization().apply(y);
        SymbolicTensor shortcut = x.shape()[2] == filters ? x : new Conv2D(filters, 1).apply(x);
        return new Activation("relu").apply(new Add().apply(y, shortcut));
    }

    static Model resnet() {
        SymbolicTensor inputs = Input.of(28, 28, 1);
        SymbolicTensor x = new Conv2D(16, 3).activation("relu").apply(inputs);
        x = new MaxPool2D(2).apply(x);
        x = residualBlock(x, 32);
        x = residualBlock(x, 32);
        x = new MaxPool2D(2).apply(x);
        x = residualBlock(x, 32);
        x = new GlobalAveragePooling2D().apply(x);
        SymbolicTensor outputs = new Dense(10).activation("softmax").apply(x);
        return new Model("resnet", java.util.List.of(inputs), java.util.List.of(outputs));
    }

    static Model inception() {
        SymbolicTensor inputs = Input.of(28, 28, 1);
        SymbolicTensor x = new Conv2D(16, 3).activation("relu").apply(inputs);
        x = new MaxPool2D(2).apply(x);
        SymbolicTensor narrow = new Conv2D(16, 1).activation("relu").apply(x);
        SymbolicTensor wide = new Conv2D(16, 3).padding("same").activation("relu").apply(x);
        x = new Concatenate().apply(narrow, wide, x);
        x = new MaxPool2D(2).apply(x);
        x = new Dense(64).activation("relu").apply(new Flatten().apply(x));
        SymbolicTensor outputs = new Dense(10).activation("softmax").apply(x);
        return new Model("inception", java.util.List.of(inputs), java.util.List.of(outputs));
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "resnet";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (args.length > 2) {
            Tatami.setThreads(Integer.parseInt(args[2]));
        }
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : 60000;
        Tatami.setRandomSeed(0);
        Model model = switch (which) {
            case "resnet" -> resnet();
            case "inception" -> inception();
            default -> throw new IllegalArgumentException("expected resnet or inception, got '" + which + "'");
        };
        model.summary();
        Mnist.Data mnist = Mnist.load();
        Tensor xTrain = mnist.train().images().reshape(60000, 28, 28, 1).div(255f).slice(0, limit);
        IntTensor tTrain = mnist.train().labels().slice(0, limit);
        Tensor xTest = mnist.test().images().reshape(10000, 28, 28, 1).div(255f);
        IntTensor tTest = mnist.test().labels();
        model.compile(new Adam(0.001), new org.tatami.losses.SparseCategoricalCrossentropy(), "accuracy");
        long start = System.nanoTime();
        History h = model.fit(xTrain, tTrain, new FitOptions().batchSize(128).epochs(epochs)
                .validationData(xTest, tTest));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d epoch(s) in %.1f s (%.2f s per epoch, validation included),"
                + " %d thread(s); val_accuracy %.4f%n", which, epochs, seconds, seconds / epochs,
                org.tatami.kernels.Parallel.threads(), h.get("val_accuracy").get(epochs - 1));
    }
}
