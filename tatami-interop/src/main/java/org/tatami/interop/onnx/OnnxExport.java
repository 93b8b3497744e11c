package org.tatami.interop.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tatami.activations.ActivationFunction;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto.AttributeType;
import org.tatami.interop.onnx.proto.Onnx.GraphProto;
import org.tatami.interop.onnx.proto.Onnx.ModelProto;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;
import org.tatami.interop.onnx.proto.Onnx.OperatorSetIdProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.interop.onnx.proto.Onnx.TensorShapeProto;
import org.tatami.interop.onnx.proto.Onnx.TypeProto;
import org.tatami.interop.onnx.proto.Onnx.ValueInfoProto;
import org.tatami.io.AtomicFiles;
import org.tatami.io.Version;
import org.tatami.layers.Activation;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.KernelLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Pooling2D;
import org.tatami.layers.Reshape;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

/**
 * Writes a tatami Sequential model as an ONNX file (opset 13) that computes the same function on the
 * same data: the input is NHWC {@code (N, height, width, channels)} float32 with a free batch size, as
 * tatami's. ONNX convolutions and pooling work on NCHW, so the graph holds explicit Transposes to NCHW
 * before them and back to NHWC before anything that depends on the order (Flatten, Dense, softmax,
 * the output), which keeps the flattened feature order, and so the Dense kernels, as tatami's. Conv
 * kernels are transposed from (kh, kw, channels, filters) to ONNX's (filters, channels, kh, kw);
 * {@code same} padding is written as explicit pads split as TensorFlow does (the odd one at the end).
 * Activations become their own nodes (Softmax on the last axis), Dense layers Gemm (or MatMul and Add
 * on images), and Dropout a Dropout node, which ONNX runtimes treat as the identity at inference.
 * AveragePooling2D becomes AveragePool with count_include_pad 0, which averages the input values only,
 * as Keras does; GlobalAveragePooling2D a GlobalAveragePool (and a Flatten unless it keeps the spatial
 * axes); BatchNormalization its inference form on NCHW; Reshape a Reshape of the NHWC values.
 */
public final class OnnxExport {
    static final int OPSET = 13;
    /** The IR version that goes with opset 13. */
    static final int IR_VERSION = 7;
    static final String INPUT = "input";
    static final String OUTPUT = "output";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private String value = INPUT;
    private int rank;
    private boolean nchw;

    private OnnxExport(int rank) {
        this.rank = rank;
    }

    /**
     * Writes {@code model} (built, a Sequential of Conv2D, MaxPool2D, AveragePooling2D,
     * GlobalAveragePooling2D, BatchNormalization, Flatten, Reshape, Dense, Activation and Dropout
     * layers) to {@code file}, atomically.
     */
    public static void save(Model model, Path file) throws IOException {
        AtomicFiles.writeBytes(file, toProto(model).toByteArray());
    }

    static ModelProto toProto(Model model) {
        if (!(model instanceof Sequential)) {
            throw new IllegalArgumentException("model '" + model.name() + "' is a " + model.getClass().getSimpleName()
                    + "; tatami exports Sequential models to ONNX");
        }
        int[] in = model.inputShape();
        OnnxExport e = new OnnxExport(in.length + 1);
        e.graph.setName(model.name()).addInput(valueInfo(INPUT, in)).addOutput(valueInfo(OUTPUT, model.outputShape()));
        for (Layer layer : model.layers()) {
            e.layer(model, layer);
        }
        e.toNhwc("output");
        e.renameLast(OUTPUT);
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("tatami")
                .setProducerVersion(Version.get())
                .setGraph(e.graph)
                .build();
    }

