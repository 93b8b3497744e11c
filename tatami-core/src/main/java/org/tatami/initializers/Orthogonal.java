package org.tatami.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.tensor.Shape;

/**
 * An orthogonal matrix times {@code gain}, as Keras's Orthogonal: the tensor is seen as a matrix of
 * shape (product of all axes but the last, last axis); a normal matrix of the taller of that shape and
 * its transpose is made orthonormal column by column (Gram-Schmidt, twice, in double), which gives the
 * QR factorization with R's diagonal positive, the signs Keras corrects Q to, and is transposed back if
 * needed. Rows (or columns, whichever are fewer) are then orthonormal: {@code Q^T Q = I}.
 */
public final class Orthogonal implements Initializer {
    private final double gain;

    public Orthogonal() {
        this(1);
    }

    public Orthogonal(double gain) {
        if (!Double.isFinite(gain)) {
            throw new IllegalArgumentException("Orthogonal gain must be finite, got " + gain);
        }
        this.gain = gain;
    }

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("the orthogonal initializer needs a tensor of at least 2 axes, got"
                    + " shape " + Shape.toString(shape));
        }
        int cols = shape[shape.length - 1];
        int rows = data.length / Math.max(1, cols);
        int tall = Math.max(rows, cols);
        int narrow = Math.min(rows, cols);
        // a: tall x narrow, row-major, as Keras draws it; orthonormalised column by column in place.
        double[] a = new double[tall * narrow];
        for (int i = 0; i < a.length; i++) {
            a[i] = Gaussian.next(random);
        }
        for (int j = 0; j < narrow; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < tall; i++) {
                        dot += a[i * narrow + k] * a[i * narrow + j];
                    }
                    for (int i = 0; i < tall; i++) {
                        a[i * narrow + j] -= dot * a[i * narrow + k];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) {
                norm += a[i * narrow + j] * a[i * narrow + j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < tall; i++) {
                a[i * narrow + j] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double q = rows >= cols ? a[r * narrow + c] : a[c * narrow + r];
                data[r * cols + c] = (float) (gain * q);
            }
        }
    }

    @Override
    public String className() {
        return "Orthogonal";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("gain", gain);
        c.put("seed", null);
        return c;
    }
}
