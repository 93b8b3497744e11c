package org.tatami.interop.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.activations.ActivationFunction;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto.AttributeType;
import org.tatami.interop.onnx.proto.Onnx.GraphProto;
import org.tatami.interop.onnx.proto.Onnx.ModelProto;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;
import org.tatami.interop.onnx.proto.Onnx.OperatorSetIdProto;
import org.tatami.interop.onnx.proto.Onnx.StringStringEntryProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.interop.onnx.proto.Onnx.TensorShapeProto;
import org.tatami.interop.onnx.proto.Onnx.TypeProto;
import org.tatami.interop.onnx.proto.Onnx.ValueInfoProto;
import org.tatami.io.AtomicFiles;
import org.tatami.io.Version;
import org.tatami.kernels.Interpolation;
import org.tatami.layers.Activation;
import org.tatami.layers.Add;
import org.tatami.layers.Average;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.CenterCrop;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.DepthwiseConv2D;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.InputLayer;
import org.tatami.layers.KernelLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Maximum;
import org.tatami.layers.Merge;
import org.tatami.layers.Multiply;
import org.tatami.layers.Normalization;
import org.tatami.layers.Node;
import org.tatami.layers.Pooling2D;
import org.tatami.layers.RandomContrast;
import org.tatami.layers.RandomCrop;
import org.tatami.layers.RandomFlip;
import org.tatami.layers.RandomRotation;
import org.tatami.layers.RandomTranslation;
import org.tatami.layers.RandomZoom;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Reshape;
import org.tatami.layers.Resizing;
import org.tatami.layers.SeparableConv2D;
import org.tatami.layers.Subtract;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * Writes a tatami model (a Sequential or a Functional graph) as an ONNX file (opset 13) that computes
 * the same function on the same data: each input is NHWC {@code (N, height, width, channels)} float32
 * with a free batch size, as tatami's. ONNX convolutions and pooling work on NCHW, so the graph holds
 * explicit Transposes to NCHW before them and back to NHWC before anything that depends on the order
 * (Flatten, Dense, softmax, the outputs), each made once per value however many layers read it, which
 * keeps the flattened feature order, and so the Dense kernels, as tatami's. Conv kernels are
 * transposed from (kh, kw, channels, filters) to ONNX's (filters, channels, kh, kw); DepthwiseConv2D
 * becomes a Conv with one group per channel, SeparableConv2D that and a 1x1 Conv;
 * {@code same} padding is written as explicit pads split as TensorFlow does (the odd one at the end).
 * Activations become their own nodes (Softmax on the last axis, relu6 a Clip to [0, 6]), Dense layers
 * Gemm (or MatMul and Add on images), and Dropout a Dropout node, which ONNX runtimes treat as the
 * identity at inference. AveragePooling2D becomes AveragePool with count_include_pad 0, which
 * averages the input values only, as Keras does; GlobalAveragePooling2D a GlobalAveragePool (and a
 * Flatten unless it keeps the spatial axes); BatchNormalization its inference form on NCHW; Reshape a
 * Reshape of the NHWC values. Merge layers become Add (Sum for more than two inputs), Sub, Mul, Mean,
 * Max, Min and Concat, on whichever layout their first input has. Rescaling becomes Mul and Add,
 * Normalization Sub and Div (Mul and Add inverted), Resizing, CenterCrop and RandomCrop a Slice of
 * their window and a Resize as TensorFlow resizes; the random image layers, the identity at
 * inference, write nothing. The file's metadata says that its image inputs are NHWC.
 */
public final class OnnxExport {
    static final int OPSET = 13;
    /** The IR version that goes with opset 13. */
    static final int IR_VERSION = 7;
    /** The input's name in a model of one input; with several, each is named as its InputLayer. */
    static final String INPUT = "input";
    /**
     * The metadata key under which the file says its image inputs are NHWC, for readers (tatami's
     * import) that cannot tell from the first nodes: a preprocessing layer reads them as they are.
     */
    static final String LAYOUT_KEY = "tatami.input_layout";
    /** The output's name in a model of one output; with several, each is named as the layer that makes it. */
    static final String OUTPUT = "output";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final String modelName;
    /** The ONNX value holding each tensor in NHWC order, and for images in NCHW order, once made. */
    private final Map<SymbolicTensor, String> nhwc = new IdentityHashMap<>();
    private final Map<SymbolicTensor, String> nchw = new IdentityHashMap<>();
    /** Layers whose weights are written already, and how often each was applied (shared layers). */
    private final Map<Layer, Integer> applied = new IdentityHashMap<>();
    // The node being written: the value it has made so far, its rank and whether it is in NCHW.
    private String value;
    private int rank;
    private boolean channelsFirst;

