package org.tatami.models;

import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;

/** Ready-made MNIST architectures (untrained, compile them yourself). */
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
}
