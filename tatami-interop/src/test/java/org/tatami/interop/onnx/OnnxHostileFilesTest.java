package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto;
import org.tatami.interop.onnx.proto.Onnx.GraphProto;
import org.tatami.interop.onnx.proto.Onnx.ModelProto;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;
import org.tatami.interop.onnx.proto.Onnx.StringStringEntryProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.NonFiniteWeightsException;
import org.tatami.models.Sequential;

/** Malformed, hostile and unsupported files are refused with an exception naming the file and the problem. */
class OnnxHostileFilesTest {
    @TempDir
    Path dir;

    private static ModelProto valid() {
        Sequential model = new Sequential(
                new Conv2D(2, 3).activation("relu").name("conv").inputShape(6, 6, 1),
                new MaxPool2D(2).name("pool"),
                new Flatten().name("flatten"),
                new Dense(3).activation("softmax").name("dense"));
        return OnnxExport.toProto(model);
    }

    /** Writes {@code bytes}, expects the import to fail, and checks the message names the file and {@code parts}. */
    private void refused(byte[] bytes, String... parts) throws IOException {
        Path file = dir.resolve("model.onnx");
        Files.write(file, bytes);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    private void refused(Consumer<GraphProto.Builder> change, String... parts) throws IOException {
        ModelProto.Builder m = valid().toBuilder();
        change.accept(m.getGraphBuilder());
        refused(m.build().toByteArray(), parts);
    }

    private static NodeProto.Builder node(GraphProto.Builder g, String op) {
        return g.getNodeBuilderList().stream().filter(n -> n.getOpType().equals(op)).findFirst().orElseThrow();
    }

    @Test
    void validModelLoads() throws IOException {
        Path file = dir.resolve("ok.onnx");
        Files.write(file, valid().toByteArray());
        assertTrue(OnnxImport.load(file).isBuilt());
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws IOException {
        Sequential model = new Sequential(new Flatten().inputShape(2, 2, 1), new Dense(3).name("dense"));
        model.namedWeights().get("dense/bias").data()[1] = Float.POSITIVE_INFINITY;
        Path file = dir.resolve("inf.onnx");
        OnnxExport.save(model, file);
        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class, () -> OnnxImport.load(file));
        assertTrue(e.getMessage().startsWith(file + ": tensor '"), e.getMessage());
        assertTrue(e.getMessage().contains("/bias' holds 1 non-finite value(s) (NaN or infinite) of 3"), e.getMessage());
    }

    @Test
    void truncatedAndCorruptedFiles() throws IOException {
        byte[] bytes = valid().toByteArray();
        refused(Arrays.copyOf(bytes, bytes.length / 2), "truncated or corrupted");
        refused(new byte[0], "no graph");
        byte[] garbage = new byte[1000];
        Arrays.fill(garbage, (byte) 0xFF);
        refused(garbage, "truncated or corrupted");
    }

    @Test
    void hugeDeclaredTensorsAreRefusedBeforeAllocating() throws IOException {
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(1L << 40).addDims(1L << 40), "declares dims");
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(100_000).addDims(20_000),
                "needs 8000000000 bytes of raw_data, the file holds 72");
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(1000).addDims(1000),
                "needs 4000000 bytes of raw_data, the file holds 72");
        refused(g -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1)
                .setDimValue(1L << 33), "input 'input' has axis 1");
    }

    @Test
    void externalDataAndWrongTypesAreRefused() throws IOException {
        refused(g -> g.getInitializerBuilder(0).clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")),
                "conv/kernel", "external file ('weights.bin')");
        refused(g -> g.getInitializerBuilder(0).setDataType(TensorProto.DataType.DOUBLE_VALUE), "DOUBLE");
        refused(g -> g.getInitializerBuilder(0).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(new byte[144])), "weight W must be a float tensor");
        refused(g -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .setElemType(TensorProto.DataType.INT64_VALUE), "element type INT64, expected FLOAT");
    }

    @Test
    void unsupportedOperatorsAndAttributesAreNamed() throws IOException {
        refused(g -> node(g, "Relu").setOpType("LeakyRelu"), "node 'conv/relu' (LeakyRelu)", "not supported");
        refused(g -> node(g, "Relu").setOpType("BatchNormalization"), "node 'conv/relu' (BatchNormalization)",
                "scale is missing");
        refused(g -> node(g, "Conv").addAttribute(AttributeProto.newBuilder().setName("foo")
                .setType(AttributeProto.AttributeType.INT).setI(1)), "node 'conv' (Conv)", "attribute 'foo'");
        refused(g -> node(g, "Conv").addAttribute(AttributeProto.newBuilder().setName("group")
                .setType(AttributeProto.AttributeType.INT).setI(2)), "attribute 'group' = 2");
        refused(g -> node(g, "Conv").setAttribute(3, AttributeProto.newBuilder().setName("dilations")
                .setType(AttributeProto.AttributeType.INTS).addInts(2).addInts(2)), "attribute 'dilations'");
        refused(g -> node(g, "Conv").setDomain("com.example"), "operator domain 'com.example'");
    }

    @Test
    void paddingTatamiCannotExpressIsRefused() throws IOException {
        // Conv's attributes are kernel_shape, strides, pads, ...: pads is the third.
        refused(g -> node(g, "Conv").setAttribute(2, AttributeProto.newBuilder().setName("pads")
                .setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(0).addInts(1).addInts(1)),
                "attribute 'pads' = [0, 0, 1, 1]", "same is [1, 1, 1, 1]");
        refused(g -> node(g, "Conv").setAttribute(2, AttributeProto.newBuilder().setName("pads")
                .setType(AttributeProto.AttributeType.INTS).addInts(2).addInts(2).addInts(2).addInts(2)),
                "attribute 'pads' = [2, 2, 2, 2]");
        // MaxPool's attributes are kernel_shape, strides, pads: stride 1 makes [0, 0, 1, 1] same padding.
        refused(g -> node(g, "MaxPool").setOpType("AveragePool")
                .setAttribute(1, AttributeProto.newBuilder().setName("strides")
                        .setType(AttributeProto.AttributeType.INTS).addInts(1).addInts(1))
                .setAttribute(2, AttributeProto.newBuilder().setName("pads")
                        .setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(0).addInts(1).addInts(1))
                .addAttribute(AttributeProto.newBuilder().setName("count_include_pad")
                        .setType(AttributeProto.AttributeType.INT).setI(1)),
                "node 'pool' (AveragePool)", "attribute 'count_include_pad' = 1", "pads [0, 0, 1, 1]");
    }

    @Test
    void malformedGraphsAreRefused() throws IOException {
        refused(g -> node(g, "Flatten").setInput(0, "nowhere"), "node 'flatten' (Flatten): input 'nowhere' is not"
                + " made by any node, initializer or graph input");
        // The Conv reads the output of the Relu it feeds.
        refused(g -> node(g, "Conv").setInput(0, "conv/relu"), "cannot be ordered", "must be acyclic");
        refused(g -> node(g, "MaxPool").setOutput(0, "conv/relu"), "value 'conv/relu' is made by another node too");
        // An extra output of NCHW feature maps would need a Transpose layer tatami does not have.
        refused(g -> g.addOutput(g.getOutput(0).toBuilder().setName("conv/relu")),
                "output 'conv/relu' is in another axis order");
        refused(g -> g.getOutputBuilder(0).setName("conv/kernel"), "output 'conv/kernel' is a constant");
    }

    /** A Pad is taken only as the padding of the Conv that reads it: zeros before pooling are refused. */
    @Test
    void padBeforePoolingIsRefused() throws IOException {
        refused(g -> {
            g.addInitializer(TensorProto.newBuilder().setName("pads").setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(8).addAllInt64Data(List.of(0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L)));
            g.addNode(NodeProto.newBuilder().setOpType("Pad").setName("pad").addInput("conv/relu").addInput("pads")
                    .addOutput("padded"));
            node(g, "MaxPool").setInput(0, "padded");
        }, "node 'pool' (MaxPool) reads 'padded', zero-padded by node 'pad' (Pad)");
    }
}
