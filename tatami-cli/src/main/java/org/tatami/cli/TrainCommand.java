package org.tatami.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.Tatami;
import org.tatami.callbacks.BackupAndRestore;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.CallbackState;
import org.tatami.callbacks.ProgressBar;
import org.tatami.callbacks.TerminateOnNaN;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.WarmUp;
import org.tatami.optimizers.Optimizer;
import org.tatami.serve.TrainingDashboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tatami train}: with no options, the seed tutorial exactly; leaves a run folder with everything it shows. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model and leave a run folder with its files, plots and an HTML report.",
                "Trains on MNIST, Fashion-MNIST or a folder of IDX files in MNIST's layout, validating on the test set.",
                "The run folder holds the model, its weights, the history, plots, feature maps and report.html.",
                "With no options this is the seed tutorial: its CNN, Adam 0.01, batch 4096, 30 epochs, seed 0.",
                "Ctrl-C stops after the current batch and saves the finished epochs (exit 130); a loss that is",
                "not finite stops the run the same way (exit 1).",
                "A run backs itself up into <out>/backup: an interrupted or killed one goes on",
                "with the same options and --resume, to the weights it would have had unstopped."})
final class TrainCommand extends BaseCommand {
    /** Every optimizer tatami has, by Keras's string. */
    enum OptimizerName { adam, adamw, nadam, adamax, adagrad, adadelta, rmsprop, sgd }

    /** The seed's learning rate, for Adam; the other optimizers start from Keras's own defaults. */
    private static final double SEED_LEARNING_RATE = 0.01;
    /** How long the warm-up may go on once the data is loaded (the seed's needs about 2 s on 2 cores). */
    private static final Duration WARM_UP_PATIENCE = Duration.ofSeconds(5);

    @Option(names = "--model", paramLabel = "FILE|NAME",
            description = "Model architecture in Keras's JSON format (model.to_json()), or a built-in: seed (the"
                    + " seed's CNN, the default), convnet (Keras's mnist_convnet example), resnet.")
    Path model;

    @Option(names = "--epochs", defaultValue = "30", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "4096", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", paramLabel = "RATE",
            description = "Step size (default: 0.01 for adam, the seed's; Keras's default for the others: 0.001, and"
                    + " 0.01 for sgd).")
    Double learningRate;

