package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto;
import org.tatami.interop.onnx.proto.Onnx.GraphProto;
import org.tatami.interop.onnx.proto.Onnx.ModelProto;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;
import org.tatami.layers.CenterCrop;
import org.tatami.layers.Layer;
import org.tatami.layers.Normalization;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Resizing;
import org.tatami.models.Model;
import org.tatami.models.Sequential;

/**
 * ONNX's Mul, Add, Sub, Div, Resize and Slice read as tatami's preprocessing layers: the forms other
 * tools write (constant scales, pytorch_half_pixel, a lone Mul or Add), and the forms tatami refuses,
 * named.
 */
class OnnxPreprocessingImportTest {
    @TempDir
    Path dir;

    /** Rescaling, Resizing (bilinear, then nearest) and a Normalization (Sub, Div) on 4x6 RGB pictures. */
    private static ModelProto exported() {
        return OnnxExport.toProto(new Sequential(
                new Rescaling(0.5).name("scale").inputShape(4, 6, 3),
                new Resizing(8, 12).name("up"),
                new Resizing(4, 4).interpolation("nearest").name("down"),
                new Normalization().mean(1, 2, 3).variance(4, 9, 16).name("norm"),
                new CenterCrop(2, 2).name("crop")));
    }

    private Model load(Consumer<GraphProto.Builder> change) throws IOException {
        ModelProto.Builder m = exported().toBuilder();
        change.accept(m.getGraphBuilder());
        Path file = dir.resolve("model.onnx");
        Files.write(file, m.build().toByteArray());
        return OnnxImport.load(file);
    }

    private void refused(Consumer<GraphProto.Builder> change, String... parts) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> load(change));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    private static NodeProto.Builder node(GraphProto.Builder g, String name) {
        return g.getNodeBuilderList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    @Test
    void tatamisOwnExportReadsBackAsItsLayers() throws IOException {
        Model m = load(g -> { });
        assertEquals(List.of("Rescaling", "Resizing", "Resizing", "Normalization", "Cropping2D"),
                m.layers().stream().map(Layer::className).toList());
        assertEquals("nearest", m.layers().get(2).config().get("interpolation"));
        assertArrayEquals(new int[] {2, 2, 3}, m.outputShape());
    }

    /**
     * A lone Add of a scalar is a Rescaling of scale 1 (here the Mul made an Add, before the offset's
     * Add); a Resize by constant scales with pytorch_half_pixel coordinates, as PyTorch writes it.
     */
    @Test
    void otherToolsFormsAreRead() throws IOException {
        Model m = load(g -> {
            node(g, "scale/mul").setOpType("Add");
            node(g, "up").setInput(2, "up/given_scales").setInput(3, "")
                    .setAttribute(1, text("coordinate_transformation_mode", "pytorch_half_pixel"));
            g.addInitializer(TensorCodec.encode("up/given_scales", new int[] {4}, new float[] {1, 2, 2, 1}));
        });
        assertEquals(List.of("Rescaling", "Rescaling", "Resizing", "Resizing", "Normalization", "Cropping2D"),
                m.layers().stream().map(Layer::className).toList());
        Rescaling r = (Rescaling) m.layers().get(0);
        assertEquals(1f, r.scale());
        assertEquals(0.5f, r.offset());
        assertArrayEquals(new int[] {8, 12, 3}, m.layers().get(2).outputShape());
    }

    @Test
    void resizesTensorFlowDoesNotAreRefused() {
        refused(g -> node(g, "down").setAttribute(2, text("nearest_mode", "round_prefer_floor")),
                "node 'down' (Resize)", "nearest_mode round_prefer_floor is not TensorFlow's resizing");
        refused(g -> node(g, "up").setAttribute(0, text("mode", "cubic")), "mode cubic");
        refused(g -> node(g, "up").setAttribute(1, text("coordinate_transformation_mode", "align_corners")),
                "coordinate_transformation_mode align_corners");
        // Sizes that change the channels.
        refused(g -> g.getInitializerBuilderList().stream().filter(t -> t.getName().equals("up/size")).findFirst()
                .orElseThrow().setInt64Data(2, 4), "resizes (None, 4, 6, 3) to (None, 8, 12, 4)");
    }

    @Test
    void slicesAndDivisorsTatamiCannotExpressAreRefused() {
        // The crop's axes are 1 and 2 (rows and columns of NHWC): 3 is the channels.
        refused(g -> g.getInitializerBuilderList().stream().filter(t -> t.getName().equals("crop/axes")).findFirst()
                .orElseThrow().setInt64Data(1, 3), "node 'crop' (Slice)", "rows and columns of images");
        refused(g -> g.getInitializerBuilderList().stream().filter(t -> t.getName().equals("norm/divisor"))
                .findFirst().orElseThrow().setRawData(TensorCodec.encode("x", new int[] {1, 1, 3},
                        new float[] {2, -3, 4}).getRawData()), "node 'norm/sub' (Sub)", "divisor -3.0");
    }
}
