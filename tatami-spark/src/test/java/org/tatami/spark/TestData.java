package org.tatami.spark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.tatami.Tatami;
import org.tatami.data.Mnist;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.Model;
import org.tatami.models.ModelZoo;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/** MNIST as the seed prepares it, a briefly trained seed model, and MNIST images as PNG files. */
final class TestData {
    private static Mnist.Data mnist;

    private TestData() {
    }

    static synchronized Mnist.Data mnist() {
        if (mnist == null) {
            try {
                mnist = Mnist.load();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnist;
    }

    /** Images of a split as the seed feeds them: (N, 28, 28, 1), divided by 255. */
    static Tensor scaled(Mnist.Split split) {
        int n = split.images().shape(0);
        return split.images().div(255f).reshape(n, 28, 28, 1);
    }

    /** The seed's model and optimizer (Adam 0.01), compiled, untrained, from seed {@code seed}. */
    static Model seedModel(long seed) {
        Tatami.setRandomSeed(seed);
        Tatami.clearSession();
        Model model = ModelZoo.seedCnn();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        return model;
    }

    /** The seed's model after one epoch on the training set (about 0.89 accuracy). */
    static Model trainedSeedModel() {
        Model model = seedModel(0);
        Mnist.Split train = mnist().train();
        model.fit(scaled(train), train.labels(), new FitOptions().batchSize(4096).epochs(1).verbose(0));
        return model;
    }

    /** Writes {@code count} test images from {@code first} as 8-bit grey PNGs, {@code <dir>/<label>/<i>.png}. */
    static void writePngs(Path dir, int first, int count) throws IOException {
        Mnist.Split test = mnist().test();
        float[] pixels = test.images().data();
        for (int i = first; i < first + count; i++) {
            BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            byte[] raster = ((DataBufferByte) png.getRaster().getDataBuffer()).getData();
            for (int j = 0; j < 784; j++) {
                raster[j] = (byte) pixels[i * 784 + j];
            }
            Path folder = Files.createDirectories(dir.resolve(String.valueOf(test.labels().get(i))));
            ImageIO.write(png, "png", folder.resolve(String.format("%05d.png", i)).toFile());
        }
    }
}
