package org.tatami.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tatami.interop.keras.KerasImport;
import org.tatami.models.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tatami import}: a Keras or ONNX model into a {@code .tatami} file. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a model from Keras or ONNX into a .tatami file.",
                "Reads Keras .h5 (Keras 2 and 3) and .keras files, a model.to_json() file with --weights,",
                "and .onnx files (NCHW models included); the result predicts, evaluates and trains on in tatami."})
final class ImportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The model: .h5, .keras, .onnx, or a .json config.")
    Path file;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "With a .json config: its weights (.weights.h5 or .h5).")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .tatami file to write.")
    Path outFile;

    @Override
    void execute() throws Exception {
        if (!outFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tatami")) {
            throw new UsageException("--out must name a .tatami file, got '" + outFile + "'");
        }
        Model model;
        if (weights != null) {
            if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new UsageException("--weights goes with a .json model config, got '" + file + "'");
            }
            model = KerasImport.load(file, weights);
        } else {
            model = ModelFiles.load(file);
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new UsageException(file + ": a model config holds no weights: add --weights FILE");
            }
        }
        model.save(outFile);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("file", outFile.toString());
            o.put("layers", model.layers().size());
            o.put("params", model.countParams());
            printJson(o);
        } else {
            out().print(TrainCommand.summaryText(model));
            out().println("written to " + outFile);
        }
    }
}
