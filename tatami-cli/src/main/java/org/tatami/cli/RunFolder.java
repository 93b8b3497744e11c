package org.tatami.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.cli.report.ConfusionMatrix;
import org.tatami.cli.report.DigitGrid;
import org.tatami.cli.report.FeatureMaps;
import org.tatami.cli.report.HistoryPlot;
import org.tatami.cli.report.HtmlReport;
import org.tatami.cli.report.ModelDiagram;
import org.tatami.cli.report.Report;
import org.tatami.io.AtomicFiles;
import org.tatami.io.Version;
import org.tatami.kernels.Simd;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.tensor.IntTensor;

/** What {@code tatami train} leaves behind: the model, its history and every picture, with a page showing them. */
final class RunFolder {
    static final String MODEL = "model.tatami";
    static final String WEIGHTS = "weights.safetensors";
    static final String HISTORY = "history.csv";
    static final String METRICS = "metrics.json";
    static final String SUMMARY = "summary.txt";
    static final String DIAGRAM = "model.svg";
    static final String LOSS = "loss.png";
    static final String ACCURACY = "accuracy.png";
    static final String CONFUSION = "confusion_matrix.png";
    static final String MISCLASSIFIED = "misclassified.png";
    static final String FEATURE_MAPS = "feature_maps";

    private final Path dir;

    RunFolder(Path dir) {
        this.dir = dir;
    }

    /** The metrics.json content and the files written, relative to the folder. */
    record Result(Map<String, Object> metrics, List<String> files) {
    }

    Result write(Model model, History history, String summary, Map<String, Object> settings, double wallSeconds,
                 double trainSamplesPerSecond, Datasets.Split test) throws IOException {
        Files.createDirectories(dir);
        List<String> files = new ArrayList<>();
        model.save(dir.resolve(MODEL));
        files.add(MODEL);
        model.saveWeights(dir.resolve(WEIGHTS));
        files.add(WEIGHTS);
        AtomicFiles.writeString(dir.resolve(HISTORY), history.toCsv());
        files.add(HISTORY);
        AtomicFiles.writeString(dir.resolve(SUMMARY), summary);
        files.add(SUMMARY);

        Map<String, Double> last = new LinkedHashMap<>();
        history.history().forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final", last);
        metrics.put("history", history.history());
        metrics.put("wall_seconds", wallSeconds);
        metrics.put("train_samples_per_second", trainSamplesPerSecond);
        metrics.put("settings", settings);
        metrics.put("versions", versions());
        AtomicFiles.writeString(dir.resolve(METRICS), BaseCommand.JSON.toJson(metrics) + "\n");
        files.add(METRICS);

        ModelDiagram.write(model, dir.resolve(DIAGRAM));
        files.add(DIAGRAM);
        HistoryPlot.write(history, "loss", List.of("loss", "val_loss"), dir.resolve(LOSS));
        files.add(LOSS);
        HistoryPlot.write(history, "accuracy", List.of("accuracy", "val_accuracy"), dir.resolve(ACCURACY));
        files.add(ACCURACY);

        IntTensor predicted = model.predict(test.images()).argmax();
        int classes = model.outputShape()[model.outputShape().length - 1];
        ConfusionMatrix.writePng(ConfusionMatrix.compute(predicted, test.labels(), classes), dir.resolve(CONFUSION));
        files.add(CONFUSION);
        DigitGrid.writeMisclassified(test.images(), predicted, test.labels(), 50, dir.resolve(MISCLASSIFIED));
        files.add(MISCLASSIFIED);
        List<FeatureMaps.LayerOutput> maps = FeatureMaps.write(model, test.images().slice(0, 1),
                dir.resolve(FEATURE_MAPS));
        files.add(FEATURE_MAPS + "/");

        Report report = new Report("tatami training run", summary, settings, last, wallSeconds, trainSamplesPerSecond,
                history, new Report.Pictures(LOSS, ACCURACY, DIAGRAM, CONFUSION, MISCLASSIFIED), FEATURE_MAPS, maps);
        HtmlReport.write(dir, report);
        files.add(HtmlReport.FILE_NAME);
        return new Result(metrics, files);
    }

    static Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("tatami", Version.get());
        v.put("java", System.getProperty("java.version"));
        v.put("jvm", System.getProperty("java.vm.name"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("simd_lanes", Simd.lanes());
        return v;
    }
}
