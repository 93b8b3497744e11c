package org.tatami.models;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.TrainingControl;
import org.tatami.data.Dataset;
import org.tatami.io.Safetensors;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Names;
import org.tatami.layers.Node;
import org.tatami.layers.Parameter;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.Loss;
import org.tatami.metrics.Mean;
import org.tatami.metrics.Metric;
import org.tatami.optimizers.Optimizer;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * A model: a graph of layers from input tensors to output tensors, with Keras's model API
 * ({@code compile}, {@code fit}, {@code evaluate}, {@code predict}, {@code summary},
 * {@code getWeights}/{@code setWeights}). Built with the Functional API, as Keras's
 * {@code keras.Model(inputs, outputs)}:
 *
 * <pre>{@code
 * SymbolicTensor inputs = Input.of(28, 28, 1);
 * SymbolicTensor x = new Conv2D(32, 3).activation("relu").apply(inputs);
 * SymbolicTensor outputs = new Dense(10).activation("softmax").apply(new Flatten().apply(x));
 * Model model = new Model(inputs, outputs);
 * }</pre>
 *
 * {@link Sequential} is the special case of a chain. A model is a layer too: applied to tensors of
 * another model it runs as a part of it, with its weights shared.
 */
public class Model extends Layer implements TrainingControl {
    private List<SymbolicTensor> inputs;
    private List<SymbolicTensor> outputs;
    private List<Node> nodes;
    private List<Layer> layers;
    private Optimizer optimizer;
    private Loss[] losses;
    private float[] lossWeights;
    /** What compile was given as metrics: names and Metric objects, for every output. */
    private List<Object> metrics = List.of();
    /** Or the metrics of each output by name, as Keras's {@code metrics={...}}; null when not given so. */
    private Map<String, List<Object>> metricsByOutput;
    private Engine engine;
    /** The trainable flags the engine was planned for: freezing changes which gradients it computes. */
    private List<Boolean> engineTrainable;
    private TrainingRandom trainingRandom;
    private History history;
    private volatile boolean stopTraining;
    /** The running fit, its own callbacks, a backup they asked for and one being resumed; null outside fit. */
    private FitState running;
    private List<Callback> runningCallbacks;
    private Path backupRequest;
    private BackupWriter backupWriter;
    private Backup resuming;

    /** A model from one input to one output. */
    public Model(SymbolicTensor inputs, SymbolicTensor outputs) {
        this(List.of(inputs), List.of(outputs));
    }

    /** A model with several inputs or outputs; their order is the order of fit's and predict's lists. */
    public Model(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        this(Names.unique("functional"), inputs, outputs);
    }

    public Model(String name, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        this(name);
        setGraph(inputs, outputs);
    }

    /** A model whose graph a subclass sets later ({@link Sequential}). */
    protected Model(String name) {
        name(name);
    }