    private OnnxExport(String modelName) {
        this.modelName = modelName;
    }

    /**
     * Writes {@code model} (built; its layers Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPool2D,
     * AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Flatten, Reshape, Dense, Activation, Dropout, the
     * merge layers and the preprocessing and random image layers) to {@code file}, atomically.
     */
    public static void save(Model model, Path file) throws IOException {
        AtomicFiles.writeBytes(file, toProto(model).toByteArray());
    }

    static ModelProto toProto(Model model) {
        List<SymbolicTensor> inputs = model.inputs();
        List<SymbolicTensor> outputs = model.outputs();
        OnnxExport e = new OnnxExport(model.name());
        e.graph.setName(model.name());
        for (SymbolicTensor t : inputs) {
            String name = inputs.size() == 1 ? INPUT : t.layer().name();
            e.graph.addInput(valueInfo(name, t.shape()));
            e.nhwc.put(t, name);
        }
        for (Node node : model.nodes()) {
            if (!(node.layer() instanceof InputLayer)) {
                e.node(node);
            }
        }
        for (SymbolicTensor t : outputs) {
            String name = outputs.size() == 1 ? OUTPUT : t.layer().name();
            e.graph.addOutput(valueInfo(name, t.shape()));
            e.output(e.nhwcValue(t, name), name);
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(LAYOUT_KEY).setValue("NHWC"))
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

    /**
     * Names {@code v} as the graph output {@code name}: the node that makes it is renamed if nothing
     * else reads it, else an Identity copies it.
     */
    private void output(String v, String name) {
        boolean givenOut = graph.getOutputList().stream().anyMatch(o -> o.getName().equals(v));
        for (NodeProto.Builder n : graph.getNodeBuilderList()) {
            if (givenOut || n.getInputList().contains(v)) {
                node("Identity", name, v);
                return;
            }
        }
        for (NodeProto.Builder n : graph.getNodeBuilderList()) {
            if (n.getOutput(0).equals(v)) {
                n.setOutput(0, name);
                return;
            }
        }
        // An input given back as it is.
        node("Identity", name, v);
    }

    /** The ONNX value of {@code t} in NHWC order, with a Transpose named after {@code reader} if needed. */
    private String nhwcValue(SymbolicTensor t, String reader) {
        String v = nhwc.get(t);
        if (v == null) {
            v = node("Transpose", reader + "/to_nhwc", nchw.get(t)).addAttribute(ints("perm", 0, 2, 3, 1)).getOutput(0);
            nhwc.put(t, v);
        }
        return v;
    }

    /** The ONNX value of image {@code t} in NCHW order, with a Transpose named after {@code reader} if needed. */
    private String nchwValue(SymbolicTensor t, String reader) {
        String v = nchw.get(t);
        if (v == null) {
            v = node("Transpose", reader + "/to_nchw", nhwc.get(t)).addAttribute(ints("perm", 0, 3, 1, 2)).getOutput(0);
            nchw.put(t, v);
        }
        return v;
    }

    /** Writes one application of a layer and records where its output is. */
    private void node(Node node) {
        Layer layer = node.layer();
        if (layer instanceof Model) {
            throw new IllegalArgumentException("model '" + modelName + "': layer " + layer.name() + " is a nested"
                    + " model, which tatami does not export to ONNX; build the graph from its layers instead");
        }
        int call = applied.merge(layer, 1, Integer::sum);
        String name = call == 1 ? layer.name() : layer.name() + "/call_" + call;
        List<SymbolicTensor> in = node.inputs();
        SymbolicTensor first = in.get(0);
        rank = first.shape().length + 1;
        // Start from the layout the input has already, NHWC if both.
        channelsFirst = rank == 4 && !nhwc.containsKey(first);
        value = channelsFirst ? nchw.get(first) : nhwc.get(first);
        if (layer instanceof Merge) {
            merge(layer, name, in);
        } else {
            layer(layer, name, call == 1);
        }
        activation(name, layer.activation());
        SymbolicTensor out = node.outputs().get(0);
        (channelsFirst ? nchw : nhwc).put(out, value);
    }

    private void merge(Layer layer, String name, List<SymbolicTensor> in) {
        String[] values = new String[in.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = channelsFirst ? nchwValue(in.get(i), name) : nhwcValue(in.get(i), name);
        }
        if (layer instanceof Concatenate c) {
            int axis = c.axis() < 0 ? c.axis() + rank : c.axis();
            // NHWC's axes 1, 2, 3 (H, W, C) are NCHW's 2, 3, 1.
            node("Concat", name, values).addAttribute(integer("axis", channelsFirst ? axis % 3 + 1 : axis));
        } else if (layer instanceof Multiply) {
            // ONNX's Mul takes two inputs.
            String product = values[0];
            for (int i = 1; i < values.length; i++) {
                product = node("Mul", i == values.length - 1 ? name : name + "/mul_" + i, product, values[i])
                        .getOutput(0);
            }
        } else {
            String op = layer instanceof Add ? (values.length == 2 ? "Add" : "Sum")
                    : layer instanceof Subtract ? "Sub" : layer instanceof Average ? "Mean"
                    : layer instanceof Maximum ? "Max" : "Min";
            node(op, name, values);
        }
    }

    /** Writes a layer of one input; {@code weights} says to write its weights too (its first application). */
    private void layer(Layer layer, String name, boolean weights) {
        String id = layer.name();
        List<Tensor> w = layer.getWeights();
        if (layer instanceof Conv2D c) {
            toNchw(name);
            int[] k = w.get(0).shape();
            if (weights) {
                // (kh, kw, channels, filters) -> (filters, channels, kh, kw)
                int[] toOnnx = {2, 3, 1, 0};
                Constant kernel = Constant.ofFloats(k, w.get(0).data());
                addInitializer(id + "/kernel", Layouts.moved(k, toOnnx),
                        kernel.permute(Layouts.moved(k, toOnnx), Layouts.order(k, toOnnx)).floats());
                addBias(c, w);
            }
            NodeProto.Builder n = node("Conv", name, value, id + "/kernel");
            if (c.useBias()) {
                n.addInput(id + "/bias");
            }
            int[] window = {k[0], k[1]};
            int[] strides = pair(layer, "strides");
            int[] dilations = pair(layer, "dilation_rate");
            // Same padding pads for the rows and columns the dilated window spans.
            int[] span = {(k[0] - 1) * dilations[0] + 1, (k[1] - 1) * dilations[1] + 1};
            n.addAttribute(ints("kernel_shape", window)).addAttribute(ints("strides", strides))
                    .addAttribute(ints("pads", pads(layer, span, strides))).addAttribute(ints("dilations", dilations))
                    .addAttribute(integer("group", 1));
        } else if (layer instanceof DepthwiseConv2D d) {
            toNchw(name);
            depthwise(layer, name, w.get(0), d.useBias() ? id + "/bias" : null, weights);
            if (weights && d.useBias()) {
                addInitializer(id + "/bias", w.get(1).shape(), w.get(1).data());
            }
        } else if (layer instanceof SeparableConv2D sep) {
            // The depthwise step, then a 1x1 Conv mixing its channels, with the bias.
            toNchw(name);
            depthwise(layer, name + "/depthwise", w.get(0), null, weights);
            int[] p = w.get(1).shape();
            if (weights) {
                // (1, 1, channels, filters) -> (filters, channels, 1, 1)
                int[] toOnnx = {2, 3, 1, 0};
                Constant kernel = Constant.ofFloats(p, w.get(1).data());
                addInitializer(id + "/pointwise_kernel", Layouts.moved(p, toOnnx),
                        kernel.permute(Layouts.moved(p, toOnnx), Layouts.order(p, toOnnx)).floats());
                if (sep.useBias()) {
                    addInitializer(id + "/bias", w.get(2).shape(), w.get(2).data());
                }
            }
            NodeProto.Builder n = node("Conv", name, value, id + "/pointwise_kernel");
            if (sep.useBias()) {
                n.addInput(id + "/bias");
            }
            n.addAttribute(ints("kernel_shape", 1, 1)).addAttribute(ints("strides", 1, 1))
                    .addAttribute(ints("pads", 0, 0, 0, 0)).addAttribute(ints("dilations", 1, 1))
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
                channelsFirst = false;
                rank = 2;
            }
        } else if (layer instanceof BatchNormalization) {
            batchNormalization(layer, name, w, weights);
        } else if (layer instanceof Reshape) {
            toNhwc(name);
            int[] out = layer.outputShape();
            if (weights) {
                // 0 keeps the batch size; tatami's values are in NHWC order, as the Reshape reads them.
                long[] target = new long[out.length + 1];
                for (int k = 0; k < out.length; k++) {
                    target[k + 1] = out[k];
                }
                addLongs(id + "/shape", target);
            }
            node("Reshape", name, value, id + "/shape");
            rank = out.length + 1;
        } else if (layer instanceof Flatten) {
            toNhwc(name);
            node("Flatten", name, value).addAttribute(integer("axis", 1));
            rank = 2;
        } else if (layer instanceof Dense d) {
            toNhwc(name);
            if (weights) {
                addInitializer(id + "/kernel", w.get(0).shape(), w.get(0).data());
                addBias(d, w);
            }
            if (rank == 2) {
                NodeProto.Builder n = node("Gemm", name, value, id + "/kernel");
                if (d.useBias()) {
                    n.addInput(id + "/bias");
                }
            } else {
                // Gemm takes matrices only; on images, Dense acts on the channels.
                node("MatMul", name, value, id + "/kernel");
                if (d.useBias()) {
                    node("Add", name + "/bias_add", value, id + "/bias");
                }
            }
        } else if (layer instanceof Dropout d) {
            if (weights) {
                addInitializer(id + "/ratio", new int[0], new float[] {d.rate()});
            }
            node("Dropout", name, value, id + "/ratio");
        } else if (layer instanceof Rescaling r) {
            if (weights) {
                addInitializer(id + "/scale", new int[0], new float[] {r.scale()});
                addInitializer(id + "/offset", new int[0], new float[] {r.offset()});
            }
            node("Mul", name + "/mul", value, id + "/scale");
            node("Add", name, value, id + "/offset");
        } else if (layer instanceof Normalization n) {
            normalization(n, name, weights);
        } else if (layer instanceof Resizing r) {
            resize(layer, name, r.window(), r.interpolation());
        } else if (layer instanceof CenterCrop c) {
            resize(layer, name, c.window(), c.interpolation());
        } else if (layer instanceof RandomCrop c) {
            resize(layer, name, c.window(), Interpolation.BILINEAR);
        } else if (!(layer instanceof Activation || isIdentityAtInference(layer))) {
            throw new IllegalArgumentException("model '" + modelName + "': layer " + id + " ("
                    + layer.className() + ") cannot be exported to ONNX; supported are Conv2D, DepthwiseConv2D,"
                    + " SeparableConv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization,"
                    + " Flatten, Reshape, Dense, Activation, Dropout, the merge layers, Rescaling, Normalization,"
                    + " Resizing, CenterCrop and the random image layers");
        }
    }

