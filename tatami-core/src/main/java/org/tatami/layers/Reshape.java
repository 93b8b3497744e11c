package org.tatami.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/**
 * Gives each sample a new shape with the same values in the same (row-major) order, as Keras's
 * Reshape; one dimension of the target may be -1, to be inferred from the input's size.
 */
public final class Reshape extends PassThrough {
    private final int[] targetShape;
    private int size;

    public Reshape(int... targetShape) {
        int unknown = 0;
        for (int d : targetShape) {
            if (d == -1) {
                unknown++;
            } else if (d <= 0) {
                throw new IllegalArgumentException("Reshape target shape dimensions must be positive or -1, got "
                        + Shape.toString(targetShape));
            }
        }
        if (targetShape.length == 0 || unknown > 1) {
            throw new IllegalArgumentException("Reshape target shape needs at least one dimension and at most one -1,"
                    + " got " + Shape.toString(targetShape));
        }
        this.targetShape = targetShape.clone();
    }

    public int[] targetShape() {
        return targetShape.clone();
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Reshape fromConfig(Fields c) {
        return new Reshape(c.integers("target_shape"));
    }

    @Override
    public String className() {
        return "Reshape";
    }

    @Override
    protected String baseName() {
        return "reshape";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        size = Shape.size(in);
        long known = 1;
        int free = -1;
        for (int i = 0; i < targetShape.length; i++) {
            if (targetShape[i] == -1) {
                free = i;
            } else {
                known *= targetShape[i];
            }
        }
        int[] out = targetShape.clone();
        boolean fits = free >= 0 ? size % known == 0 && size / known > 0 : known == size;
        if (!fits) {
            throw new IllegalArgumentException(name() + " (Reshape): input " + Shape.withBatch(in) + " has " + size
                    + " values per sample, which target shape " + Shape.toString(targetShape) + " cannot hold");
        }
        if (free >= 0) {
            out[free] = (int) (size / known);
        }
        return out;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Integer> target = new ArrayList<>();
        for (int d : targetShape) {
            target.add(d);
        }
        c.put("target_shape", target);
        return c;
    }
}
