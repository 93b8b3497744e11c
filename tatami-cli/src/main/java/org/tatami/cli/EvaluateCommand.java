package org.tatami.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.ClassScores;
import org.tatami.models.Model;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tatami evaluate}: loss and accuracy of a saved model on the test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compute a trained model's loss and accuracy on the test set (model.evaluate).")
final class EvaluateCommand extends BaseCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The trained model: .tatami, .h5 or .keras (Keras), .onnx.")
    Path model;

    @Mixin
    InputScaling scaling;

    @Mixin
    DataOptions data;

    @Override
    void execute() throws Exception {
        run(ModelFiles.load(model));
    }

    void run(Model net) throws Exception {
        ImageModels.requireOneInput(net, model);
        ImageModels.requireOneOutput(net, model);
        if (net.loss() == null) {
            net.compile(new Adam(), new SparseCategoricalCrossentropy(!ClassScores.endsInSoftmax(net)), "accuracy");
        }
        Datasets.Split test = data.load().test();
        test.requireClasses(ImageModels.classes(net));
        Tensor x = scaling.apply(test.images(), net.inputShape(), model.toString());
        long start = System.nanoTime();
        Map<String, Double> result = net.evaluate(x, test.labels().toFloat());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>(result);
            o.put("samples", test.size());
            o.put("seconds", seconds);
            printJson(o);
        } else {
            out().printf(Locale.ROOT, "%,d test samples in %.2f s - loss: %.4f - accuracy: %.4f%n", test.size(), seconds,
                    result.get("loss"), result.get("accuracy"));
        }
    }
}
