package org.tatami.models;

import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;

/** The seed tutorial's CNN, shared by the model tests. */
final class SeedModel {
    private SeedModel() {
    }

    static Sequential create() {
        return new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
    }
}
