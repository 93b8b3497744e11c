package org.tatami.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/** Stacks elements into a batch: every tensor gains a leading axis, as {@code tf.stack}. */
final class Stacking {
    private Stacking() {
    }

    static Dataset.Element stack(List<Dataset.Element> items) {
        Dataset.Element first = items.get(0);
        for (int i = 1; i < items.size(); i++) {
            Dataset.Element e = items.get(i);
            if (e.xs().size() != first.xs().size() || e.ys().size() != first.ys().size()
                    || (e.sampleWeight() == null) != (first.sampleWeight() == null)) {
                throw new IllegalArgumentException("batch: element " + i + " of the batch holds " + describe(e)
                        + ", element 0 " + describe(first) + ": the elements of a batch must agree");
            }
        }
        List<Tensor> xs = new ArrayList<>();
        for (int k = 0; k < first.xs().size(); k++) {
            int input = k;
            xs.add(stack(items, e -> e.xs().get(input), first.xs().size() == 1 ? "x" : "x[" + k + "]"));
        }
        List<Tensor> ys = new ArrayList<>();
        for (int k = 0; k < first.ys().size(); k++) {
            int output = k;
            ys.add(stack(items, e -> e.ys().get(output), first.ys().size() == 1 ? "y" : "y[" + k + "]"));
        }
        Tensor weights = first.sampleWeight() == null ? null : stack(items, Dataset.Element::sampleWeight,
                "sample_weight");
        return new Dataset.Element(xs, ys, weights);
    }

    private static Tensor stack(List<Dataset.Element> items, Function<Dataset.Element, Tensor> part, String name) {
        int[] shape = part.apply(items.get(0)).shape();
        int size = Shape.size(shape);
        float[] out = new float[Math.multiplyExact(items.size(), size)];
        for (int i = 0; i < items.size(); i++) {
            Tensor t = part.apply(items.get(i));
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("batch: element " + i + " of the batch has " + name + " of shape "
                        + Shape.toString(t.shape()) + ", element 0 has " + Shape.toString(shape)
                        + ": the elements of a batch must have the same shapes");
            }
            System.arraycopy(t.data(), 0, out, i * size, size);
        }
        int[] batched = new int[shape.length + 1];
        batched[0] = items.size();
        System.arraycopy(shape, 0, batched, 1, shape.length);
        return Tensor.of(out, batched);
    }

    private static String describe(Dataset.Element e) {
        return e.xs().size() + " input(s), " + e.ys().size() + " target(s) and "
                + (e.sampleWeight() == null ? "no sample weight" : "a sample weight");
    }
}
