package org.tatami.interop.keras;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tatami.data.Mnist;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * The real Keras files of the project's shared folder ({@code ../shared/interop/keras} next to the
 * repository, found by walking up from the working folder), and the MNIST test set to score them on.
 */
final class KerasFiles {
    static final String FOLDER = "shared/interop/keras";
    private static Tensor images;
    private static IntTensor labels;

    private KerasFiles() {
    }

    /** The folder, or the test is skipped with the reason. */
    static Path folder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FOLDER);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, "skipped: no folder " + FOLDER + " in the working folder or above it; the real Keras"
                + " files live there, beside the repository");
        return null;
    }

    static Path file(String name) {
        Path p = folder().resolve(name);
        assumeTrue(Files.isRegularFile(p), "skipped: " + FOLDER + "/" + name + " is missing");
        return p;
    }

    /** MNIST test images as (10000, 28, 28, 1) scaled to 0..1, as every file's author preprocessed them. */
    static synchronized Tensor testImages() throws IOException {
        load();
        return images;
    }

    static synchronized IntTensor testLabels() throws IOException {
        load();
        return labels;
    }

    private static void load() throws IOException {
        if (images == null) {
            Mnist.Split test = Mnist.load().test();
            images = test.images().reshape(10000, 28, 28, 1).div(255f);
            labels = test.labels();
        }
    }

    /** The fraction of test images whose largest output is the label. */
    static double accuracy(Tensor predictions) throws IOException {
        int[] predicted = predictions.argmax().data();
        int[] truth = testLabels().data();
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            hits += predicted[i] == truth[i] ? 1 : 0;
        }
        return (double) hits / truth.length;
    }
}