    /** A float32 tensor of shape (N, ...) with a symbolic batch axis. */
    private static ValueInfoProto valueInfo(String name, int[] sampleShape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        s.addDimBuilder().setDimParam("N");
        for (int d : sampleShape) {
            s.addDimBuilder().setDimValue(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private void layer(Model model, Layer layer) {
        String name = layer.name();
        List<Tensor> w = layer.getWeights();
        if (layer instanceof Conv2D c) {
            toNchw(name);
            int[] k = w.get(0).shape();
            // (kh, kw, channels, filters) -> (filters, channels, kh, kw)
            int[] toOnnx = {2, 3, 1, 0};
            Constant kernel = Constant.ofFloats(k, w.get(0).data());
            addInitializer(name + "/kernel", Layouts.moved(k, toOnnx),
                    kernel.permute(Layouts.moved(k, toOnnx), Layouts.order(k, toOnnx)).floats());
            NodeProto.Builder n = node("Conv", name, value, name + "/kernel");
            addBias(n, c, w);
            int[] window = {k[0], k[1]};
            int[] strides = pair(layer, "strides");
            n.addAttribute(ints("kernel_shape", window)).addAttribute(ints("strides", strides))
                    .addAttribute(ints("pads", pads(layer, window, strides))).addAttribute(ints("dilations", 1, 1))
                    .addAttribute(integer("group", 1));
        } else if (layer instanceof Pooling2D) {
            toNchw(name);
            int[] window = pair(layer, "pool_size");
            int[] strides = pair(layer, "strides");
            NodeProto.Builder n = node(layer instanceof MaxPool2D ? "MaxPool" : "AveragePool", name, value)
                    .addAttribute(ints("kernel_shape", window)).addAttribute(ints("strides", strides))
                    .addAttribute(ints("pads", pads(layer, window, strides)));
            if (layer instanceof AveragePooling2D) {
                n.addAttribute(integer("count_include_pad", 0));
            }
        } else if (layer instanceof GlobalAveragePooling2D) {
            toNchw(name);
            node("GlobalAveragePool", name, value);
            if (layer.outputShape().length == 1) {
                // (N, C, 1, 1) to (N, C): the same order in NCHW as in NHWC.
                node("Flatten", name + "/flatten", value).addAttribute(integer("axis", 1));
                nchw = false;
                rank = 2;
            }
        } else if (layer instanceof BatchNormalization) {
            batchNormalization(model, layer, w);
        } else if (layer instanceof Reshape) {
            toNhwc(name);
            int[] out = layer.outputShape();
            // 0 keeps the batch size; tatami's values are in NHWC order, as the Reshape reads them.
            TensorProto.Builder target = TensorProto.newBuilder().setName(name + "/shape")
                    .setDataType(TensorProto.DataType.INT64_VALUE).addDims(out.length + 1).addInt64Data(0);
            for (int d : out) {
                target.addInt64Data(d);
            }
            graph.addInitializer(target);
            node("Reshape", name, value, name + "/shape");
            rank = out.length + 1;
        } else if (layer instanceof Flatten) {
            toNhwc(name);
            node("Flatten", name, value).addAttribute(integer("axis", 1));
            rank = 2;
        } else if (layer instanceof Dense d) {
            toNhwc(name);
            addInitializer(name + "/kernel", w.get(0).shape(), w.get(0).data());
            if (rank == 2) {
                addBias(node("Gemm", name, value, name + "/kernel"), d, w);
            } else {
                // Gemm takes matrices only; on images, Dense acts on the channels.
                node("MatMul", name, value, name + "/kernel");
                if (d.useBias()) {
                    addInitializer(name + "/bias", w.get(1).shape(), w.get(1).data());
                    node("Add", name + "/bias_add", value, name + "/bias");
                }
            }
        } else if (layer instanceof Dropout d) {
            addInitializer(name + "/ratio", new int[0], new float[] {d.rate()});
            node("Dropout", name, value, name + "/ratio");
        } else if (!(layer instanceof Activation)) {
            throw new IllegalArgumentException("model '" + model.name() + "': layer " + name + " ("
                    + layer.className() + ") cannot be exported to ONNX; supported are Conv2D, MaxPooling2D,"
                    + " AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Flatten, Reshape, Dense,"
                    + " Activation and Dropout");
        }
        activation(name, layer.activation());
    }

    /**
     * ONNX normalizes axis 1, tatami the last: images go to NCHW, vectors are (N, C) already. Absent
     * gamma and beta (scale or center off) are written as ones and zeros, the inputs ONNX requires.
     */
    private void batchNormalization(Model model, Layer layer, List<Tensor> w) {
        String name = layer.name();
        if (rank == 4) {
            toNchw(name);
        } else if (rank != 2) {
            throw new IllegalArgumentException("model '" + model.name() + "': layer " + name + " (BatchNormalization)"
                    + " on values of rank " + rank + " cannot be exported to ONNX; supported are images (rank 4)"
                    + " and vectors (rank 2)");
        }
        Map<String, Object> config = layer.config();
        int channels = layer.outputShape()[layer.outputShape().length - 1];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        int k = 0;
        float[] gamma = (Boolean) config.get("scale") ? w.get(k++).data() : ones;
        float[] beta = (Boolean) config.get("center") ? w.get(k++).data() : new float[channels];
        String[] names = {"gamma", "beta", "moving_mean", "moving_variance"};
        float[][] values = {gamma, beta, w.get(k).data(), w.get(k + 1).data()};
        NodeProto.Builder n = node("BatchNormalization", name, value);
        for (int i = 0; i < names.length; i++) {
            addInitializer(name + "/" + names[i], new int[] {channels}, values[i]);
            n.addInput(name + "/" + names[i]);
        }
        // The config holds the floats' shortest decimals, which read back as the same floats.
        n.addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeType.FLOAT)
                        .setF(((Number) config.get("epsilon")).floatValue()))
                .addAttribute(AttributeProto.newBuilder().setName("momentum").setType(AttributeType.FLOAT)
                        .setF(((Number) config.get("momentum")).floatValue()));
    }

    private void addBias(NodeProto.Builder n, KernelLayer<?> layer, List<Tensor> w) {
        if (layer.useBias()) {
            addInitializer(layer.name() + "/bias", w.get(1).shape(), w.get(1).data());
            n.addInput(layer.name() + "/bias");
        }
    }

    private void activation(String layer, ActivationFunction f) {
        switch (f) {
            case LINEAR -> {
            }
            case RELU -> node("Relu", layer + "/relu", value);
            case SIGMOID -> node("Sigmoid", layer + "/sigmoid", value);
            case TANH -> node("Tanh", layer + "/tanh", value);
            case SOFTMAX -> {
                // tatami's softmax normalises the channels, the last axis of NHWC.
                toNhwc(layer);
                node("Softmax", layer + "/softmax", value).addAttribute(integer("axis", -1));
            }
        }
    }

    private static int[] pair(Layer layer, String key) {
        List<?> v = (List<?>) layer.config().get(key);
        return new int[] {(Integer) v.get(0), (Integer) v.get(1)};
    }

    /** ONNX pads (top, left, bottom, right) for the layer's padding mode on its input. */
    private static int[] pads(Layer layer, int[] window, int[] strides) {
        if (layer.config().get("padding").equals("valid")) {
            return new int[4];
        }
        int[] in = layer.inputShape();
        int[] h = Layouts.samePads(in[0], window[0], strides[0]);
        int[] w = Layouts.samePads(in[1], window[1], strides[1]);
        return new int[] {h[0], w[0], h[1], w[1]};
    }

    private void toNchw(String layer) {
        if (!nchw) {
            node("Transpose", layer + "/to_nchw", value).addAttribute(ints("perm", 0, 3, 1, 2));
            nchw = true;
        }
    }

    private void toNhwc(String layer) {
        if (nchw) {
            node("Transpose", layer + "/to_nhwc", value).addAttribute(ints("perm", 0, 2, 3, 1));
            nchw = false;
        }
    }

    /** Appends a node reading {@code inputs} whose one output, named as the node, becomes the current value. */
    private NodeProto.Builder node(String op, String name, String... inputs) {
        NodeProto.Builder n = graph.addNodeBuilder().setOpType(op).setName(name).addOutput(name);
        for (String in : inputs) {
            n.addInput(in);
        }
        value = name;
        return n;
    }

    /** Gives the last node's output the graph output's name (an Identity if the model computes nothing). */
    private void renameLast(String name) {
        if (graph.getNodeCount() == 0) {
            node("Identity", name, value);
        } else {
            graph.getNodeBuilder(graph.getNodeCount() - 1).setOutput(0, name);
        }
    }

    private void addInitializer(String name, int[] shape, float[] values) {
        graph.addInitializer(TensorCodec.encode(name, shape, values));
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, int... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
