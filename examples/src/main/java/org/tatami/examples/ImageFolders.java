package org.tatami.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.tatami.Tatami;
import org.tatami.data.ImageDataset;
import org.tatami.data.ImageDirectory;
import org.tatami.data.Mnist;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Rescaling;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/**
 * Trains on a folder of PNG pictures with one sub-folder per class, read by {@code ImageDirectory} (Keras's
 * {@code image_dataset_from_directory}) batch by batch. With no such folder yet, it first writes one from
 * MNIST's training digits: {@code <folder>/<digit>/<n>.png}, 28 x 28 grey.
 *
 * <p>Arguments: {@code [folder] [epochs] [pictures per class]}; defaults: {@code digits-png}, 5 epochs, 500.
 */
public final class ImageFolders {
    private ImageFolders() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "digits-png");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int perClass = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        if (!Files.exists(folder)) {
            writeDigits(folder, perClass);
        }
        Tatami.setRandomSeed(0);
        List<ImageDataset> sets = ImageDirectory.of(folder).colorMode("grayscale").imageSize(28, 28).batchSize(64)
                .validationSplit(0.2).seed(1337).loadBoth();
        System.out.println("class_names: " + sets.get(0).classNames());

        Sequential model = new Sequential(
                new Rescaling(1 / 255.0).inputShape(28, 28, 1),
                new Conv2D(16, 3).activation("relu"),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(10).activation("softmax"));
        model.compile(new Adam(0.001), new org.tatami.losses.SparseCategoricalCrossentropy(), "accuracy");
        long start = System.nanoTime();
        History history = model.fit(sets.get(0), new FitOptions().epochs(epochs).validationData(sets.get(1)));
        System.out.printf(Locale.ROOT, "%d epoch(s) in %.1f s; val_accuracy %.4f%n", epochs,
                (System.nanoTime() - start) / 1e9, history.get("val_accuracy").get(epochs - 1));
    }

    /** The first {@code perClass} training digits of each class as 8-bit grey PNGs. */
    private static void writeDigits(Path folder, int perClass) throws IOException {
        Mnist.Split train = Mnist.load().train();
        int[] written = new int[10];
        for (int i = 0; i < train.labels().size(); i++) {
            int label = train.labels().get(i);
            if (written[label] == perClass) {
                continue;
            }
            Tensor digit = train.images().get(i);
            BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 28 * 28; p++) {
                png.getRaster().setSample(p % 28, p / 28, 0, (int) digit.data()[p]);
            }
            Path file = folder.resolve(label + "/" + written[label]++ + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(png, "png", file.toFile());
        }
        System.out.println("wrote " + 10 * perClass + " PNGs into " + folder);
    }
}
