package org.tatami.constraints;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What MaxNorm and UnitNorm share: the L2 norm of each slice along {@code axis} (Keras's: 0 is a Dense
 * kernel's input axis, so each unit's incoming weights form one slice; [0, 1, 2] is a Conv2D kernel's
 * window and input channels), summed in double in index order, and each slice scaled by a factor of
 * its norm as Keras computes it, with its epsilon of 1e-7.
 */
abstract class NormConstraint implements Constraint {
    static final float EPSILON = 1e-7f;

    private final int[] axes;
    /** Working memory, sized for the last shape seen: the squares per slice, and each weight's slice. */
    private int[] lastShape = new int[0];
    private double[] sums = new double[0];
    private int[] slice = new int[0];

    NormConstraint(int... axes) {
        this.axes = axes.clone();
    }

    /** A weight of a slice of this norm, projected. */
    abstract float project(float weight, float norm);

    @Override
    public final void apply(float[] weights, int[] shape) {
        if (!Arrays.equals(shape, lastShape)) {
            layout(shape);
        }
        Arrays.fill(sums, 0);
        for (int i = 0; i < weights.length; i++) {
            sums[slice[i]] += (double) weights[i] * weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = project(weights[i], (float) Math.sqrt(sums[slice[i]]));
        }
    }

    /** Which slice each weight of a tensor of this shape is in: its coordinates on the axes not reduced. */
    private void layout(int[] shape) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            int axis = a < 0 ? a + shape.length : a;
            if (axis < 0 || axis >= shape.length) {
                throw new IllegalArgumentException(className() + " axis " + a + " does not exist in a weight of shape "
                        + Arrays.toString(shape));
            }
            reduced[axis] = true;
        }
        int size = 1;
        int slices = 1;
        for (int d = 0; d < shape.length; d++) {
            size *= shape[d];
            slices *= reduced[d] ? 1 : shape[d];
        }
        int[] index = new int[size];
        int[] coord = new int[shape.length];
        for (int i = 0; i < size; i++) {
            int s = 0;
            for (int d = 0; d < shape.length; d++) {
                if (!reduced[d]) {
                    s = s * shape[d] + coord[d];
                }
            }
            index[i] = s;
            for (int d = shape.length - 1; d >= 0 && ++coord[d] == shape[d]; d--) {
                coord[d] = 0;
            }
        }
        slice = index;
        sums = new double[slices];
        lastShape = shape.clone();
    }

    /** Keras's axis: the number, or the list when there are several. */
    final Object axisConfig() {
        return axes.length == 1 ? (Object) axes[0] : Arrays.stream(axes).boxed().toList();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axis", axisConfig());
        return c;
    }
}
