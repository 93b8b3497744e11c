package org.tatami.interop.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tatami.activations.ActivationFunction;
import org.tatami.interop.onnx.proto.Onnx.GraphProto;
import org.tatami.interop.onnx.proto.Onnx.ModelProto;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;
import org.tatami.interop.onnx.proto.Onnx.OperatorSetIdProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.interop.onnx.proto.Onnx.TensorShapeProto;
import org.tatami.interop.onnx.proto.Onnx.TypeProto;
import org.tatami.interop.onnx.proto.Onnx.ValueInfoProto;
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
import org.tatami.layers.Padding;
import org.tatami.layers.Pooling2D;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Reads an ONNX model of a CNN classifier (a chain of Conv, MaxPool, AveragePool, GlobalAveragePool,
 * BatchNormalization, Relu/Sigmoid/Tanh/Softmax, Gemm or MatMul, bias Add, Reshape/Flatten, Transpose,
 * Dropout, Constant, Identity) into a tatami {@link Sequential} with its weights.
 *
 * <p>Layouts: ONNX convolutions work on NCHW, tatami's on NHWC. The importer tracks, for the value
 * flowing through the chain, which of tatami's axes each ONNX axis is; Transpose nodes only change
 * that bookkeeping, and Conv kernels are transposed from (filters, channels, kh, kw) to tatami's
 * (kh, kw, channels, filters). A 4-d model input is taken as NCHW, except when it is only read by
 * Transposes to NCHW (as in files that tatami writes), when it is NHWC. Either way the imported model
 * takes NHWC input: for one channel, (1, 1, 28, 28) NCHW data has the same memory layout as
 * (1, 28, 28, 1) NHWC, so MNIST models take the same arrays as in ONNX.
 *
 * <p>Flattening NCHW feature maps orders features channel-first, tatami's Flatten orders them as NHWC.
 * Rather than adding a layer to reorder them, the importer permutes the rows of the next Dense
 * kernel, so the imported model computes the same function with tatami's own layers.
 *
 * <p>The batch axis is free in the imported model, even where the file fixes it to 1 (a Reshape to
 * (1, 256) is read as a flatten). Bias Adds are folded into the Conv or Dense before them and
 * activations into the layer they follow; Dropout becomes a Dropout layer (the identity at
 * inference). A GlobalAveragePool whose (N, C, 1, 1) result is flattened becomes one
 * GlobalAveragePooling2D; BatchNormalization is read in its inference form. Any other operator,
 * attribute or graph shape gives an {@link OnnxFormatException} naming the file, the node, the
 * operator and the attribute.
 */
public final class OnnxImport {
    /** Protobuf messages are limited to 2 GiB; larger files are refused before reading them. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /** ONNX's (C, H, W) axes hold tatami's axes 2, 0, 1 of (H, W, C). */
    private static final int[] NCHW = {2, 0, 1};

    private final int opset;
    private final Map<String, Constant> constants = new HashMap<>();
    private final Set<String> chainValues = new HashSet<>();
    private List<NodeProto> nodes;
    private int[] inputShape;
    private Sequential model;
    // The value flowing through the chain: its name, its ONNX shape without the batch axis, and which
    // tatami axis each ONNX axis is. For flat values whose ONNX feature order differs from tatami's,
    // the shape and axes they were flattened from (else null): the next Dense reorders its rows.
    private String head;
    private int[] shape;
    private int[] axes;
    private Arrangement flattenedFrom;
    // A GlobalAveragePool not yet made a layer: if a flatten follows, the two become one
    // GlobalAveragePooling2D, else it becomes one that keeps the 1x1 spatial axes.
    private boolean pooledPending;

    /** An ONNX shape whose axis k is tatami's axis axes[k]. */
    private record Arrangement(int[] shape, int[] axes) {
        /** Whether ONNX and tatami hold the values in the same memory order: axes of size 1 may move freely. */
        boolean sameOrder() {
            int previous = -1;
            for (int k = 0; k < shape.length; k++) {
                if (shape[k] > 1) {
                    if (axes[k] < previous) {
                        return false;
                    }
                    previous = axes[k];
                }
            }
            return true;
        }
    }

    private OnnxImport(int opset) {
        this.opset = opset;
    }

