package org.tatami.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.tatami.interop.keras.KerasExport;
import org.tatami.interop.onnx.OnnxExport;
import org.tatami.models.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tatami export}: a model to ONNX (and Keras), to run where Java is not. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a model in another tool's format.",
                "onnx: opset 13, input NHWC (None, H, W, C) as in tatami, for ONNX Runtime and friends.",
                "keras: a Keras 3 .keras file (config.json, model.weights.h5), for keras.models.load_model."})
final class ExportCommand extends BaseCommand {
    enum Format { onnx, keras }

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The model: .tatami, .h5, .keras or .onnx.")
    Path model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "onnx or keras.")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
    Path outFile;

    @Override
    void execute() throws Exception {
        String ending = "." + format.name();
        if (!outFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ending)) {
            throw new UsageException("--out must name a " + ending + " file for --format " + format + ", got '"
                    + outFile + "'");
        }
        Model net = ModelFiles.load(model);
        switch (format) {
            case onnx -> OnnxExport.save(net, outFile);
            case keras -> KerasExport.save(net, outFile);
        }
        if (json) {
            printJson(Map.of("file", outFile.toString(), "format", format.name()));
        } else {
            out().println(format + " model written to " + outFile);
        }
    }
}