    /** The random layers that inference runs as the identity: they write no node. */
    private static boolean isIdentityAtInference(Layer layer) {
        return layer instanceof RandomFlip || layer instanceof RandomRotation || layer instanceof RandomZoom
                || layer instanceof RandomTranslation || layer instanceof RandomContrast;
    }

    /**
     * Normalization on NHWC values: Sub of the mean and Div by max(sqrt(variance), 1e-7), or with
     * invert Mul and Add, the constants shaped to broadcast over a sample as tatami divides by them.
     */
    private void normalization(Normalization n, String name, boolean weights) {
        String id = n.name();
        toNhwc(name);
        Tensor mean = n.broadcastMean();
        Tensor divisor = n.broadcastDivisor();
        if (weights) {
            addInitializer(id + "/mean", mean.shape(), mean.data());
            addInitializer(id + "/divisor", divisor.shape(), divisor.data());
        }
        if (n.inverts()) {
            node("Mul", name + "/mul", value, id + "/divisor");
            node("Add", name, value, id + "/mean");
        } else {
            node("Sub", name + "/sub", value, id + "/mean");
            node("Div", name, value, id + "/divisor");
        }
    }

    /**
     * A window {top, left, height, width} of the current image value resized to the layer's output
     * (height, width, channels): a Slice of the window unless it is the whole image, then a Resize
     * unless the window has the output's size. Resize takes TensorFlow's half-pixel coordinates; its
     * sizes are the input's batch size, read with Shape, and the output's other sizes in the current
     * layout.
     */
    private void resize(Layer layer, String name, int[] window, Interpolation interpolation) {
        int[] image = layer.inputShape();
        int[] out = layer.outputShape();
        int[] in = {window[2], window[3]};
        int h = channelsFirst ? 2 : 1;
        if (window[0] != 0 || window[1] != 0 || window[2] != image[0] || window[3] != image[1]) {
            addLongs(name + "/starts", window[0], window[1]);
            addLongs(name + "/ends", window[0] + window[2], window[1] + window[3]);
            addLongs(name + "/axes", h, h + 1);
            node("Slice", name + (in[0] == out[0] && in[1] == out[1] ? "" : "/window"), value, name + "/starts",
                    name + "/ends", name + "/axes");
        }
        if (in[0] == out[0] && in[1] == out[1]) {
            return;
        }
        String x = value;
        node("Shape", name + "/shape", x);
        addLongs(name + "/zero", 0);
        addLongs(name + "/one", 1);
        node("Slice", name + "/batch", value, name + "/zero", name + "/one");
        if (channelsFirst) {
            addLongs(name + "/size", out[2], out[0], out[1]);
        } else {
            addLongs(name + "/size", out[0], out[1], out[2]);
        }
        node("Concat", name + "/sizes", value, name + "/size").addAttribute(integer("axis", 0));
        // Nearest: TensorFlow's floor((o + 0.5) * in / out) is half_pixel's (o + 0.5) * in / out - 0.5 rounded
        // with halves up.
        boolean linear = interpolation == Interpolation.BILINEAR;
        node("Resize", name, x, "", "", name + "/sizes")
                .addAttribute(text("mode", linear ? "linear" : "nearest"))
                .addAttribute(text("coordinate_transformation_mode", "half_pixel"))
                .addAttribute(text("nearest_mode", "round_prefer_ceil"));
    }

