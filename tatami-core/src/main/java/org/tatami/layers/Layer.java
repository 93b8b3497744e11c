package org.tatami.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.initializers.Initializer;
import org.tatami.tensor.Limits;
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
    private int[][] inputShapes;
    private int[] outputShape;
    private boolean trainable = true;
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
        build(new int[][] {shape}, random);
    }

    /** Builds for several inputs (merge layers); a layer that is built already only checks the shapes. */
    public void build(int[][] shapes, SplittableRandom random) {
        if (isBuilt()) {
            if (!Arrays.deepEquals(shapes, inputShapes)) {
                throw new IllegalArgumentException(name() + " was built for input shape " + describe(inputShapes)
                        + ", got " + describe(shapes));
            }
            return;
        }
        int[][] copy = new int[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            copy[i] = shapes[i].clone();
        }
        int[] out = computeOutputShape(copy);
        inputShapes = copy;
        createParameters(random);
        outputShape = out;
    }

    private static String describe(int[][] shapes) {
        if (shapes.length == 1) {
            return Shape.withBatch(shapes[0]);
        }
        List<String> parts = new ArrayList<>();
        for (int[] s : shapes) {
            parts.add(Shape.withBatch(s));
        }
        return parts.toString();
    }

    /** Checks the input shape and returns the output shape (both without the batch axis). */
    protected abstract int[] computeOutputShape(int[] inputShape);

    /**
     * Checks the shapes of all inputs and returns the output shape. Most layers take exactly one input;
     * merge layers override this.
     */
    protected int[] computeOutputShape(int[][] shapes) {
        if (shapes.length != 1) {
            throw new IllegalArgumentException(name() + " (" + className() + ") takes 1 input, got " + shapes.length);
        }
        return computeOutputShape(shapes[0]);
    }

    /**
     * Checks that an input has as many axes as {@code axes} names, e.g. "height, width, channels"; the
     * message names the layer, the expected and the actual shape.
     */
    protected final void requireRank(int[] in, String axes) {
        if (in.length != axes.split(",").length) {
            throw new IllegalArgumentException(name() + " (" + className() + ") expects input of shape (" + axes
                    + "), got " + Shape.withBatch(in));
        }
    }

    /** Creates this layer's parameters with {@link #addParameter}; the input shape is known. */
    protected void createParameters(SplittableRandom random) {
    }

    protected final Parameter addParameter(String paramName, int[] shape, Initializer init, SplittableRandom random) {
        return addParameter(paramName, shape, init, random, true);
    }

    /** A parameter the optimizer trains ({@code trainable}) or that the layer updates itself. */
    protected final Parameter addParameter(String paramName, int[] shape, Initializer init, SplittableRandom random,
                                           boolean trainable) {
        requireAllocatable(paramName, shape);
        Tensor value = Tensor.zeros(shape);
        init.fill(value.data(), shape, random);
        Parameter p = new Parameter(paramName, value, trainable);
        parameters.add(p);
        return p;
    }

    /** A weight tensor a config can make absurdly large is refused with its numbers before it is allocated. */
    private void requireAllocatable(String paramName, int[] shape) {
        long count = 1;
        for (int d : shape) {
            count = d > 0 && count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
        }
        String what = name() + "/" + paramName + " " + Shape.toString(shape);
        if (count > Limits.maxParameters()) {
            throw new IllegalArgumentException(what + " has " + String.format(Locale.ROOT, "%,d", count)
                    + " values, more than the limit of " + String.format(Locale.ROOT, "%,d", Limits.maxParameters())
                    + " per weight tensor (-D" + Limits.MAX_PARAMETERS + "=N raises it)");
        }
        Limits.requireHeap(4 * count, what);
    }

    public int[] inputShape() {
        requireBuilt();
        if (inputShapes.length != 1) {
            throw new IllegalStateException(name() + " has " + inputShapes.length + " inputs: use inputShapes()");
        }
        return inputShapes[0].clone();
    }

    /** The shapes of all inputs, without the batch axis. */
    public int[][] inputShapes() {
        requireBuilt();
        int[][] out = new int[inputShapes.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = inputShapes[i].clone();
        }
        return out;
    }

    public int[] outputShape() {
        requireBuilt();
        return outputShape.clone();
    }

    protected void requireBuilt() {
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
            n += trains(p) ? p.value().size() : 0;
        }
        return n;
    }

    /**
     * Freezes ({@code false}) or unfreezes the layer, as Keras's {@code layer.trainable = False}: the
     * optimizer leaves a frozen layer's weights alone, and a frozen BatchNormalization runs in
     * inference mode. Takes effect at the next {@code fit}.
     */
    public Layer trainable(boolean value) {
        this.trainable = value;
        return this;
    }

    /** Whether the layer is trainable (not frozen). */
    public boolean trainable() {
        return trainable;
    }

    /** Whether the optimizer moves this parameter: it is trainable and its layer is not frozen. */
    public boolean trains(Parameter p) {
        return trainable && p.trainable();
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

    /** A node's scratch when its activation needs its input: the layer's own, and the values before it. */
    private record KeptInput(Object layer, float[] preActivation) {
    }

    /**
     * The working memory of one node ({@link #forwardActivated}, {@link #backwardActivated}): the
     * layer's {@link #createScratch}, with room for the values before the activation when it
     * {@link ActivationFunction#needsInput() needs them}.
     */
    public final Object createNodeScratch(int maxBatch) {
        Object own = createScratch(maxBatch);
        return activation().needsInput() ? new KeptInput(own, new float[maxBatch * Shape.size(outputShape)]) : own;
    }

    /**
     * The activation a layer may apply within its own forward ({@link #appliesActivation()}): its
     * activation, or none when that needs its input, which {@link #forwardActivated} keeps before applying it.
     */
    protected final ActivationFunction fusedActivation() {
        return activation().needsInput() ? ActivationFunction.LINEAR : activation();
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
     * Forward with several inputs (merge layers override this); single-input layers read {@code xs[0]}.
     */
    public void forward(float[][] xs, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        forward(xs[0], y, n, scratch, training, random);
    }

    /**
     * Backward with several inputs (merge layers override this): {@code dxs[i]} receives the gradient
     * w.r.t. input i, or is null when that gradient is not needed.
     */
    public void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch,
                         float[][] grads) {
        backward(xs[0], y, dy, dxs[0], n, scratch, grads);
    }

    /** Rows of the activation for {@code n} samples: the output's last axis is a row. */
    private int activationRows(int n) {
        int width = activationWidth();
        return width == 0 ? 0 : n * Shape.size(outputShape) / width;
    }

    private int activationWidth() {
        return outputShape.length == 0 ? 1 : outputShape[outputShape.length - 1];
    }

    /** Forward followed by the layer's own activation: what one node of a model computes. */
    public final void forwardActivated(float[][] xs, float[] y, int n, Object scratch, boolean training,
                                       SplittableRandom random) {
        KeptInput kept = keptInput(scratch);
        forward(xs, y, n, kept == null ? scratch : kept.layer(), training, random);
        if (kept != null) {
            System.arraycopy(y, 0, kept.preActivation(), 0, n * Shape.size(outputShape));
        }
        if (!appliesActivation()) {
            activation().forward(y, 0, activationRows(n), activationWidth());
        }
    }

    /** The kept input of a node's scratch, or null if the activation needs none. */
    private KeptInput keptInput(Object scratch) {
        if (!activation().needsInput()) {
            return null;
        }
        if (scratch instanceof KeptInput kept) {
            return kept;
        }
        throw new IllegalStateException(name() + ": its activation " + activation().kerasName() + " needs the"
                + " scratch of createNodeScratch (was the activation changed after the model was compiled?)");
    }

    /**
     * Backward of one node from {@code dy}, the gradient w.r.t. the activated output, which is turned
     * into the pre-activation gradient in place unless {@code preActivation} says it is one already
     * (softmax fused into the loss).
     */
    public final void backwardActivated(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch,
                                        float[][] grads, boolean preActivation) {
        KeptInput kept = keptInput(scratch);
        if (!preActivation) {
            activation().backward(kept == null ? null : kept.preActivation(), y, dy, 0, activationRows(n),
                    activationWidth());
        }
        backward(xs, y, dy, dxs, n, kept == null ? scratch : kept.layer(), grads);
    }

    /**
     * Applies the layer to symbolic tensors, as Keras's {@code layer(x)} in the Functional API: builds the
     * layer from their shapes (or checks them) and returns its output. A layer applied twice shares its
     * weights.
     */
    public SymbolicTensor apply(SymbolicTensor... inputs) {
        List<SymbolicTensor> out = applyAll(inputs);
        if (out.size() != 1) {
            throw new IllegalStateException(name() + " has " + out.size() + " outputs: use applyAll(...)");
        }
        return out.get(0);
    }

    /** {@link #apply} for layers with several outputs (a model used as a layer). */
    public List<SymbolicTensor> applyAll(SymbolicTensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException(name() + " (" + className() + ") was applied to no input");
        }
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape();
        }
        if (declaredInputShape != null && !Arrays.equals(declaredInputShape, shapes[0])) {
            throw new IllegalArgumentException(name() + " declares input shape " + Shape.withBatch(declaredInputShape)
                    + " but was applied to " + Shape.withBatch(shapes[0]));
        }
        // A built layer only checks the shapes: drawing a generator for it would shift every later draw.
        build(shapes, isBuilt() ? null : Tatami.newRandom());
        return new Node(this, List.of(inputs), List.of(outputShape)).outputs();
    }

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
        } else if (inputShapes.length != 1 || !Arrays.equals(sample, inputShapes[0])) {
            throw new IllegalArgumentException(name() + ": expected input shape " + describe(inputShapes)
                    + ", got " + Shape.toString(shape));
        }
        int n = shape[0];
        int[] outShape = new int[outputShape.length + 1];
        outShape[0] = n;
        System.arraycopy(outputShape, 0, outShape, 1, outputShape.length);
        Tensor y = Tensor.zeros(outShape);
        prepare(false);
        forwardActivated(new float[][] {x.data()}, y.data(), n, createNodeScratch(n), false, Tatami.newRandom());
        return y;
    }

    /** The layer's settings in Keras's config format (the {@code "config"} of {@code to_json()}). */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("trainable", trainable);
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
        return kerasObject("keras.initializers", init.className(), init.config());
    }

    /** An object of one of Keras's modules as Keras 3 serializes it: module, class_name, config, registered_name. */
    protected static Map<String, Object> kerasObject(String module, String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", module);
        m.put("class_name", className);
        m.put("config", config);
        m.put("registered_name", null);
        return m;
    }

    @Override
    public String toString() {
        return "<" + className() + " name=" + name() + (isBuilt() ? ", output " + Shape.withBatch(outputShape) : "")
                + ">";
    }
}
