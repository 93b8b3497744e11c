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
import org.tatami.layers.Add;
import org.tatami.layers.Average;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Cropping2D;
import org.tatami.layers.Dense;
import org.tatami.layers.DepthwiseConv2D;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.Input;
import org.tatami.layers.InputLayer;
import org.tatami.layers.KernelLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Maximum;
import org.tatami.layers.Merge;
import org.tatami.layers.Minimum;
import org.tatami.layers.Multiply;
import org.tatami.layers.Node;
import org.tatami.layers.Normalization;
import org.tatami.layers.Padding;
import org.tatami.layers.Pooling2D;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Reshape;
import org.tatami.layers.Resizing;
import org.tatami.layers.Subtract;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Reads an ONNX model of a CNN into a tatami model with its weights: a {@link Sequential} when the
 * graph is a chain, else a Functional {@link Model}. Supported operators: Conv (group 1, or one group
 * per channel as a DepthwiseConv2D), MaxPool, AveragePool, GlobalAveragePool, BatchNormalization,
 * Relu, Clip(0, 6) (relu6), Sigmoid, Tanh, Softmax, Gemm or MatMul, Add (of a bias, or of two values),
 * Sub, Mul, Sum, Max, Min, Mean, Concat, Pad (zeros before a Conv), Reshape, Flatten, Squeeze,
 * Unsqueeze, Transpose, Dropout, Constant, Identity; Mul and Add of constants (Rescaling, or per channel
 * Normalization's inverse), Sub and Div of constants (Normalization), Resize as TensorFlow resizes
 * (Resizing, its sizes constant or the batch size read by Shape and the rest constant), Slice of the
 * rows and columns (Cropping2D). Nodes may be listed in any order.
 *
 * <p>Layouts: ONNX convolutions work on NCHW, tatami's on NHWC. The importer tracks, for each value
 * computed from an input, which of tatami's axes each ONNX axis is; Transpose nodes only change that
 * bookkeeping, and Conv kernels are transposed from (filters, channels, kh, kw) to tatami's
 * (kh, kw, channels, filters). A 4-d model input is taken as NCHW, except when it is only read by
 * Transposes to NCHW (as in files that tatami writes) or by a Reshape that moves its single channel
 * to axis 1 (as tf2onnx writes), or when the file's metadata says so (as tatami writes it), when it is
 * NHWC. Either way the imported model takes NHWC input:
 * for one channel, (1, 1, 28, 28) NCHW data has the same memory layout as (1, 28, 28, 1) NHWC, so
 * MNIST models take the same arrays as in ONNX. A Concat's axis is mapped the same way.
 *
 * <p>Flattening NCHW feature maps orders features channel-first, tatami's Flatten orders them as NHWC.
 * Rather than adding a layer to reorder them, the importer permutes the rows of the next Dense
 * kernel, so the imported model computes the same function with tatami's own layers.
 *
 * <p>The batch axis is free in the imported model, even where the file fixes it to 1 (a Reshape to
 * (1, 256) is read as a flatten). Bias Adds are folded into the Conv or Dense before them and
 * activations into the layer they follow, where that layer's output has no other reader; Dropout
 * becomes a Dropout layer (the identity at inference). A GlobalAveragePool whose (N, C, 1, 1) result
 * is flattened (or squeezed) becomes one GlobalAveragePooling2D; a zero Pad read by a Conv becomes
 * that Conv's padding, where together they pad as tatami's valid or same do; BatchNormalization is
 * read in its inference form. Any other operator, attribute or graph shape gives an
 * {@link OnnxFormatException} naming the file, the node, the operator and the attribute.
 */
public final class OnnxImport {
    /** Protobuf messages are limited to 2 GiB; larger files are refused before reading them. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /** ONNX's (C, H, W) axes hold tatami's axes 2, 0, 1 of (H, W, C). */
    private static final int[] NCHW = {2, 0, 1};

    private final int opset;
    /** Whether the file says its image inputs are NHWC (as tatami's exports do). */
    private boolean nhwcInputs;
    private final Map<String, Constant> constants = new HashMap<>();
    /** The values computed from the inputs, by ONNX name. */
    private final Map<String, Value> values = new HashMap<>();
    /** The nodes that read each computed value. */
    private final Map<String, List<NodeProto>> readers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    /** The operator of the node that makes each computed value. */
    private final Map<String, String> producers = new HashMap<>();
    /** Outputs of Add and Div nodes whose constants joined the layer of the node before them. */
    private final Set<String> absorbed = new HashSet<>();

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

    /** Zeros a Pad node adds around the images, (top, left, bottom, right), for the Conv that reads them. */
    private record Pads(int[] pads, String node) {
    }

    /**
     * A value computed from the model inputs: the tatami tensor that holds it, its ONNX shape without
     * the batch axis, and which tatami axis each ONNX axis is. For flat values whose ONNX feature order
     * differs from tatami's, {@code flattenedFrom} is the arrangement they were flattened from (else
     * null): the next Dense reorders its rows. Two operations wait for their reader: a
     * GlobalAveragePool ({@code pooled}: the tensor is its input; flattened, it becomes one
     * GlobalAveragePooling2D) and a Pad ({@code pads}, the tensor is its input).
     */
    private record Value(SymbolicTensor tensor, int[] shape, int[] axes, Arrangement flattenedFrom,
                         boolean pooled, Pads pads) {
        Value(SymbolicTensor tensor, int[] shape, int[] axes) {
            this(tensor, shape, axes, null, false, null);
        }

        Arrangement arrangement() {
            return new Arrangement(shape, axes);
        }
    }

    private OnnxImport(int opset) {
        this.opset = opset;
    }

    /** Reads the model in {@code file}; the result takes NHWC input (see the class comment). */
    public static Model load(Path file) throws IOException {
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
            Model model = read(m);
            model.requireFiniteWeights(file.toString());
            return model;
        } catch (OnnxFormatException | IllegalArgumentException e) {
            // Layers refuse impossible geometry with IllegalArgumentException; both name the file here.
            throw new OnnxFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static Model read(ModelProto m) throws OnnxFormatException {
        if (!m.hasGraph()) {
            throw new OnnxFormatException("holds no graph: not an ONNX model");
        }
        OnnxImport reader = new OnnxImport(opset(m));
        reader.nhwcInputs = m.getMetadataPropsList().stream()
                .anyMatch(p -> p.getKey().equals(OnnxExport.LAYOUT_KEY) && p.getValue().equals("NHWC"));
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

    private Model graph(GraphProto g) throws OnnxFormatException {
        if (g.getSparseInitializerCount() > 0) {
            throw new OnnxFormatException("has sparse initializers, which tatami does not read");
        }
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), TensorCodec.decode(t, "initializer"));
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        Set<String> given = new HashSet<>(constants.keySet());
        for (ValueInfoProto v : g.getInputList()) {
            // Files of IR version 3 list their initializers among the inputs: those are weights, not inputs.
            if (!constants.containsKey(v.getName())) {
                inputs.add(v);
                given.add(v.getName());
            }
        }
        if (inputs.isEmpty()) {
            throw new OnnxFormatException("has no inputs besides its initializers");
        }
        // Nodes of constants alone are folded first: the layout of an input may depend on a Reshape's target.
        List<NodeProto> computed = new ArrayList<>();
        for (NodeProto n : NodeOrder.sorted(g.getNodeList(), given)) {
            String node = Attributes.describe(n);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new OnnxFormatException(node + ": operator domain '" + n.getDomain()
                        + "' is not supported, only the standard ai.onnx operators");
            }
            if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
                throw new OnnxFormatException(node + " has no output");
            }
            if (n.getInputList().stream().allMatch(in -> in.isEmpty() || constants.containsKey(in))) {
                constants.put(n.getOutput(0), fold(n, node));
            } else {
                computed.add(n);
                producers.put(n.getOutput(0), n.getOpType());
                // A Shape reads no values, only their sizes: it does not keep a layer from folding into another.
                for (String in : n.getInputList()) {
                    if (!in.isEmpty() && !constants.containsKey(in) && !n.getOpType().equals("Shape")) {
                        readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    }
                }
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            graphOutputs.add(out.getName());
        }
        List<SymbolicTensor> in = new ArrayList<>();
        for (ValueInfoProto v : inputs) {
            in.add(input(v));
        }
        for (NodeProto n : computed) {
            node(n);
        }
        List<SymbolicTensor> out = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            out.add(output(v.getName()));
        }
        if (out.isEmpty()) {
            throw new OnnxFormatException("has no outputs");
        }
        return model(in, out);
    }

    /** The model from {@code in} to {@code out}: a Sequential if its layers form a chain. */
    private static Model model(List<SymbolicTensor> in, List<SymbolicTensor> out) throws OnnxFormatException {
        Model graph;
        try {
            graph = new Model(in, out);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException("does not make a model: " + e.getMessage(), e);
        }
        List<Node> nodes = graph.nodes();
        boolean chain = in.size() == 1 && out.size() == 1;
        for (int k = 1; chain && k < nodes.size(); k++) {
            List<SymbolicTensor> reads = nodes.get(k).inputs();
            chain = reads.size() == 1 && reads.get(0) == nodes.get(k - 1).outputs().get(0);
        }
        if (!chain) {
            return graph;
        }
        List<Layer> layers = nodes.stream().skip(1).map(Node::layer).toList();
        layers.get(0).inputShape(in.get(0).shape());
        return new Sequential(layers.toArray(Layer[]::new));
    }

    private SymbolicTensor input(ValueInfoProto in) throws OnnxFormatException {
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
        int[] shape = new int[dims.size() - 1];
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
        int[] axes = shape.length == 3 && !nhwcInputs && !readAsNhwc(in.getName(), shape) ? NCHW
                : identity(shape.length);
        // A layer name holds no '/'; tf2onnx's names such as 'input_1:0' are kept as they are.
        SymbolicTensor t = Input.of(in.getName().replace('/', '_'), Layouts.moved(shape, axes));
        values.put(in.getName(), new Value(t, shape, axes));
        return t;
    }

    /**
     * Whether an image input of ONNX shape {@code shape} is NHWC: its readers are Transposes to NCHW,
     * or Reshapes to NCHW of a single channel (which only move that axis).
     */
    private boolean readAsNhwc(String input, int[] shape) throws OnnxFormatException {
        List<NodeProto> nodes = readers.getOrDefault(input, List.of());
        for (NodeProto n : nodes) {
            boolean toNchw = switch (n.getOpType()) {
                case "Transpose" -> n.getAttributeList().stream().anyMatch(
                        a -> a.getName().equals("perm") && a.getIntsList().equals(List.of(0L, 3L, 1L, 2L)));
                case "Reshape" -> shape[2] == 1 && Arrays.equals(Arrays.copyOfRange(reshapeTarget(n,
                        Attributes.describe(n), prepend(1, shape), Shape.size(shape)), 1, 4),
                        new int[] {1, shape[0], shape[1]});
                default -> false;
            };
            if (!toNchw) {
                return false;
            }
        }
        return !nodes.isEmpty();
    }

    private static int[] identity(int rank) {
        int[] a = new int[rank];
        for (int k = 0; k < rank; k++) {
            a[k] = k;
        }
        return a;
    }

    private SymbolicTensor output(String out) throws OnnxFormatException {
        if (!values.containsKey(out)) {
            throw new OnnxFormatException("output '" + out + "' is " + (constants.containsKey(out)
                    ? "a constant, not computed from the inputs" : "not made by any node"));
        }
        Value v = plain(out, "output '" + out + "'");
        if (v.flattenedFrom() != null || !v.arrangement().sameOrder()) {
            throw new OnnxFormatException("output '" + out + "' is in another axis order than tatami's (NHWC, "
                    + "features as tatami's Flatten orders them): the model would need a reordering layer");
        }
        if (v.tensor().layer() instanceof InputLayer) {
            throw new OnnxFormatException("output '" + out + "' is an input: the model has no layers");
        }
        return v.tensor();
    }

    private void node(NodeProto n) throws OnnxFormatException {
        String node = Attributes.describe(n);
        if (n.getOpType().equals("Shape")) {
            constants.put(n.getOutput(0), shape(n, node));
            return;
        }
        if (n.getInputList().stream().allMatch(in -> in.isEmpty() || constants.containsKey(in))) {
            // Computed from a Shape's sizes alone (a Resize's sizes): known now.
            constants.put(n.getOutput(0), fold(n, node));
            return;
        }
        if (absorbed.contains(n.getOutput(0))) {
            values.put(n.getOutput(0), values.get(computedInputs(n).get(0)));
            return;
        }
        Value v = switch (n.getOpType()) {
            case "Conv" -> conv(n, node);
            case "MaxPool" -> pool(n, node, false);
            case "AveragePool" -> pool(n, node, true);
            case "GlobalAveragePool" -> globalAveragePool(n, node);
            case "BatchNormalization" -> batchNormalization(n, node);
            case "Relu" -> activation(n, node, ActivationFunction.RELU);
            case "Sigmoid" -> activation(n, node, ActivationFunction.SIGMOID);
            case "Tanh" -> activation(n, node, ActivationFunction.TANH);
            case "Clip" -> clip(n, node);
            case "Softmax" -> softmax(n, node);
            case "Gemm" -> gemm(n, node);
            case "MatMul" -> matMul(n, node);
            case "Add" -> computedInputs(n).size() == 1 ? biasAdd(n, node) : merge(n, node, new Add());
            case "Sum" -> merge(n, node, new Add());
            case "Sub" -> computedInputs(n).size() == 1 ? centre(n, node) : merge(n, node, new Subtract());
            case "Mul" -> computedInputs(n).size() == 1 ? scale(n, node) : merge(n, node, new Multiply());
            case "Div" -> divide(n, node);
            case "Resize" -> resize(n, node);
            case "Slice" -> crop(n, node);
            case "Max" -> merge(n, node, new Maximum());
            case "Min" -> merge(n, node, new Minimum());
            case "Mean" -> merge(n, node, new Average());
            case "Concat" -> concat(n, node);
            case "Pad" -> pad(n, node);
            case "Reshape" -> reshape(n, node);
            case "Flatten" -> flatten(n, node);
            case "Squeeze" -> squeeze(n, node, false);
            case "Unsqueeze" -> squeeze(n, node, true);
            case "Transpose" -> transpose(n, node);
            case "Dropout" -> dropout(n, node);
            case "Identity" -> {
                Attributes.of(n);
                yield only(n, node);
            }
            default -> throw unsupported(node, n.getOpType());
        };
        values.put(n.getOutput(0), v);
    }

    private static OnnxFormatException unsupported(String node, String op) {
        return new OnnxFormatException(node + ": operator " + op + " is not supported (tatami imports Conv,"
                + " MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Relu, Clip, Sigmoid, Tanh, Softmax,"
                + " Gemm, MatMul, Add, Sub, Mul, Div, Sum, Max, Min, Mean, Concat, Pad, Reshape, Flatten, Squeeze,"
                + " Unsqueeze, Transpose, Dropout, Resize, Slice, Shape, Constant and Identity)");
    }

    /** The inputs of {@code n} computed from the model inputs (not constants), in order. */
    private List<String> computedInputs(NodeProto n) {
        return n.getInputList().stream().filter(values::containsKey).toList();
    }

    /**
     * The one computed input of a node of one data input, which must be its input 0, as it is, with
     * a pending pool or pad.
     */
    private Value only(NodeProto n, String node) throws OnnxFormatException {
        List<String> in = computedInputs(n);
        if (in.size() != 1 || !n.getInput(0).equals(in.get(0))) {
            throw new OnnxFormatException(node + ": tatami imports this operator on one value computed from the"
                    + " input, its input 0; here the computed inputs are " + in);
        }
        return values.get(in.get(0));
    }

    /** {@link #only} with a pending pool made a layer, and no pending pad. */
    private Value onlyPlain(NodeProto n, String node) throws OnnxFormatException {
        only(n, node);
        return plain(n.getInput(0), node);
    }

    /**
     * The value {@code name} as a tensor: a pending GlobalAveragePool becomes a layer that keeps its
     * (1, 1) spatial axes (once, for all its readers); a pending Pad is refused, as only a Conv takes it.
     */
    private Value plain(String name, String reader) throws OnnxFormatException {
        Value v = values.get(name);
        if (v.pads() != null) {
            throw new OnnxFormatException(reader + " reads '" + name + "', zero-padded by " + v.pads().node()
                    + "; tatami imports a Pad only as the padding of the Conv that reads it (pooling would count"
                    + " the zeros, which Keras's padding never does)");
        }
        if (v.pooled()) {
            v = apply(new GlobalAveragePooling2D(true), reader, v);
            values.put(name, v);
        }
        return v;
    }

    /**
     * Applies {@code layer} to the values' tensors; the result keeps the first input's axis order where
     * the rank allows, and its flattened feature order through layers that act on each value alone.
     */
    private static Value apply(Layer layer, String node, Value... in) throws OnnxFormatException {
        SymbolicTensor[] tensors = new SymbolicTensor[in.length];
        for (int i = 0; i < in.length; i++) {
            tensors[i] = in[i].tensor();
        }
        SymbolicTensor out;
        try {
            out = layer.apply(tensors);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(node + ": " + e.getMessage(), e);
        }
        int[] tatami = out.shape();
        int[] axes = in[0].axes().length == tatami.length ? in[0].axes() : identity(tatami.length);
        int[] shape = new int[tatami.length];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = tatami[axes[k]];
        }
        boolean valueByValue = layer instanceof Activation || layer instanceof Dropout;
        return new Value(out, shape, axes, valueByValue ? in[0].flattenedFrom() : null, false, null);
    }

    /** The node that reads the output of {@code n} if it is the only reader and that output is no graph output. */
    private NodeProto soleReader(NodeProto n) {
        List<NodeProto> r = readers.getOrDefault(n.getOutput(0), List.of());
        return r.size() == 1 && !graphOutputs.contains(n.getOutput(0)) ? r.get(0) : null;
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

    /**
     * Whether the one reader of the output of {@code n} adds a constant to it: a Conv or Dense without
     * a bias of its own then gets one, for the Add to fold into; otherwise it has none, as in the file.
     */
    private boolean biasAddFollows(NodeProto n) {
        NodeProto r = soleReader(n);
        return r != null && r.getOpType().equals("Add")
                && r.getInputList().stream().filter(in -> !constants.containsKey(in)).count() == 1;
    }

    /**
     * The Conv or Dense that made {@code v}, the value {@code name}, if an activation or bias may fold
     * into it: it has no activation yet and its output has one reader.
     */
    private Layer foldTarget(Value v, String name) {
        // Made right there: a Transpose or Identity between them could hand the layer's output to others too.
        boolean direct = Set.of("Conv", "Gemm", "MatMul", "Add").contains(producers.getOrDefault(name, "an input"));
        boolean sole = readers.getOrDefault(name, List.of()).size() == 1 && !graphOutputs.contains(name);
        Layer k = v.tensor().layer();
        return direct && sole && (k instanceof KernelLayer<?> || k instanceof DepthwiseConv2D)
                && k.activation() == ActivationFunction.LINEAR ? k : null;
    }

    /** Sets the activation of a layer {@link #foldTarget} returned. */
    private static void foldActivation(Layer k, ActivationFunction f) {
        if (k instanceof KernelLayer<?> kernel) {
            kernel.activation(f);
        } else {
            ((DepthwiseConv2D) k).activation(f);
        }
    }

    /** Whether a layer {@link #foldTarget} returned has a bias (its second parameter). */
    private static boolean hasBias(Layer k) {
        return k instanceof KernelLayer<?> kernel ? kernel.useBias() : ((DepthwiseConv2D) k).useBias();
    }

    // ---- operators on computed values ----

    private static void requireNchwImages(Value v, String node) throws OnnxFormatException {
        if (!Arrays.equals(v.axes(), NCHW)) {
            throw new OnnxFormatException(node + " needs NCHW images, got a value of shape "
                    + Shape.withBatch(v.shape()) + (v.shape().length == 3 ? " in another axis order" : ""));
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
     * Tatami's padding mode for a window on NCHW images of {@code v}: valid, or same with the padding
     * TensorFlow uses (the odd extra one at the end). ONNX pads are (top, left, bottom, right); those
     * of a Pad before a Conv add to the Conv's own.
     */
    private static Padding padding(Attributes a, Value v, int[] window, int[] strides) throws OnnxFormatException {
        int[] h = Layouts.samePads(v.shape()[1], window[0], strides[0]);
        int[] w = Layouts.samePads(v.shape()[2], window[1], strides[1]);
        int[] same = {h[0], w[0], h[1], w[1]};
        String auto = a.s("auto_pad", "NOTSET");
        if (v.pads() != null && !auto.equals("NOTSET")) {
            throw new OnnxFormatException(a.node() + ": attribute 'auto_pad' = " + auto + " after the zeros of "
                    + v.pads().node() + "; tatami folds a Pad into a Conv with explicit pads only");
        }
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
                String what = "attribute 'pads' = " + Arrays.toString(pads);
                if (v.pads() != null) {
                    for (int k = 0; k < 4; k++) {
                        pads[k] += v.pads().pads()[k];
                    }
                    what += " and the zeros of " + v.pads().node() + ", together " + Arrays.toString(pads) + ",";
                }
                if (Arrays.equals(pads, new int[4])) {
                    return Padding.VALID;
                }
                if (Arrays.equals(pads, same)) {
                    return Padding.SAME;
                }
                throw new OnnxFormatException(a.node() + ": " + what + " (top, left, bottom, right) cannot be"
                        + " expressed with tatami's padding: valid is [0, 0, 0, 0] and same is "
                        + Arrays.toString(same) + " for input " + v.shape()[1] + "x" + v.shape()[2]);
            default:
                throw new OnnxFormatException(a.node() + ": attribute 'auto_pad' = '" + auto
                        + "', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
    }

    /** A Conv of one group (Conv2D), or of one group per input channel (DepthwiseConv2D). */
    private Value conv(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "kernel_shape", "strides", "pads", "auto_pad", "dilations", "group");
        Value v = only(n, node);
        if (v.pooled()) {
            v = plain(n.getInput(0), node);
        }
        requireNchwImages(v, node);
        Constant w = constantInput(n, 1, "weight W", node);
        w.floats(node + ": weight W");
        if (w.rank() != 4) {
            throw new OnnxFormatException(node + ": weight W has shape " + w.describeShape()
                    + ", expected (filters, channels, height, width)");
        }
        int filters = w.shape()[0];
        int cin = v.shape()[0];
        int[] kernel = {w.shape()[2], w.shape()[3]};
        long group = a.i("group", 1);
        boolean depthwise = group == cin && cin > 1;
        if (group != 1 && !depthwise) {
            throw new OnnxFormatException(node + ": attribute 'group' = " + group + " for " + cin
                    + " channels: tatami has no grouped convolution (expected 1, or " + cin
                    + " for a depthwise convolution)");
        }
        if (depthwise && (w.shape()[1] != 1 || filters % cin != 0)) {
            throw new OnnxFormatException(node + ": weight W has shape " + w.describeShape() + " for a depthwise"
                    + " convolution (group = " + group + ") of " + cin + " channels, expected (" + cin
                    + " * depth_multiplier, 1, height, width)");
        }
        if (!depthwise && w.shape()[1] != cin) {
            throw new OnnxFormatException(node + ": weight W has shape " + w.describeShape() + " for "
                    + w.shape()[1] + " channels, the input has " + cin);
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
        if (depthwise) {
            int m = filters / cin;
            DepthwiseConv2D dw = new DepthwiseConv2D(kernel[0], kernel[1]).strides(strides[0], strides[1])
                    .padding(padding(a, v, kernel, strides)).depthMultiplier(m).useBias(useBias);
            Value out = apply(dw, node, v);
            // (in * m, 1, kh, kw), read as (in, m, kh, kw) -> (kh, kw, in, m); ONNX's output channel
            // c * m + j is tatami's too.
            int[] grouped = {cin, m, kernel[0], kernel[1]};
            int[] toKeras = {2, 3, 0, 1};
            Constant g = Constant.ofFloats(grouped, w.floats(node + ": weight W"));
            Tensor k = Tensor.of(g.permute(Layouts.moved(grouped, toKeras), Layouts.order(grouped, toKeras))
                    .floats(), kernel[0], kernel[1], cin, m);
            dw.setWeights(useBias ? List.of(k, Tensor.of(bias, bias.length)) : List.of(k));
            return out;
        }
        Conv2D conv = new Conv2D(filters, kernel[0], kernel[1]).strides(strides[0], strides[1])
                .padding(padding(a, v, kernel, strides)).useBias(useBias);
        Value out = apply(conv, node, v);
        // (filters, channels, kh, kw) -> (kh, kw, channels, filters)
        int[] toKeras = {3, 2, 0, 1};
        setWeights(conv, Tensor.of(w.permute(Layouts.moved(w.shape(), toKeras),
                Layouts.order(w.shape(), toKeras)).floats(), kernel[0], kernel[1], cin, filters), bias);
        return out;
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
    private Value pool(NodeProto n, String node, boolean average) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "kernel_shape", "strides", "pads", "auto_pad", "dilations", "ceil_mode",
                average ? "count_include_pad" : "storage_order");
        Value v = onlyPlain(n, node);
        requireNchwImages(v, node);
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
            throw new OnnxFormatException(node + ": the Indices output ('" + n.getOutput(1) + "') is not supported");
        }
        int[] window = pair(a, "kernel_shape", null);
        int[] strides = pair(a, "strides", new int[] {1, 1});
        requireNoDilation(a);
        Padding padding = padding(a, v, window, strides);
        int[][] pads = new int[2][];
        for (int k = 0; k < 2; k++) {
            pads[k] = padding == Padding.SAME ? Layouts.samePads(v.shape()[k + 1], window[k], strides[k]) : new int[2];
        }
        if (a.i("ceil_mode", 0) != 0) {
            // Rounding up gives one more window only where the last one would start inside the input.
            for (int k = 0; k < 2; k++) {
                if ((v.shape()[k + 1] + sum(pads[k]) - window[k]) % strides[k] != 0) {
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
        return apply(layer.strides(strides[0], strides[1]).padding(padding.kerasName()), node, v);
    }

    /** A pooled value waiting for its reader: flattened, it becomes one GlobalAveragePooling2D. */
    private Value globalAveragePool(NodeProto n, String node) throws OnnxFormatException {
        Attributes.of(n);
        Value v = onlyPlain(n, node);
        requireNchwImages(v, node);
        return new Value(v.tensor(), new int[] {v.shape()[0], 1, 1}, NCHW, null, true, null);
    }

    /** Inference-mode batch normalization over ONNX's axis 1, which must be tatami's channels (last) axis. */
    private Value batchNormalization(NodeProto n, String node) throws OnnxFormatException {
        // spatial (up to opset 8) = 0 would normalize each position apart; is_test and consumed_inputs
        // (early opsets) do not change inference.
        Attributes a = Attributes.of(n, "epsilon", "momentum", "spatial", "is_test", "consumed_inputs",
                "training_mode");
        Value v = onlyPlain(n, node);
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
        if (v.flattenedFrom() != null) {
            throw new OnnxFormatException(node + ": normalizes features flattened from NCHW values of shape "
                    + Shape.withBatch(v.flattenedFrom().shape()) + ", which tatami orders otherwise; normalize"
                    + " before flattening");
        }
        if (v.axes()[0] != v.shape().length - 1) {
            throw new OnnxFormatException(node + ": normalizes axis 1 of values of shape "
                    + Shape.withBatch(v.shape()) + ", which is not the channels axis in tatami's (NHWC) order");
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
        int channels = v.shape()[0];
        List<Tensor> weights = new ArrayList<>();
        String[] names = {"scale", "B", "mean", "var"};
        for (int k = 0; k < names.length; k++) {
            weights.add(Tensor.of(vector(constantInput(n, k + 1, names[k], node), channels, node + ": " + names[k]),
                    channels));
        }
        BatchNormalization bn = new BatchNormalization().epsilon(epsilon).momentum(momentum);
        Value out = apply(bn, node, v);
        bn.setWeights(weights);
        return out;
    }

    private static int sum(int[] v) {
        return v[0] + v[1];
    }

    private Value activation(NodeProto n, String node, ActivationFunction f) throws OnnxFormatException {
        // consumed_inputs is an opset-1 memory hint with no effect on the result.
        Attributes.of(n, "consumed_inputs");
        return applyActivation(n, node, f);
    }

    /**
     * Folds the activation into the Conv or Dense just before, as Keras models write it, where nothing
     * else reads that layer's output; otherwise adds an Activation layer.
     */
    private Value applyActivation(NodeProto n, String node, ActivationFunction f) throws OnnxFormatException {
        Value v = onlyPlain(n, node);
        Layer k = foldTarget(v, n.getInput(0));
        if (k != null) {
            foldActivation(k, f);
            return v;
        }
        return apply(new Activation(f), node, v);
    }

    /** Clip to [0, 6] is relu6 (as PyTorch writes ReLU6), to [0, +inf) relu. */
    private Value clip(NodeProto n, String node) throws OnnxFormatException {
        float min;
        float max;
        if (opset < 11) {
            Attributes a = Attributes.of(n, "min", "max", "consumed_inputs");
            min = a.f("min", Float.NEGATIVE_INFINITY);
            max = a.f("max", Float.POSITIVE_INFINITY);
        } else {
            Attributes.of(n);
            min = hasInput(n, 1) ? scalar(constantInput(n, 1, "min", node), node + ": min") : Float.NEGATIVE_INFINITY;
            max = hasInput(n, 2) ? scalar(constantInput(n, 2, "max", node), node + ": max") : Float.POSITIVE_INFINITY;
        }
        ActivationFunction f = min != 0 ? null : max == 6 ? ActivationFunction.RELU6
                : max == Float.POSITIVE_INFINITY ? ActivationFunction.RELU : null;
        if (f == null) {
            throw new OnnxFormatException(node + ": clips to [" + min + ", " + max + "]; tatami imports Clip to"
                    + " [0, 6] (relu6) and [0, inf) (relu)");
        }
        return applyActivation(n, node, f);
    }

    private static float scalar(Constant c, String what) throws OnnxFormatException {
        float[] v = c.floats(what);
        if (v.length != 1) {
            throw new OnnxFormatException(what + " has shape " + c.describeShape() + ", expected one value");
        }
        return v[0];
    }

    private Value softmax(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "axis");
        Value v = onlyPlain(n, node);
        int rank = v.shape().length + 1;
        long axis = a.i("axis", opset >= 13 ? -1 : 1);
        long k = axis < 0 ? axis + rank : axis;
        // Up to opset 12, Softmax normalises over all axes from 'axis' on, so only the last one will do.
        boolean channels = k >= 1 && k < rank && v.axes()[(int) k - 1] == v.shape().length - 1
                && (opset >= 13 || k == rank - 1);
        if (!channels) {
            throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " on shape "
                    + Shape.withBatch(v.shape()) + ": tatami's softmax normalises the last axis of NHWC values only");
        }
        return applyActivation(n, node, ActivationFunction.SOFTMAX);
    }

    private Value gemm(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "alpha", "beta", "transA", "transB", "broadcast");
        Value v = onlyPlain(n, node);
        if (a.i("transA", 0) != 0) {
            throw new OnnxFormatException(node + ": attribute 'transA' = 1 would transpose the batch; expected 0");
        }
        Constant b = constantInput(n, 1, "matrix B", node);
        boolean transB = a.i("transB", 0) != 0;
        Constant c = hasInput(n, 2) ? constantInput(n, 2, "bias C", node) : null;
        return dense(n, node, v, b, transB, a.f("alpha", 1f), c, a.f("beta", 1f));
    }

    private Value matMul(NodeProto n, String node) throws OnnxFormatException {
        Attributes.of(n);
        if (!values.containsKey(n.getInput(0))) {
            throw new OnnxFormatException(node + ": tatami imports MatMul of a computed value by a constant matrix,"
                    + " here the constant comes first");
        }
        Value v = onlyPlain(n, node);
        return dense(n, node, v, constantInput(n, 1, "matrix B", node), false, 1f, null, 1f);
    }

    /** A Dense layer computing {@code x . alpha B(^T) + beta c} on the last axis of {@code v}. */
    private Value dense(NodeProto n, String node, Value v, Constant b, boolean transB, float alpha, Constant c,
                        float beta) throws OnnxFormatException {
        float[] bv = b.floats(node + ": matrix B");
        if (b.rank() != 2) {
            throw new OnnxFormatException(node + ": matrix B has shape " + b.describeShape() + ", expected 2 axes");
        }
        int in = b.shape()[transB ? 1 : 0];
        int units = b.shape()[transB ? 0 : 1];
        int[] shape = v.shape();
        int last = shape.length - 1;
        if (shape[last] != in || v.axes()[last] != last) {
            throw new OnnxFormatException(node + ": matrix B of shape " + b.describeShape() + " needs " + in
                    + " features on the last axis of NHWC values, got shape " + Shape.withBatch(shape)
                    + (v.axes()[last] != last ? " in another axis order" : ""));
        }
        // Flattened NCHW features: ONNX's feature i is tatami's feature order[i]. Computed only now that
        // B's rows, present in the file, bound its size.
        Arrangement from = v.flattenedFrom();
        int[] order = from == null ? null : Layouts.order(from.shape(), from.axes());
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
        Value out = apply(d, node, v);
        setWeights(d, Tensor.of(kernel, in, units), bias);
        return out;
    }

    /**
     * A constant added to the output of a Conv or Dense is its bias, broadcast over all but the channels;
     * a scalar added to any other value is a Rescaling of scale 1.
     */
    private Value biasAdd(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "broadcast", "axis", "consumed_inputs");
        boolean first = values.containsKey(n.getInput(0));
        Value v = plain(n.getInput(first ? 0 : 1), node);
        Constant c = constantInput(n, first ? 1 : 0, "addend", node);
        Layer k = foldTarget(v, n.getInput(first ? 0 : 1));
        if ((k == null || !hasBias(k)) && c.size() == 1) {
            return apply(new Rescaling(1, c.floats(node + ": addend")[0]), node, v);
        }
        if (k == null || !hasBias(k)) {
            Layer before = v.tensor().layer();
            throw new OnnxFormatException(node + ": tatami imports an Add of a constant as the bias of the Conv,"
                    + " Gemm or MatMul just before it, whose output nothing else reads, or of a scalar as a"
                    + " Rescaling; here it follows "
                    + (before instanceof InputLayer ? "the input" : before.name() + " (" + before.className()
                    + (before.activation() == ActivationFunction.LINEAR ? ")" : ", after its activation)")));
        }
        int rank = v.shape().length + 1;
        // Opset 1 to 6 align the addend at 'axis' when 'broadcast' is set; later opsets align it at the end.
        long start = a.i("broadcast", 0) != 0 && a.has("axis") ? a.i("axis", 0) : rank - c.rank();
        float[] cv = channelValues(c, v, start < 0 ? start + rank : start, node + ": addend");
        float[] bias = k.parameters().get(1).value().data();
        for (int ch = 0; ch < bias.length; ch++) {
            bias[ch] += cv[cv.length == 1 ? 0 : ch];
        }
        return v;
    }

    /** {@link #channelValues(Constant, Value, long, String)} of a constant aligned at the end, as ONNX broadcasts. */
    private static float[] channelValues(Constant c, Value v, String what) throws OnnxFormatException {
        return channelValues(c, v, v.shape().length + 1 - c.rank(), what);
    }

    /**
     * A constant broadcast onto {@code v} from ONNX axis {@code start} that varies at most along tatami's
     * last axis (the channels): its one value, or its value per channel.
     */
    private static float[] channelValues(Constant c, Value v, long start, String what) throws OnnxFormatException {
        int[] shape = v.shape();
        int rank = shape.length + 1;
        int channelAxis = 1 + indexOf(v.axes(), shape.length - 1);
        int channels = shape[channelAxis - 1];
        boolean fits = start >= 0 && start + c.rank() <= rank;
        boolean perChannel = false;
        for (int j = 0; fits && j < c.rank(); j++) {
            int d = c.shape()[j];
            perChannel |= d != 1;
            fits = d == 1 || start + j == channelAxis && d == channels;
        }
        if (!fits) {
            throw new OnnxFormatException(what + " of shape " + c.describeShape() + " is not one value or one per"
                    + " channel (" + channels + ") for values of shape " + Shape.withBatch(shape));
        }
        float[] values = c.floats(what);
        return perChannel ? values : new float[] {values[0]};
    }

    /** The constant operand of a two-input node of one computed input, or an error naming the node. */
    private Constant operand(NodeProto n, String node, String what) throws OnnxFormatException {
        Attributes.of(n, "consumed_inputs");
        return constantInput(n, n.getInputCount() > 1 && constants.containsKey(n.getInput(1)) ? 1 : 0, what, node);
    }

    /**
     * The sole reader of {@code n}'s output if it is an {@code op} of that output (its first operand,
     * or either one of an Add) and of a constant, with no attributes: a node that can join n's layer.
     */
    private NodeProto constantFollows(NodeProto n, String op) {
        NodeProto r = soleReader(n);
        if (r == null || !r.getOpType().equals(op) || r.getInputCount() != 2 || r.getAttributeCount() > 0) {
            return null;
        }
        int mine = r.getInput(0).equals(n.getOutput(0)) ? 0 : 1;
        return (mine == 0 || op.equals("Add")) && constants.containsKey(r.getInput(1 - mine)) ? r : null;
    }

    /**
     * The constant of an {@code op} right after {@code n} that joins n's layer ({@link #constantFollows}),
     * one value or one per channel; that node then passes the value on. {@code absent} when there is none.
     */
    private float[] joined(NodeProto n, String op, String what, Value v, float absent) throws OnnxFormatException {
        NodeProto follower = constantFollows(n, op);
        if (follower == null) {
            return new float[] {absent};
        }
        String at = Attributes.describe(follower);
        absorbed.add(follower.getOutput(0));
        return channelValues(operand(follower, at, what), v, at + ": " + what);
    }

    /**
     * A computed value times a constant: a Rescaling for a scalar, Normalization's inverse for one value
     * per channel; an Add of a constant right after it joins it as the offset or the mean.
     */
    private Value scale(NodeProto n, String node) throws OnnxFormatException {
        Value v = plain(computedInputs(n).get(0), node);
        float[] factor = channelValues(operand(n, node, "factor"), v, node + ": factor");
        float[] offset = joined(n, "Add", "addend", v, 0f);
        if (factor.length == 1 && offset.length == 1) {
            return apply(new Rescaling(factor[0], offset[0]), node, v);
        }
        return normalization(offset, factor, true, v, node);
    }

    /** A constant subtracted from a computed value, and a Div by a constant right after it: Normalization. */
    private Value centre(NodeProto n, String node) throws OnnxFormatException {
        if (!values.containsKey(n.getInput(0))) {
            throw new OnnxFormatException(node + ": tatami imports a Sub of a constant from a computed value"
                    + " (Normalization), not of a computed value from a constant");
        }
        Value v = plain(n.getInput(0), node);
        float[] mean = channelValues(operand(n, node, "subtrahend"), v, node + ": subtrahend");
        return normalization(mean, joined(n, "Div", "divisor", v, 1f), false, v, node);
    }

    /** A computed value divided by a constant: Normalization with mean 0. */
    private Value divide(NodeProto n, String node) throws OnnxFormatException {
        if (computedInputs(n).size() != 1 || !values.containsKey(n.getInput(0))) {
            throw new OnnxFormatException(node + ": tatami imports a Div of a computed value by a constant"
                    + " (Normalization)");
        }
        Value v = plain(n.getInput(0), node);
        return normalization(new float[] {0f}, channelValues(operand(n, node, "divisor"), v,
                node + ": divisor"), false, v, node);
    }

    /**
     * Normalization over the channels subtracting {@code mean} and dividing by {@code divisor} (or,
     * inverted, multiplying and adding), bit for bit: its variance is the divisor squared in float32,
     * whose square root is the divisor again.
     */
    private static Value normalization(float[] mean, float[] divisor, boolean invert, Value v, String node)
            throws OnnxFormatException {
        double[] variance = new double[divisor.length];
        for (int k = 0; k < divisor.length; k++) {
            float d = divisor[k];
            float square = d * d;
            if (!(d >= 1e-7f) || (float) Math.sqrt(square) != d) {
                throw new OnnxFormatException(node + ": " + (invert ? "factor " : "divisor ") + d + " is not a"
                        + " standard deviation tatami's Normalization divides by (positive, at least 1e-7, finite"
                        + " when squared)");
            }
            variance[k] = square;
        }
        double[] m = new double[mean.length];
        for (int k = 0; k < m.length; k++) {
            m[k] = mean[k];
        }
        return apply(new Normalization().mean(m).variance(variance).invert(invert), node, v);
    }

    private static int indexOf(int[] v, int x) {
        for (int k = 0; k < v.length; k++) {
            if (v[k] == x) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The plain values of all inputs of an element-wise or concatenating node, which must all be
     * computed and in one axis order, so that tatami's broadcasting and axes are ONNX's.
     */
    private Value[] mergeInputs(NodeProto n, String node) throws OnnxFormatException {
        Value[] in = new Value[n.getInputCount()];
        for (int i = 0; i < in.length; i++) {
            String name = n.getInput(i);
            if (!values.containsKey(name)) {
                throw new OnnxFormatException(node + ": input '" + name + "' is " + (name.isEmpty() ? "missing"
                        : "a constant") + "; tatami imports this operator on values computed from the inputs");
            }
            in[i] = plain(name, node);
            if (!Arrays.equals(in[i].axes(), in[0].axes()) || in[i].flattenedFrom() != null) {
                throw new OnnxFormatException(node + ": inputs '" + n.getInput(0) + "' and '" + name + "' of shapes "
                        + Shape.withBatch(in[0].shape()) + " and " + Shape.withBatch(in[i].shape()) + " are not in"
                        + " one axis order that tatami shares (flatten after merging instead)");
            }
        }
        return in;
    }

    /** An element-wise operation of computed values as a merge layer; one input is that input. */
    private Value merge(NodeProto n, String node, Merge layer) throws OnnxFormatException {
        Attributes.of(n, "broadcast", "axis", "consumed_inputs");
        Value[] in = mergeInputs(n, node);
        return in.length == 1 ? in[0] : apply(layer, node, in);
    }

    /** Concat along ONNX's axis, which is tatami's axis as the inputs' layout says. */
    private Value concat(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "axis");
        Value[] in = mergeInputs(n, node);
        if (!a.has("axis")) {
            throw new OnnxFormatException(node + ": attribute 'axis' is missing");
        }
        int rank = in[0].shape().length + 1;
        long axis = a.i("axis", 0);
        long k = axis < 0 ? axis + rank : axis;
        if (k < 1 || k >= rank) {
            throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " on values of shape "
                    + Shape.withBatch(in[0].shape()) + ": tatami joins samples along one of their axes, not the batch");
        }
        return in.length == 1 ? in[0] : apply(new Concatenate(in[0].axes()[(int) k - 1] + 1), node, in);
    }

    /** Zeros around the images, kept for the Conv that reads them (see {@link #padding}). */
    private Value pad(NodeProto n, String node) throws OnnxFormatException {
        Value v = only(n, node);
        if (v.pooled() || v.pads() != null || v.shape().length != 3) {
            v = plain(n.getInput(0), node);
        }
        if (v.shape().length != 3) {
            throw new OnnxFormatException(node + ": pads values of shape " + Shape.withBatch(v.shape())
                    + "; tatami imports a Pad of images only");
        }
        long[] pads;
        float value;
        String mode;
        if (opset < 11) {
            Attributes a = Attributes.of(n, opset < 2 ? "paddings" : "pads", "mode", "value");
            int[] p = a.ints(opset < 2 ? "paddings" : "pads", null);
            pads = p == null ? null : Arrays.stream(p).asLongStream().toArray();
            value = a.f("value", 0f);
            mode = a.s("mode", "constant");
        } else {
            Attributes a = Attributes.of(n, "mode");
            if (hasInput(n, 3)) {
                throw new OnnxFormatException(node + ": input 'axes' is not supported; give pads for every axis");
            }
            pads = constantInput(n, 1, "pads", node).longs(node + ": pads");
            value = hasInput(n, 2) ? scalar(constantInput(n, 2, "constant_value", node), node + ": constant_value")
                    : 0f;
            mode = a.s("mode", "constant");
        }
        if (!mode.equals("constant") || value != 0f) {
            throw new OnnxFormatException(node + ": pads with mode '" + mode + "' and value " + value
                    + "; tatami imports zero padding (mode 'constant', value 0) only");
        }
        if (pads == null || pads.length != 8) {
            throw new OnnxFormatException(node + ": pads " + (pads == null ? "missing" : Arrays.toString(pads))
                    + ", expected 8 values (the start of each of 4 axes, then their ends)");
        }
        // ONNX axis 1 + k holds tatami's axis axes[k]: heights (0) and widths (1) may be padded.
        int[] out = new int[4];
        for (int k = 0; k < 4; k++) {
            int tatami = k == 0 ? -1 : v.axes()[k - 1];
            for (int end = 0; end < 2; end++) {
                long p = pads[k + 4 * end];
                if (p != 0 && (tatami != 0 && tatami != 1 || p < 0 || p > Integer.MAX_VALUE / 2)) {
                    throw new OnnxFormatException(node + ": pads " + Arrays.toString(pads) + " on values of shape "
                            + Shape.withBatch(v.shape()) + "; tatami pads the height and width of images with"
                            + " zeros only");
                }
                if (tatami == 0 || tatami == 1) {
                    out[tatami + 2 * end] = (int) p;
                }
            }
        }
        return new Value(v.tensor(), v.shape(), v.axes(), null, false, new Pads(out, node));
    }

    private Value reshape(NodeProto n, String node) throws OnnxFormatException {
        Value v = only(n, node);
        return reshapeTo(n, node, v, reshapeTarget(n, node, prepend(1, v.shape()), Shape.size(v.shape())));
    }

    /**
     * A value given another shape of the same values, {@code target} with the batch axis: one axis is
     * a flatten; otherwise the memory orders of ONNX and tatami must agree (axes of size 1 may move),
     * and the result is arranged as NCHW images or, if it is no image, as tatami's own order.
     */
    private Value reshapeTo(NodeProto n, String node, Value v, int[] target) throws OnnxFormatException {
        if (target[0] != 1) {
            throw new OnnxFormatException(node + ": reshape of " + Shape.withBatch(v.shape()) + " to "
                    + Arrays.toString(target) + " changes the batch axis");
        }
        int[] sample = Arrays.copyOfRange(target, 1, target.length);
        if (sample.length == 1) {
            return flattenValue(node, v);
        }
        v = plain(n.getInput(0), node);
        int[] axes = sample.length == 3 && new Arrangement(sample, NCHW).sameOrder() ? NCHW : identity(sample.length);
        if (v.flattenedFrom() != null || !v.arrangement().sameOrder() || !new Arrangement(sample, axes).sameOrder()) {
            throw new OnnxFormatException(node + ": reshape of " + Shape.withBatch(v.shape()) + " to "
                    + Arrays.toString(target) + " reorders the values against tatami's NHWC order; tatami imports"
                    + " reshapes that flatten each sample or only move, add or drop axes of size 1");
        }
        int[] tatami = Layouts.moved(sample, axes);
        if (Arrays.equals(tatami, v.tensor().shape())) {
            return new Value(v.tensor(), sample, axes);
        }
        Value out = apply(new Reshape(tatami), node, v);
        return new Value(out.tensor(), sample, axes);
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
    private static Value flattenValue(String node, Value v) throws OnnxFormatException {
        if (v.pads() != null) {
            throw new OnnxFormatException(node + " flattens the zeros of " + v.pads().node() + "; tatami imports a"
                    + " Pad only as the padding of the Conv that reads it");
        }
        if (v.pooled()) {
            return apply(new GlobalAveragePooling2D(), node, v);
        }
        if (v.shape().length == 1) {
            return v;
        }
        Arrangement from = v.arrangement();
        Value out = apply(new Flatten(), node, v);
        return from.sameOrder() ? out : new Value(out.tensor(), out.shape(), out.axes(), from, false, null);
    }

    private Value flatten(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "axis");
        Value v = only(n, node);
        long axis = a.i("axis", 1);
        if (axis != 1 && axis != -v.shape().length) {
            throw new OnnxFormatException(node + ": attribute 'axis' = " + axis + " on shape "
                    + Shape.withBatch(v.shape()) + ": tatami flattens each sample (axis 1)");
        }
        return flattenValue(node, v);
    }

    /** Squeeze or Unsqueeze: a reshape that drops or adds axes of size 1 (never the batch axis). */
    private Value squeeze(NodeProto n, String node, boolean unsqueeze) throws OnnxFormatException {
        Attributes a = opset < 13 ? Attributes.of(n, "axes") : Attributes.of(n);
        Value v = only(n, node);
        int rank = v.shape().length + 1;
        int[] axes = opset < 13 ? a.ints("axes", null) : hasInput(n, 1)
                ? Arrays.stream(constantInput(n, 1, "axes", node).longs(node + ": axes")).mapToInt(x -> (int) x)
                .toArray() : null;
        if (axes == null && unsqueeze) {
            throw new OnnxFormatException(node + ": axes are missing");
        }
        int outRank = unsqueeze ? rank + axes.length : rank;
        boolean[] listed = new boolean[outRank];
        for (int k : axes == null ? new int[0] : axes) {
            int at = k < 0 ? k + (unsqueeze ? outRank : rank) : k;
            if (at < 1 || at >= listed.length || listed[at]) {
                throw new OnnxFormatException(node + ": axes " + Arrays.toString(axes) + " on values of shape "
                        + Shape.withBatch(v.shape()) + " name the batch axis, an axis out of range, or one twice");
            }
            listed[at] = true;
        }
        List<Integer> target = new ArrayList<>(List.of(1));
        int from = 0;
        for (int k = 1; k < outRank; k++) {
            if (unsqueeze && listed[k]) {
                target.add(1);
            } else {
                int d = v.shape()[from++];
                boolean drop = !unsqueeze && (axes == null ? d == 1 : listed[k]);
                if (drop && d != 1) {
                    throw new OnnxFormatException(node + ": squeezes axis " + k + " of size " + d + " of values of"
                            + " shape " + Shape.withBatch(v.shape()) + "; only axes of size 1 can go");
                }
                if (!drop) {
                    target.add(d);
                }
            }
        }
        return reshapeTo(n, node, v, target.stream().mapToInt(Integer::intValue).toArray());
    }

    private Value transpose(NodeProto n, String node) throws OnnxFormatException {
        Value v = only(n, node);
        int[] perm = permutation(n, node, v.shape().length + 1);
        if (perm[0] != 0) {
            throw new OnnxFormatException(node + ": attribute 'perm' = " + Arrays.toString(perm)
                    + " moves the batch axis");
        }
        int[] shape = new int[v.shape().length];
        int[] axes = new int[shape.length];
        for (int j = 0; j < shape.length; j++) {
            shape[j] = v.shape()[perm[j + 1] - 1];
            axes[j] = v.axes()[perm[j + 1] - 1];
        }
        // Only the bookkeeping changes: a pending pool or pad waits on, as they are kept by tatami's axes.
        return new Value(v.tensor(), shape, axes, v.flattenedFrom(), v.pooled(), v.pads());
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

    private Value dropout(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "ratio", "is_test", "seed");
        Value v = onlyPlain(n, node);
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
        return ratio > 0 ? apply(new Dropout(ratio), node, v) : v;
    }

    /** The sizes of a computed value, its batch size written as 0 (known only when the model runs). */
    private Constant shape(NodeProto n, String node) throws OnnxFormatException {
        Attributes.of(n);
        int[] shape = only(n, node).shape();
        long[] sizes = new long[shape.length + 1];
        for (int k = 0; k < shape.length; k++) {
            sizes[k + 1] = shape[k];
        }
        return Constant.ofLongs(new int[] {sizes.length}, sizes);
    }

    /**
     * A Resize as TensorFlow's (Keras's Resizing): linear with half_pixel coordinates (pytorch_half_pixel
     * alike for outputs wider than 1) is bilinear; nearest with half_pixel and round_prefer_ceil, or
     * tf_half_pixel_for_nn and floor, is nearest. The new sizes come from a constant {@code sizes} (the batch entry is not read) or
     * {@code scales}; channels and batch keep theirs.
     */
    private Value resize(NodeProto n, String node) throws OnnxFormatException {
        Attributes a = Attributes.of(n, "mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                "exclude_outside", "extrapolation_value");
        Value v = onlyPlain(n, node);
        int[] in = v.shape();
        if (opset < 11 || in.length != 3) {
            throw new OnnxFormatException(node + ": tatami imports Resize of images from opset 11 on; here opset "
                    + opset + ", values of shape " + Shape.withBatch(in));
        }
        int[] out = new int[3];
        if (hasInput(n, 3)) {
            long[] sizes = constantInput(n, 3, "sizes", node).longs(node + ": sizes");
            for (int k = 0; k < 3 && sizes.length == 4; k++) {
                out[k] = (int) Math.min(sizes[k + 1], Integer.MAX_VALUE);
            }
        } else {
            float[] scales = constantInput(n, 2, "scales", node).floats(node + ": scales");
            for (int k = 0; k < 3 && scales.length == 4 && scales[0] == 1f; k++) {
                out[k] = (int) Math.floor(in[k] * scales[k + 1]);
            }
        }
        String mode = a.s("mode", "nearest");
        String coordinates = a.s("coordinate_transformation_mode", "half_pixel");
        String nearest = a.s("nearest_mode", "round_prefer_floor");
        boolean bilinear = mode.equals("linear") && (coordinates.equals("half_pixel")
                || coordinates.equals("pytorch_half_pixel") && Arrays.stream(out).allMatch(d -> d > 1));
        // TensorFlow's nearest is floor((o + 0.5) * in / out): so are both of these.
        boolean tfNearest = mode.equals("nearest") && (coordinates.equals("tf_half_pixel_for_nn")
                && nearest.equals("floor") || coordinates.equals("half_pixel") && nearest.equals("round_prefer_ceil"));
        if (!bilinear && !tfNearest || a.i("exclude_outside", 0) != 0) {
            throw new OnnxFormatException(node + ": mode " + mode + ", coordinate_transformation_mode " + coordinates
                    + ", nearest_mode " + nearest + " is not TensorFlow's resizing, which tatami's Resizing does:"
                    + " linear with half_pixel, or nearest with half_pixel and round_prefer_ceil (or"
                    + " tf_half_pixel_for_nn and floor)");
        }
        int[] size = new int[2];
        for (int k = 0; k < 3; k++) {
            int axis = v.axes()[k];
            if (out[k] <= 0 || axis == 2 && out[k] != in[k]) {
                throw new OnnxFormatException(node + ": resizes " + Shape.withBatch(in) + " to "
                        + Shape.withBatch(out) + "; tatami resizes the rows and columns of images, to positive sizes");
            }
            if (axis < 2) {
                size[axis] = out[k];
            }
        }
        return apply(new Resizing(size[0], size[1]).interpolation(bilinear ? "bilinear" : "nearest"), node, v);
    }

    /** A Slice of the rows and columns of images (step 1): Cropping2D. */
    private Value crop(NodeProto n, String node) throws OnnxFormatException {
        Value v = onlyPlain(n, node);
        long[][] args = sliceArguments(n, node);
        int[] in = v.shape();
        int[] cut = new int[4];
        for (int i = 0; i < args[0].length; i++) {
            long axis = args[2] == null ? i : args[2][i] < 0 ? args[2][i] + in.length + 1 : args[2][i];
            int k = (int) axis - 1;
            int dim = k >= 0 && k < in.length ? in[k] : 0;
            int start = (int) clamp(args[0][i], dim);
            int end = (int) clamp(args[1][i], dim);
            boolean image = in.length == 3 && k >= 0 && v.axes()[k] < 2;
            if (!image || (args[3] != null && args[3][i] != 1) || start >= end) {
                throw new OnnxFormatException(node + ": tatami imports a Slice of the rows and columns of images,"
                        + " with step 1, as Cropping2D; here axis " + axis + " of values of shape "
                        + Shape.withBatch(in));
            }
            cut[2 * v.axes()[k]] = start;
            cut[2 * v.axes()[k] + 1] = dim - end;
        }
        return apply(new Cropping2D(cut[0], cut[1], cut[2], cut[3]), node, v);
    }

    /**
     * A Slice's starts, ends, axes and steps (the last two null when absent): inputs from opset 10 on,
     * attributes before.
     */
    private long[][] sliceArguments(NodeProto n, String node) throws OnnxFormatException {
        if (opset < 10) {
            Attributes a = Attributes.of(n, "starts", "ends", "axes");
            int[] axes = a.ints("axes", null);
            return new long[][] {longs(a.ints("starts", new int[0])), longs(a.ints("ends", new int[0])),
                axes == null ? null : longs(axes), null};
        }
        Attributes.of(n);
        long[][] args = new long[4][];
        String[] names = {"starts", "ends", "axes", "steps"};
        for (int k = 0; k < 4; k++) {
            args[k] = k < 2 || hasInput(n, k + 1) ? constantInput(n, k + 1, names[k], node).longs(node + ": "
                    + names[k]) : null;
        }
        for (int k = 1; k < 4; k++) {
            if (args[k] != null && args[k].length != args[0].length) {
                throw new OnnxFormatException(node + ": " + names[k] + " has " + args[k].length + " values, starts "
                        + args[0].length);
            }
        }
        return args;
    }

    private static long[] longs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    /** An index of a Slice on an axis of {@code dim} values: negative counts from the end; clamped to [0, dim]. */
    private static long clamp(long index, int dim) {
        long i = index < 0 ? index + dim : index;
        return Math.max(0, Math.min(i, dim));
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
            case "Slice" -> {
                Constant c = constantInput(n, 0, "data", node);
                long[][] args = sliceArguments(n, node);
                boolean simple = c.rank() == 1 && args[0].length == 1 && (args[2] == null || args[2][0] == 0
                        || args[2][0] == -1) && (args[3] == null || args[3][0] == 1);
                if (!simple) {
                    throw new OnnxFormatException(node + ": tatami folds a Slice of a vector with step 1, here of"
                            + " shape " + c.describeShape());
                }
                int from = (int) clamp(args[0][0], c.size());
                int to = (int) Math.max(from, clamp(args[1][0], c.size()));
                return c.range(from, to);
            }
            case "Concat" -> {
                long axis = Attributes.of(n, "axis").i("axis", 0);
                Constant out = null;
                for (int k = 0; k < n.getInputCount(); k++) {
                    Constant c = constantInput(n, k, "input " + k, node);
                    if (c.rank() != 1 || axis != 0 && axis != -1) {
                        throw new OnnxFormatException(node + ": tatami folds a Concat of vectors, here of shape "
                                + c.describeShape() + " along axis " + axis);
                    }
                    out = out == null ? c : out.append(c, node);
                }
                return out;
            }
            default -> throw new OnnxFormatException(node + ": operator " + n.getOpType() + " on constant inputs"
                    + " is not supported (tatami folds Constant, Identity, Dropout, Reshape, Flatten, Transpose,"
                    + " Slice and Concat)");
        }
    }
}
