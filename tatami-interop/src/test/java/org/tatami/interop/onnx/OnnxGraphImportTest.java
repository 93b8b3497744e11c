package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * Graphs written by PyTorch's ONNX exporter ({@code src/test/python/make_onnx_graphs.py}) import into
 * Functional models that compute what ONNX Runtime and PyTorch compute: a residual block with a
 * projection shortcut, an inception-like block joined by Concat, and a MobileNet block.
 */
class OnnxGraphImportTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OnnxGraphImportTest.class.getResource("/onnx/" + name).toURI());
    }

    /** A raw little-endian float32 file written by the script, of the given shape. */
    private static Tensor readF32(String name, int... shape) throws IOException {
        try (InputStream in = OnnxGraphImportTest.class.getResourceAsStream("/onnx/" + name)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return Tensor.of(v, shape);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "residual, 3, 9, 9, 5, Add",
            "inception, 4, 8, 8, 7, Concatenate",
            "mobile_block, 3, 9, 9, 4, Add"})
    void matchesOnnxRuntimeAndPyTorch(String name, int channels, int height, int width, int classes, String merge)
            throws Exception {
        Path file = resource(name + ".onnx");
        Model model = OnnxImport.load(file);
        assertEquals("Functional", model.className());
        assertTrue(model.layers().stream().anyMatch(l -> l.className().equals(merge)), merge + " in " + model.layers());

        Tensor x = readF32(name + ".input.f32", 2, channels, height, width);
        Tensor torch = readF32(name + ".output.f32", 2, classes);
        double diff = OnnxImportTest.maxAbsDiff(torch, model.predict(OnnxNchwImportTest.nhwc(x)));
        System.out.printf("%s: PyTorch vs imported model max abs diff %.3g%n", name, diff);
        assertTrue(diff <= 1e-4, name + ": max abs diff to PyTorch " + diff);

        SplittableRandom random = new SplittableRandom(17);
        Tensor r = Tensor.zeros(5, channels, height, width);
        for (int i = 0; i < r.size(); i++) {
            r.data()[i] = (float) random.nextDouble(-2, 2);
        }
        diff = OnnxImportTest.maxAbsDiff(OnnxRuntime.run(file, "x", r), model.predict(OnnxNchwImportTest.nhwc(r)));
        System.out.printf("%s: ONNX Runtime vs imported model max abs diff %.3g%n", name, diff);
        assertTrue(diff <= 1e-4, name + ": max abs diff to ONNX Runtime " + diff);
    }
}
