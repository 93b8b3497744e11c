package org.tatami.models;

import java.util.ArrayList;
import java.util.List;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Node;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Tensor;

/**
 * What every layer of a model makes of an input, as Keras's feature extractor
 * ({@code Model(inputs=model.inputs, outputs=[every layer's output])}): a model over the same graph and
 * weights that returns the output of every node (a shared layer once per application). Its engine keeps
 * each of them, activations included (no fusion hides an output), and runs a graph as the model does.
 * Built once; it reads the model's weights as they are at each call.
 */
public final class FeatureExtractor {
    /** One node's output for the batch: the layer that produced it and its value, batch axis first. */
    public record Output(Layer layer, Tensor value) {
    }

    private final List<SymbolicTensor> tensors = new ArrayList<>();
    private final Model extractor;

    public FeatureExtractor(Model model) {
        for (Node node : model.nodes()) {
            if (!(node.layer() instanceof InputLayer)) {
                tensors.addAll(node.outputs());
            }
        }
        extractor = new Model(model.name(), model.inputs(), tensors);
    }

    /** Every node's output for {@code x} (one tensor per model input), in the order the model runs them. */
    public List<Output> outputs(List<Tensor> x) {
        List<Tensor> values = extractor.predict(x);
        List<Output> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(new Output(tensors.get(i).layer(), values.get(i)));
        }
        return out;
    }
}
