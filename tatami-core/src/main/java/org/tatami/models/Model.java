package org.tatami.models;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.ProgressBar;
import org.tatami.layers.Layer;
import org.tatami.io.ModelFile;
import org.tatami.io.Safetensors;
import org.tatami.layers.Parameter;
import org.tatami.losses.Loss;
import org.tatami.metrics.Accuracy;
import org.tatami.optimizers.Optimizer;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * A trainable stack of layers with Keras's model API: {@code compile}, {@code fit}, {@code evaluate},
 * {@code predict}, {@code summary}, {@code getWeights}/{@code setWeights}.
 */
public abstract class Model {
    private final String name;
    private Optimizer optimizer;
    private Loss loss;
    private boolean accuracy;
    private Engine engine;
    private SplittableRandom shuffleRandom;
    private History history;

    protected Model(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The layers in execution order, as Keras's {@code model.layers}. */
    public abstract List<Layer> layers();

    /** The input shape without the batch axis; the model must be built. */
    public abstract int[] inputShape();

    public boolean isBuilt() {
        return !layers().isEmpty() && layers().get(layers().size() - 1).isBuilt();
    }

    protected final void requireBuilt() {
        if (layers().isEmpty()) {
            throw new IllegalStateException("model '" + name + "' has no layers");
        }
        if (!isBuilt()) {
            throw new IllegalStateException("model '" + name + "' is not built: give its first layer an"
                    + " inputShape(...) or call build(...)");
        }
    }

    /** Drops buffers sized for the old layers; called when layers change. */
    protected final void invalidate() {
        engine = null;
    }

    private Engine engine() {
        requireBuilt();
        if (engine == null) {
            engine = new Engine(layers(), inputShape());
        }
        return engine;
    }

    public int[] outputShape() {
        requireBuilt();
        return layers().get(layers().size() - 1).outputShape();
    }

    public Layer getLayer(String layerName) {
        for (Layer l : layers()) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer named '" + layerName + "' in model '" + name + "'");
    }

    public int countParams() {
        int n = 0;
        for (Layer l : layers()) {
            n += l.countParams();
        }
        return n;
    }

    public int countTrainableParams() {
        int n = 0;
        for (Layer l : layers()) {
            n += l.countTrainableParams();
        }
        return n;
    }

    // ---- compile / fit / evaluate / predict ----

    /**
     * Sets the optimizer, the loss and the metrics ({@code "accuracy"} is the one metric offered), as
     * Keras's {@code compile}.
     */
    public void compile(Optimizer opt, Loss lossFunction, String... metrics) {
        for (String m : metrics) {
            if (!m.equals("accuracy") && !m.equals("acc")) {
                throw new IllegalArgumentException("unknown metric '" + m + "': expected accuracy");
            }
        }
        this.optimizer = opt;
        this.loss = lossFunction;
        this.accuracy = metrics.length > 0;
    }

    /** {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")} with Keras's defaults. */
    public void compile(String opt, String lossFunction, String... metrics) {
        compile(Optimizer.of(opt), Loss.of(lossFunction), metrics);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Loss loss() {
        return loss;
    }

    /** The metric names compile was given, for summaries and model files. */
    public List<String> metrics() {
        return accuracy ? List.of("accuracy") : List.of();
    }

    private void requireCompiled(String what) {
        if (optimizer == null || loss == null) {
            throw new IllegalStateException("model '" + name + "' must be compiled before " + what
                    + ": call compile(optimizer, loss, metrics)");
        }
    }

    /** Trains on {@code x} with integer class labels {@code y}, as Keras's {@code fit}. */
    public History fit(Tensor x, IntTensor y, FitOptions options) {
        return fit(x, y.toFloat(), options);
    }

    /** Trains with float targets (one-hot rows, regression values). */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        requireCompiled("fit");
        buildFrom(x);
        Engine e = engine();
        int samples = checkData("x", x, "y", y);
        int targetSize = y.size() / Math.max(samples, 1);
        if (options.validationX() != null) {
            checkData("validation x", options.validationX(), "validation y", options.validationY());
        }
        Accuracy acc = accuracy ? Accuracy.forLoss(loss) : null;
        int batch = Math.min(options.batchSize(), Math.max(samples, 1));
        int steps = (samples + batch - 1) / batch;
        List<Callback> callbacks = new ArrayList<>(options.callbacks());
        if (options.verbose() == 1) {
            callbacks.add(0, new ProgressBar());
        } else if (options.verbose() == 2) {
            callbacks.add(0, new ProgressBar(System.out, false));
        }
        if (shuffleRandom == null) {
            shuffleRandom = Tatami.newRandom();
        }
        long noiseSeed = Tatami.newRandom().nextLong();
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        List<Parameter> all = parameters();
        List<float[]> params = trainable(all, all.stream().map(p -> p.value().data()).toList());
        History history = new History();
        callbacks.forEach(c -> c.onTrainBegin(options.epochs(), steps, samples));
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            final int ep = epoch;
            callbacks.forEach(c -> c.onEpochBegin(ep));
            if (options.shuffle()) {
                shuffle(order, shuffleRandom);
            }
            double lossSum = 0;
            long correct = 0;
            Map<String, Double> logs = new LinkedHashMap<>();
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                int count = Math.min(batch, samples - from);
                long seed = noiseSeed + 0x632BE59BD9B4E019L * ((long) epoch * steps + step);
                Engine.Totals t = e.trainStep(x.data(), y.data(), targetSize, order, from, count, loss, acc, seed);
                optimizer.apply(params, trainable(all, e.gradients()));
                lossSum += t.loss();
                correct += t.correct();
                long seen = (long) (from + count) * e.outputRows();
                logs.put("loss", lossSum / seen);
                if (acc != null) {
                    logs.put("accuracy", (double) correct / seen);
                }
                final int s = step + 1;
                callbacks.forEach(c -> c.onBatchEnd(s, logs));
            }
            if (options.validationX() != null) {
                Map<String, Double> val = evaluate(options.validationX(), options.validationY(), batch);
                val.forEach((k, v) -> logs.put("val_" + k, v));
            }
            history.append(logs);
            callbacks.forEach(c -> c.onEpochEnd(ep, logs));
        }
        callbacks.forEach(Callback::onTrainEnd);
        this.history = history;
        return history;
    }

    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers()) {
            out.addAll(l.parameters());
        }
        return out;
    }

    /** The arrays that belong to trainable parameters: the optimizer sees only those. */
    private static List<float[]> trainable(List<Parameter> all, List<float[]> arrays) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).trainable()) {
                out.add(arrays.get(i));
            }
        }
        return out;
    }

    /** Loss and accuracy on labelled data, as Keras's {@code evaluate(..., return_dict=True)}. */
    public Map<String, Double> evaluate(Tensor x, IntTensor y) {
        return evaluate(x, y.toFloat(), 32);
    }

    public Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, 32);
    }

    /**
     * Evaluates in batches; the batch size only bounds memory and does not change the figures, since
     * inference runs in fixed chunks either way.
     */
    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        requireCompiled("evaluate");
        buildFrom(x);
        int samples = checkData("x", x, "y", y);
        Engine e = engine();
        Accuracy acc = accuracy ? Accuracy.forLoss(loss) : null;
        Engine.Totals t = e.infer(x.data(), samples, y.data(), y.size() / Math.max(samples, 1), loss, acc, null);
        Map<String, Double> out = new LinkedHashMap<>();
        long rows = (long) samples * e.outputRows();
        out.put("loss", t.loss() / Math.max(rows, 1));
        if (acc != null) {
            out.put("accuracy", (double) t.correct() / Math.max(rows, 1));
        }
        return out;
    }

    /** The model's outputs for a batch of inputs, as Keras's {@code predict}. */
    public Tensor predict(Tensor x) {
        buildFrom(x);
        int samples = checkInput("x", x);
        Engine e = engine();
        int[] out = outputShape();
        int[] shape = new int[out.length + 1];
        shape[0] = samples;
        System.arraycopy(out, 0, shape, 1, out.length);
        Tensor y = Tensor.zeros(shape);
        e.infer(x.data(), samples, null, 0, null, null, y.data());
        return y;
    }

    /** Builds the model from data's shape if its first layer declared none (Keras's deferred build). */
    private void buildFrom(Tensor x) {
        if (!isBuilt() && !layers().isEmpty() && x.rank() >= 1) {
            build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        }
    }

    /** Builds every layer for inputs of this shape (without the batch axis). */
    public abstract void build(int... inputShape);

    private int checkInput(String what, Tensor x) {
        requireBuilt();
        int[] expected = inputShape();
        int[] s = x.shape();
        if (s.length != expected.length + 1 || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), expected)) {
            throw new IllegalArgumentException(what + " has shape " + Shape.toString(s) + ", model '" + name
                    + "' expects " + Shape.withBatch(expected));
        }
        return s[0];
    }

    private int checkData(String xName, Tensor x, String yName, Tensor y) {
        int samples = checkInput(xName, x);
        if (y == null) {
            throw new IllegalArgumentException(yName + " is missing");
        }
        if (y.rank() < 1 || y.shape(0) != samples) {
            throw new IllegalArgumentException(xName + " has " + samples + " samples but " + yName + " has shape "
                    + Shape.toString(y.shape()));
        }
        Engine e = engine();
        int perSample = loss.targetWidth(e.outputWidth()) * e.outputRows();
        if (y.size() != (long) samples * perSample) {
            throw new IllegalArgumentException(yName + " has shape " + Shape.toString(y.shape()) + ": loss "
                    + loss.name() + " needs " + perSample + " target value(s) per sample for output shape "
                    + Shape.withBatch(outputShape()));
        }
        loss.checkTargets(y.data(), samples * e.outputRows(), e.outputWidth());
        return samples;
    }

    // ---- weights ----

    /** Every layer's weights in order, as Keras's {@code model.get_weights()}. */
    public List<Tensor> getWeights() {
        List<Tensor> out = new ArrayList<>();
        for (Layer l : layers()) {
            out.addAll(l.getWeights());
        }
        return out;
    }

    public void setWeights(List<Tensor> weights) {
        requireBuilt();
        int expected = 0;
        for (Layer l : layers()) {
            expected += l.parameters().size();
        }
        if (weights.size() != expected) {
            throw new IllegalArgumentException("model '" + name + "' has " + expected + " weight tensors, got "
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
        for (Layer l : layers()) {
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
        Safetensors.write(file, namedWeights(), Map.of("format", "tatami", "model", name));
    }

    /**
     * Loads weights written by {@link #saveWeights} into this model. Every tensor of the model must be
     * in the file with the same shape, and the file must hold nothing else; otherwise nothing is changed
     * and the exception names the file, the tensor and the difference.
     */
    public void loadWeights(Path file) throws IOException {
        setNamedWeights(Safetensors.read(file).tensors(), file.getFileName().toString());
    }

    /**
     * Sets weights from named tensors, checking everything before changing anything. Tensors are
     * matched by name; when the names differ but count and shapes agree in order (the same
     * architecture built in another session, where Keras would have named it {@code dense_2}), they
     * are matched by position, as Keras's {@code load_weights} does.
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
                        + Shape.toString(sources.get(i).shape()) + ", model '" + name + "' expects "
                        + Shape.toString(targets.get(i).shape()));
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            System.arraycopy(sources.get(i).data(), 0, targets.get(i).data(), 0, targets.get(i).size());
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
                return "tensor '" + e.getKey() + "' of model '" + name + "' is missing; the file has "
                        + describe(file);
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                return "tensor '" + e.getKey() + "' has shape " + Shape.toString(t.shape()) + ", model '" + name
                        + "' expects " + Shape.toString(e.getValue().shape());
            }
        }
        for (String k : file.keySet()) {
            if (!mine.containsKey(k)) {
                return "tensor '" + k + "' is not a weight of model '" + name + "', whose weights are "
                        + describe(mine);
            }
        }
        return "the weights do not match model '" + name + "'";
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
    public static Sequential load(Path file) throws IOException {
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