    /**
     * Sets the graph: the nodes from {@code inputs} to {@code outputs} in topological order. Every
     * tensor the outputs need must come from the inputs, and layer names must be unique.
     */
    protected final void setGraph(List<SymbolicTensor> newInputs, List<SymbolicTensor> newOutputs) {
        if (newInputs.isEmpty() || newOutputs.isEmpty()) {
            throw new IllegalArgumentException("model '" + name() + "' needs at least one input and one output");
        }
        Set<SymbolicTensor> given = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor t : newInputs) {
            if (!(t.layer() instanceof InputLayer)) {
                throw new IllegalArgumentException("model '" + name() + "': its inputs must come from Input.of(...), got "
                        + t);
            }
            if (!given.add(t)) {
                throw new IllegalArgumentException("model '" + name() + "': input " + t.layer().name() + " is given twice");
            }
        }
        List<Node> order = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor t : newOutputs) {
            visit(t.node(), order, seen, given);
        }
        List<Layer> distinct = new ArrayList<>();
        Set<Layer> have = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor t : newInputs) {
            if (have.add(t.layer())) {
                distinct.add(t.layer());
            }
        }
        for (Node node : order) {
            if (have.add(node.layer())) {
                distinct.add(node.layer());
            }
        }
        Set<String> names = new HashSet<>();
        for (Layer l : leafLayers(distinct)) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("model '" + name() + "' has two layers named '" + l.name()
                        + "': layer names must be unique");
            }
        }
        inputs = List.copyOf(newInputs);
        outputs = List.copyOf(newOutputs);
        nodes = List.copyOf(order);
        layers = Collections.unmodifiableList(distinct);
        engine = null;
    }

    private void visit(Node node, List<Node> order, Set<Node> seen, Set<SymbolicTensor> given) {
        if (!seen.add(node)) {
            return;
        }
        if (node.layer() instanceof InputLayer input) {
            if (!given.contains(node.outputs().get(0))) {
                throw new IllegalArgumentException("model '" + name() + "': the graph needs input '" + input.name()
                        + "', which is not among the model's inputs (graph disconnected)");
            }
        }
        for (SymbolicTensor t : node.inputs()) {
            visit(t.node(), order, seen, given);
        }
        order.add(node);
    }

    private static List<Layer> leafLayers(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            if (l instanceof Model m) {
                out.addAll(m.leafLayers());
            } else {
                out.add(l);
            }
        }
        return out;
    }

    /** Every layer that is not a model, nested models' layers in place of the model. */
    public List<Layer> leafLayers() {
        return leafLayers(layers());
    }

    @Override
    public String className() {
        return "Functional";
    }

    @Override
    protected String baseName() {
        return "functional";
    }

    /** The model's input tensors. */
    public List<SymbolicTensor> inputs() {
        requireBuilt();
        return inputs;
    }

    /** The model's output tensors. */
    public List<SymbolicTensor> outputs() {
        requireBuilt();
        return outputs;
    }

    /** The nodes from the inputs to the outputs, in the order the model runs them. */
    public List<Node> nodes() {
        requireBuilt();
        return nodes;
    }

    /** The layers in execution order, each once, as Keras's {@code model.layers} (InputLayers included). */
    public List<Layer> layers() {
        return layers == null ? List.of() : layers;
    }

    /** The names of the inputs (their InputLayers'), the keys of input maps. */
    public List<String> inputNames() {
        return inputs().stream().map(t -> t.layer().name()).toList();
    }

    /** The names of the outputs (the layers that produce them), the keys of target maps and of History. */
    public List<String> outputNames() {
        return outputs().stream().map(t -> t.layer().name()).toList();
    }

    @Override
    public boolean isBuilt() {
        return outputs != null && layers().stream().allMatch(Layer::isBuilt);
    }

    @Override
    protected final void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("model '" + name() + "' is not built: give its first layer an"
                    + " inputShape(...) or call build(...)");
        }
    }

    @Override
    public int[] inputShape() {
        requireBuilt();
        if (inputs.size() != 1) {
            throw new IllegalStateException("model '" + name() + "' has " + inputs.size() + " inputs: use inputShapes()");
        }
        return inputs.get(0).shape();
    }

    @Override
    public int[][] inputShapes() {
        requireBuilt();
        return inputs.stream().map(SymbolicTensor::shape).toArray(int[][]::new);
    }

    @Override
    public int[] outputShape() {
        requireBuilt();
        if (outputs.size() != 1) {
            throw new IllegalStateException("model '" + name() + "' has " + outputs.size()
                    + " outputs: use outputShapes()");
        }
        return outputs.get(0).shape();
    }

    /** The shapes of all outputs, without the batch axis. */
    public List<int[]> outputShapes() {
        requireBuilt();
        return outputs.stream().map(SymbolicTensor::shape).toList();
    }

    /**
     * The activation of the layer that produces output {@code k}, looked for inside a nested model that
     * returns it: {@code SOFTMAX} for a classifier that gives probabilities, others (as many ONNX exports'
     * {@code LINEAR}) for one that gives logits.
     */
    public ActivationFunction outputActivation(int k) {
        SymbolicTensor t = outputs().get(k);
        while (t.layer() instanceof Model inner) {
            t = inner.outputs().get(t.index());
        }
        return t.layer().activation();
    }

    /** Builds a model whose input shape was not known yet ({@link Sequential}); a built one checks the shape. */
    @Override
    public void build(int... inputShape) {
        build(new int[][] {inputShape}, isBuilt() ? null : Tatami.newRandom());
    }

    @Override
    public void build(int[][] shapes, SplittableRandom random) {
        requireBuilt();
        if (!Arrays.deepEquals(shapes, inputShapes())) {
            throw new IllegalArgumentException("model '" + name() + "' was built for input "
                    + describe(inputShapes()) + ", got " + describe(shapes));
        }
    }

    private static String describe(int[][] shapes) {
        List<String> parts = new ArrayList<>();
        for (int[] s : shapes) {
            parts.add(Shape.withBatch(s));
        }
        return shapes.length == 1 ? parts.get(0) : parts.toString();
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return outputShape();
    }

    /** Applies the model to tensors of another graph: it runs there as a part, its weights shared. */
    @Override
    public List<SymbolicTensor> applyAll(SymbolicTensor... args) {
        if (!isBuilt() && args.length == 1) {
            build(args[0].shape());
        }
        requireBuilt();
        int[][] shapes = new int[args.length][];
        for (int i = 0; i < args.length; i++) {
            shapes[i] = args[i].shape();
        }
        build(shapes, null);
        return Node.of(this, List.of(args), outputShapes()).outputs();
    }

    /** A model runs through its engine, never as a single layer's forward. */
    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        throw new UnsupportedOperationException("model '" + name() + "' runs through predict or as part of a model");
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        throw new UnsupportedOperationException("model '" + name() + "' runs through fit or as part of a model");
    }

    /** Runs the model on a batch, as Keras's {@code model(x)}: inference mode. */
    @Override
    public Tensor call(Tensor x) {
        return predict(x);
    }

    @Override
    public Model trainable(boolean value) {
        super.trainable(value);
        for (Layer l : layers()) {
            l.trainable(value);
        }
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : leafLayers()) {
            out.addAll(l.parameters());
        }
        return out;
    }

    @Override
    public int countParams() {
        int n = 0;
        for (Layer l : leafLayers()) {
            n += l.countParams();
        }
        return n;
    }

    @Override
    public int countTrainableParams() {
        int n = 0;
        for (Layer l : leafLayers()) {
            n += l.countTrainableParams();
        }
        return n;
    }

    public Layer getLayer(String layerName) {
        for (Layer l : layers()) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer named '" + layerName + "' in model '" + name() + "'");
    }

    /** Drops buffers sized for the old graph; called when it changes. */
    protected final void invalidate() {
        engine = null;
    }

    Engine engine() {
        requireBuilt();
        List<Boolean> flags = leafLayers().stream().map(Layer::trainable).toList();
        if (engine == null || !flags.equals(engineTrainable)) {
            engine = new Engine(this);
            engineTrainable = flags;
        }
        return engine;
    }

    /** The engine's steps, for tests and reports: layer names, fused steps as {@code conv+pool}. */
    List<String> plannedSteps() {
        return engine().describeSteps();
    }

    // ---- compile / fit / evaluate / predict ----

    /**
     * Sets the optimizer, one loss for every output and the metrics, as Keras's {@code compile}: metric
     * names ({@code "accuracy"}, {@code "precision"}, ... see {@link Metric#of}) or {@link Metric}
     * objects, computed for every output ({@code "accuracy"}, with several outputs, for those with a
     * classifying loss only).
     */
    public void compile(Optimizer opt, Loss lossFunction, Object... metrics) {
        compile(opt, (List<Loss>) null, null, metrics);
        this.losses = new Loss[] {lossFunction};
    }

    /** {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")} with Keras's defaults. */
    public void compile(String opt, String lossFunction, Object... metrics) {
        compile(Optimizer.of(opt), Loss.of(lossFunction), metrics);
    }

    /**
     * One loss per output, in the order of the outputs, and the weights of their sum ({@code null}: all
     * 1), as Keras's {@code compile(loss=[...], loss_weights=[...])}.
     */
    public void compile(Optimizer opt, List<Loss> perOutput, List<Double> weights, Object... metrics) {
        List<Object> specs = checkMetrics(metrics);
        if (perOutput != null && perOutput.isEmpty()) {
            throw new IllegalArgumentException("compile: the list of losses is empty");
        }
        if (weights != null && perOutput != null && weights.size() != perOutput.size()) {
            throw new IllegalArgumentException("compile: " + perOutput.size() + " losses but " + weights.size()
                    + " loss weights");
        }
        this.optimizer = opt;
        this.losses = perOutput == null ? null : perOutput.toArray(new Loss[0]);
        this.lossWeights = null;
        if (weights != null) {
            lossWeights = new float[weights.size()];
            for (int i = 0; i < lossWeights.length; i++) {
                lossWeights[i] = weights.get(i).floatValue();
            }
        }
        this.metrics = specs;
        this.metricsByOutput = null;
    }

    /**
     * Each output's own metrics, by output name, as Keras's {@code compile(metrics={"classes": ["accuracy"],
     * "value": ["mae"]})}; outputs not named get none. With one loss for all outputs give
     * {@code List.of(loss)}.
     */
    public void compile(Optimizer opt, List<Loss> perOutput, List<Double> weights,
                        Map<String, ? extends List<?>> metricsPerOutput) {
        Map<String, List<Object>> byOutput = byOutput(metricsPerOutput);
        compile(opt, perOutput, weights);
        this.metricsByOutput = byOutput;
    }

    /** Losses, loss weights and metrics by output name, as Keras's {@code compile(loss={...}, ..., metrics={...})}. */
    public void compile(Optimizer opt, Map<String, Loss> perOutput, Map<String, Double> weights,
                        Map<String, ? extends List<?>> metricsPerOutput) {
        Map<String, List<Object>> byOutput = byOutput(metricsPerOutput);
        compile(opt, perOutput, weights);
        this.metricsByOutput = byOutput;
    }

    private Map<String, List<Object>> byOutput(Map<String, ? extends List<?>> given) {
        List<String> names = outputNames();
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (String k : given.keySet()) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("compile: metrics for '" + k + "', which is not an output; the"
                        + " outputs are " + names);
            }
        }
        for (String n : names) {
            if (given.containsKey(n)) {
                out.put(n, checkMetrics(given.get(n).toArray()));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Names resolved (so that a wrong one fails now), objects kept; two metrics may not share a name. */
    private static List<Object> checkMetrics(Object[] given) {
        Set<String> names = new HashSet<>();
        for (Object m : given) {
            Metric metric;
            if (m instanceof String name) {
                metric = Metric.of(name);
            } else if (m instanceof Metric object) {
                metric = object;
            } else {
                throw new IllegalArgumentException("compile: a metric is a name or a Metric, got "
                        + (m == null ? "null" : m.getClass().getName()));
            }
            if (metric instanceof Mean) {
                throw new IllegalArgumentException("compile: Mean averages the values given to its updateState, not"
                        + " a function of targets and predictions; use a MeanMetricWrapper");
            }
            if (!names.add(metric.name())) {
                throw new IllegalArgumentException("compile: two metrics are named '" + metric.name()
                        + "'; give one another name with name(...)");
            }
        }
        return List.of(given);
    }

    /** Losses and loss weights by output name, as Keras's {@code compile(loss={...}, loss_weights={...})}. */
    public void compile(Optimizer opt, Map<String, Loss> perOutput, Map<String, Double> weights, Object... metrics) {
        List<String> names = outputNames();
        for (String k : perOutput.keySet()) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("compile: no output named '" + k + "'; the outputs are " + names);
            }
        }
        if (weights != null) {
            for (String k : weights.keySet()) {
                if (!names.contains(k)) {
                    throw new IllegalArgumentException("compile: loss weight for '" + k + "', which is not an output;"
                            + " the outputs are " + names);
                }
            }
        }
        List<Loss> list = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (String n : names) {
            Loss l = perOutput.get(n);
            if (l == null) {
                throw new IllegalArgumentException("compile: no loss for output '" + n + "'");
            }
            list.add(l);
            w.add(weights == null ? 1.0 : weights.getOrDefault(n, 1.0));
        }
        compile(opt, list, w, metrics);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The loss of the first output (the loss, for a model with one output). */
    public Loss loss() {
        return losses == null ? null : losses[0];
    }

    /** One loss per output. */
    public List<Loss> losses() {
        return losses == null ? null : List.of(resolvedLosses());
    }

    /** The loss weights per output (all 1 unless compile gave others). */
    public List<Double> lossWeights() {
        float[] w = resolvedWeights();
        List<Double> out = new ArrayList<>();
        for (float f : w) {
            out.add((double) f);
        }
        return out;
    }

    /** The metrics compile was given for every output, names and {@link Metric} objects, for model files. */
    public List<Object> metrics() {
        return metrics;
    }

    /** The metrics compile was given per output, by output name; or null when given for every output. */
    public Map<String, List<Object>> metricsByOutput() {
        return metricsByOutput;
    }

    private Loss[] resolvedLosses() {
        int outs = outputs().size();
        if (losses.length == outs) {
            return losses;
        }
        if (losses.length == 1) {
            Loss[] all = new Loss[outs];
            Arrays.fill(all, losses[0]);
            return all;
        }
        throw new IllegalStateException("model '" + name() + "' has " + outs + " outputs but was compiled with "
                + losses.length + " losses");
    }

    private float[] resolvedWeights() {
        int outs = outputs().size();
        if (lossWeights == null) {
            float[] w = new float[outs];
            Arrays.fill(w, 1f);
            return w;
        }
        return lossWeights;
    }

    /** What a training step optimizes and measures: the losses, their weights, each output's metrics. */
    Engine.Objective objective() {
        Loss[] ls = resolvedLosses();
        Metric[][] perOutput = new Metric[ls.length][];
        for (int k = 0; k < ls.length; k++) {
            List<Metric> list = new ArrayList<>();
            List<Object> specs = metricsByOutput == null ? metrics
                    : metricsByOutput.getOrDefault(outputNames().get(k), List.of());
            for (Object spec : specs) {
                Metric m = spec instanceof Metric object ? object : Metric.of((String) spec);
                // "accuracy" given for every output of several is reported for the classifying ones only.
                boolean accuracy = spec.equals("accuracy") || spec.equals("acc");
                if (ls.length == 1 || metricsByOutput != null || !accuracy || ls[k].classifies()) {
                    int width = engine().outputWidth(k);
                    m.checkShapes(ls[k].targetWidth(width), width);
                    list.add(m);
                }
            }
            perOutput[k] = list.toArray(new Metric[0]);
        }
        return new Engine.Objective(ls, resolvedWeights(), perOutput);
    }

    private void requireCompiled(String what) {
        if (optimizer == null || losses == null) {
            throw new IllegalStateException("model '" + name() + "' must be compiled before " + what
                    + ": call compile(optimizer, loss, metrics)");
        }
    }

    /** Trains on {@code x} with integer class labels {@code y}, as Keras's {@code fit}. */
    public History fit(Tensor x, IntTensor y, FitOptions options) {
        return fit(x, y.toFloat(), options);
    }

    /** Trains with float targets (one-hot rows, regression values). */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        return fit(List.of(x), List.of(y), options);
    }

    /** Trains with inputs and targets by name (input names, output names), as Keras's dicts. */
    public History fit(Map<String, Tensor> x, Map<String, Tensor> y, FitOptions options) {
        requireBuilt();
        return fit(byName("input", inputNames(), x), byName("target", outputNames(), y), options);
    }

    private static List<Tensor> byName(String what, List<String> names, Map<String, Tensor> given) {
        for (String k : given.keySet()) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("no " + (what.equals("input") ? "input" : "output") + " named '" + k
                        + "'; the model's are " + names);
            }
        }
        List<Tensor> out = new ArrayList<>();
        for (String n : names) {
            Tensor t = given.get(n);
            if (t == null) {
                throw new IllegalArgumentException("no " + what + " given for '" + n + "'");
            }
            out.add(t);
        }
        return out;
    }

    /**
     * Trains a model with several inputs and outputs: one tensor per input and one target tensor per
     * output, in the order of {@link #inputs()} and {@link #outputs()}. The History has the total
     * {@code loss} and, with several outputs, {@code <output>_loss} and {@code <output>_accuracy} per
     * output, as Keras names them.
     */
    public History fit(List<Tensor> x, List<Tensor> y, FitOptions options) {
        requireCompiled("fit");
        buildFrom(x);
        int samples = checkData("x", x, "y", y);
        float[] weights = SampleWeights.of(options.classWeight(), options.sampleWeight(), y, samples);
        List<Tensor> valX = options.validationX();
        List<Tensor> valY = options.validationY();
        float[] valWeights = null;
        int trainSamples = samples;
        if (options.validationSplit() > 0 && valX == null && options.validationDataset() == null) {
            // Keras's train_validation_split: the last fraction, before any shuffling.
            int splitAt = (int) Math.floor(samples * (1.0 - options.validationSplit()));
            if (splitAt == 0 || splitAt == samples) {
                throw new IllegalArgumentException("validation_split=" + options.validationSplit() + " of " + samples
                        + " samples leaves " + (splitAt == 0 ? "none to train on" : "none to validate on")
                        + ": give more data or another validation_split");
            }
            valX = x.stream().map(t -> t.slice(splitAt, samples)).toList();
            valY = y.stream().map(t -> t.slice(splitAt, samples)).toList();
            // Keras weighs validation samples by sample_weight, never by class_weight.
            valWeights = options.sampleWeight() == null ? null : Arrays.copyOfRange(weights, splitAt, samples);
            trainSamples = splitAt;
        }
        float[][] xs = x.stream().map(Tensor::data).toArray(float[][]::new);
        float[][] ys = y.stream().map(Tensor::data).toArray(float[][]::new);
        int[] targetSizes = y.stream().mapToInt(t -> t.size() / Math.max(samples, 1)).toArray();
        Supplier<Map<String, Double>> validation = validation(options, valX, valY, valWeights);
        try (Batches batches = new ArrayBatches(xs, ys, weights, targetSizes, trainSamples, options.batchSize(),
                options.shuffle() ? trainingRandom() : null)) {
            return train(batches, validation, options);
        }
    }

    /**
     * Trains on a Dataset of labelled batches, as Keras's {@code fit(dataset)}: one pass per epoch, one step
     * per element, in the data set's order (it shuffles itself); elements may carry sample weights. The
     * progress bar's total is the data set's cardinality, or "Unknown" in the first epoch.
     */
    public History fit(Dataset train, FitOptions options) {
        requireCompiled("fit");
        requireBuilt();
        if (options.validationSplit() > 0) {
            throw new IllegalArgumentException("validation_split is for arrays: a Dataset has no last fraction to"
                    + " take; give validation data (a Dataset's take/skip can split one)");
        }
        if (options.sampleWeight() != null) {
            throw new IllegalArgumentException("sample_weight is for arrays: a Dataset's elements carry their own"
                    + " weights (Element.of(x, y, sampleWeight))");
        }
        if (train.cardinality() == Dataset.INFINITE) {
            throw new IllegalArgumentException("the training Dataset is infinite, so an epoch would never end:"
                    + " take(n) of it");
        }
        Supplier<Map<String, Double>> validation = validation(options, options.validationX(),
                options.validationY(), null);
        try (Batches batches = new DatasetBatches(this, train, options.classWeight())) {
            return train(batches, validation, options);
        }
    }

    /** What evaluates the validation data at the end of each epoch, checked now; null without validation data. */
    private Supplier<Map<String, Double>> validation(FitOptions options, List<Tensor> x, List<Tensor> y,
                                                     float[] weights) {
        if (options.validationDataset() != null) {
            Dataset data = options.validationDataset();
            return () -> evaluate(data);
        }
        if (x == null) {
            return null;
        }
        checkData("validation x", x, "validation y", y);
        return () -> evaluate(x, y, weights);
    }

    /**
     * The training loop: epochs of batches, each step's update, the callbacks, the validation, the History.
     * It runs from where {@link FitState} stands, which a backup may have set to the middle of an epoch.
     */
    private History train(Batches batches, Supplier<Map<String, Double>> validation, FitOptions options) {
        Engine e = engine();
        Engine.Objective objective = objective();
        List<Callback> callbacks = options.callbacksWithProgress();
        List<Boolean> trains = trainsPerArray(e);
        List<float[]> params = trainableArrays();
        TrainingRandom random = trainingRandom();
        int steps = batches.steps();
        FitState state = new FitState(objective, batches.samples(), options.batchSize(), steps,
                options.initialEpoch());
        stopTraining = false;
        running = state;
        runningCallbacks = options.callbacks();
        try {
            callbacks.forEach(c -> c.setModel(this));
            callbacks.forEach(c -> c.onTrainBegin(options.epochs(), steps, batches.samples()));
            if (resuming != null) {
                try {
                    resuming.resume(state, runningCallbacks);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            while (state.epoch < options.epochs() && !stopTraining) {
                final int ep = state.epoch;
                long start = System.nanoTime();
                callbacks.forEach(c -> c.onEpochBegin(ep));
                boolean resumed = state.midEpoch();
                if (resumed && state.resumeLearningRate != null) {
                    // The rate the epoch ran with when the backup was written, whatever onEpochBegin set.
                    optimizer.setLearningRate(state.resumeLearningRate);
                }
                batches.startEpoch(resumed ? random.epochs - 1 : random.startEpoch());
                batches.skip(state.step);
                Map<String, Double> logs = new LinkedHashMap<>(metricsOf(e, objective, state.lossSums, state.metrics,
                        state.penalties, state.seen));
                boolean cutShort = false;
                while (batches.next()) {
                    if (stopTraining) {
                        cutShort = true;
                        break;
                    }
                    Engine.Totals t = e.trainStep(batches.xs, batches.ys, batches.weights, batches.targetSizes(),
                            batches.order, batches.from, batches.count, batches.count, objective,
                            random.nextStepSeed());
                    List<float[]> gradients = e.gradients();
                    // The weights' penalties at each step, times its samples: Keras reports their mean in the loss.
                    double penalty = Regularization.addGradients(e.layers(), gradients) * batches.count;
                    optimizer.apply(params, trainable(trains, gradients));
                    Regularization.constrain(e.layers());
                    state.add(t, batches.count, penalty);
                    logs.clear();
                    logs.putAll(metricsOf(e, objective, state.lossSums, state.metrics, state.penalties, state.seen));
                    final int s = state.step;
                    callbacks.forEach(c -> c.onBatchEnd(s, logs));
                    writeRequestedBackup(state, seconds(start));
                }
                if (cutShort) {
                    // Unlike Keras, History holds whole epochs only: a part of one would pass for an epoch.
                    break;
                }
                if (validation != null) {
                    validation.get().forEach((k, v) -> logs.put("val_" + k, v));
                }
                double rate = optimizer.learningRate();
                // As Keras's History (the last callback), the logs are recorded after the callbacks have seen
                // them: what they add (ReduceLROnPlateau's learning_rate) is in the History.
                callbacks.forEach(c -> c.onEpochEnd(ep, logs));
                logs.putIfAbsent("learning_rate", rate);
                state.endEpoch(logs, seconds(start));
                writeRequestedBackup(state, 0);
            }
            closeBackupWriter();
            if (options.epochs() > 0) {
                // As Keras's fit: with use_ema the weights become their moving averages now.
                optimizer.finalizeVariableValues(params);
            }
            callbacks.forEach(Callback::onTrainEnd);
        } catch (RuntimeException | Error ex) {
            try {
                closeBackupWriter();
            } catch (RuntimeException late) {
                ex.addSuppressed(late);
            }
            throw ex;
        } finally {
            running = null;
            runningCallbacks = null;
            backupRequest = null;
            resuming = null;
        }
        this.history = state.history;
        return state.history;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Writes the backup a callback asked for during this batch or epoch end, if one did. */
    private void writeRequestedBackup(FitState state, double epochSeconds) {
        Path file = backupRequest;
        if (file == null) {
            return;
        }
        backupRequest = null;
        if (backupWriter == null) {
            backupWriter = new BackupWriter();
        }
        backupWriter.write(file, Backup.entries(this, state, trainingRandom, runningCallbacks,
                state.secondsBefore + epochSeconds));
    }

    /** Waits for the backup being written, so that it is on disk before the callbacks see the end of training. */
    private void closeBackupWriter() {
        BackupWriter w = backupWriter;
        backupWriter = null;
        if (w != null) {
            w.close();
        }
    }

    @Override
    public void requestBackup(Path file) {
        if (running == null) {
            throw new IllegalStateException("model '" + name() + "': a backup can only be asked for during fit");
        }
        backupRequest = file;
    }

    @Override
    public String restoreBackup(Path file) throws IOException {
        if (running == null) {
            throw new IllegalStateException("model '" + name() + "': a backup can only be restored when fit starts");
        }
        resuming = Backup.restore(this, running, runningCallbacks, file);
        return resuming.position();
    }

    /** The random streams of training, as a backup or a model file restores them. */
    void setTrainingRandom(TrainingRandom random) {
        this.trainingRandom = random;
    }

    /** The random streams of training, or null before the first training step: what a model file saves. */
    TrainingRandom savedTrainingRandom() {
        return trainingRandom;
    }

    /**
     * The random streams of this model's training (each epoch's shuffle, each step's noise), drawn from the
     * session's when first needed; training spread over machines draws from them as fit does.
     */
    public TrainingRandom trainingRandom() {
        if (trainingRandom == null) {
            trainingRandom = new TrainingRandom(Tatami.newRandom().nextLong(), 0, 0);
        }
        return trainingRandom;
    }

    /** Keras's {@code model.stop_training}: asks a running {@code fit} to stop before its next batch. */
    @Override
    public void stopTraining(boolean stop) {
        stopTraining = stop;
    }

    @Override
    public boolean stopTraining() {
        return stopTraining;
    }

    /**
     * Keras's figures from per-output sums over {@code samples} samples and metric states: the loss, each
     * output's loss when several, then the metrics (named {@code <output>_<metric>} when several outputs).
     * The loss includes the weights' penalties, {@code penalties} being their sum weighed by samples.
     */
    private Map<String, Double> metricsOf(Engine e, Engine.Objective objective, double[] lossSums,
                                          double[][][] states, double penalties, long samples) {
        Map<String, Double> logs = new LinkedHashMap<>();
        int outs = lossSums.length;
        double total = penalties / Math.max(samples, 1);
        double[] means = new double[outs];
        for (int k = 0; k < outs; k++) {
            means[k] = lossSums[k] / Math.max(samples * e.outputRows(k), 1);
            total += objective.weights()[k] * means[k];
        }
        logs.put("loss", total);
        List<String> names = outputNames();
        for (int k = 0; k < outs && outs > 1; k++) {
            logs.put(names.get(k) + "_loss", means[k]);
        }
        for (int k = 0; k < outs; k++) {
            Metric[] ms = objective.metrics()[k];
            for (int m = 0; m < ms.length; m++) {
                logs.put(outs > 1 ? names.get(k) + "_" + ms[m].name() : ms[m].name(), ms[m].result(states[k][m]));
            }
        }
        return logs;
    }

    /**
     * One training step on the whole of {@code x} and {@code y}, in order, as Keras's {@code train_on_batch}:
     * returns the batch's loss and metrics (as Keras 3 now does, not a running mean over earlier calls).
     */
    public Map<String, Double> trainOnBatch(Tensor x, Tensor y) {
        return trainOnBatch(List.of(x), List.of(y));
    }

    public Map<String, Double> trainOnBatch(Tensor x, IntTensor y) {
        return trainOnBatch(x, y.toFloat());
    }

    /** {@link #trainOnBatch(Tensor, Tensor)} for a model with several inputs and outputs. */
    public Map<String, Double> trainOnBatch(List<Tensor> x, List<Tensor> y) {
        requireCompiled("train_on_batch");
        buildFrom(x);
        Engine e = engine();
        int samples = checkData("x", x, "y", y);
        Engine.Objective objective = objective();
        int[] order = new int[samples];
        TrainingRandom.identity(order);
        int[] targetSizes = y.stream().mapToInt(t -> t.size() / Math.max(samples, 1)).toArray();
        Engine.Totals t = e.trainStep(x.stream().map(Tensor::data).toArray(float[][]::new),
                y.stream().map(Tensor::data).toArray(float[][]::new), null, targetSizes, order, 0, samples, samples,
                objective, trainingRandom().nextStepSeed());
        List<float[]> gradients = e.gradients();
        double penalty = Regularization.addGradients(e.layers(), gradients) * samples;
        optimizer.apply(trainableArrays(), trainable(trainsPerArray(e), gradients));
        Regularization.constrain(e.layers());
        return metricsOf(e, objective, t.loss(), t.metrics(), penalty, samples);
    }

    /** Loss and metrics on one batch, without training, as Keras's {@code test_on_batch}. */
    public Map<String, Double> testOnBatch(Tensor x, Tensor y) {
        return evaluate(x, y);
    }

    public Map<String, Double> testOnBatch(Tensor x, IntTensor y) {
        return evaluate(x, y);
    }

    public Map<String, Double> testOnBatch(List<Tensor> x, List<Tensor> y) {
        return evaluate(x, y);
    }

    /** The outputs for one batch, as Keras's {@code predict_on_batch}. */
    public Tensor predictOnBatch(Tensor x) {
        return predict(x);
    }

    public List<Tensor> predictOnBatch(List<Tensor> x) {
        return predict(x);
    }

    /** The arrays that belong to trainable parameters: the optimizer sees only those. */
    private static List<float[]> trainable(List<Boolean> trains, List<float[]> arrays) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < trains.size(); i++) {
            if (trains.get(i)) {
                out.add(arrays.get(i));
            }
        }
        return out;
    }

    // ---- one step in two halves, for training spread over machines ----

    /**
     * The loss figures and gradients of a batch, nothing updated: the samples {@code samples} of
     * {@code x} and {@code y} (indices, in this order) run forward and backward in training mode as in
     * {@link #fit}, each sample's loss divided by {@code batchSize}, the size of the whole batch that
     * these samples may be a share of; the shares' gradients then add up to the batch's. {@code seed}
     * draws the dropout masks. The result holds one array per trainable weight, for {@link #applyGradients}.
     */
    public Gradients computeGradients(List<Tensor> x, List<Tensor> y, int[] samples, int batchSize, long seed) {
        requireCompiled("computeGradients");
        buildFrom(x);
        Engine e = engine();
        int n = checkData("x", x, "y", y);
        if (batchSize < samples.length) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is smaller than the " + samples.length
                    + " samples given");
        }
        for (int i : samples) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("sample index " + i + " is outside x's " + n + " samples");
            }
        }
        List<Boolean> trains = trainsPerArray(e);
        List<float[]> grads;
        Engine.Objective objective = objective();
        double[] loss = new double[e.outputs()];
        double[][][] metricStates = objective.newStates();
        if (samples.length == 0) {
            grads = trainableArrays().stream().map(p -> new float[p.length]).toList();
        } else {
            float[][] xs = x.stream().map(Tensor::data).toArray(float[][]::new);
            float[][] ys = y.stream().map(Tensor::data).toArray(float[][]::new);
            int[] targetSizes = y.stream().mapToInt(t -> t.size() / Math.max(n, 1)).toArray();
            Engine.Totals t = e.trainStep(xs, ys, null, targetSizes, samples, 0, samples.length, batchSize,
                    objective, seed);
            loss = t.loss();
            metricStates = t.metrics();
            // Copies: the engine reuses its gradient buffers in the next step.
            grads = trainable(trains, e.gradients()).stream().map(float[]::clone).toList();
        }
        return new Gradients(loss, metricStates, samples.length, grads.toArray(float[][]::new));
    }

    /**
     * One optimizer update with gradients from {@link #computeGradients} (a batch's, or its shares' summed),
     * as {@link #fit} makes after each batch. Clipping, if the optimizer clips, scales them in place.
     */
    public void applyGradients(Gradients gradients) {
        requireCompiled("applyGradients");
        List<float[]> params = trainableArrays();
        float[][] grads = gradients.values();
        if (grads.length != params.size()) {
            throw new IllegalArgumentException("model '" + name() + "' has " + params.size()
                    + " trainable weight arrays, got " + grads.length + " gradient arrays");
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i].length != params.get(i).length) {
                throw new IllegalArgumentException("gradient " + i + " of model '" + name() + "' has "
                        + grads[i].length + " values, its weight " + params.get(i).length);
            }
        }
        // The weights' penalties count once per batch, on the summed gradients, as in fit.
        List<float[]> perArray = new ArrayList<>();
        int next = 0;
        for (Layer l : engine().layers()) {
            for (Parameter p : l.parameters()) {
                perArray.add(l.trains(p) ? grads[next++] : null);
            }
        }
        Regularization.addGradients(engine().layers(), perArray);
        optimizer.apply(params, List.of(grads));
        Regularization.constrain(engine().layers());
    }

    /**
     * The weights the optimizer moves (Keras's {@code model.trainable_weights}), in the order of the
     * arrays of {@link #computeGradients}; each tensor is the weight itself, not a copy.
     */
    public List<Tensor> trainableWeights() {
        List<Tensor> out = new ArrayList<>();
        for (Layer l : engine().layers()) {
            for (Parameter p : l.parameters()) {
                if (l.trains(p)) {
                    out.add(p.value());
                }
            }
        }
        return out;
    }

    /**
     * The logs {@link #fit} reports (loss, accuracy, per output with several) for figures summed over
     * {@code samples} samples, as {@link Gradients} holds them: per output the loss and each metric's state.
     */
    public Map<String, Double> logs(double[] lossSums, double[][][] metricStates, long samples) {
        requireCompiled("logs");
        return metricsOf(engine(), objective(), lossSums, metricStates,
                Regularization.penalty(engine().layers()) * samples, samples);
    }

    private List<float[]> trainableArrays() {
        return trainableWeights().stream().map(Tensor::data).toList();
    }

    /** Per parameter of the engine's layers, in order: whether the optimizer moves it. */
    private static List<Boolean> trainsPerArray(Engine e) {
        List<Boolean> trains = new ArrayList<>();
        for (Layer l : e.layers()) {
            for (Parameter p : l.parameters()) {
                trains.add(l.trains(p));
            }
        }
        return trains;
    }

    /** Loss and accuracy on labelled data, as Keras's {@code evaluate(..., return_dict=True)}. */
    public Map<String, Double> evaluate(Tensor x, IntTensor y) {
        return evaluate(x, y.toFloat());
    }

    public Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(List.of(x), List.of(y));
    }

    /**
     * Evaluates in batches; the batch size only bounds memory and does not change the figures, since
     * inference runs in fixed chunks either way.
     */
    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        return evaluate(x, y);
    }

    /** Evaluates a model with several inputs and outputs; the keys are those of {@link #fit(List, List, FitOptions)}. */
    public Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y) {
        return evaluate(x, y, null);
    }

    /** As {@link #evaluate(List, List)}, each sample's loss weighted by {@code sampleWeights} if not null. */
    private Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y, float[] sampleWeights) {
        requireCompiled("evaluate");
        buildFrom(x);
        int samples = checkData("x", x, "y", y);
        Engine e = engine();
        Engine.Objective objective = objective();
        float[][] xs = x.stream().map(Tensor::data).toArray(float[][]::new);
        float[][] ys = y.stream().map(Tensor::data).toArray(float[][]::new);
        int[] targetSizes = y.stream().mapToInt(t -> t.size() / Math.max(samples, 1)).toArray();
        Engine.Totals t = e.infer(xs, samples, ys, sampleWeights, targetSizes, objective, null);
        return metricsOf(e, objective, t.loss(), t.metrics(), Regularization.penalty(e.layers()) * samples, samples);
    }

    /**
     * Loss and accuracy over every batch of a Dataset of labelled batches (weighted by the elements' sample
     * weights, if they have any), as Keras's {@code evaluate(dataset)}.
     */
    public Map<String, Double> evaluate(Dataset data) {
        requireCompiled("evaluate");
        requireBuilt();
        Engine e = engine();
        Engine.Objective objective = objective();
        double[] loss = new double[e.outputs()];
        double[][][] states = objective.newStates();
        long samples = 0;
        try (Dataset.ElementIterator it = data.iterator()) {
            while (it.hasNext()) {
                Dataset.Element el = it.next();
                int n = checkElement("dataset", el, true);
                float[] weights = SampleWeights.of(null, el.sampleWeight(), el.ys(), n);
                int[] targetSizes = el.ys().stream().mapToInt(t -> t.size() / n).toArray();
                Engine.Totals t = e.infer(el.xs().stream().map(Tensor::data).toArray(float[][]::new), n,
                        el.ys().stream().map(Tensor::data).toArray(float[][]::new), weights, targetSizes, objective,
                        null);
                for (int k = 0; k < loss.length; k++) {
                    loss[k] += t.loss()[k];
                    for (int m = 0; m < states[k].length; m++) {
                        Engine.addInto(states[k][m], t.metrics()[k][m]);
                    }
                }
                samples += n;
            }
        }
        if (samples == 0) {
            throw new IllegalArgumentException("evaluate: the Dataset gave no batch: it is empty");
        }
        return metricsOf(e, objective, loss, states, Regularization.penalty(e.layers()) * samples, samples);
    }

    /** The model's output for every batch of a Dataset, in order, for a model with one output; targets are ignored. */
    public Tensor predict(Dataset data) {
        List<Tensor> out = predictOutputs(data);
        if (out.size() != 1) {
            throw new IllegalStateException("model '" + name() + "' has " + out.size()
                    + " outputs: use predictOutputs(dataset), which returns one tensor per output");
        }
        return out.get(0);
    }

    /** The outputs, one tensor per output, for every batch of a Dataset, in order. */
    public List<Tensor> predictOutputs(Dataset data) {
        requireBuilt();
        Engine e = engine();
        int outs = e.outputs();
        List<List<float[]>> parts = new ArrayList<>();
        for (int k = 0; k < outs; k++) {
            parts.add(new ArrayList<>());
        }
        int samples = 0;
        try (Dataset.ElementIterator it = data.iterator()) {
            while (it.hasNext()) {
                Dataset.Element el = it.next();
                int n = checkElement("dataset", el, false);
                float[][] out = new float[outs][];
                for (int k = 0; k < outs; k++) {
                    out[k] = new float[Math.multiplyExact(n, e.outputSize(k))];
                    parts.get(k).add(out[k]);
                }
                e.infer(el.xs().stream().map(Tensor::data).toArray(float[][]::new), n, null, null, null, null,
                        out);
                samples = Math.addExact(samples, n);
            }
        }
        List<Tensor> result = new ArrayList<>();
        for (int k = 0; k < outs; k++) {
            float[] all = new float[Math.multiplyExact(samples, e.outputSize(k))];
            int at = 0;
            for (float[] part : parts.get(k)) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            int[] shape = e.outputShape(k);
            int[] withBatch = new int[shape.length + 1];
            withBatch[0] = samples;
            System.arraycopy(shape, 0, withBatch, 1, shape.length);
            result.add(Tensor.of(all, withBatch));
        }
        return result;
    }

    /**
     * Checks one element of a Dataset against the model (one batch per input, targets when {@code targets}),
     * and returns its batch size. A missing batch axis is named as such: the data set is not batched.
     */
    int checkElement(String what, Dataset.Element el, boolean targets) {
        requireBuilt();
        for (int i = 0; i < Math.min(el.xs().size(), inputs.size()); i++) {
            int[] expected = inputs.get(i).shape();
            if (el.xs().get(i).rank() == expected.length) {
                throw new IllegalArgumentException(what + " x has shape " + Shape.toString(el.xs().get(i).shape())
                        + ", model '" + name() + "' expects batches " + Shape.withBatch(expected)
                        + ": batch the Dataset, e.g. dataset.batch(32)");
            }
        }
        if (!targets) {
            return checkInputs(what + " x", el.xs());
        }
        if (el.ys().isEmpty()) {
            throw new IllegalArgumentException(what + ": the elements have no targets (y), which training and"
                    + " evaluating need");
        }
        return checkData(what + " x", el.xs(), what + " y", el.ys());
    }

    /** The model's output for a batch of inputs, as Keras's {@code predict}; a model with one input and output. */
    public Tensor predict(Tensor x) {
        List<Tensor> out = predict(List.of(x));
        if (out.size() != 1) {
            throw new IllegalStateException("model '" + name() + "' has " + out.size()
                    + " outputs: use predict(List.of(x)), which returns one tensor per output");
        }
        return out.get(0);
    }

    /** The outputs, one tensor per output, for one tensor per input. */
    public List<Tensor> predict(List<Tensor> x) {
        buildFrom(x);
        int samples = checkInputs("x", x);
        Engine e = engine();
        float[][] out = new float[e.outputs()][];
        List<Tensor> result = new ArrayList<>();
        for (int k = 0; k < e.outputs(); k++) {
            int[] shape = e.outputShape(k);
            int[] withBatch = new int[shape.length + 1];
            withBatch[0] = samples;
            System.arraycopy(shape, 0, withBatch, 1, shape.length);
            Tensor t = Tensor.zeros(withBatch);
            out[k] = t.data();
            result.add(t);
        }
        e.infer(x.stream().map(Tensor::data).toArray(float[][]::new), samples, null, null, null, null, out);
        return result;
    }

    /** Builds the model from data's shape if its first layer declared none (Keras's deferred build). */
    private void buildFrom(List<Tensor> x) {
        if (!isBuilt() && x.size() == 1 && x.get(0).rank() >= 1) {
            build(Arrays.copyOfRange(x.get(0).shape(), 1, x.get(0).rank()));
        }
    }

    private int checkInputs(String what, List<Tensor> x) {
        requireBuilt();
        if (x.size() != inputs.size()) {
            throw new IllegalArgumentException(what + ": model '" + name() + "' has " + inputs.size()
                    + " input(s) " + inputNames() + ", got " + x.size() + " tensor(s)");
        }
        int samples = -1;
        for (int i = 0; i < x.size(); i++) {
            int[] expected = inputs.get(i).shape();
            int[] s = x.get(i).shape();
            String label = x.size() == 1 ? what : what + " for input '" + inputNames().get(i) + "'";
            if (s.length != expected.length + 1 || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), expected)) {
                throw new IllegalArgumentException(label + " has shape " + Shape.toString(s) + ", model '" + name()
                        + "' expects " + Shape.withBatch(expected));
            }
            if (samples >= 0 && s[0] != samples) {
                throw new IllegalArgumentException(label + " has " + s[0] + " samples, the first input " + samples);
            }
            samples = s[0];
        }
        return samples;
    }

    private int checkData(String xName, List<Tensor> x, String yName, List<Tensor> y) {
        int samples = checkInputs(xName, x);
        if (y == null) {
            throw new IllegalArgumentException(yName + " is missing");
        }
        Engine e = engine();
        if (y.size() != e.outputs()) {
            throw new IllegalArgumentException(yName + ": model '" + name() + "' has " + e.outputs() + " output(s) "
                    + outputNames() + ", got " + y.size() + " target tensor(s)");
        }
        Loss[] ls = resolvedLosses();
        for (int k = 0; k < y.size(); k++) {
            Tensor t = y.get(k);
            String label = y.size() == 1 ? yName : yName + " for output '" + outputNames().get(k) + "'";
            if (t.rank() < 1 || t.shape(0) != samples) {
                throw new IllegalArgumentException(xName + " has " + samples + " samples but " + label + " has shape "
                        + Shape.toString(t.shape()));
            }
            int perSample = ls[k].targetWidth(e.outputWidth(k)) * e.outputRows(k);
            if (t.size() != (long) samples * perSample) {
                throw new IllegalArgumentException(label + " has shape " + Shape.toString(t.shape()) + ": loss "
                        + ls[k].name() + " needs " + perSample + " target value(s) per sample for output shape "
                        + Shape.withBatch(e.outputShape(k)));
            }
            ls[k].checkTargets(t.data(), samples * e.outputRows(k), e.outputWidth(k));
        }
        return samples;
    }

    // ---- weights ----

    /** Every layer's weights in order, as Keras's {@code model.get_weights()}. */
    @Override
    public List<Tensor> getWeights() {
        List<Tensor> out = new ArrayList<>();
        for (Layer l : layers()) {
            out.addAll(l.getWeights());
        }
        return out;
    }

    @Override
    public void setWeights(List<Tensor> weights) {
        requireBuilt();
        int expected = parameters().size();
        if (weights.size() != expected) {
            throw new IllegalArgumentException("model '" + name() + "' has " + expected + " weight tensors, got "
                    + weights.size());
        }
        int i = 0;
        for (Layer l : layers()) {
            int k = l.parameters().size();
            l.setWeights(weights.subList(i, i + k));
            i += k;
        }
    }

    /** Weights by full name ({@code conv2d/kernel}, {@code conv2d/bias}, ...), in layer order. */
    public Map<String, Tensor> namedWeights() {
        requireBuilt();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Layer l : leafLayers()) {
            for (Parameter p : l.parameters()) {
                out.put(l.name() + "/" + p.name(), p.value());
            }
        }
        return out;
    }

    /**
     * Writes every weight to a safetensors file, named {@code layer/kernel}, {@code layer/bias}, in Keras's
     * shapes (as Keras's {@code save_weights}). The write is atomic.
     */
    public void saveWeights(Path file) throws IOException {
        Safetensors.write(file, namedWeights(), Map.of("format", "tatami", "model", name()));
    }

    /**
     * Loads weights written by {@link #saveWeights} into this model. Every tensor of the model must be
     * in the file with the same shape and finite values, and the file must hold nothing else; otherwise
     * nothing is changed and the exception names the file, the tensor and the difference.
     */
    public void loadWeights(Path file) throws IOException {
        setNamedWeights(Safetensors.read(file).tensors(), file.getFileName().toString());
    }

    /**
     * Sets weights from named tensors, checking everything before changing anything. Tensors are
     * matched by name; when the names differ but count and shapes agree in order (the same
     * architecture built in another session, where Keras would have named it {@code dense_2}), they
     * are matched by position, as Keras's {@code load_weights} does. Values that are NaN or infinite are
     * refused ({@link NonFiniteWeightsException}).
     */
    public void setNamedWeights(Map<String, Tensor> tensors, String source) throws IOException {
        Map<String, Tensor> mine = namedWeights();
        List<Tensor> targets = new ArrayList<>(mine.values());
        List<Tensor> sources = new ArrayList<>();
        if (tensors.keySet().equals(mine.keySet())) {
            mine.keySet().forEach(k -> sources.add(tensors.get(k)));
        } else if (sameShapesInOrder(new ArrayList<>(tensors.values()), targets)) {
            sources.addAll(tensors.values());
        } else {
            throw new WeightsMismatchException(source + ": " + describeMismatch(tensors, mine));
        }
        for (int i = 0; i < targets.size(); i++) {
            if (!Arrays.equals(sources.get(i).shape(), targets.get(i).shape())) {
                String k = new ArrayList<>(mine.keySet()).get(i);
                throw new WeightsMismatchException(source + ": tensor '" + k + "' has shape "
                        + Shape.toString(sources.get(i).shape()) + ", model '" + name() + "' expects "
                        + Shape.toString(targets.get(i).shape()));
            }
        }
        Map<String, Tensor> matched = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(mine.keySet());
        for (int i = 0; i < names.size(); i++) {
            matched.put(names.get(i), sources.get(i));
        }
        requireFinite(matched, source);
        for (int i = 0; i < targets.size(); i++) {
            System.arraycopy(sources.get(i).data(), 0, targets.get(i).data(), 0, targets.get(i).size());
        }
    }

    /**
     * Refuses weights with NaN or infinite values, naming {@code source}, the first such tensor and how many
     * of its values are not finite. Loading from tatami's own files does this itself; importers of other
     * formats call it once the weights are set.
     */
    public void requireFiniteWeights(String source) throws NonFiniteWeightsException {
        requireFinite(namedWeights(), source);
    }

    private static void requireFinite(Map<String, Tensor> tensors, String source) throws NonFiniteWeightsException {
        String first = null;
        long firstCount = 0;
        int tensorsAffected = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long count = 0;
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) {
                    count++;
                }
            }
            if (count > 0) {
                tensorsAffected++;
                if (first == null) {
                    first = e.getKey();
                    firstCount = count;
                }
            }
        }
        if (first != null) {
            throw new NonFiniteWeightsException(String.format(Locale.ROOT,
                    "%s: tensor '%s' holds %,d non-finite value(s) (NaN or infinite) of %,d%s; such weights give"
                            + " NaN or wrong predictions (saved from a training run that diverged?)",
                    source, first, firstCount, tensors.get(first).size(),
                    tensorsAffected > 1 ? ", and " + (tensorsAffected - 1) + " other tensor(s) hold some too" : ""));
        }
    }

    private static boolean sameShapesInOrder(List<Tensor> a, List<Tensor> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).shape(), b.get(i).shape())) {
                return false;
            }
        }
        return true;
    }

    private String describeMismatch(Map<String, Tensor> file, Map<String, Tensor> mine) {
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor t = file.get(e.getKey());
            if (t == null) {
                return "tensor '" + e.getKey() + "' of model '" + name() + "' is missing; the file has "
                        + describe(file);
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                return "tensor '" + e.getKey() + "' has shape " + Shape.toString(t.shape()) + ", model '" + name()
                        + "' expects " + Shape.toString(e.getValue().shape());
            }
        }
        for (String k : file.keySet()) {
            if (!mine.containsKey(k)) {
                return "tensor '" + k + "' is not a weight of model '" + name() + "', whose weights are "
                        + describe(mine);
            }
        }
        return "the weights do not match model '" + name() + "'";
    }

    private static String describe(Map<String, Tensor> tensors) {
        List<String> parts = new ArrayList<>();
        tensors.forEach((k, v) -> parts.add(k + " " + Shape.toString(v.shape())));
        return parts.toString();
    }

    /** The history of this model's last {@code fit} in this session (Keras's {@code model.history}); or null. */
    public History history() {
        return history;
    }

    /** Saves architecture, weights, compile settings and history as a {@code .tatami} file (atomic). */
    public void save(Path file) throws IOException {
        ModelFile.save(this, file);
    }

    /** Loads a model saved with {@link #save}, as Keras's {@code load_model}. */
    public static Model load(Path file) throws IOException {
        return ModelFile.load(file);
    }

    // ---- summary ----

    /** Prints Keras's summary table to standard output. */
    public void summary() {
        summary(System.out);
    }

    public void summary(PrintStream out) {
        out.print(Summary.of(this));
    }
}
