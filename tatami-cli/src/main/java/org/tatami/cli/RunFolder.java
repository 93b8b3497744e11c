package org.tatami.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tatami.cli.report.ConfusionMatrix;
import org.tatami.cli.report.DigitGrid;
import org.tatami.cli.report.FeatureMaps;
import org.tatami.cli.report.HistoryPlot;
import org.tatami.cli.report.HtmlReport;
import org.tatami.cli.report.ModelDiagram;
import org.tatami.cli.report.Report;
import org.tatami.io.AtomicFiles;
import org.tatami.io.FiniteJson;
import org.tatami.io.Version;
import org.tatami.kernels.Simd;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.tensor.IntTensor;

/**
 * What {@code tatami train} leaves behind: the model, its history and every picture, with a page showing them.
 * A run claims its folder before training, so that a folder it cannot use fails at once rather than after
 * the last epoch, and holds a lock on it until it is done, so that two runs never write one folder.
 */
final class RunFolder implements AutoCloseable {
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
    /** Locked while a run owns the folder; kept afterwards, as deleting a lock file races with its next owner. */
    static final String LOCK = ".lock";

    private final Path dir;
    private final boolean created;
    private final FileChannel lockFile;
    private final FileLock lock;

    private RunFolder(Path dir, boolean created, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.created = created;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Claims {@code dir} for a run: creates it if missing, locks it, and checks that it can be written.
     * An existing folder must hold no files unless {@code overwrite}. Problems are refused as the
     * {@code --out} option's, with one line naming the folder.
     */
    static RunFolder claim(Path dir, boolean overwrite) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw refused(dir, "is a file, not a folder");
        }
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw refused(dir, "cannot create the folder (" + Errors.oneLine(e) + ")");
        }
        Path lockPath = dir.resolve(LOCK);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw refused(dir, "is not writable (" + Errors.oneLine(e) + ")");
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String owner = Files.readString(lockPath).strip();
                throw refused(dir, "is in use by another tatami train" + (owner.isEmpty() ? "" : " (process " + owner
                        + ")") + "; wait for it to finish or choose another --out");
            }
            List<String> present = filesIn(dir);
            if (!present.isEmpty() && !overwrite) {
                throw refused(dir, "already holds files (" + String.join(", ", present.subList(0, Math.min(4,
                        present.size()))) + (present.size() > 4 ? ", ..." : "") + "); add --overwrite to replace"
                        + " them, or choose another --out");
            }
            // The owner's process id, written and forced to disk: a folder that cannot take these few
            // bytes (read-only, full) is refused before any training.
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
                        0);
                channel.force(true);
            } catch (IOException e) {
                throw refused(dir, "is not writable (" + Errors.oneLine(e) + ")");
            }
            return new RunFolder(dir, created, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    /** The folder's entries but the lock, sorted. */
    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(LOCK)).sorted().toList();
        }
    }

    private static UsageException refused(Path dir, String problem) {
        return new UsageException("--out " + dir + ": " + problem);
    }

    Path dir() {
        return dir;
    }

    /**
     * Releases the folder. A folder this run created and left without a file (a run stopped before it had
     * anything to save) is removed.
     */
    @Override
    public void close() throws IOException {
        try {
            if (created && filesIn(dir).isEmpty()) {
                Files.deleteIfExists(dir.resolve(LOCK));
                Files.deleteIfExists(dir);
            }
        } finally {
            lock.release();
            lockFile.close();
        }
    }

    /** The metrics.json content and the files written, relative to the folder. */
    record Result(Map<String, Object> metrics, List<String> files) {
    }

    /**
     * Writes every file of the run. {@code stopped} says why training ended before its last epoch (it goes
     * into metrics.json as "stopped" and onto the page), or is null; {@code testScore} is the test set's
     * figures when it was not the validation data (metrics.json's "test"), or null.
     */
    Result write(Model model, History history, String summary, Map<String, Object> settings, double wallSeconds,
                 double trainSamplesPerSecond, Datasets.Split test, Map<String, Object> stopped,
                 Map<String, Double> testScore) throws IOException {
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
        if (stopped != null) {
            metrics.put("stopped", stopped);
        }
        if (testScore != null) {
            metrics.put("test", testScore);
        }
        AtomicFiles.writeString(dir.resolve(METRICS), BaseCommand.JSON.toJson(FiniteJson.of(metrics)) + "\n");
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

        String title = "tatami training run" + (stopped == null ? "" : ", stopped early: " + stopped.get("reason"));
        Report report = new Report(title, summary, settings, last, wallSeconds, trainSamplesPerSecond,
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
