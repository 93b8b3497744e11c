package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.constraints.Constraint;
import org.tatami.initializers.GlorotUniform;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Zeros;
import org.tatami.kernels.Elementwise;
import org.tatami.regularizers.Regularizer;

/**
 * What Conv2D and Dense share: a kernel of shape (..., in, out), an optional bias, an activation,
 * and their initializers. {@code T} is the concrete class, so that setters chain.
 */
public abstract class KernelLayer<T extends KernelLayer<T>> extends ChainedLayer<T> {
    private ActivationFunction activation = ActivationFunction.LINEAR;
    private boolean useBias = true;
    private Initializer kernelInitializer = new GlorotUniform();
    private Initializer biasInitializer = new Zeros();
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;
    private Parameter kernel;
    private Parameter bias;
    private float[] kernelT;

    public T activation(String name) {
        return activation(ActivationFunction.of(name));
    }

    public T activation(ActivationFunction function) {
        this.activation = function;
        return self();
    }

    public T useBias(boolean use) {
        requireUnbuilt();
        this.useBias = use;
        return self();
    }

    public T kernelInitializer(String name) {
        return kernelInitializer(Initializer.of(name));
    }

    public T kernelInitializer(Initializer init) {
        requireUnbuilt();
        this.kernelInitializer = init;
        return self();
    }

    public T biasInitializer(String name) {
        return biasInitializer(Initializer.of(name));
    }

    public T biasInitializer(Initializer init) {
        requireUnbuilt();
        this.biasInitializer = init;
        return self();
    }

    /** A penalty on the kernel added to the training loss, as Keras's {@code kernel_regularizer}; null for none. */
    public T kernelRegularizer(Regularizer r) {
        requireUnbuilt();
        this.kernelRegularizer = r;
        return self();
    }

    /** {@link #kernelRegularizer(Regularizer)} by Keras's name: l1, l2 or l1_l2. */
    public T kernelRegularizer(String name) {
        return kernelRegularizer(Regularizer.of(name));
    }

    /** A penalty on the bias added to the training loss, as Keras's {@code bias_regularizer}; null for none. */
    public T biasRegularizer(Regularizer r) {
        requireUnbuilt();
        this.biasRegularizer = r;
        return self();
    }

    public T biasRegularizer(String name) {
        return biasRegularizer(Regularizer.of(name));
    }

    /** A projection of the kernel after every optimizer step, as Keras's {@code kernel_constraint}; null for none. */
    public T kernelConstraint(Constraint c) {
        requireUnbuilt();
        this.kernelConstraint = c;
        return self();
    }

    /** {@link #kernelConstraint(Constraint)} by Keras's name: max_norm, non_neg or unit_norm. */
    public T kernelConstraint(String name) {
        return kernelConstraint(Constraint.of(name));
    }

    /** A projection of the bias after every optimizer step, as Keras's {@code bias_constraint}; null for none. */
    public T biasConstraint(Constraint c) {
        requireUnbuilt();
        this.biasConstraint = c;
        return self();
    }

    public T biasConstraint(String name) {
        return biasConstraint(Constraint.of(name));
    }

    /** Reads what Conv2D and Dense share, with Keras's defaults for the options left out. */
    static void readKernelOptions(Fields c, KernelLayer<?> layer) {
        layer.activation(KerasValues.activation(c, "activation", ActivationFunction.LINEAR));
        layer.useBias(c.bool("use_bias", true));
        layer.kernelInitializer(KerasValues.initializer(c, "kernel_initializer", new GlorotUniform()));
        layer.biasInitializer(KerasValues.initializer(c, "bias_initializer", new Zeros()));
        layer.kernelRegularizer(KerasValues.regularizer(c, "kernel_regularizer"));
        layer.biasRegularizer(KerasValues.regularizer(c, "bias_regularizer"));
        layer.kernelConstraint(KerasValues.constraint(c, "kernel_constraint"));
        layer.biasConstraint(KerasValues.constraint(c, "bias_constraint"));
        c.expectNull("lora_rank", "tatami has no LoRA");
        c.expectNull("lora_alpha", "tatami has no LoRA");
    }

    private void requireUnbuilt() {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
    }

    @Override
    public ActivationFunction activation() {
        return activation;
    }

    public boolean useBias() {
        return useBias;
    }

    /** The kernel's shape, known once the input shape is. */
    protected abstract int[] kernelShape();

    /** Number of outputs per position (filters or units): the bias length. */
    protected abstract int outputs();