    @Option(names = "--optimizer", defaultValue = "adam",
            description = "${COMPLETION-CANDIDATES}: Keras's optimizers with Keras's settings (adamw: weight_decay"
                    + " 0.004; sgd: no momentum) (default: ${DEFAULT-VALUE}).")
    OptimizerName optimizer;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed: same seed, same weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: runs/<date>-<time>); refused if it holds files, unless --overwrite.")
    Path out;

    @Option(names = "--overwrite",
            description = "Let --out be a folder that already holds files (an earlier run's): they are replaced.")
    boolean overwrite;

    @Option(names = "--initial-weights", paramLabel = "FILE",
            description = "Start from these weights (safetensors, as saveWeights writes) instead of a random init.")
    Path initialWeights;

    @Option(names = "--no-shuffle", description = "Keep the training data in order instead of shuffling every epoch.")
    boolean noShuffle;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training samples.")
    Integer trainLimit;

    @Option(names = "--validation-split", paramLabel = "FRACTION",
            description = "Validate on the last FRACTION of the training samples (as Keras's validation_split)"
                    + " instead of the test set, which is then scored once at the end.")
    Double validationSplit;

    @Option(names = "--quiet", description = "Print nothing but errors (and the JSON with --json).")
    boolean quiet;

    @Option(names = "--resume", description = {"Go on with the interrupted run in --out from its last backup, given"
            + " the options it was started with (--epochs may be raised to train longer); it ends with the weights"
            + " the run would have had, never stopped."})
    boolean resume;

    @Option(names = "--backup-freq", paramLabel = "epoch|N", defaultValue = "epoch",
            description = "When the run backs itself up for --resume: at the end of each epoch (default), or every"
                    + " N batches.")
    String backupFreq;

    @Option(names = "--dashboard",
            description = "Show the loss and accuracy curves live in a browser, at http://127.0.0.1:PORT/.")
    boolean dashboard;

    @Option(names = "--port", defaultValue = "8080", description = "The dashboard's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    void execute() throws Exception {
        check(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        check(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        // The optimizers compute in float32: 1e300 would become infinity there, 1e-50 zero.
        float lr = learningRate == null ? 1f : (float) (double) learningRate;
        check(lr > 0 && Float.isFinite(lr), "--learning-rate must be positive and within float32's range"
                + " (1.4e-45 to 3.4e38), got " + learningRate);
        check(trainLimit == null || trainLimit >= 1, "--train-limit must be at least 1, got " + trainLimit);
        check(validationSplit == null || (validationSplit > 0 && validationSplit < 1),
                "--validation-split must be between 0 and 1, got " + validationSplit);
        check(backupFreq.equals("epoch") || backupFreq.matches("[1-9][0-9]{0,8}"),
                "--backup-freq must be epoch or a number of batches >= 1, got " + backupFreq);
        check(!resume || out != null, "--resume needs the --out folder of the run to resume");
        // The folder is claimed before anything loads or trains: one that cannot be used fails at once.
        try (RunFolder run = RunFolder.claim(out != null ? out : freshRunPath(), overwrite || resume);
             StopOnSignal signal = StopOnSignal.install()) {
            RunBackup backup = new RunBackup(run.dir().resolve(RunBackup.DIR));
            check(!resume || backup.exists(), "--resume: " + run.dir() + " holds no backup to resume ("
                    + RunBackup.DIR + "/" + BackupAndRestore.FILE + "); run without --resume");
            train(run, signal, backup);
        }
    }

    private void train(RunFolder run, StopOnSignal signal, RunBackup backup) throws IOException {
        boolean text = !quiet && !json;
        Tatami.setRandomSeed(seed);
        Model net = ModelFiles.forTraining(model);
        Datasets.Data d;
        if (net.isBuilt()) {
            // The shapes are known before the data: the kernels warm up on a throwaway copy while it
            // loads, and then for up to a few more seconds, as long as the compiler needs.
            prepare(net);
            WarmUp warmUp = WarmUp.start(net);
            try {
                d = data.load();
                warmUp.finish(WARM_UP_PATIENCE);
            } finally {
                warmUp.close();
            }
        } else {
            d = data.load();
            int[] s = d.train().images().shape();
            net.build(s[1], s[2], s[3]);
            prepare(net);
        }
        Datasets.Split train = trainLimit == null ? d.train() : d.train().first(trainLimit);
        Datasets.Split test = d.test();
        train.requireClasses(ImageModels.classes(net));
        test.requireClasses(ImageModels.classes(net));
        Path dir = run.dir();
        String summary = summaryText(net);
        // As Keras's validation_split: the last fraction of the training samples.
        int trained = validationSplit == null ? train.size() : (int) Math.floor(train.size() * (1 - validationSplit));
        int validating = validationSplit == null ? test.size() : train.size() - trained;
        Map<String, Object> settings = settings(trained, validating);
        if (resume) {
            String differs = backup.differences(settings);
            check(differs == null, "--resume: " + differs + "; give the options the run was started with");
        } else {
            backup.start(settings);
        }
        if (text) {
            out().print(summary);
            out().printf("Training on %,d samples, validating on %,d%s, run folder %s%n", trained, validating,
                    validationSplit == null ? "" : " split off from them", dir);
            out().flush();
        }

        TrainTimer timer = new TrainTimer();
        EpochWeights kept = new EpochWeights(net);
        // Said once, on standard error, when the run ends.
        TerminateOnNaN nan = new TerminateOnNaN(new PrintWriter(Writer.nullWriter()));
        BackupAndRestore backups = new BackupAndRestore(backup.dir()).deleteCheckpoint(false);
        if (!backupFreq.equals("epoch")) {
            backups.saveFreq(Integer.parseInt(backupFreq));
        }
        Callback resumedNote = new Callback() {
            @Override
            public void onTrainBegin(int epochCount, int stepsPerEpoch, int samples) {
                if (text && backups.resumedAt() != null) {
                    out().println("Resuming from the backup at " + backups.resumedAt());
                    out().flush();
                }
            }
        };
        FitOptions fit = new FitOptions().batchSize(batchSize).epochs(epochs).shuffle(!noShuffle).verbose(0)
                .callbacks(backups, timer, kept, nan, signal, resumedNote);
        if (validationSplit == null) {
            fit.validationData(test.images(), test.labels());
        } else {
            fit.validationSplit(validationSplit);
        }
        if (text) {
            fit.callbacks(new ProgressBar(out(), System.console() != null));
        }
        long start = System.nanoTime();
        History history;
        try (TrainingDashboard live = dashboard ? TrainingDashboard.start("127.0.0.1", port, dir.toString()) : null) {
            if (live != null) {
                fit.callbacks(live);
                spec.commandLine().getErr().println("tatami train: dashboard at " + live.uri());
                spec.commandLine().getErr().flush();
            }
            history = net.fit(train.images(), train.labels(), fit);
        }
        double wall = (System.nanoTime() - start) / 1e9;

        String interrupted = signal.received();
        String stop = interrupted != null ? "interrupted by " + interrupted
                : nan.reason() != null ? "stopped at " + nan.reason() : null;
        int status = interrupted != null ? signal.exitStatus() : 1;
        // An interrupted run keeps its backup to be resumed; a finished one (or one that diverged) needs it no more.
        String hint = interrupted == null ? "; try a smaller --learning-rate"
                : backup.exists() ? "; go on with the same options and --resume" : "";
        if (interrupted == null || !backup.exists()) {
            backup.delete();
        }
        if (stop != null && history.epochs() == 0) {
            throw new ExitStatus(status, stop + ", before the first epoch finished: nothing to save" + hint);
        }
        Map<String, Object> stopped = null;
        int weightsEpoch = history.epochs();
        if (stop != null) {
            weightsEpoch = kept.restore();
            stopped = new LinkedHashMap<>();
            stopped.put("reason", stop);
            stopped.put("epochs", history.epochs());
            stopped.put("weights_epoch", weightsEpoch);
        }
        // With a validation split the test set is seen once, at the end, as Keras's example evaluates it.
        Map<String, Double> testScore = validationSplit == null ? null : net.evaluate(test.images(), test.labels());
        RunFolder.Result result = run.write(net, history, summary, settings, wall,
                (double) trained * history.epochs() / timer.trainSeconds, test, stopped, testScore);
        if (json) {
            printJson(result.metrics());
        } else if (!quiet) {
            if (testScore != null) {
                out().printf(Locale.ROOT, "Test loss: %.4f - Test accuracy: %.4f%n", testScore.get("loss"),
                        testScore.get("accuracy"));
            }
            out().printf("%nDone in %.1f s. Run folder: %s%n", wall, dir);
            result.files().forEach(f -> out().println("  " + f));
        }
        if (stop != null) {
            throw new ExitStatus(status, stop + "; " + dir + " holds epochs 1-" + history.epochs()
                    + (weightsEpoch == history.epochs() ? " and their weights" : " and the weights of epoch "
                    + weightsEpoch + ", the last finite ones") + hint);
        }
        warnIfAtChance(history, net.outputShape()[net.outputShape().length - 1]);
    }

    /** A model that diverged without a NaN (a huge learning rate) ends no better than guessing: say so. */
    private void warnIfAtChance(History history, int classes) {
        String metric = history.history().containsKey("val_accuracy") ? "val_accuracy" : "accuracy";
        List<Double> values = history.get(metric);
        double accuracy = values.get(values.size() - 1);
        double chance = 1.0 / classes;
        if (classes > 1 && accuracy < 1.5 * chance) {
            spec.commandLine().getErr().printf(Locale.ROOT, "tatami train: warning: final %s %.4f is at chance level"
                    + " (%.4f for %d classes): the model learnt nothing; try a smaller --learning-rate%n",
                    metric, accuracy, chance, classes);
        }
    }

    /** runs/<date>-<time>, with -2, -3, ... when runs started in the same second. */
    private static Path freshRunPath() {
        Path base = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path path = base;
        for (int i = 2; Files.exists(path); i++) {
            path = Path.of(base + "-" + i);
        }
        return path;
    }

    /** Initial weights, if any, and the compile settings; the model is built. */
    private void prepare(Model net) throws IOException {
        if (initialWeights != null) {
            net.loadWeights(initialWeights);
        }
        net.compile(optimizer(), new SparseCategoricalCrossentropy(), "accuracy");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

    private Optimizer optimizer() {
        Optimizer o = Optimizer.of(optimizer.name());
        o.setLearningRate((float) learningRate());
        return o;
    }

    /** The rate given, else the seed's for Adam and Keras's default for the others. */
    private double learningRate() {
        if (learningRate != null) {
            return learningRate;
        }
        return optimizer == OptimizerName.adam ? SEED_LEARNING_RATE
                : Double.parseDouble(Float.toString(Optimizer.of(optimizer.name()).learningRate()));
    }

    private Map<String, Object> settings(int trainSamples, int testSamples) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model == null ? "seed CNN" : ModelFiles.BUILT_IN.contains(model.toString())
                ? model + " (built-in)" : model.toString());
        s.put("data", data.describe());
        s.put("train_samples", trainSamples);
        s.put("validation_samples", testSamples);
        s.put("validation_split", validationSplit);
        s.put("epochs", epochs);
        s.put("batch_size", batchSize);
        s.put("optimizer", optimizer.name());
        s.put("learning_rate", learningRate());
        s.put("loss", "sparse_categorical_crossentropy");
        s.put("seed", seed);
        s.put("shuffle", !noShuffle);
        s.put("threads", Tatami.threads());
        s.put("initial_weights", initialWeights == null ? null : initialWeights.toString());
        return s;
    }

    static String summaryText(Model net) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        net.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Time spent in training steps only: from each epoch's start to its last batch, validation excluded. */
    private static final class TrainTimer implements Callback {
        private int steps;
        private long epochStart;
        double trainSeconds;

        @Override
        public void onTrainBegin(int epochCount, int stepsPerEpoch, int samples) {
            steps = stepsPerEpoch;
        }

        @Override
        public void onEpochBegin(int epoch) {
            epochStart = System.nanoTime();
        }

        @Override
        public void onBatchEnd(int step, Map<String, Double> logs) {
            if (step == steps) {
                trainSeconds += (System.nanoTime() - epochStart) / 1e9;
            }
        }

        /** A resumed run counts the seconds of the epochs before it too. */
        @Override
        public CallbackState state() {
            return new CallbackState().put("train_seconds", trainSeconds);
        }

        @Override
        public void restoreState(CallbackState state) {
            trainSeconds = state.number("train_seconds");
        }
    }
}
