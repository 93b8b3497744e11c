package org.tatami.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.tatami.data.FashionMnist;
import org.tatami.data.Mnist;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Data for the commands: MNIST and Fashion-MNIST (IDX files), prepared as the seed prepares them. */
final class Datasets {
    private Datasets() {
    }

    /** Images scaled to [0, 1] with a channel axis, (N, H, W, 1), their labels, and the labels' file name. */
    record Split(Tensor images, IntTensor labels, String labelsName) {
        int size() {
            return labels.size();
        }

        Split first(int n) {
            return n >= size() ? this : new Split(images.slice(0, n), labels.slice(0, n), labelsName);
        }

        /** Every label is a class of a model with {@code classes} outputs; else one line naming the labels' file. */
        void requireClasses(int classes) throws IOException {
            for (int i = 0; i < size(); i++) {
                int label = labels.get(i);
                if (label < 0 || label >= classes) {
                    throw new IOException(labelsName + ": label " + label + " of sample " + i + " is not a class of"
                            + " the model, whose output has " + classes + " classes [0, " + classes + ")");
                }
            }
        }
    }

    record Data(Split train, Split test) {
    }

    /**
     * A built-in data set by name ("mnist" or "fashion-mnist"), from its own place or from {@code dir}; with
     * "mnist", {@code dir} may hold any data set in MNIST's layout.
     */
    static Data load(String dataset, Path dir) throws IOException {
        Mnist.Data d = switch (dataset) {
            case "mnist" -> dir == null ? Mnist.load() : Mnist.load(dir);
            case "fashion-mnist" -> dir == null ? fashionMnist() : FashionMnist.load(dir);
            default -> throw new IllegalArgumentException("unknown data set '" + dataset + "'");
        };
        return new Data(prepare(d.train()), prepare(d.test()));
    }

    private static Mnist.Data fashionMnist() throws IOException {
        try {
            return FashionMnist.load();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(e.getFile(), null, e.getReason() + " with --data DIR");
        }
    }

    // The seed's x.reshape(N, 28, 28, 1) / 255. Divided in place, without a second copy of the images:
    // the loaded tensor is ours alone, and fresh memory is slow to touch the first time.
    private static Split prepare(Mnist.Split s) {
        int[] shape = s.images().shape();
        return new Split(s.images().reshape(shape[0], shape[1], shape[2], 1).divInPlace(255f), s.labels(),
                s.labelsName());
    }
}
