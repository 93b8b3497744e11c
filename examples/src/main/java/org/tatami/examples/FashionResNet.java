package org.tatami.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.tatami.Tatami;
import org.tatami.callbacks.EarlyStopping;
import org.tatami.callbacks.ModelCheckpoint;
import org.tatami.data.FashionMnist;
import org.tatami.data.Mnist;
import org.tatami.kernels.Parallel;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.ModelZoo;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.schedules.CosineDecay;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * Fashion-MNIST with {@link ModelZoo#fashionResnet()} (augmentation layers, horizontal flips and shifts of
 * up to 10%, in front of a residual network of {@link ModelZoo#resnet()}'s blocks), trained the way a Keras user
 * would: Adam with a {@link CosineDecay} learning rate, {@link EarlyStopping} that restores the best weights and a
 * {@link ModelCheckpoint} that keeps the best model, 10% of the training set held out for validation.
 * Ends with the test accuracy.
 *
 * <p>Arguments: {@code [epochs] [threads] [checkpoint file]}; defaults: 30 epochs, all cores,
 * {@code fashion-resnet-best.tatami} in a temporary folder. Needs Debian's {@code dataset-fashion-mnist}
 * (or {@code -Dtatami.fashionMnist=FOLDER}).
 */
public final class FashionResNet {
    private FashionResNet() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        if (args.length > 1) {
            Tatami.setThreads(Integer.parseInt(args[1]));
        }
        Path best = args.length > 2 ? Path.of(args[2])
                : Files.createTempDirectory("fashion-resnet").resolve("fashion-resnet-best.tatami");
        Tatami.setRandomSeed(0);
        Mnist.Data fashion = FashionMnist.load();
        Tensor xTrain = fashion.train().images().reshape(60000, 28, 28, 1).div(255f);
        IntTensor yTrain = fashion.train().labels();
        Tensor xTest = fashion.test().images().reshape(10000, 28, 28, 1).div(255f);
        IntTensor yTest = fashion.test().labels();

        Model model = ModelZoo.fashionResnet();
        model.summary();
        int batchSize = 128;
        int stepsPerEpoch = (int) Math.ceil(60000 * 0.9 / batchSize);
        model.compile(new Adam(new CosineDecay(2e-3, (double) epochs * stepsPerEpoch)),
                new SparseCategoricalCrossentropy(), "accuracy");
        long start = System.nanoTime();
        History history = model.fit(xTrain, yTrain, new FitOptions().batchSize(batchSize).epochs(epochs)
                .validationSplit(0.1)
                .callbacks(new EarlyStopping().monitor("val_accuracy").patience(8).restoreBestWeights(true),
                        new ModelCheckpoint(best).monitor("val_accuracy").saveBestOnly(true)));
        double seconds = (System.nanoTime() - start) / 1e9;
        int ran = history.get("loss").size();
        Map<String, Double> test = model.evaluate(xTest, yTest);
        System.out.printf(Locale.ROOT, "fashion-resnet: %d epoch(s) in %.1f s (%.2f s per epoch, validation"
                + " included), %d thread(s); best model in %s%n", ran, seconds, seconds / ran,
                Parallel.threads(), best);
        System.out.printf(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n", test.get("loss"),
                test.get("accuracy"));
    }
}
