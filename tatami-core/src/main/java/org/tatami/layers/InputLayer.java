package org.tatami.layers;

import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * The entry point of a Functional model, as Keras's {@code InputLayer}: it has no weights and passes
 * the model's input on. Made by {@link Input#of}.
 */
public final class InputLayer extends Layer {
    private final SymbolicTensor output;

    InputLayer(int[] shape) {
        inputShape(shape);
        build(new int[][] {shape}, null);
        output = new Node(this, List.of(), List.of(shape)).outputs().get(0);
    }

    /**
     * The input a Keras config describes: its batch shape ({@code batch_shape} in Keras 3,
     * {@code batch_input_shape} in Keras 2), float32, dense and required. The caller sets the name.
     */
    public static InputLayer fromConfig(Fields config) {
        int[] shape = KerasValues.batchShape(config, config.has("batch_shape") ? "batch_shape" : "batch_input_shape");
        KerasValues.requireFloat32(config, "dtype");
        config.expect("sparse", new JsonPrimitive(false), "tatami's inputs are dense");
        config.expect("ragged", new JsonPrimitive(false), "tatami's inputs are dense");
        config.expect("optional", new JsonPrimitive(false), "tatami models need their input");
        return new InputLayer(shape);
    }

    /** The tensor this input feeds into the graph. */
    public SymbolicTensor output() {
        return output;
    }

    @Override
    public String className() {
        return "InputLayer";
    }

    @Override
    protected String baseName() {
        return "input_layer";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        return in;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        System.arraycopy(x, 0, y, 0, n * org.tatami.tensor.Shape.size(outputShape()));
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
    }

    /** Keras 3's InputLayer config: {@code batch_shape}, {@code dtype}, {@code sparse}, {@code name}. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        List<Object> batchShape = new ArrayList<>();
        batchShape.add(null);
        for (int d : outputShape()) {
            batchShape.add(d);
        }
        c.put("batch_shape", batchShape);
        c.put("dtype", "float32");
        c.put("sparse", false);
        c.put("name", name());
        return c;
    }
}
