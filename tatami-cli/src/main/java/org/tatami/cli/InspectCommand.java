package org.tatami.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.cli.report.FeatureMaps;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.io.AtomicFiles;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tatami inspect}: every node's output for one input, as pictures, and every layer's weights as text. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what each layer makes of one input: shapes, feature maps and weights.",
                "Runs the input through the model and keeps every layer's output (the seed's",
                "model.layers[0](x_sample), for each node of a graph), writing one grey PNG per channel of",
                "image-shaped outputs, and each layer's weights as text."})
final class InspectCommand extends BaseCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model (.tatami, .h5, .keras, .onnx) or a .json config.")
    Path model;

    @Mixin
    InputScaling scaling;

    static final class Input {
        @Option(names = "--image", paramLabel = "FILE", description = "A picture of a digit (made MNIST-style).")
        Path image;

        @Option(names = "--sample", paramLabel = "N", description = "Test sample N of MNIST (default: 0).")
        Integer sample;
    }

    @ArgGroup(exclusive = true)
    Input input = new Input();

    /** Where --sample comes from. */
    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the pictures and weights.")
    Path outDir;

    @Override
    void execute() throws Exception {
        run(ModelFiles.load(model));
    }

    void run(Model net) throws Exception {
        ImageModels.requireOneInput(net, model);
        ImageModels.requireOneOutput(net, model);
        Tensor x;
        String source;
        if (input.image != null) {
            x = Images.loadDigit(input.image, Invert.AUTO).expandDims(0);
            source = input.image.toString();
        } else {
            int n = input.sample == null ? 0 : input.sample;
            Datasets.Split test = data.load().test();
            if (n < 0 || n >= test.size()) {
                throw new UsageException("--sample must be in [0, " + test.size() + "), got " + n);
            }
            x = test.images().slice(n, n + 1);
            source = "test sample " + n + " (label " + test.labels().get(n) + ")";
        }
        x = scaling.apply(x, net.inputShape(), model.toString());
        List<FeatureMaps.LayerOutput> outputs = FeatureMaps.write(net, x, outDir);
        List<String> weightFiles = new ArrayList<>();
        for (Layer l : net.leafLayers()) {
            if (l.parameters().isEmpty()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (Parameter p : l.parameters()) {
                b.append(l.name()).append('/').append(p.name()).append(' ')
                        .append(Shape.toString(p.value().shape())).append('\n').append(p.value()).append("\n\n");
            }
            String file = "weights/" + l.name() + ".txt";
            AtomicFiles.writeString(outDir.resolve(file), b.toString());
            weightFiles.add(file);
        }
        Tensor probs = net.predict(x);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("input", source);
            o.put("layers", outputs);
            o.put("weights", weightFiles);
            o.put("predicted_class", probs.argmax().get(0));
            printJson(o);
            return;
        }
        out().println("input: " + source);
        for (FeatureMaps.LayerOutput o : outputs) {
            out().printf("%-24s %-14s %-20s %s%n", o.name(), o.className(), o.shapeText(),
                    o.files().isEmpty() ? "" : o.files().size() + " picture(s) in " + parent(o.files().get(0)));
        }
        out().println("weights: " + String.join(", ", weightFiles));
        out().println("predicted class: " + probs.argmax().get(0) + " (probability "
                + probs.data()[probs.argmax().get(0)] + ")");
        out().println("written to " + outDir);
    }

    private static String parent(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "." : file.substring(0, slash) + "/";
    }
}