    @Override
    protected void createParameters(SplittableRandom random) {
        kernel = addParameter("kernel", kernelShape(), kernelInitializer, random);
        kernel.regularizer(kernelRegularizer);
        kernel.constraint(kernelConstraint);
        if (useBias) {
            bias = addParameter("bias", new int[] {outputs()}, biasInitializer, random);
            bias.regularizer(biasRegularizer);
            bias.constraint(biasConstraint);
        }
    }

    protected final float[] kernelData() {
        return kernel.value().data();
    }

    /** The bias values, or null without a bias. */
    protected final float[] biasData() {
        return bias == null ? null : bias.value().data();
    }

    /**
     * Bias and activation are applied in forward, while the output is in cache, unless the activation
     * needs its input.
     */
    @Override
    public boolean appliesActivation() {
        return !activation.needsInput();
    }

    /** Rows per block of the bias + activation pass: a block stays in the first-level cache. */
    private static final int BLOCK_VALUES = 4096;

    /**
     * Adds the bias to each of {@code rows} rows of y and applies the activation, block by block, so
     * that the output is read from memory once for both.
     */
    protected final void addBiasAndActivate(float[] y, int rows) {
        addBiasAndActivate(y, 0, rows);
    }

    /** {@link #addBiasAndActivate(float[], int)} on rows [r0, r1) of y: a block a product just wrote, still in cache. */
    protected final void addBiasAndActivate(float[] y, int r0, int r1) {
        int w = outputs();
        int block = Math.max(1, BLOCK_VALUES / w);
        for (int b0 = r0; b0 < r1; b0 += block) {
            int b1 = Math.min(r1, b0 + block);
            if (bias != null) {
                Elementwise.addToRows(y, b0, b1, w, bias.value().data());
            }
            fusedActivation().forward(y, b0 * w, b1 - b0, w);
        }
    }

    /**
     * As {@link #addBiasAndActivate} for an output held transposed, (outputs, rows): copied into y
     * output by output (sequential reads), then activated in one pass.
     */
    protected final void untransposeBiasAndActivate(float[] outT, float[] y, int rows) {
        int w = outputs();
        float[] b = biasData();
        for (int j = 0; j < w; j++) {
            float bj = b == null ? 0f : b[j];
            for (int r = 0, o = j * rows; r < rows; r++) {
                y[r * w + j] = outT[o + r] + bj;
            }
        }
        fusedActivation().forward(y, 0, rows, w);
    }

    /** The bias gradient: column sums of dz over {@code rows} rows, in row order. */
    protected final void biasGradient(float[] dz, int rows, float[][] grads) {
        if (bias == null) {
            return;
        }
        Elementwise.sumRows(dz, rows, grads[1].length, grads[1]);
    }

    /**
     * The kernel's last axis, the columns of the matrix it is stored as: the outputs, except for a
     * transposed convolution, whose kernel ends with its input channels as Keras stores it.
     */
    protected int kernelColumns() {
        return outputs();
    }

    /** The kernel as a [rows, columns] matrix, transposed: [columns, rows]. Kept up to date by {@link #prepare}. */
    protected final float[] kernelT() {
        return kernelT;
    }

    /** Whether forward (and backward, when {@code training}) read {@link #kernelT()}. */
    protected abstract boolean readsTransposedKernel(boolean training);

    @Override
    public void prepare(boolean training) {
        if (!readsTransposedKernel(training)) {
            return;
        }
        float[] k = kernelData();
        int cols = kernelColumns();
        int rows = k.length / cols;
        if (kernelT == null) {
            kernelT = new float[k.length];
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                kernelT[c * rows + r] = k[r * cols + c];
            }
        }
    }

    /**
     * Appends the activation, bias and kernel settings, which Keras lists after the layer's own
     * (filters, units, ...). Keras's Conv2D always lists {@code activity_regularizer}; Keras 3's Dense
     * only when one is set.
     */
    protected final void putKernelConfig(Map<String, Object> c, boolean withActivityRegularizer) {
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", initializerConfig(kernelInitializer));
        c.put("bias_initializer", initializerConfig(biasInitializer));
        c.put("kernel_regularizer", regularizerConfig(kernelRegularizer));
        c.put("bias_regularizer", regularizerConfig(biasRegularizer));
        if (withActivityRegularizer) {
            c.put("activity_regularizer", null);
        }
        c.put("kernel_constraint", constraintConfig(kernelConstraint));
        c.put("bias_constraint", constraintConfig(biasConstraint));
    }

    private static Map<String, Object> regularizerConfig(Regularizer r) {
        return r == null ? null : kerasObject("keras.regularizers", r.className(), r.config());
    }

    private static Map<String, Object> constraintConfig(Constraint c) {
        return c == null ? null : kerasObject("keras.constraints", c.className(), c.config());
    }
}