    /** Reads the model in {@code file}; the result takes NHWC input (see the class comment). */
    public static Sequential load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new OnnxFormatException(file + ": " + size + " bytes, more than an ONNX protobuf can hold (2 GiB)");
        }
        try {
            ModelProto m;
            try {
                m = ModelProto.parseFrom(Files.readAllBytes(file));
            } catch (InvalidProtocolBufferException e) {
                throw new OnnxFormatException("not an ONNX model (truncated or corrupted protobuf: "
                        + e.getMessage() + ")", e);
            }
            return read(m);
        } catch (OnnxFormatException | IllegalArgumentException e) {
            // Layers refuse impossible geometry with IllegalArgumentException; both name the file here.
            throw new OnnxFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static Sequential read(ModelProto m) throws OnnxFormatException {
        if (!m.hasGraph()) {
            throw new OnnxFormatException("holds no graph: not an ONNX model");
        }
        OnnxImport reader = new OnnxImport(opset(m));
        return reader.graph(m.getGraph());
    }

    /** The version of the standard operator set; files before IR version 3 have none and mean 1. */
    private static int opset(ModelProto m) throws OnnxFormatException {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (o.getVersion() < 1 || o.getVersion() > Integer.MAX_VALUE) {
                    throw new OnnxFormatException("imports operator set version " + o.getVersion()
                            + ", expected a positive version");
                }
                return (int) o.getVersion();
            }
        }
        if (m.getIrVersion() < 3) {
            return 1;
        }
        throw new OnnxFormatException("imports no standard (ai.onnx) operator set; its imports are "
                + m.getOpsetImportList().stream().map(o -> o.getDomain() + " " + o.getVersion()).toList());
    }

    private Sequential graph(GraphProto g) throws OnnxFormatException {
        if (g.getSparseInitializerCount() > 0) {
            throw new OnnxFormatException("has sparse initializers, which tatami does not read");
        }
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), TensorCodec.decode(t, "initializer"));
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            // Files of IR version 3 list their initializers among the inputs: those are weights, not inputs.
            if (!constants.containsKey(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxFormatException("has " + inputs.size() + " inputs " + inputs.stream()
                    .map(ValueInfoProto::getName).toList() + "; tatami imports models with one input");
        }
        nodes = g.getNodeList();
        input(inputs.get(0));
        for (NodeProto n : nodes) {
            node(n);
        }
        output(g);
        if (model == null) {
            throw new OnnxFormatException("has no layers: its output is its input");
        }
        return model;
    }

    private void input(ValueInfoProto in) throws OnnxFormatException {
        String name = "input '" + in.getName() + "'";
        TypeProto type = in.getType();
        if (!type.hasTensorType()) {
            throw new OnnxFormatException(name + " is not a tensor");
        }
        int elem = type.getTensorType().getElemType();
        if (elem != TensorProto.DataType.FLOAT_VALUE) {
            TensorProto.DataType t = TensorProto.DataType.forNumber(elem);
            throw new OnnxFormatException(name + " has element type " + (t == null ? elem : t)
                    + ", expected FLOAT");
        }
        List<TensorShapeProto.Dimension> dims = type.getTensorType().getShape().getDimList();
        if (dims.size() != 2 && dims.size() != 4) {
            throw new OnnxFormatException(name + " has " + dims.size() + " axes, expected 4 (images, NCHW or"
                    + " NHWC) or 2 (vectors)");
        }
        shape = new int[dims.size() - 1];
        long size = 1;
        for (int k = 0; k < shape.length; k++) {
            TensorShapeProto.Dimension d = dims.get(k + 1);
            if (!d.hasDimValue() || d.getDimValue() < 1 || d.getDimValue() > Integer.MAX_VALUE
                    || (size *= d.getDimValue()) > Integer.MAX_VALUE) {
                throw new OnnxFormatException(name + " has axis " + (k + 1) + " of size "
                        + (d.hasDimValue() ? d.getDimValue() : "'" + d.getDimParam() + "'")
                        + "; tatami needs fixed sizes (all but the batch axis) of at most " + Integer.MAX_VALUE
                        + " values per sample");
            }
            shape[k] = (int) d.getDimValue();
        }
        axes = shape.length == 3 && !readOnlyByTransposeToNchw(in.getName()) ? NCHW : identity(shape.length);
        inputShape = Layouts.moved(shape, axes);
        setHead(in.getName());
    }

    private boolean readOnlyByTransposeToNchw(String input) {
        boolean read = false;
        for (NodeProto n : nodes) {
            if (n.getInputList().contains(input)) {
                boolean toNchw = n.getOpType().equals("Transpose") && n.getAttributeList().stream().anyMatch(
                        a -> a.getName().equals("perm") && a.getIntsList().equals(List.of(0L, 3L, 1L, 2L)));
                if (!toNchw) {
                    return false;
                }
                read = true;
            }
        }
        return read;
    }

    private static int[] identity(int rank) {
        int[] a = new int[rank];
        for (int k = 0; k < rank; k++) {
            a[k] = k;
        }
        return a;
    }

    private void setHead(String name) {
        head = name;
        chainValues.add(name);
    }

    private void output(GraphProto g) throws OnnxFormatException {
        if (g.getOutputCount() != 1) {
            throw new OnnxFormatException("has " + g.getOutputCount() + " outputs; tatami imports models with one");
        }
        String out = g.getOutput(0).getName();
        addPendingPool();
        if (!out.equals(head)) {
            throw new OnnxFormatException("output '" + out + "' is not the end of the chain of layers, '" + head + "'");
        }
        if (flattenedFrom != null || !new Arrangement(shape, axes).sameOrder()) {
            throw new OnnxFormatException("output '" + out + "' is in another axis order than tatami's (NHWC, "
                    + "features as tatami's Flatten orders them): the model would need a reordering layer");
        }
    }

    private void node(NodeProto n) throws OnnxFormatException {
        String node = Attributes.describe(n);
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw new OnnxFormatException(node + ": operator domain '" + n.getDomain()
                    + "' is not supported, only the standard ai.onnx operators");
        }
        if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
            throw new OnnxFormatException(node + " has no output");
        }
        boolean onChain = false;
        for (String in : n.getInputList()) {
            if (in.isEmpty() || constants.containsKey(in)) {
                continue;
            }
            if (!in.equals(head)) {
                throw new OnnxFormatException(node + ": input '" + in + "' is " + (chainValues.contains(in)
                        ? "an earlier value of the chain than '" + head + "'; tatami imports chains of layers"
                        + " (Sequential), not branching graphs" : "not made by an earlier node, an initializer or"
                        + " the graph input"));
            }
            if (onChain) {
                throw new OnnxFormatException(node + " reads '" + in + "' twice; tatami imports chains of layers");
            }
            onChain = true;
        }
        if (!onChain) {
            constants.put(n.getOutput(0), fold(n, node));
            return;
        }
        if (!n.getOpType().equals("Flatten") && !n.getOpType().equals("Reshape")) {
            addPendingPool();
        }
        switch (n.getOpType()) {
            case "Conv" -> conv(n, node);
            case "MaxPool" -> pool(n, node, false);
            case "AveragePool" -> pool(n, node, true);
            case "GlobalAveragePool" -> globalAveragePool(n, node);
            case "BatchNormalization" -> batchNormalization(n, node);
            case "Relu" -> activation(n, ActivationFunction.RELU);
            case "Sigmoid" -> activation(n, ActivationFunction.SIGMOID);
            case "Tanh" -> activation(n, ActivationFunction.TANH);
            case "Softmax" -> softmax(n, node);
            case "Gemm" -> gemm(n, node);
            case "MatMul" -> matMul(n, node);
            case "Add" -> add(n, node);
            case "Reshape" -> reshape(n, node);
            case "Flatten" -> flatten(n, node);
            case "Transpose" -> transpose(n, node);
            case "Dropout" -> dropout(n, node);
            case "Identity" -> Attributes.of(n);
            default -> throw unsupported(node, n.getOpType());
        }
        setHead(n.getOutput(0));
    }

    private static OnnxFormatException unsupported(String node, String op) {
        return new OnnxFormatException(node + ": operator " + op + " is not supported (tatami imports Conv,"
                + " MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Relu, Sigmoid, Tanh, Softmax, Gemm,"
                + " MatMul, Add, Reshape, Flatten, Transpose, Dropout, Constant and Identity)");
    }

    /** Input {@code index} of a node, which must be a known constant. */
    private Constant constantInput(NodeProto n, int index, String what, String node) throws OnnxFormatException {
        String name = index < n.getInputCount() ? n.getInput(index) : "";
        Constant c = constants.get(name);
        if (c == null) {
            throw new OnnxFormatException(node + ": " + what + (name.isEmpty() ? " is missing"
                    : " '" + name + "' must be an initializer or a constant, not computed from the model input"));
        }
        return c;
    }

    private boolean hasInput(NodeProto n, int index) {
        return index < n.getInputCount() && !n.getInput(index).isEmpty();
    }

    private void addLayer(Layer layer) {
        if (model == null) {
            layer.inputShape(inputShape);
            model = new Sequential(layer);
        } else {
            model.add(layer);
        }
        // The chain's ONNX shape follows from tatami's output shape through the axis bookkeeping.
        int[] out = layer.outputShape();
        if (out.length != axes.length) {
            axes = identity(out.length);
        }
        shape = new int[out.length];
        for (int k = 0; k < out.length; k++) {
            shape[k] = out[axes[k]];
        }
    }

    /**
     * Whether an Add reads the output of {@code n}: a Conv or Dense without a bias of its own then gets
     * one, for the Add to fold into; otherwise it has none, as in the file.
     */
    private boolean biasAddFollows(NodeProto n) {
        return nodes.stream().anyMatch(m -> m.getOpType().equals("Add") && m.getInputList().contains(n.getOutput(0)));
    }

    private Layer lastLayer() {
        return model == null ? null : model.layers().get(model.layers().size() - 1);
    }

    // ---- operators on the chain ----

    private void requireNchwImages(String node) throws OnnxFormatException {
        if (!Arrays.equals(axes, NCHW)) {
            throw new OnnxFormatException(node + " needs NCHW images, got a value of shape "
                    + Shape.withBatch(shape) + (shape.length == 3 ? " in another axis order" : ""));
        }
    }

    private static int[] pair(Attributes a, String name, int[] otherwise) throws OnnxFormatException {
        int[] v = a.ints(name, otherwise);
        if (v == null || v.length != 2 || v[0] < 1 || v[1] < 1) {
            throw new OnnxFormatException(a.node() + ": attribute '" + name + "' = "
                    + (v == null ? "missing" : Arrays.toString(v)) + ", expected two positive values (height, width)");
        }
        return v;
    }

    private static void requireNoDilation(Attributes a) throws OnnxFormatException {
        int[] d = a.ints("dilations", new int[] {1, 1});
        for (int v : d) {
            if (v != 1) {
                throw new OnnxFormatException(a.node() + ": attribute 'dilations' = " + Arrays.toString(d)
                        + ": tatami has no dilated windows (expected [1, 1])");
            }
        }
    }

    /**
     * Tatami's padding mode for a window on the chain's NCHW images: valid, or same with the padding
     * TensorFlow uses (the odd extra one at the end). ONNX pads are (top, left, bottom, right).
     */
    private Padding padding(Attributes a, int[] window, int[] strides) throws OnnxFormatException {
        int[] h = Layouts.samePads(shape[1], window[0], strides[0]);
        int[] w = Layouts.samePads(shape[2], window[1], strides[1]);
        int[] same = {h[0], w[0], h[1], w[1]};
        String auto = a.s("auto_pad", "NOTSET");
        switch (auto) {
            case "VALID":
                return Padding.VALID;
            case "SAME_UPPER":
                return Padding.SAME;
            case "SAME_LOWER":
                // Puts the odd extra one first: the same as SAME_UPPER when the total is even.
                if (Arrays.equals(same, new int[] {h[1], w[1], h[0], w[0]})) {
                    return Padding.SAME;
                }
                throw new OnnxFormatException(a.node() + ": attribute 'auto_pad' = SAME_LOWER pads "
                        + Arrays.toString(new int[] {h[1], w[1], h[0], w[0]}) + " here; tatami's same padding puts"
                        + " the extra one at the end, " + Arrays.toString(same));
            case "NOTSET":
                int[] pads = a.ints("pads", new int[4]);
                if (pads.length != 4) {
                    throw new OnnxFormatException(a.node() + ": attribute 'pads' = " + Arrays.toString(pads)
                            + ", expected 4 values (top, left, bottom, right)");
                }
                if (Arrays.equals(pads, new int[4])) {
                    return Padding.VALID;
                }
                if (Arrays.equals(pads, same)) {
                    return Padding.SAME;
                }
                throw new OnnxFormatException(a.node() + ": attribute 'pads' = " + Arrays.toString(pads)
                        + " (top, left, bottom, right) cannot be expressed with tatami's padding: valid is [0, 0, 0, 0]"
                        + " and same is " + Arrays.toString(same) + " for input " + shape[1] + "x" + shape[2]);
            default:
                throw new OnnxFormatException(a.node() + ": attribute 'auto_pad' = '" + auto
                        + "', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
    }

    private void conv(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "kernel_shape", "strides", "pads", "auto_pad", "dilations", "group");
        requireNchwImages(node);
        Constant w = constantInput(n, 1, "weight W", node);
        float[] wv = w.floats(node + ": weight W");
        if (w.rank() != 4) {
            throw new OnnxFormatException(node + ": weight W has shape " + w.describeShape()
                    + ", expected (filters, channels, height, width)");
        }
        int filters = w.shape()[0];
        int[] kernel = {w.shape()[2], w.shape()[3]};
        if (a.i("group", 1) != 1) {
            throw new OnnxFormatException(node + ": attribute 'group' = " + a.i("group", 1)
                    + ": tatami's Conv2D has no grouped convolution (expected 1)");
        }
        if (w.shape()[1] != shape[0]) {
            throw new OnnxFormatException(node + ": weight W has shape " + w.describeShape() + " for "
                    + w.shape()[1] + " channels, the input has " + shape[0]);
        }
        if (!Arrays.equals(a.ints("kernel_shape", kernel), kernel)) {
            throw new OnnxFormatException(node + ": attribute 'kernel_shape' = "
                    + Arrays.toString(a.ints("kernel_shape", kernel)) + " disagrees with weight W of shape "
                    + w.describeShape());
        }
        int[] strides = pair(a, "strides", new int[] {1, 1});
        requireNoDilation(a);
        boolean useBias = hasInput(n, 2) || biasAddFollows(n);
        float[] bias = hasInput(n, 2) ? vector(constantInput(n, 2, "bias B", node), filters, node + ": bias B")
                : new float[filters];
        Conv2D conv = new Conv2D(filters, kernel[0], kernel[1]).strides(strides[0], strides[1])
                .padding(padding(a, kernel, strides)).useBias(useBias);
        int cin = shape[0];
        addLayer(conv);
        // (filters, channels, kh, kw) -> (kh, kw, channels, filters)
        int[] toKeras = {3, 2, 0, 1};
        setWeights(conv, Tensor.of(w.permute(Layouts.moved(w.shape(), toKeras),
                Layouts.order(w.shape(), toKeras)).floats(), kernel[0], kernel[1], cin, filters), bias);
    }

    private static void setWeights(KernelLayer<?> layer, Tensor kernel, float[] bias) {
        layer.setWeights(layer.useBias() ? List.of(kernel, Tensor.of(bias, bias.length)) : List.of(kernel));
    }

    private static float[] vector(Constant c, int length, String what) throws OnnxFormatException {
        float[] v = c.floats(what);
        if (v.length != length) {
            throw new OnnxFormatException(what + " has shape " + c.describeShape() + ", expected " + length + " values");
        }
        return v.clone();
    }

    /**
     * MaxPool or AveragePool. ONNX's AveragePool divides by the whole window where count_include_pad
     * is 1, tatami's (as Keras's) by the input values it covers: they agree only without padding.
     */
    private void pool(NodeProto n, String node, boolean average) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "kernel_shape", "strides", "pads", "auto_pad", "dilations", "ceil_mode",
                average ? "count_include_pad" : "storage_order");
        requireNchwImages(node);
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
            throw new OnnxFormatException(node + ": the Indices output ('" + n.getOutput(1) + "') is not supported");
        }
        int[] window = pair(a, "kernel_shape", null);
        int[] strides = pair(a, "strides", new int[] {1, 1});
        requireNoDilation(a);
        Padding padding = padding(a, window, strides);
        int[][] pads = new int[2][];
        for (int k = 0; k < 2; k++) {
            pads[k] = padding == Padding.SAME ? Layouts.samePads(shape[k + 1], window[k], strides[k]) : new int[2];
        }
        if (a.i("ceil_mode", 0) != 0) {
            // Rounding up gives one more window only where the last one would start inside the input.
            for (int k = 0; k < 2; k++) {
                if ((shape[k + 1] + sum(pads[k]) - window[k]) % strides[k] != 0) {
                    throw new OnnxFormatException(node + ": attribute 'ceil_mode' = 1 adds a partial window"
                            + " here; tatami's pooling rounds down (ceil_mode 0)");
                }
            }
        }
        if (average && a.i("count_include_pad", 0) != 0 && sum(pads[0]) + sum(pads[1]) > 0) {
            throw new OnnxFormatException(node + ": attribute 'count_include_pad' = 1 counts the padding (pads "
                    + Arrays.toString(new int[] {pads[0][0], pads[1][0], pads[0][1], pads[1][1]}) + ") in the"
                    + " average of border windows; tatami's AveragePooling2D, as Keras's, averages the input values"
                    + " only (count_include_pad 0)");
        }
        Pooling2D<?> layer = average ? new AveragePooling2D(window[0], window[1]) : new MaxPool2D(window[0], window[1]);
        addLayer(layer.strides(strides[0], strides[1]).padding(padding.kerasName()));
    }

    private void globalAveragePool(NodeProto n, String node) throws OnnxFormatException {
        Attributes.of(n);
        requireNchwImages(node);
        shape = new int[] {shape[0], 1, 1};
        pooledPending = true;
    }

    /** Makes a pending GlobalAveragePool a layer that keeps its (1, 1) spatial axes. */
    private void addPendingPool() {
        if (pooledPending) {
            pooledPending = false;
            addLayer(new GlobalAveragePooling2D(true));
        }
    }

    /** Inference-mode batch normalization over ONNX's axis 1, which must be tatami's channels (last) axis. */
    private void batchNormalization(NodeProto n, String node) throws OnnxFormatException {
        // spatial (up to opset 8) = 0 would normalize each position apart; is_test and consumed_inputs
        // (early opsets) do not change inference.
        Attributes a = Attributes.of(n, "epsilon", "momentum", "spatial", "is_test", "consumed_inputs",
                "training_mode");
        if (a.i("training_mode", 0) != 0) {
            throw new OnnxFormatException(node + ": attribute 'training_mode' = 1 normalizes with the batch's"
                    + " statistics; tatami imports models for inference");
        }
        if (a.i("spatial", 1) != 1) {
            throw new OnnxFormatException(node + ": attribute 'spatial' = " + a.i("spatial", 1)
                    + " normalizes each position apart; tatami normalizes each channel (expected 1)");
        }
        for (int k = 1; k < n.getOutputCount(); k++) {
            if (!n.getOutput(k).isEmpty()) {
                throw new OnnxFormatException(node + ": output " + k + " ('" + n.getOutput(k) + "') holds training"
                        + " statistics; tatami imports the normalized output only");
            }
        }
        if (axes[0] != shape.length - 1) {
            throw new OnnxFormatException(node + ": normalizes axis 1 of values of shape " + Shape.withBatch(shape)
                    + ", which is not the channels axis in tatami's (NHWC) order");
        }
        float epsilon = a.f("epsilon", 1e-5f);
        float momentum = a.f("momentum", 0.9f);
        if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
            throw new OnnxFormatException(node + ": attribute 'epsilon' = " + epsilon + ", expected a positive number");
        }
        // Unused at inference, but kept for training the imported model further.
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new OnnxFormatException(node + ": attribute 'momentum' = " + momentum
                    + ", expected a value in [0, 1]");
        }
        int channels = shape[0];
        List<Tensor> weights = new ArrayList<>();
        String[] names = {"scale", "B", "mean", "var"};
        for (int k = 0; k < names.length; k++) {
            weights.add(Tensor.of(vector(constantInput(n, k + 1, names[k], node), channels, node + ": " + names[k]),
                    channels));
        }
        BatchNormalization bn = new BatchNormalization().epsilon(epsilon).momentum(momentum);
        addLayer(bn);
        bn.setWeights(weights);
    }

    private static int sum(int[] v) {
        return v[0] + v[1];
    }

    private void activation(NodeProto n, ActivationFunction f) throws OnnxFormatException {
        // consumed_inputs is an opset-1 memory hint with no effect on the result.
        Attributes.of(n, "consumed_inputs");
        applyActivation(f);
    }

    /** Folds the activation into the Conv or Dense just before, as Keras models write it, or adds a layer. */
    private void applyActivation(ActivationFunction f) {
        if (lastLayer() instanceof KernelLayer<?> k && k.activation() == ActivationFunction.LINEAR) {
            k.activation(f);
        } else {
            addLayer(new Activation(f));
        }
    }

    private void softmax(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "axis");
        int rank = shape.length + 1;
        long axis = a.i("axis", opset >= 13 ? -1 : 1);
        long k = axis < 0 ? axis + rank : axis;
        // Up to opset 12, Softmax normalises over all axes from 'axis' on, so only the last one will do.
        boolean channels = k >= 1 && k < rank && axes[(int) k - 1] == shape.length - 1
                && (opset >= 13 || k == rank - 1);
        if (!channels) {
            throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " on shape "
                    + Shape.withBatch(shape) + ": tatami's softmax normalises the last axis of NHWC values only");
        }
        applyActivation(ActivationFunction.SOFTMAX);
    }

    private void gemm(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "alpha", "beta", "transA", "transB", "broadcast");
        if (a.i("transA", 0) != 0) {
            throw new OnnxFormatException(node + ": attribute 'transA' = 1 would transpose the batch; expected 0");
        }
        Constant b = constantInput(n, 1, "matrix B", node);
        boolean transB = a.i("transB", 0) != 0;
        Constant c = hasInput(n, 2) ? constantInput(n, 2, "bias C", node) : null;
        dense(n, node, b, transB, a.f("alpha", 1f), c, a.f("beta", 1f));
    }

    private void matMul(NodeProto n, String node) throws OnnxFormatException {
        Attributes.of(n);
        if (!n.getInput(0).equals(head)) {
            throw new OnnxFormatException(node + ": tatami imports MatMul of the chain's value by a constant matrix,"
                    + " here the constant comes first");
        }
        dense(n, node, constantInput(n, 1, "matrix B", node), false, 1f, null, 1f);
    }

    /** A Dense layer computing {@code x . alpha B(^T) + beta c} on the chain's last axis. */
    private void dense(NodeProto n, String node, Constant b, boolean transB, float alpha, Constant c, float beta)
            throws OnnxFormatException {
        float[] bv = b.floats(node + ": matrix B");
        if (b.rank() != 2) {
            throw new OnnxFormatException(node + ": matrix B has shape " + b.describeShape() + ", expected 2 axes");
        }
        int in = b.shape()[transB ? 1 : 0];
        int units = b.shape()[transB ? 0 : 1];
        int last = shape.length - 1;
        if (shape[last] != in || axes[last] != last) {
            throw new OnnxFormatException(node + ": matrix B of shape " + b.describeShape() + " needs " + in
                    + " features on the last axis of NHWC values, got shape " + Shape.withBatch(shape)
                    + (axes[last] != last ? " in another axis order" : ""));
        }
        // Flattened NCHW features: ONNX's feature i is tatami's feature order[i]. Computed only now that
        // B's rows, present in the file, bound its size.
        int[] order = flattenedFrom == null ? null : Layouts.order(flattenedFrom.shape(), flattenedFrom.axes());
        float[] kernel = new float[in * units];
        for (int i = 0; i < in; i++) {
            int row = order == null ? i : order[i];
            for (int j = 0; j < units; j++) {
                kernel[row * units + j] = alpha * bv[transB ? j * in + i : i * units + j];
            }
        }
        float[] bias = new float[units];
        if (c != null) {
            float[] cv = c.floats(node + ": bias C");
            if (cv.length != units && cv.length != 1) {
                throw new OnnxFormatException(node + ": bias C has shape " + c.describeShape() + ", expected "
                        + units + " values");
            }
            for (int j = 0; j < units; j++) {
                bias[j] = beta * cv[cv.length == 1 ? 0 : j];
            }
        }
        Dense d = new Dense(units).useBias(c != null || biasAddFollows(n));
        addLayer(d);
        setWeights(d, Tensor.of(kernel, in, units), bias);
        flattenedFrom = null;
    }

    /** A constant added to the output of a Conv or Dense is its bias, broadcast over all but the channels. */
    private void add(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "broadcast", "axis", "consumed_inputs");
        Constant c = constantInput(n, n.getInput(0).equals(head) ? 1 : 0, "addend", node);
        float[] cv = c.floats(node + ": addend");
        if (!(lastLayer() instanceof KernelLayer<?> k) || k.activation() != ActivationFunction.LINEAR
                || !k.useBias()) {
            throw new OnnxFormatException(node + ": tatami imports an Add of a constant as the bias of the Conv,"
                    + " Gemm or MatMul just before it; here it follows "
                    + (lastLayer() == null ? "the input" : lastLayer().name() + " (" + lastLayer().className()
                    + (lastLayer().activation() == ActivationFunction.LINEAR ? ")" : ", after its activation)")));
        }
        int rank = shape.length + 1;
        int channelAxis = 1 + indexOf(axes, shape.length - 1);
        int channels = shape[channelAxis - 1];
        // Opset 1 to 6 align the addend at 'axis' when 'broadcast' is set; later opsets align it at the end.
        long start = a.i("broadcast", 0) != 0 && a.has("axis") ? a.i("axis", 0) : rank - c.rank();
        start = start < 0 ? start + rank : start;
        boolean fits = start >= 0 && start + c.rank() <= rank;
        for (int j = 0; fits && j < c.rank(); j++) {
            int d = c.shape()[j];
            fits = d == 1 || start + j == channelAxis && d == channels;
        }
        if (!fits) {
            throw new OnnxFormatException(node + ": addend of shape " + c.describeShape() + " is not a bias of "
                    + channels + " channels for values of shape " + Shape.withBatch(shape));
        }
        float[] bias = k.parameters().get(1).value().data();
        for (int ch = 0; ch < channels; ch++) {
            bias[ch] += cv[cv.length == 1 ? 0 : ch];
        }
    }

    private static int indexOf(int[] v, int x) {
        for (int k = 0; k < v.length; k++) {
            if (v[k] == x) {
                return k;
            }
        }
        return -1;
    }

    private void reshape(NodeProto n, String node) throws OnnxFormatException {
        int[] target = reshapeTarget(n, node, prepend(1, shape), Shape.size(shape));
        if (target[0] != 1) {
            throw new OnnxFormatException(node + ": reshape of " + Shape.withBatch(shape) + " to "
                    + Arrays.toString(target) + " changes the batch axis");
        }
        int[] sample = Arrays.copyOfRange(target, 1, target.length);
        if (sample.length == 1) {
            flattenChain();
        } else if (!Arrays.equals(sample, shape)) {
            throw new OnnxFormatException(node + ": reshape of " + Shape.withBatch(shape) + " to "
                    + Arrays.toString(target) + ": tatami imports reshapes that flatten each sample");
        }
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /**
     * Reshape's target for input {@code inShape} of {@code size} values: from the 'shape' attribute up
     * to opset 4, else from the second input; 0 copies the input's size, -1 takes what is left.
     */
    private int[] reshapeTarget(NodeProto n, String node, int[] inShape, int size) throws OnnxFormatException {
        Attributes a = Attributes.of(n, opset < 5 ? "shape" : "allowzero", "consumed_inputs");
        long[] t;
        if (opset < 5) {
            int[] s = a.ints("shape", null);
            if (s == null) {
                throw new OnnxFormatException(node + ": attribute 'shape' is missing");
            }
            t = Arrays.stream(s).asLongStream().toArray();
        } else {
            t = constantInput(n, 1, "target shape", node).longs(node + ": target shape");
        }
        int[] out = new int[t.length];
        int free = -1;
        long known = 1;
        for (int k = 0; k < t.length; k++) {
            long d = t[k] == 0 && a.i("allowzero", 0) == 0 && k < inShape.length ? inShape[k] : t[k];
            if (d == -1 && free < 0) {
                free = k;
            } else if (d < 0 || d > Integer.MAX_VALUE || (known *= d) > Integer.MAX_VALUE) {
                throw new OnnxFormatException(node + ": target shape " + Arrays.toString(t) + " is invalid");
            } else {
                out[k] = (int) d;
            }
        }
        if (free >= 0 && known > 0 && size % known == 0) {
            out[free] = (int) (size / known);
            known = size;
        }
        if (known != size) {
            throw new OnnxFormatException(node + ": target shape " + Arrays.toString(t) + " does not hold the "
                    + size + " values of shape " + Shape.toString(inShape));
        }
        return out;
    }

    /**
     * Flattens each sample: a Flatten layer, with the ONNX feature order remembered for the next Dense,
     * or, right after a GlobalAveragePool, a GlobalAveragePooling2D that drops the spatial axes.
     */
    private void flattenChain() {
        if (pooledPending) {
            pooledPending = false;
            addLayer(new GlobalAveragePooling2D());
            return;
        }
        if (shape.length == 1) {
            return;
        }
        Arrangement from = new Arrangement(shape, axes);
        addLayer(new Flatten());
        flattenedFrom = from.sameOrder() ? null : from;
    }

    private void flatten(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "axis");
        long axis = a.i("axis", 1);
        if (axis != 1 && axis != -shape.length) {
            throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " on shape " + Shape.withBatch(shape)
                    + ": tatami flattens each sample (axis 1)");
        }
        flattenChain();
    }

    private void transpose(NodeProto n, String node) throws OnnxFormatException {
        int[] perm = permutation(n, node, shape.length + 1);
        if (perm[0] != 0) {
            throw new OnnxFormatException(node + ": attribute 'perm' = " + Arrays.toString(perm)
                    + " moves the batch axis");
        }
        int[] newShape = new int[shape.length];
        int[] newAxes = new int[shape.length];
        for (int j = 0; j < shape.length; j++) {
            newShape[j] = shape[perm[j + 1] - 1];
            newAxes[j] = axes[perm[j + 1] - 1];
        }
        shape = newShape;
        axes = newAxes;
    }

    /** Transpose's 'perm' (output axis j is input axis perm[j]), reversed axes by default. */
    private static int[] permutation(NodeProto n, String node, int rank) throws OnnxFormatException {
        int[] reversed = new int[rank];
        for (int k = 0; k < rank; k++) {
            reversed[k] = rank - 1 - k;
        }
        int[] perm = Attributes.of(n, "perm").ints("perm", reversed);
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, identity(rank))) {
            throw new OnnxFormatException(node + ": attribute 'perm' = " + Arrays.toString(perm)
                    + " is not a permutation of " + rank + " axes");
        }
        return perm;
    }

    private void dropout(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "ratio", "is_test", "seed");
        float ratio = a.f("ratio", 0.5f);
        if (opset >= 12 && hasInput(n, 1)) {
            float[] r = constantInput(n, 1, "ratio", node).floats(node + ": ratio");
            if (r.length != 1) {
                throw new OnnxFormatException(node + ": ratio has " + r.length + " values, expected 1");
            }
            ratio = r[0];
        }
        if (hasInput(n, 2) && constantInput(n, 2, "training_mode", node).longs(node + ": training_mode")[0] != 0) {
            throw new OnnxFormatException(node + ": training_mode is true; tatami imports models for inference");
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw new OnnxFormatException(node + ": ratio " + ratio + ", expected a value in [0, 1)");
        }
        if (ratio > 0) {
            addLayer(new Dropout(ratio));
        }
    }

    // ---- constant folding ----

    private Constant fold(NodeProto n, String node) throws OnnxFormatException {
        switch (n.getOpType()) {
            case "Constant" -> {
                Attributes a = Attributes.of(n, "value", "value_float", "value_floats", "value_int", "value_ints");
                if (a.has("value")) {
                    return a.tensor("value");
                }
                if (a.has("value_float")) {
                    return Constant.ofFloats(new int[0], new float[] {a.f("value_float", 0f)});
                }
                if (a.has("value_floats")) {
                    float[] v = a.floats("value_floats");
                    return Constant.ofFloats(new int[] {v.length}, v);
                }
                if (a.has("value_int")) {
                    return Constant.ofLongs(new int[0], new long[] {a.i("value_int", 0)});
                }
                if (a.has("value_ints")) {
                    long[] v = Arrays.stream(a.ints("value_ints", new int[0])).asLongStream().toArray();
                    return Constant.ofLongs(new int[] {v.length}, v);
                }
                throw new OnnxFormatException(node + " has no value attribute");
            }
            case "Identity", "Dropout" -> {
                return constantInput(n, 0, "input", node);
            }
            case "Reshape" -> {
                Constant c = constantInput(n, 0, "data", node);
                return c.reshape(reshapeTarget(n, node, c.shape(), c.size()));
            }
            case "Flatten" -> {
                Constant c = constantInput(n, 0, "input", node);
                long axis = Attributes.of(n, "axis").i("axis", 1);
                int k = (int) (axis < 0 ? axis + c.rank() : axis);
                if (k < 0 || k > c.rank()) {
                    throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " for shape "
                            + c.describeShape());
                }
                int outer = Shape.size(Arrays.copyOfRange(c.shape(), 0, k));
                return c.reshape(new int[] {outer, c.size() / Math.max(outer, 1)});
            }
            case "Transpose" -> {
                Constant c = constantInput(n, 0, "data", node);
                int[] perm = permutation(n, node, c.rank());
                int[] toAxes = new int[perm.length];
                for (int j = 0; j < perm.length; j++) {
                    toAxes[perm[j]] = j;
                }
                return c.permute(Layouts.moved(c.shape(), toAxes), Layouts.order(c.shape(), toAxes));
            }
            default -> throw new OnnxFormatException(node + ": operator " + n.getOpType() + " on constant inputs"
                    + " is not supported (tatami folds Constant, Identity, Dropout, Reshape, Flatten and Transpose)");
        }
    }
}
