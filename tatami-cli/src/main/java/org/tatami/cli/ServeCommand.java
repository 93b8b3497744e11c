package org.tatami.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.tatami.cli.report.HtmlReport;
import org.tatami.cli.report.ModelDiagram;
import org.tatami.serve.ModelServer;
import org.tatami.serve.ModelSource;
import org.tatami.serve.ServeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tatami serve}: models over HTTP (TensorFlow Serving and KServe v2 APIs) and a page to try them. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve models over HTTP, with a web page to draw digits and watch every layer.",
                "APIs: TensorFlow Serving's REST API (/v1/models/NAME:predict), the Open Inference Protocol v2",
                "(/v2/models/NAME/infer), pictures (/v1/models/NAME:classify) and Prometheus metrics (/metrics).",
                "Without --model: the newest run folder's model under runs/, or the seed model, trained first.",
                "Concurrent requests are gathered into batches. SIGTERM or Ctrl-C lets requests in flight finish."})
final class ServeCommand extends BaseCommand {
    private static final String RUNS = "runs";

    @Option(names = "--model", paramLabel = "[NAME=]FILE",
            description = {"A model to serve (.tatami, .keras, .h5, .onnx), repeatable; its URLs use NAME, else the"
                    + " file name without the extension (model.tatami: model)."})
    List<String> models = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0: every one).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--max-batch", defaultValue = "64",
            description = "Most samples gathered into one pass (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-wait-ms", defaultValue = "1",
            description = "Longest a batch waits for more requests, in ms (default: ${DEFAULT-VALUE}).")
    double batchWaitMs;

    @Option(names = "--no-batching", description = "Run each request in a pass of its own.")
    boolean noBatching;

    @Option(names = "--queue", defaultValue = "1024", paramLabel = "N",
            description = "Requests waiting per model before the server answers 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "8388608", paramLabel = "BYTES",
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}, 8 MiB).")
    long maxBody;

    @Option(names = "--idle-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Close connections idle this long: slow or stalled clients (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Override
    void execute() throws Exception {
        ServeOptions options;
        try {
            options = new ServeOptions().host(host).port(port).batching(!noBatching).maxBatch(maxBatch)
                    .batchWait(Duration.ofNanos(Math.round(batchWaitMs * 1e6))).queueLimit(queue).maxBodyBytes(maxBody)
                    .idleTimeout(Duration.ofNanos(Math.round(idleSeconds * 1e9)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<ModelSource> sources = sources();
        PrintWriter err = spec.commandLine().getErr();
        ModelServer server;
        try {
            // A lambda, not ModelDiagram::svg: the drawing classes (slow to start) load on the first diagram.
            server = ModelServer.start(sources, ModelFiles::load, m -> ModelDiagram.svg(m), options, err, verbose);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tatami-serve-stop"));
        double started = ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, java.time.Instant.now()).toMillis() / 1e3).orElse(Double.NaN);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("url", server.uri().toString());
            o.put("models", server.modelNames());
            o.put("start_seconds", started);
            printJson(o);
        } else {
            for (ModelSource s : sources) {
                out().println("model '" + s.name() + "': " + s.file() + "  ->  " + server.uri() + "v1/models/" + s.name()
                        + ":predict");
            }
            out().printf("Serving on %s (started in %.2f s; batching %s). Ctrl-C stops.%n", server.uri(), started,
                    noBatching ? "off" : "up to " + maxBatch + " samples, " + batchWaitMs + " ms");
        }
        out().flush();
        server.join();
    }

    /** The --model options, or the newest run folder's model (training the seed model if there is none). */
    private List<ModelSource> sources() throws Exception {
        List<ModelSource> sources = new ArrayList<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            String name = null;
            Path file = Path.of(m);
            if (eq > 0 && !Files.exists(file)) {
                name = m.substring(0, eq);
                file = Path.of(m.substring(eq + 1));
            }
            if (!Files.isRegularFile(file)) {
                throw new UsageException("--model " + m + ": " + file + " is not a model file");
            }
            try {
                sources.add(new ModelSource(name != null ? name : ModelSource.defaultName(file), file, runFolder(file)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--model " + m + ": " + e.getMessage());
            }
        }
        if (!sources.isEmpty()) {
            return sources;
        }
        Optional<Path> newest = newestRun();
        if (newest.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("tatami serve: no --model and no run folder in " + RUNS + "/: training the seed model first");
            err.flush();
            int status = Main.run(new String[] {"train"}, new PrintWriter(out(), true), err);
            if (status != 0) {
                throw new ExitStatus(status, "training the seed model failed; serve a model with --model FILE");
            }
            newest = newestRun();
        }
        Path file = newest.orElseThrow(() -> new IOException("no model in " + RUNS + "/ after training"));
        return List.of(new ModelSource(ModelSource.defaultName(file), file, file.getParent()));
    }

    /** The model.tatami of the run folder under runs/ whose model was written last. */
    private static Optional<Path> newestRun() throws IOException {
        Path runs = Path.of(RUNS);
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.map(d -> d.resolve(RunFolder.MODEL)).filter(Files::isRegularFile)
                    .max(Comparator.comparing(ServeCommand::modified));
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** The folder of a run's model file (it holds the report), or null for a file elsewhere. */
    private static Path runFolder(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve(HtmlReport.FILE_NAME)) ? dir : null;
    }
}
