package org.tatami.examples;

import java.util.Map;
import org.tatami.Tatami;
import org.tatami.data.Mnist;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.models.FitOptions;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Keras's "Simple MNIST convnet" example (keras.io/examples/vision/mnist_convnet), line for line:
 * Conv2D(32) > MaxPooling2D > Conv2D(64) > MaxPooling2D > Flatten > Dropout(0.5) > Dense(10, softmax),
 * one-hot labels and categorical cross-entropy, Adam, batch 128, 15 epochs, validation_split 0.1, then the
 * test set's loss and accuracy.
 *
 * <p>Arguments: {@code [epochs] [training samples]}; defaults: 15 epochs, all 60,000 samples.
 */
public final class MnistConvnet {
    private MnistConvnet() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 60000;
        Tatami.setRandomSeed(0);

        // Model / data parameters
        int numClasses = 10;
        int[] inputShape = {28, 28, 1};

        // Load the data and split it between train and test sets
        Mnist.Data mnist = Mnist.load();
        Tensor xTrain = mnist.train().images().slice(0, limit);
        Tensor xTest = mnist.test().images();
        // Scale images to the [0, 1] range, and make sure they have shape (28, 28, 1)
        xTrain = xTrain.reshape(xTrain.shape(0), 28, 28, 1).div(255f);
        xTest = xTest.reshape(xTest.shape(0), 28, 28, 1).div(255f);
        System.out.println("x_train shape: " + Shape.toString(xTrain.shape()));
        System.out.println(xTrain.shape(0) + " train samples");
        System.out.println(xTest.shape(0) + " test samples");

        // convert class vectors to binary class matrices
        Tensor yTrain = mnist.train().labels().slice(0, limit).toCategorical(numClasses);
        Tensor yTest = mnist.test().labels().toCategorical(numClasses);

        Sequential model = new Sequential(
                new Conv2D(32, 3).activation("relu").inputShape(inputShape),
                new MaxPool2D(2),
                new Conv2D(64, 3).activation("relu"),
                new MaxPool2D(2),
                new Flatten(),
                new Dropout(0.5),
                new Dense(numClasses).activation("softmax"));
        model.summary();

        int batchSize = 128;
        model.compile("adam", "categorical_crossentropy", "accuracy");
        model.fit(xTrain, yTrain, new FitOptions().batchSize(batchSize).epochs(epochs).validationSplit(0.1));

        Map<String, Double> score = model.evaluate(xTest, yTest);
        System.out.println("Test loss: " + score.get("loss"));
        System.out.println("Test accuracy: " + score.get("accuracy"));
    }
}
