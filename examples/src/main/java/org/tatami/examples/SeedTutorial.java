package org.tatami.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tatami.Devices;
import org.tatami.Tatami;
import org.tatami.data.Mnist;
import org.tatami.io.AtomicFiles;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * The seed tutorial ("implementing a convolutional neural network" with Keras on MNIST), step by step
 * with tatami's Java API. Each step prints what the notebook shows.
 *
 * <p>Arguments: {@code [epochs] [output folder]}, default 30 epochs and a temporary folder.
 */
public final class SeedTutorial {
    private SeedTutorial() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path out = Files.createDirectories(args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tatami-seed"));

        step("1. Compute devices (device_lib.list_local_devices())");
        Devices.describe().forEach(System.out::println);

        step("2. Load MNIST (mnist.load_data())");
        Mnist.Data mnist = Mnist.load();
        Tensor xTrainRaw = mnist.train().images();
        IntTensor tTrain = mnist.train().labels();
        Tensor xTestRaw = mnist.test().images();
        IntTensor tTest = mnist.test().labels();

        step("3. Look at the data");
        System.out.println("x_train.shape = " + Shape.toString(xTrainRaw.shape()));
        System.out.println("t_train.shape = " + Shape.toString(tTrain.shape()));
        System.out.println("x_test.shape  = " + Shape.toString(xTestRaw.shape()));
        System.out.println("t_train[0] = " + tTrain.get(0) + ", x_train[0] drawn in text:");
        System.out.println(ascii(xTrainRaw.get(0)));

        step("4. Prepare tensors: reshape(N, 28, 28, 1) / 255");
        Tensor xTrain = xTrainRaw.reshape(60000, 28, 28, 1).div(255f);
        Tensor xTest = xTestRaw.reshape(10000, 28, 28, 1).div(255f);
        System.out.println("x_train.shape = " + Shape.toString(xTrain.shape()) + ", min " + xTrain.min()
                + ", max " + xTrain.max());

        step("5. Fix the seeds (reset_seed(0))");
        Tatami.setRandomSeed(0);

        step("6-7. Define the model and print its summary");
        Sequential model = new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
        model.summary();

        step("9. Compile: Adam(lr=0.01), sparse categorical cross-entropy, accuracy");
        model.compile(new Adam(0.01), new org.tatami.losses.SparseCategoricalCrossentropy(), "accuracy");

        step("10. Train: batch_size=4096, epochs=" + epochs + ", validation on the test set");
        long start = System.nanoTime();
        History history = model.fit(xTrain, tTrain, new FitOptions()
                .batchSize(4096).epochs(epochs).verbose(1).validationData(xTest, tTest));
        System.out.printf("training took %.1f s%n", (System.nanoTime() - start) / 1e9);

        step("12. History (pd.DataFrame(history.history).tail(3))");
        System.out.println(history.tail(3));
        Path csv = out.resolve("history.csv");
        AtomicFiles.writeString(csv, history.toCsv());
        System.out.println("history written to " + csv);

        step("13. One sample as a batch of one");
        Tensor xSample = xTrain.get(0).expandDims(0);
        System.out.println("x_sample.shape = " + Shape.toString(xSample.shape()));

        step("14. Layers and the first layer's weights");
        List<Layer> layers = model.layers();
        System.out.println(layers);
        List<Tensor> w = layers.get(0).getWeights();
        System.out.println("kernel " + Shape.toString(w.get(0).shape()) + ":\n" + w.get(0));
        System.out.println("bias " + Shape.toString(w.get(1).shape()) + ": " + w.get(1));

        step("15. Run the layers one by one");
        Tensor output = xSample;
        for (Layer layer : layers) {
            output = layer.call(output);
            System.out.println(layer.name() + " -> " + Shape.toString(output.shape()));
        }
        System.out.println("probabilities of sample 0 (label " + tTrain.get(0) + "): " + output);

        step("16. Save the weights, load them into a fresh model, run inference");
        Path weights = out.resolve("seed.weights.safetensors");
        model.saveWeights(weights);
        Sequential fresh = new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
        fresh.loadWeights(weights);
        Tensor first = xTest.slice(0, 10);
        IntTensor predicted = fresh.predict(first).argmax();
        System.out.println("weights saved to " + weights + " (" + Files.size(weights) + " bytes)");
        System.out.println("predicted: " + predicted);
        System.out.println("labels:    " + tTest.slice(0, 10));
        System.out.println("identical to the trained model: " + fresh.predict(first).equals(model.predict(first)));
    }

    private static void step(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    /** A 28x28 image as text: darker characters for brighter pixels. */
    private static String ascii(Tensor image) {
        String ramp = " .:-=+*#%@";
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < image.shape(0); y++) {
            for (int x = 0; x < image.shape(1); x++) {
                b.append(ramp.charAt((int) (image.get(y, x) / 256f * ramp.length())));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
