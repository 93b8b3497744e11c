package org.tatami.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.ProgressBar;
import org.tatami.data.Dataset;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * The keyword arguments of Keras's {@code fit}, with Keras's defaults: batch size 32, 1 epoch,
 * verbose 1, shuffle every epoch, no validation data, no sample weights, initial epoch 0. A Dataset brings
 * its own batches, order and weights: batch size, shuffle, validation split and sample weight are for
 * arrays.
 *
 * <pre>{@code
 * model.fit(xTrain, tTrain, new FitOptions().batchSize(4096).epochs(30).validationData(xTest, tTest));
 * }</pre>
 */
public final class FitOptions {
    private int batchSize = 32;
    private int epochs = 1;
    private int verbose = 1;
    private boolean shuffle = true;
    private List<Tensor> validationX;
    private List<Tensor> validationY;
    private Dataset validationDataset;
    private double validationSplit;
    private Map<Integer, Double> classWeight;
    private Tensor sampleWeight;
    private int initialEpoch;
    private final List<Callback> callbacks = new ArrayList<>();

    public FitOptions batchSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + size);
        }
        this.batchSize = size;
        return this;
    }

    public FitOptions epochs(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + count);
        }
        this.epochs = count;
        return this;
    }

    /** 0: silent; 1: progress bar (one line per epoch when not on a terminal); 2: one line per epoch. */
    public FitOptions verbose(int level) {
        if (level < 0 || level > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, got " + level);
        }
        this.verbose = level;
        return this;
    }

    public FitOptions shuffle(boolean on) {
        this.shuffle = on;
        return this;
    }

    /**
     * Data evaluated at the end of every epoch (val_loss, val_accuracy); labels as class indices. The last
     * validation data given (arrays or a Dataset) is the one used.
     */
    public FitOptions validationData(Tensor x, IntTensor y) {
        return validationData(x, y.toFloat());
    }

    /** Data evaluated at the end of every epoch, with float targets (one-hot rows, regression values). */
    public FitOptions validationData(Tensor x, Tensor y) {
        return validationData(List.of(x), y == null ? null : List.of(y));
    }

    /** Validation data of a model with several inputs and outputs: one tensor per input and per output. */
    public FitOptions validationData(List<Tensor> x, List<Tensor> y) {
        this.validationX = List.copyOf(x);
        this.validationY = y == null ? null : List.copyOf(y);
        this.validationDataset = null;
        return this;
    }

    /** Validation data as a Dataset of labelled batches, evaluated in full at the end of every epoch. */
    public FitOptions validationData(Dataset data) {
        this.validationDataset = data;
        this.validationX = null;
        this.validationY = null;
        return this;
    }

    /**
     * Keras's {@code validation_split}: the last {@code fraction} of the samples (taken before any shuffling)
     * are not trained on but evaluated at the end of every epoch, as validation data; {@code validationData},
     * if also given, takes precedence. For arrays only (a Dataset has no last fraction to take).
     */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split must be in [0, 1), got " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    /**
     * Keras's {@code class_weight}: class index to the weight of its samples' loss, for a model with one
     * output; classes not in the map weigh 1. The class of a sample is its label, or the argmax of its one-hot
     * row. Validation figures are not weighted.
     */
    public FitOptions classWeight(Map<Integer, Double> weights) {
        for (Map.Entry<Integer, Double> e : weights.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("class_weight for class " + e.getKey() + " must be a finite"
                        + " number, got " + e.getValue());
            }
        }
        this.classWeight = Map.copyOf(weights);
        return this;
    }

    /**
     * Keras's {@code sample_weight}: one weight per training sample, shape (N,), that scales its loss (every
     * output's). The loss of a batch is the sum of the weighted sample losses over the batch size, as in Keras.
     */
    public FitOptions sampleWeight(Tensor weights) {
        this.sampleWeight = weights;
        return this;
    }

    /**
     * Keras's {@code initial_epoch}: the epoch to start at, counting from 0, e.g. to resume a run. Training
     * runs epochs {@code initialEpoch} to {@code epochs - 1}; {@code epochs} is the last one's number + 1,
     * not a count.
     */
    public FitOptions initialEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("initial_epoch must be >= 0, got " + epoch);
        }
        this.initialEpoch = epoch;
        return this;
    }

    public FitOptions callbacks(Callback... more) {
        callbacks.addAll(List.of(more));
        return this;
    }

    public int batchSize() {
        return batchSize;
    }

    public int epochs() {
        return epochs;
    }

    public int verbose() {
        return verbose;
    }

    public boolean shuffle() {
        return shuffle;
    }

    /** The validation inputs, one per model input, or null. */
    public List<Tensor> validationX() {
        return validationX;
    }

    /** The validation targets, one per model output, or null. */
    public List<Tensor> validationY() {
        return validationY;
    }

    /** The validation data when given as a Dataset, or null. */
    public Dataset validationDataset() {
        return validationDataset;
    }

    public double validationSplit() {
        return validationSplit;
    }

    /** Class index to weight, or null. */
    public Map<Integer, Double> classWeight() {
        return classWeight;
    }

    /** One weight per sample, or null; a Dataset carries its weights in its elements instead. */
    public Tensor sampleWeight() {
        return sampleWeight;
    }

    public int initialEpoch() {
        return initialEpoch;
    }

    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** The callbacks a fit runs: Keras's progress bar first for verbose 1 or 2, then those given. */
    public List<Callback> callbacksWithProgress() {
        List<Callback> all = new ArrayList<>(callbacks);
        if (verbose == 1) {
            all.add(0, new ProgressBar());
        } else if (verbose == 2) {
            all.add(0, new ProgressBar(System.out, false));
        }
        return all;
    }
}
