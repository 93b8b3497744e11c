package org.tatami.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.initializers.Initializer;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * A layer: builds its parameters from its input shape, and runs forward and backward on a batch.
 *
 * <p>Shapes exclude the batch axis: a Conv2D on MNIST has input shape (28, 28, 1). The engine calls
 * {@link #forward} and {@link #backward} on flat NHWC arrays of {@code n} samples; the layer's
 * {@link #activation()} is applied by the engine after forward and undone before backward, so
 * {@code backward} receives the gradient with respect to the layer's pre-activation output. Layers
 * may apply the activation themselves in forward ({@link #appliesActivation()}).
 */
public abstract class Layer {
    private String name;
    private int[] declaredInputShape;
    private int[] inputShape;
    private int[] outputShape;
    private final List<Parameter> parameters = new ArrayList<>();

    /** Keras's class name: {@code Conv2D}, {@code MaxPooling2D}, {@code Dense}, ... */
    public abstract String className();

    /** The prefix of automatic names: {@code conv2d}, {@code max_pooling2d}, {@code dense}, ... */
    protected abstract String baseName();

    public String name() {
        if (name == null) {
            name = Names.unique(baseName());
        }
        return name;
    }

    /** Sets the layer's name (used in summaries and weight files); call before adding it to a model. */
    public Layer name(String newName) {
        if (newName == null || newName.isEmpty() || newName.contains("/")) {
            throw new IllegalArgumentException("layer name must be non-empty and contain no '/', got '" + newName + "'");
        }
        this.name = newName;
        return this;
    }

    /** Declares the input shape without the batch axis, as Keras's {@code input_shape=(28, 28, 1)}. */
    public Layer inputShape(int... shape) {
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(name() + ": input shape dimensions must be positive, got "
                        + Shape.toString(shape));
            }
        }
        this.declaredInputShape = shape.clone();
        return this;
    }

    /** The input shape given with {@link #inputShape(int...)}, or null. */
    public int[] declaredInputShape() {
        return declaredInputShape == null ? null : declaredInputShape.clone();
    }

    public boolean isBuilt() {
        return outputShape != null;
    }

    /** Creates the parameters for this input shape, with a generator from {@link Tatami#newRandom()}. */
    public void build(int... shape) {
        build(shape, Tatami.newRandom());
    }

    public void build(int[] shape, SplittableRandom random) {
        if (isBuilt()) {
            if (!Arrays.equals(shape, inputShape)) {
                throw new IllegalArgumentException(name() + " was built for input shape " + Shape.withBatch(inputShape)
                        + ", got " + Shape.withBatch(shape));
            }
            return;
        }
        int[] out = computeOutputShape(shape.clone());
        inputShape = shape.clone();
        createParameters(random);
        outputShape = out;
    }

    /** Checks the input shape and returns the output shape (both without the batch axis). */
    protected abstract int[] computeOutputShape(int[] inputShape);

    /** Creates this layer's parameters with {@link #addParameter}; the input shape is known. */
    protected void createParameters(SplittableRandom random) {
    }

    protected final Parameter addParameter(String paramName, int[] shape, Initializer init, SplittableRandom random) {
        return addParameter(paramName, shape, init, random, true);
    }

    /** A parameter the optimizer trains ({@code trainable}) or that the layer updates itself. */
    protected final Parameter addParameter(String paramName, int[] shape, Initializer init, SplittableRandom random,
                                           boolean trainable) {
        Tensor value = Tensor.zeros(shape);
        init.fill(value.data(), shape, random);
        Parameter p = new Parameter(paramName, value, trainable);
        parameters.add(p);
        return p;
    }

    public int[] inputShape() {
        requireBuilt();
        return inputShape.clone();
    }

    public int[] outputShape() {
        requireBuilt();
        return outputShape.clone();
    }

    protected final void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException(name() + " is not built yet: give the first layer an inputShape(...)"
                    + " or call build(...)");
        }
    }

    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public int countParams() {
        int n = 0;
        for (Parameter p : parameters) {
            n += p.value().size();
        }
        return n;
    }

    /** The number of values the optimizer trains (Keras's "Trainable params"). */
    public int countTrainableParams() {
        int n = 0;
        for (Parameter p : parameters) {
            n += p.trainable() ? p.value().size() : 0;
        }
        return n;
    }

    /** Copies of the parameter values, in Keras's order and shapes (kernel, then bias). */
    public List<Tensor> getWeights() {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.value().copy());
        }
        return out;
    }

    /** Replaces the parameter values; the list must match {@link #getWeights()} in count and shapes. */
    public void setWeights(List<Tensor> weights) {
        requireBuilt();
        if (weights.size() != parameters.size()) {
            throw new IllegalArgumentException(name() + " has " + parameters.size() + " weight tensors, got "
                    + weights.size());
        }
        for (int i = 0; i < weights.size(); i++) {
            Tensor have = parameters.get(i).value();
            Tensor given = weights.get(i);
            if (!Arrays.equals(have.shape(), given.shape())) {
                throw new IllegalArgumentException(name() + "/" + parameters.get(i).name() + ": expected shape "
                        + Shape.toString(have.shape()) + ", got " + Shape.toString(given.shape()));
            }
        }
        for (int i = 0; i < weights.size(); i++) {
            System.arraycopy(weights.get(i).data(), 0, parameters.get(i).value().data(), 0, weights.get(i).size());
        }
    }

    /** The activation applied to this layer's output (linear for layers without one). */
    public ActivationFunction activation() {
        return ActivationFunction.LINEAR;
    }

    /**
     * Whether {@link #forward} already applied {@link #activation()} (fused into its last pass over the
     * output, while the values are in cache); otherwise the engine applies it.
     */
    public boolean appliesActivation() {
        return false;
    }

    /**
     * Whether training needs statistics over the whole batch (batch normalization): the engine then
     * runs each training batch as one piece instead of in parallel chunks, so the statistics are
     * exactly the batch's.
     */
    public boolean usesBatchStatistics() {
        return false;
    }

    /**
     * Derives from the parameters what {@link #forward} (and, when {@code training}, {@link #backward})
     * read besides them, such as a transposed kernel, once per pass rather than once per chunk. Call it
     * after the parameters change and before running the layer; the engine calls it before every pass.
     */
    public void prepare(boolean training) {
    }

    /** Per-thread working memory for batches of up to {@code maxBatch} samples, or null if none is needed. */
    public Object createScratch(int maxBatch) {
        return null;
    }

    /**
     * Computes the output {@code y} of {@code n} samples from {@code x}: before the activation, or after
     * it if {@link #appliesActivation()}.
     *
     * @param random draws for this batch (dropout); deterministic per batch, not per thread
     */
    public abstract void forward(float[] x, float[] y, int n, Object scratch, boolean training,
                                 SplittableRandom random);

    /**
     * From {@code dy}, the gradient w.r.t. the pre-activation output, writes the gradients of the
     * trainable parameters into {@code grads} (same order as {@link #parameters()}; the arrays of
     * non-trainable ones are left alone) and, unless {@code dx} is null, the gradient w.r.t. the input. Runs right after {@link #forward} on the same scratch.
     */
    public abstract void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch,
                                  float[][] grads);

    /**
     * Runs the layer on a batch, as Keras's {@code layer(x)}: {@code x} has a batch axis, e.g.
     * (1, 28, 28, 1). Builds the layer from x's shape if needed. Inference mode.
     */
    public Tensor call(Tensor x) {
        int[] shape = x.shape();
        if (shape.length < 1) {
            throw new IllegalArgumentException(name() + ": input needs a batch axis, got shape " + Shape.toString(shape));
        }
        int[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        if (!isBuilt()) {
            build(sample);
        } else if (!Arrays.equals(sample, inputShape)) {
            throw new IllegalArgumentException(name() + ": expected input shape " + Shape.withBatch(inputShape)
                    + ", got " + Shape.toString(shape));
        }
        int n = shape[0];
        int[] outShape = new int[outputShape.length + 1];
        outShape[0] = n;
        System.arraycopy(outputShape, 0, outShape, 1, outputShape.length);
        Tensor y = Tensor.zeros(outShape);
        prepare(false);
        forward(x.data(), y.data(), n, createScratch(n), false, Tatami.newRandom());
        int width = outputShape.length == 0 ? 1 : outputShape[outputShape.length - 1];
        if (!appliesActivation()) {
            activation().forward(y.data(), 0, width == 0 ? 0 : y.size() / width, width);
        }
        return y;
    }

    /** The layer's settings in Keras's config format (the {@code "config"} of {@code to_json()}). */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("trainable", true);
        c.put("dtype", "float32");
        if (declaredInputShape != null) {
            List<Object> batchShape = new ArrayList<>();
            batchShape.add(null);
            for (int d : declaredInputShape) {
                batchShape.add(d);
            }
            c.put("batch_input_shape", batchShape);
        }
        return c;
    }

    /** An initializer as Keras 3 serializes it (Keras 2 readers ignore "module" and "registered_name"). */
    protected static Map<String, Object> initializerConfig(Initializer init) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", "keras.initializers");
        m.put("class_name", init.className());
        m.put("config", init.config());
        m.put("registered_name", null);
        return m;
    }

    @Override
    public String toString() {
        return "<" + className() + " name=" + name() + (isBuilt() ? ", output " + Shape.withBatch(outputShape) : "")
                + ">";
    }
}
