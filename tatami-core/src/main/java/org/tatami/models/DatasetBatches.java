package org.tatami.models;

import java.util.Arrays;
import java.util.Map;
import org.tatami.data.Dataset;
import org.tatami.tensor.Tensor;

/** The batches of a Dataset: one pass per epoch, each element a batch, checked against the model. */
final class DatasetBatches extends Batches {
    private final Model model;
    private final Dataset data;
    private final Map<Integer, Double> classWeight;
    private Dataset.ElementIterator pass;
    private int[] targetSizes;
    private int batches;

    DatasetBatches(Model model, Dataset data, Map<Integer, Double> classWeight) {
        this.model = model;
        this.data = data;
        this.classWeight = classWeight;
        order = new int[0];
    }

    @Override
    int steps() {
        long n = data.cardinality();
        return n >= 0 && n <= Integer.MAX_VALUE ? (int) n : -1;
    }

    @Override
    int samples() {
        return -1;
    }

    @Override
    int[] targetSizes() {
        return targetSizes;
    }

    @Override
    void startEpoch(long shuffle) {
        close();
        pass = data.iterator();
        batches = 0;
    }

    @Override
    boolean next() {
        if (!pass.hasNext()) {
            if (batches == 0) {
                throw new IllegalArgumentException("the training Dataset gave no batch: it is empty");
            }
            return false;
        }
        Dataset.Element e = pass.next();
        int n = model.checkElement("dataset", e, true);
        xs = e.xs().stream().map(Tensor::data).toArray(float[][]::new);
        ys = e.ys().stream().map(Tensor::data).toArray(float[][]::new);
        weights = SampleWeights.of(classWeight, e.sampleWeight(), e.ys(), n);
        if (targetSizes == null) {
            targetSizes = e.ys().stream().mapToInt(t -> t.size() / Math.max(n, 1)).toArray();
        }
        if (order.length < n) {
            order = new int[n];
            Arrays.setAll(order, i -> i);
        }
        from = 0;
        count = n;
        batches++;
        return true;
    }

    @Override
    public void close() {
        if (pass != null) {
            pass.close();
            pass = null;
        }
    }
}
