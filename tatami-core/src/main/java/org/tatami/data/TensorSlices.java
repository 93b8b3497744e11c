package org.tatami.data;

import java.util.ArrayList;
import java.util.List;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/** Rows of tensors along their axis 0, as {@code from_tensor_slices}: row i of each is example i. */
final class TensorSlices implements Rows {
    private final List<Tensor> xs;
    private final List<Tensor> ys;
    private final Tensor sampleWeight;
    private final int size;

    TensorSlices(List<Tensor> xs, List<Tensor> ys, Tensor sampleWeight) {
        this.xs = List.copyOf(xs);
        this.ys = List.copyOf(ys);
        this.sampleWeight = sampleWeight;
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("from_tensor_slices needs at least one input tensor");
        }
        List<Tensor> all = new ArrayList<>(xs);
        all.addAll(ys);
        if (sampleWeight != null) {
            all.add(sampleWeight);
        }
        size = all.get(0).rank() == 0 ? -1 : all.get(0).shape(0);
        for (Tensor t : all) {
            if (t.rank() == 0 || t.shape(0) != size) {
                throw new IllegalArgumentException("from_tensor_slices: every tensor must have the same length along"
                        + " axis 0; got shapes " + all.stream().map(a -> Shape.toString(a.shape())).toList());
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Dataset.Element row(int i) {
        return new Dataset.Element(xs.stream().map(t -> t.get(i)).toList(), ys.stream().map(t -> t.get(i)).toList(),
                sampleWeight == null ? null : sampleWeight.get(i));
    }

    @Override
    public Dataset.Element rows(List<Integer> indices) {
        return new Dataset.Element(xs.stream().map(t -> gather(t, indices)).toList(),
                ys.stream().map(t -> gather(t, indices)).toList(),
                sampleWeight == null ? null : gather(sampleWeight, indices));
    }

    private static Tensor gather(Tensor t, List<Integer> indices) {
        int row = rowSize(t);
        float[] out = new float[Math.multiplyExact(indices.size(), row)];
        for (int i = 0; i < indices.size(); i++) {
            System.arraycopy(t.data(), indices.get(i) * row, out, i * row, row);
        }
        int[] shape = t.shape();
        shape[0] = indices.size();
        return Tensor.of(out, shape);
    }

    private static int rowSize(Tensor t) {
        return t.shape(0) == 0 ? 0 : t.size() / t.shape(0);
    }
}
