package org.tatami.models;

/** The seed tutorial's CNN, shared by the model tests. */
final class SeedModel {
    private SeedModel() {
    }

    static Sequential create() {
        return ModelZoo.seedCnn();
    }
}
