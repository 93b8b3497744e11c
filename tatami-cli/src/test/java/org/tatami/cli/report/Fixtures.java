package org.tatami.cli.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.tatami.Tatami;
import org.tatami.layers.Add;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Input;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** A small seed-like model, a short training history, and helpers to read what the writers produce. */
public final class Fixtures {
    private Fixtures() {
    }

    /** Conv2D(3, 3) relu on (28, 28, 1), MaxPool2D(2), Flatten, Dense(10) softmax; untrained, seeded. */
    static Sequential model() {
        Tatami.clearSession();
        Tatami.setRandomSeed(0);
        Sequential model = new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(10).activation("softmax"));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    /**
     * A residual graph on (28, 28, 1): Conv2D(4, 3) relu, then a block of two same-padded Conv2D(4, 3)
     * whose output is added to the block's input through a 1x1 Conv2D shortcut, MaxPool2D(2), Flatten,
     * Dense(10) softmax; untrained, seeded.
     */
    public static Model residualModel() {
        Tatami.clearSession();
        Tatami.setRandomSeed(0);
        SymbolicTensor in = Input.of(28, 28, 1);
        SymbolicTensor x = new Conv2D(4, 3).activation("relu").apply(in);
        SymbolicTensor y = new Conv2D(4, 3).padding("same").activation("relu").apply(x);
        y = new Conv2D(4, 3).padding("same").apply(y);
        SymbolicTensor sum = new Add().apply(y, new Conv2D(4, 1).apply(x));
        SymbolicTensor out = new Dense(10).activation("softmax").apply(new Flatten().apply(new MaxPool2D(2).apply(sum)));
        Model model = new Model("residual", List.of(in), List.of(out));
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    /** Random images in [0, 1], shape (n, 28, 28, 1). */
    static Tensor images(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[n * 28 * 28];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble();
        }
        return Tensor.of(data, n, 28, 28, 1);
    }

    static IntTensor labels(int n, long seed) {
        return IntTensor.vector(new SplittableRandom(seed).ints(n, 0, 10).toArray());
    }

    /** Two epochs on 64 random samples with validation data: loss, accuracy, val_loss, val_accuracy. */
    static History history(Sequential model) {
        return model.fit(images(64, 1), labels(64, 2), new FitOptions()
                .epochs(2).batchSize(16).verbose(0).validationData(images(32, 3), labels(32, 4)));
    }

    static String summary(Sequential model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The picture, failing the test if the file is not a decodable image. */
    static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        if (image == null) {
            throw new AssertionError(png + " is not a decodable image");
        }
        return image;
    }

    static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Parses XML with namespaces; throws on anything that is not well-formed. */
    static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new InputSource(new StringReader(xml)));
    }
}
