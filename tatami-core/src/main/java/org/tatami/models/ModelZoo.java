package org.tatami.models;

import java.util.List;
import org.tatami.layers.Activation;
import org.tatami.layers.Add;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.RandomFlip;
import org.tatami.layers.RandomTranslation;
import org.tatami.layers.SymbolicTensor;

/** Ready-made architectures for MNIST and Fashion-MNIST (untrained, compile them yourself). */
public final class ModelZoo {
    private ModelZoo() {
    }

    /**
     * The seed tutorial's CNN: Conv2D(3, 3x3, relu) > MaxPool2D(2) > Flatten > Dense(100, relu) >
     * Dense(10, softmax) on (28, 28, 1); 51,840 parameters.
     */
    public static Sequential seedCnn() {
        return new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
    }

    /**
     * The classic Keras MNIST convnet: Conv2D(32, 3) > MaxPool2D(2) > Conv2D(64, 3) > MaxPool2D(2) >
     * Flatten > Dropout(0.5) > Dense(10, softmax); 34,826 parameters.
     */
    public static Sequential mnistConvnet() {
        return new Sequential(
                new Conv2D(32, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Conv2D(64, 3).activation("relu"),
                new MaxPool2D(2),
                new Flatten(),
                new Dropout(0.5),
                new Dense(10).activation("softmax"));
    }

    /**
     * A small ResNet for MNIST, built with the Functional API: Conv2D(16, 3, relu) > MaxPool2D(2) > two
     * residual blocks of 32 filters (the first with a 1x1 projection shortcut) > MaxPool2D(2) > one more
     * block > GlobalAveragePooling2D > Dense(10, softmax); 52,490 parameters, 384 of them
     * BatchNormalization's moving statistics.
     */
    public static Model resnet() {
        SymbolicTensor inputs = Input.of(28, 28, 1);
        SymbolicTensor x = new GlobalAveragePooling2D().apply(residualStages(inputs));
        SymbolicTensor outputs = new Dense(10).activation("softmax").apply(x);
        return new Model("resnet", List.of(inputs), List.of(outputs));
    }

    /**
     * A residual network for Fashion-MNIST behind augmentation, as a Keras user would write it:
     * RandomFlip("horizontal", seed 1) > RandomTranslation(0.1, 0.1, seed 2: shifts of up to 10% of the
     * height and width, bilinear, the uncovered border filled with 0, the pictures' own black
     * background) > Conv2D(32, 3x3, relu) > MaxPool2D(2) > two residual blocks of 32 filters >
     * MaxPool2D(2) > a residual block of 64 > Flatten > Dense(128, relu) > Dense(10, softmax); 391,946
     * parameters. Unlike {@link #resnet()} it ends wider and flattened rather than averaged: garments
     * are told apart by where their parts are (a collar, a sleeve, a strap), which a global average
     * throws away. The augmentation acts in training only.
     */
    public static Model fashionResnet() {
        SymbolicTensor inputs = Input.of(28, 28, 1);
        SymbolicTensor x = new RandomFlip("horizontal").seed(1).apply(inputs);
        x = new RandomTranslation(0.1, 0.1).fillMode("constant").seed(2).apply(x);
        x = new Conv2D(32, 3).activation("relu").apply(x);
        x = new MaxPool2D(2).apply(x);
        x = residualBlock(x, 32);
        x = residualBlock(x, 32);
        x = new MaxPool2D(2).apply(x);
        x = new Flatten().apply(residualBlock(x, 64));
        x = new Dense(128).activation("relu").apply(x);
        SymbolicTensor outputs = new Dense(10).activation("softmax").apply(x);
        return new Model("fashion_resnet", List.of(inputs), List.of(outputs));
    }

    /**
     * The trunk of {@link #resnet()}: Conv2D(16, 3x3, relu) > MaxPool2D(2) > two residual blocks of 32
     * filters > MaxPool2D(2) > one more.
     */
    private static SymbolicTensor residualStages(SymbolicTensor x) {
        x = new Conv2D(16, 3).activation("relu").apply(x);
        x = new MaxPool2D(2).apply(x);
        x = residualBlock(x, 32);
        x = residualBlock(x, 32);
        x = new MaxPool2D(2).apply(x);
        return residualBlock(x, 32);
    }

    /** conv-BN-ReLU-conv-BN, added to the shortcut (a 1x1 convolution when the channels change), then ReLU. */
    public static SymbolicTensor residualBlock(SymbolicTensor x, int filters) {
        SymbolicTensor y = new Conv2D(filters, 3).padding("same").useBias(false).apply(x);
        y = new Activation("relu").apply(new BatchNormalization().apply(y));
        y = new Conv2D(filters, 3).padding("same").useBias(false).apply(y);
        y = new BatchNormalization().apply(y);
        SymbolicTensor shortcut = x.shape()[2] == filters ? x : new Conv2D(filters, 1).apply(x);
        return new Activation("relu").apply(new Add().apply(y, shortcut));
    }
}
