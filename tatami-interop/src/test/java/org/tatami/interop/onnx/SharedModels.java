package org.tatami.interop.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.tensor.Tensor;

/**
 * The ONNX Model Zoo MNIST models, read in place from the shared folder that lies beside the
 * repository ({@code ../shared/interop/onnx}); tests that need them are skipped where it is absent.
 */
final class SharedModels {
    private SharedModels() {
    }

    /** The folder of one model, e.g. {@code mnist-8}, found by walking up from the working directory. */
    static Path model(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("interop").resolve("onnx").resolve(name);
            if (Files.isRegularFile(candidate.resolve("model.onnx"))) {
                return candidate;
            }
        }
        assumeTrue(false, "shared/interop/onnx/" + name + " not found beside the repository: skipped");
        return null;
    }

    /** A serialized ONNX TensorProto (the zoo's test_data_set files) as a tatami tensor. */
    static Tensor readTensor(Path file) throws IOException {
        Constant c = TensorCodec.decode(TensorProto.parseFrom(Files.readAllBytes(file)), file.toString());
        return Tensor.of(c.floats(file.toString()), c.shape());
    }
}
