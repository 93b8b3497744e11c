package org.tatami.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.tatami.cli.report.ModelDiagram;
import org.tatami.models.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tatami plot}: the model diagram. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draw the model's layer graph with shapes (plot_model with show_shapes=True).")
final class PlotCommand extends BaseCommand {
    @Option(names = "--model", paramLabel = "FILE",
            description = "A model (.tatami, .h5, .keras, .onnx) or a .json model config. Default: the seed tutorial's CNN.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The picture: .svg or .png.")
    Path outFile;

    @Override
    void execute() throws Exception {
        String name = outFile.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".svg") && !name.endsWith(".png")) {
            throw new UsageException("--out must name a .svg or .png file, got '" + outFile + "'");
        }
        run(model == null ? ModelFiles.seedModel() : ModelFiles.load(model));
    }

    void run(Model net) throws Exception {
        ModelDiagram.write(net, outFile);
        if (json) {
            printJson(Map.of("file", outFile.toString()));
        } else {
            out().println("model diagram written to " + outFile);
        }
    }
}