    /**
     * A depthwise convolution as a Conv with one group per input channel, reading the current (NCHW)
     * value: the kernel (kh, kw, channels, multiplier) becomes ONNX's (channels * multiplier, 1, kh, kw),
     * whose output channel c * multiplier + m is tatami's too. {@code bias} names the bias, or is null.
     */
    private void depthwise(Layer layer, String name, Tensor kernel, String bias, boolean weights) {
        String id = layer.name();
        int[] k = kernel.shape();
        int channels = k[2] * k[3];
        if (weights) {
            // (kh, kw, channels, multiplier) -> (channels, multiplier, kh, kw), the same values as
            // (channels * multiplier, 1, kh, kw)
            int[] toOnnx = {2, 3, 0, 1};
            Constant c = Constant.ofFloats(k, kernel.data());
            addInitializer(id + "/depthwise_kernel", new int[] {channels, 1, k[0], k[1]},
                    c.permute(Layouts.moved(k, toOnnx), Layouts.order(k, toOnnx)).floats());
        }
        NodeProto.Builder n = node("Conv", name, value, id + "/depthwise_kernel");
        if (bias != null) {
            n.addInput(bias);
        }
        int[] window = {k[0], k[1]};
        int[] strides = pair(layer, "strides");
        n.addAttribute(ints("kernel_shape", window)).addAttribute(ints("strides", strides))
                .addAttribute(ints("pads", pads(layer, window, strides))).addAttribute(ints("dilations", 1, 1))
                .addAttribute(integer("group", k[2]));
    }

