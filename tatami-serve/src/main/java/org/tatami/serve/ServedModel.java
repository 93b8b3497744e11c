package org.tatami.serve;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.tatami.models.FeatureExtractor;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * One loaded model as the server runs it: immutable once built, so that a reload builds a new one and swaps
 * it in whole. The engine runs one pass at a time per model, so every pass holds {@link #engine}.
 */
final class ServedModel implements AutoCloseable {
    private final ModelSource source;
    private final int version;
    private final Model model;
    private final int[] sampleShape;
    private final int sampleSize;
    private final int[] outputShape;
    private final int outputSize;
    private final double loadSeconds;
    private final String summary;
    private final Function<Model, String> diagrams;
    /** Held by every pass of the engine, which runs one at a time per model. */
    final Object engine = new Object();
    private final Inference inference;
    private FeatureExtractor extractor;
    private String diagram;

    ServedModel(ModelSource source, int version, Model model, double loadSeconds, Function<Model, String> diagrams,
                Function<ServedModel, Inference> inference) {
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new IllegalArgumentException(source.file() + ": the model has " + model.inputs().size()
                    + " input(s) and " + model.outputs().size() + " output(s); tatami serves models with one input"
                    + " and one output");
        }
        this.source = source;
        this.version = version;
        this.model = model;
        this.sampleShape = model.inputShape().clone();
        this.sampleSize = Shape.size(sampleShape);
        this.outputShape = model.outputShape().clone();
        this.outputSize = Shape.size(outputShape);
        this.loadSeconds = loadSeconds;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        model.summary(new PrintStream(text, true, StandardCharsets.UTF_8));
        this.summary = text.toString(StandardCharsets.UTF_8);
        this.diagrams = diagrams;
        this.inference = inference.apply(this);
    }

    String name() {
        return source.name();
    }

    ModelSource source() {
        return source;
    }

    int version() {
        return version;
    }

    Model model() {
        return model;
    }

    String inputName() {
        return model.inputNames().get(0);
    }

    String outputName() {
        return model.outputNames().get(0);
    }

    /** One sample's input shape, without the batch axis. */
    int[] sampleShape() {
        return sampleShape.clone();
    }

    int sampleSize() {
        return sampleSize;
    }

    /** One sample's output shape, without the batch axis. */
    int[] outputShape() {
        return outputShape.clone();
    }

    int outputSize() {
        return outputSize;
    }

    double loadSeconds() {
        return loadSeconds;
    }

    String summary() {
        return summary;
    }

    Inference inference() {
        return inference;
    }

    /** The model's outputs for {@code samples} samples, row-major. */
    float[] predict(float[] x, int samples) {
        Tensor in = Tensor.of(x, withBatch(samples, sampleShape));
        synchronized (engine) {
            return model.predict(in).data();
        }
    }

    /** Every node's output for one sample, as {@code tatami inspect} shows them. */
    List<FeatureExtractor.Output> activations(Tensor sample) {
        synchronized (engine) {
            if (extractor == null) {
                extractor = new FeatureExtractor(model);
            }
            return extractor.outputs(List.of(sample));
        }
    }

    /** The model diagram as SVG, drawn on first request (drawing text is slow to start); not while it runs. */
    String diagram() {
        synchronized (diagrams) {
            if (diagram == null) {
                diagram = diagrams.apply(model);
            }
            return diagram;
        }
    }

    static int[] withBatch(int samples, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = samples;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    @Override
    public void close() {
        inference.close();
    }
}
