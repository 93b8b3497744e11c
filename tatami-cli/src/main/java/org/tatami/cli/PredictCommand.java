package org.tatami.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.models.ClassScores;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tatami predict}: classify pictures of digits. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify pictures of digits with a trained model.",
                "PNG, JPEG, GIF or BMP of any size or colour; each is made into an MNIST-style input: grey,",
                "digit white on black, cropped, scaled to 20x20 and centred by mass in 28x28.",
                "A picture that is missing, unreadable or empty (no ink) is reported in one line in its place;",
                "the others are still classified, and the exit status is 1."})
final class PredictCommand extends BaseCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The trained model: .tatami, .h5 or .keras (Keras), .onnx.")
    Path model;

    @Mixin
    InputScaling scaling;

    @Option(names = "--invert", defaultValue = "auto", paramLabel = "auto|yes|no",
            description = "Invert the picture's greys: auto does it for a light background (default: ${DEFAULT-VALUE}).")
    String invert;

    @Option(names = "--top", defaultValue = "3", paramLabel = "K", description = "Classes to show per picture (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Pictures to classify.")
    List<Path> images;

    @Override
    void execute() throws Exception {
        Invert mode = switch (invert.toLowerCase(Locale.ROOT)) {
            case "auto" -> Invert.AUTO;
            case "yes" -> Invert.YES;
            case "no" -> Invert.NO;
            default -> throw new UsageException("--invert must be auto, yes or no, got '" + invert + "'");
        };
        if (top < 1) {
            throw new UsageException("--top must be at least 1, got " + top);
        }
        run(ModelFiles.load(model), mode);
    }

    /**
     * Classifies every picture that loads and reports each one that does not (missing, not an image, no ink)
     * in its place, in one line or a JSON object with an "error", then exits with 1 if any failed.
     */
    void run(Model net, Invert mode) throws Exception {
        ImageModels.requireOneInput(net, model);
        ImageModels.requireOneOutput(net, model);
        int n = images.size();
        String[] errors = new String[n];
        boolean[] empty = new boolean[n];
        float[] batch = new float[n * 784];
        for (int i = 0; i < n; i++) {
            Tensor digit;
            try {
                digit = Images.loadDigit(images.get(i), mode);
            } catch (IOException e) {
                errors[i] = Errors.oneLine(e);
                continue;
            }
            // Images.loadDigit gives all zeros for a picture without ink: blank, uniform, fully transparent.
            empty[i] = noInk(digit.data());
            if (empty[i]) {
                errors[i] = images.get(i) + ": the picture is empty (no ink: blank, of one colour or transparent);"
                        + " there is no digit to classify";
            }
            System.arraycopy(digit.data(), 0, batch, i * 784, 784);
        }
        Tensor x = scaling.apply(Tensor.of(batch, n, 28, 28, 1), net.inputShape(), model.toString());
        Tensor probs = net.predict(x);
        if (probs.rank() != 2) {
            throw new UsageException(model + ": predict needs a classifier with output (None, classes), this one gives "
                    + Shape.withBatch(net.outputShape()));
        }
        int classes = probs.shape(1);
        // Logits (many ONNX exports end without a softmax) become probabilities.
        ClassScores.toProbabilities(net, probs);
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) {
                reportFailure(errors[i]);
            }
            boolean loaded = errors[i] == null || empty[i];
            List<Map<String, Object>> ranked = loaded ? rank(probs.data(), i * classes, classes, Math.min(top, classes))
                    : null;
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("file", images.get(i).toString());
                if (errors[i] != null) {
                    o.put("error", errors[i]);
                }
                if (empty[i]) {
                    // The model's answer for an empty input, flagged: a program reading this decides what it is worth.
                    o.put("empty", true);
                }
                if (loaded) {
                    o.put("predictions", ranked);
                }
                printJson(o);
            } else if (errors[i] == null) {
                StringBuilder b = new StringBuilder(images.get(i) + ": " + ranked.get(0).get("class"));
                b.append("  (");
                for (int k = 0; k < ranked.size(); k++) {
                    b.append(k == 0 ? "" : ", ").append(ranked.get(k).get("class")).append(": ")
                            .append(String.format(Locale.ROOT, "%.4f", (Double) ranked.get(k).get("probability")));
                }
                out().println(b.append(')'));
            }
        }
    }

    private static boolean noInk(float[] digit) {
        for (float v : digit) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static List<Map<String, Object>> rank(float[] p, int off, int classes, int k) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClassScores.Ranked r : ClassScores.top(p, off, classes, k)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", r.classIndex());
            m.put("probability", (double) r.probability());
            out.add(m);
        }
        return out;
    }
}
