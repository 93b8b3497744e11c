package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Graphs as PyTorch writes them (NCHW input of 3 channels, explicit symmetric pads, Constant shape,
 * Reshape to flatten, Gemm with transB, Dropout, opset-11 Softmax, BatchNormalization, AveragePool,
 * GlobalAveragePool) import into models that compute what ONNX Runtime computes, given the same
 * images in NHWC.
 */
class OnnxNchwImportTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(3);
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("nchw");

    private void weight(String name, int... shape) {
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        g.addInitializer(TensorCodec.encode(name, shape, v));
    }

    private static NodeProto.Builder node(String op, String out, String... in) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out).addAllInput(List.of(in));
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    private static ValueInfoProto tensor(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String p) {
                s.addDimBuilder().setDimParam(p);
            } else {
                s.addDimBuilder().setDimValue((Integer) d);
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private Path write() throws IOException {
        Path file = dir.resolve("nchw.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(6)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(11)).setGraph(g).build().toByteArray());
        return file;
    }

    @Test
    void nchwGraphMatchesOnnxRuntime() throws Exception {
        weight("w1", 4, 3, 3, 3);
        weight("b1", 4);
        weight("w2", 10, 64);
        weight("b2", 10);
        TensorProto shape = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(2)
                .addInt64Data(0).addInt64Data(-1).build();
        g.addInput(tensor("x", "batch", 3, 9, 8)).addOutput(tensor("probs", "batch", 10))
                .addNode(node("Conv", "c1", "x", "w1", "b1").addAttribute(ints("kernel_shape", 3, 3))
                        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("strides", 1, 1)))
                .addNode(node("Relu", "r1", "c1"))
                .addNode(node("MaxPool", "p1", "r1").addAttribute(ints("kernel_shape", 2, 2))
                        .addAttribute(ints("strides", 2, 2)).addAttribute(integer("ceil_mode", 0)))
                .addNode(node("Constant", "shape").addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeType.TENSOR).setT(shape)))
                .addNode(node("Reshape", "flat", "p1", "shape"))
                .addNode(node("Dropout", "drop", "flat").addAttribute(AttributeProto.newBuilder().setName("ratio")
                        .setType(AttributeType.FLOAT).setF(0.25f)))
                .addNode(node("Identity", "same", "drop"))
                .addNode(node("Gemm", "logits", "same", "w2", "b2").addAttribute(integer("transB", 1)))
                .addNode(node("Softmax", "probs", "logits").addAttribute(integer("axis", 1)));
        Path file = write();

        Model model = OnnxImport.load(file);
        assertArrayEquals(new int[] {9, 8, 3}, model.inputShape());
        assertEquals(List.of("Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"),
                model.layers().stream().map(l -> l.className()).toList());

        matchesOnnxRuntime("NCHW graph", file, model, 3, 9, 8);
    }

    /**
     * As PyTorch writes a ResNet-like head: Conv, BatchNormalization (with non-trivial statistics and
     * its own epsilon), Relu, AveragePool with symmetric pads and count_include_pad 0 (which are
     * Keras's same padding on 9x7), GlobalAveragePool, Flatten, Gemm.
     */
    @Test
    void batchNormAndAveragePoolGraphMatchesOnnxRuntime() throws Exception {
        weight("w1", 4, 3, 3, 3);
        weight("b1", 4);
        weight("gamma", 4);
        weight("beta", 4);
        weight("mean", 4);
        g.addInitializer(TensorCodec.encode("var", new int[] {4}, new float[] {0.5f, 1.7f, 0.05f, 2.3f}));
        weight("w2", 10, 4);
        weight("b2", 10);
        g.addInput(tensor("x", "batch", 3, 9, 7)).addOutput(tensor("probs", "batch", 10))
                .addNode(node("Conv", "c1", "x", "w1", "b1").addAttribute(ints("kernel_shape", 3, 3))
                        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("strides", 1, 1)))
                .addNode(node("BatchNormalization", "bn1", "c1", "gamma", "beta", "mean", "var")
                        .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeType.FLOAT)
                                .setF(1e-3f))
                        .addAttribute(AttributeProto.newBuilder().setName("momentum").setType(AttributeType.FLOAT)
                                .setF(0.9f)))
                .addNode(node("Relu", "r1", "bn1"))
                .addNode(node("AveragePool", "p1", "r1").addAttribute(ints("kernel_shape", 3, 3))
                        .addAttribute(ints("strides", 2, 2)).addAttribute(ints("pads", 1, 1, 1, 1))
                        .addAttribute(integer("ceil_mode", 0)).addAttribute(integer("count_include_pad", 0)))
                .addNode(node("GlobalAveragePool", "gap", "p1"))
                .addNode(node("Flatten", "flat", "gap").addAttribute(integer("axis", 1)))
                .addNode(node("Gemm", "logits", "flat", "w2", "b2").addAttribute(integer("transB", 1)))
                .addNode(node("Softmax", "probs", "logits").addAttribute(integer("axis", 1)));
        Path file = write();

        Model model = OnnxImport.load(file);
        assertEquals(List.of("Conv2D", "BatchNormalization", "Activation", "AveragePooling2D",
                "GlobalAveragePooling2D", "Dense"), model.layers().stream().map(l -> l.className()).toList());
        assertArrayEquals(new int[] {5, 4, 4}, model.layers().get(3).outputShape());
        matchesOnnxRuntime("NCHW BatchNormalization and AveragePool graph", file, model, 3, 9, 7);
    }

    /** Random images given to ONNX Runtime as NCHW and to the imported model as NHWC. */
    private void matchesOnnxRuntime(String what, Path file, Model model, int channels, int height, int width)
            throws Exception {
        Tensor nchw = Tensor.zeros(4, channels, height, width);
        for (int i = 0; i < nchw.size(); i++) {
            nchw.data()[i] = (float) random.nextDouble();
        }
        double diff = OnnxImportTest.maxAbsDiff(OnnxRuntime.run(file, "x", nchw), model.predict(nhwc(nchw)));
        System.out.printf("%s: ONNX Runtime vs imported model max abs diff %.3g%n", what, diff);
        assertTrue(diff < 1e-5, what + ": max abs diff " + diff);
    }

    @Test
    void hugeFeatureMapsAreRefusedWithoutAllocating() throws IOException {
        weight("w1", 2, 2, 1, 1);
        weight("w2", 16, 3);
        g.addInput(tensor("x", 1, 2, 30000, 30000)).addOutput(tensor("y", 1, 3))
                .addNode(node("Conv", "c1", "x", "w1"))
                .addNode(node("Flatten", "flat", "c1"))
                .addNode(node("MatMul", "y", "flat", "w2"));
        Path file = write();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.load(file));
        assertTrue(e.getMessage().contains("node 'y' (MatMul): matrix B of shape (16, 3) needs 16 features"),
                e.getMessage());
    }

    /** Images (n, c, h, w) as (n, h, w, c). */
    static Tensor nhwc(Tensor nchw) {
        int[] s = nchw.shape();
        Tensor out = Tensor.zeros(s[0], s[2], s[3], s[1]);
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int h = 0; h < s[2]; h++) {
                    for (int w = 0; w < s[3]; w++) {
                        out.set(nchw.get(n, c, h, w), n, h, w, c);
                    }
                }
            }
        }
        return out;
    }
}
