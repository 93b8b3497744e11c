package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.kernels.Gemm;

/**
 * A fully connected layer: {@code y = activation(x . kernel + bias)} on the last axis, kernel (in, units).
 */
public final class Dense extends KernelLayer<Dense> {
    private final int units;
    private int in;
    // Dense acts on the last axis: every other axis is a batch of rows.
    private int rowsPerSample;
    /**
     * The kernel (and in training its transpose) packed for the products by {@link #prepare}, once per
     * training step or predict call rather than once per chunk and product (for Dense(128) on 2,304
     * inputs, 1.2 MB copied each time).
     */
    private Gemm.PackedB packedKernel;
    private Gemm.PackedB packedKernelT;

    public Dense(int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("Dense units must be positive, got " + units);
        }
        this.units = units;
    }

    public int units() {
        return units;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Dense fromConfig(Fields c) {
        Dense dense = new Dense(c.integer("units"));
        readKernelOptions(c, dense);
        c.expectNull("quantization_config", "tatami computes in float32 only");
        return dense;
    }

    @Override
    public String className() {
        return "Dense";
    }

    @Override
    protected String baseName() {
        return "dense";
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length < 1) {
            throw new IllegalArgumentException(name() + " (Dense) needs an input with at least one axis, got a scalar");
        }
        in = inputShape[inputShape.length - 1];
        rowsPerSample = 1;
        for (int i = 0; i < inputShape.length - 1; i++) {
            rowsPerSample *= inputShape[i];
        }
        int[] out = inputShape.clone();
        out[out.length - 1] = units;
        return out;
    }

    @Override
    protected int[] kernelShape() {
        return new int[] {in, units};
    }

    @Override
    protected int outputs() {
        return units;
    }

    @Override
    protected boolean readsTransposedKernel(boolean training) {
        return training;
    }

    @Override
    public void prepare(boolean training) {
        super.prepare(training);
        packedKernel = Gemm.pack(in, units, kernelData(), 0, units, packedKernel);
        if (training) {
            packedKernelT = Gemm.pack(units, in, kernelT(), 0, in, packedKernelT);
        }
    }

    // Every product is the matrix kernel's chain of fused multiply-adds in a fixed order, whatever the
    // vector width, so Dense gives the same bits at every width (a layer with fewer units than lanes is
    // padded to one vector inside the kernel).
    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int rows = n * rowsPerSample;
        Gemm.nn(rows, units, in, x, 0, in, packedKernel, y, 0, units, false);
        addBiasAndActivate(y, rows);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        int rows = n * rowsPerSample;
        Gemm.tn(in, units, rows, x, 0, in, dy, 0, units, grads[0], 0, units, false);
        biasGradient(dy, rows, grads);
        if (dx != null) {
            Gemm.nn(rows, in, units, dy, 0, units, packedKernelT, dx, 0, in, false);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("units", units);
        putKernelConfig(c, false);
        return c;
    }
}