    /**
     * ONNX normalizes axis 1, tatami the last: images go to NCHW, vectors are (N, C) already. Absent
     * gamma and beta (scale or center off) are written as ones and zeros, the inputs ONNX requires.
     */
    private void batchNormalization(Layer layer, String name, List<Tensor> w, boolean weights) {
        String id = layer.name();
        if (rank == 4) {
            toNchw(name);
        } else if (rank != 2) {
            throw new IllegalArgumentException("model '" + modelName + "': layer " + id + " (BatchNormalization)"
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
            if (weights) {
                addInitializer(id + "/" + names[i], new int[] {channels}, values[i]);
            }
            n.addInput(id + "/" + names[i]);
        }
        // The config holds the floats' shortest decimals, which read back as the same floats.
        n.addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeType.FLOAT)
                        .setF(((Number) config.get("epsilon")).floatValue()))
                .addAttribute(AttributeProto.newBuilder().setName("momentum").setType(AttributeType.FLOAT)
                        .setF(((Number) config.get("momentum")).floatValue()));
    }

    private void addBias(KernelLayer<?> layer, List<Tensor> w) {
        if (layer.useBias()) {
            addInitializer(layer.name() + "/bias", w.get(1).shape(), w.get(1).data());
        }
    }

    private void activation(String layer, ActivationFunction f) {
        switch (f) {
            case LINEAR -> {
            }
            case RELU -> node("Relu", layer + "/relu", value);
            case RELU6 -> {
                // Clip's bounds are inputs since opset 11; one pair serves every relu6 of the graph.
                if (graph.getInitializerList().stream().noneMatch(t -> t.getName().equals("relu6/min"))) {
                    addInitializer("relu6/min", new int[0], new float[] {0f});
                    addInitializer("relu6/max", new int[0], new float[] {6f});
                }
                node("Clip", layer + "/relu6", value, "relu6/min", "relu6/max");
            }
            case SIGMOID -> node("Sigmoid", layer + "/sigmoid", value);
            case TANH -> node("Tanh", layer + "/tanh", value);
            case SOFTMAX -> {
                // tatami's softmax normalises the channels, the last axis of NHWC.
                toNhwc(layer);
                node("Softmax", layer + "/softmax", value).addAttribute(integer("axis", -1));
            }
            // ONNX's Selu defaults are Keras's constants; Elu's alpha 1 is both defaults.
            case ELU -> node("Elu", layer + "/elu", value);
            case SELU -> node("Selu", layer + "/selu", value);
            case SOFTPLUS -> node("Softplus", layer + "/softplus", value);
            // relu6(x + 3) / 6 = max(0, min(1, x / 6 + 0.5)).
            case HARD_SIGMOID -> node("HardSigmoid", layer + "/hard_sigmoid", value)
                    .addAttribute(real("alpha", 1f / 6f)).addAttribute(real("beta", 0.5f));
            case LEAKY_RELU -> node("LeakyRelu", layer + "/leaky_relu", value)
                    .addAttribute(real("alpha", ActivationFunction.LEAKY_RELU_SLOPE));
            case SILU -> {
                String x = value;
                node("Sigmoid", layer + "/silu_sigmoid", x);
                node("Mul", layer + "/silu", x, value);
            }
            case GELU -> {
                // Opset 13 has no Gelu: x * (1 + erf(x / sqrt 2)) / 2 from Erf; one set of constants serves all.
                if (graph.getInitializerList().stream().noneMatch(t -> t.getName().equals("gelu/one"))) {
                    addInitializer("gelu/inv_sqrt2", new int[0], new float[] {(float) Math.sqrt(0.5)});
                    addInitializer("gelu/one", new int[0], new float[] {1f});
                    addInitializer("gelu/half", new int[0], new float[] {0.5f});
                }
                String x = value;
                node("Mul", layer + "/gelu_scaled", x, "gelu/inv_sqrt2");
                node("Erf", layer + "/gelu_erf", value);
                node("Add", layer + "/gelu_cdf2", value, "gelu/one");
                node("Mul", layer + "/gelu_x_cdf2", x, value);
                node("Mul", layer + "/gelu", value, "gelu/half");
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
        if (!channelsFirst) {
            node("Transpose", layer + "/to_nchw", value).addAttribute(ints("perm", 0, 3, 1, 2));
            channelsFirst = true;
        }
    }

    private void toNhwc(String layer) {
        if (channelsFirst) {
            node("Transpose", layer + "/to_nhwc", value).addAttribute(ints("perm", 0, 2, 3, 1));
            channelsFirst = false;
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

    private void addInitializer(String name, int[] shape, float[] values) {
        graph.addInitializer(TensorCodec.encode(name, shape, values));
    }

    /** A 1-d int64 initializer. */
    private void addLongs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
    }

    private static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    private static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
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
