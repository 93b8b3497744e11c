package org.tatami.serve;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.models.ClassScores;
import org.tatami.models.FeatureExtractor;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * The model server: TensorFlow Serving's REST API and the Open Inference Protocol v2 for any served model,
 * {@code :classify} for pictures, Prometheus metrics, and the web page that draws digits and shows what
 * every layer sees. Models are loaded before the port opens; {@link #reload} swaps a model for a freshly
 * loaded copy of its file at once (requests never see a model half loaded).
 */
public final class ModelServer implements AutoCloseable {
    private static final Gson GSON = new Gson();
    private static final String PAGES = "index.html model.html style.css app.js model.js";
    private static final int WARM_UP_ROUNDS = 40;

    private final ServeOptions options;
    private final ModelLoader loader;
    private final Function<Model, String> diagrams;
    private final PrintWriter log;
    private final boolean verbose;
    /** Set up beside the models' loading (see {@link #start}), before the port opens. */
    private Metrics metrics;
    private final List<String> names = new ArrayList<>();
    private final Map<String, ServedModel> models = new ConcurrentHashMap<>();
    private StaticFiles pages;
    private WebServer web;
    private volatile boolean closed;

    private ModelServer(ServeOptions options, ModelLoader loader, Function<Model, String> diagrams, PrintWriter log,
                        boolean verbose) {
        this.options = options;
        this.loader = loader;
        this.diagrams = diagrams;
        this.log = log;
        this.verbose = verbose;
    }

    /**
     * Loads every model, then opens the port.
     *
     * @param diagrams draws a model's diagram as SVG for its page
     * @param log where the server says what it does (one line per event; stack traces only if verbose)
     * @throws IOException if a model cannot be loaded (nothing is left running)
     */
    public static ModelServer start(List<ModelSource> sources, ModelLoader loader, Function<Model, String> diagrams,
                                    ServeOptions options, PrintWriter log, boolean verbose) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no model to serve");
        }
        ModelServer s = new ModelServer(options, loader, diagrams, log, verbose);
        // The HTTP stack and the metrics are set up while the models load: start-up takes the longer of two.
        CompletableFuture<Void> setUp = CompletableFuture.runAsync(() -> {
            s.metrics = new Metrics();
            s.pages = new StaticFiles(PAGES.split(" "));
            s.web = new WebServer(options.host(), options.port(), options.idleTimeout(), options.stopTimeout(),
                    s.new Api());
        });
        try {
            for (ModelSource source : sources) {
                if (s.models.containsKey(source.name())) {
                    throw new IllegalArgumentException("two models are named '" + source.name()
                            + "': give them names with --model NAME=FILE");
                }
                s.models.put(source.name(), s.load(source, 1));
                s.names.add(source.name());
            }
            setUp.join();
            for (String name : s.names) {
                s.metrics.modelGauge("tatami.model.load.seconds", "Seconds the served version took to load", name,
                        s, server -> server.models.get(name).loadSeconds());
                s.metrics.modelGauge("tatami.queue.requests", "Requests waiting for a pass", name, s,
                        server -> server.models.get(name).inference().queued());
            }
            s.web.start();
            s.warmUp();
        } catch (IOException | RuntimeException e) {
            setUp.exceptionally(failure -> null).join();
            s.close();
            if (e instanceof CompletionException c && c.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } catch (Exception e) {
            s.close();
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return s;
    }

    private ServedModel load(ModelSource source, int version) throws IOException {
        long t0 = System.nanoTime();
        Model model = loader.load(source.file());
        return new ServedModel(source, version, model, (System.nanoTime() - t0) / 1e9, diagrams, this::inference);
    }

    /**
     * Runs passes of every batch size up to the largest in a background thread, one at a time between the
     * requests: the JIT compiles each size's kernels (until then the Vector API runs many times slower),
     * before the load that needs them.
     */
    private void warmUp() {
        Thread t = new Thread(() -> {
            int sizes = options.batching() ? options.maxBatch() : 1;
            for (int round = 0; round < WARM_UP_ROUNDS && !closed; round++) {
                for (String name : names) {
                    ServedModel m = models.get(name);
                    for (int n = 1; n <= sizes && !closed; n++) {
                        float[] x = new float[n * m.sampleSize()];
                        java.util.Arrays.fill(x, 0.5f);
                        m.predict(x, n);
                    }
                }
            }
        }, "tatami-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private Inference inference(ServedModel m) {
        // The metrics exist by the time a batch runs: requests come once the port is open.
        return options.batching()
                ? new Batcher(m, options.maxBatch(), options.batchWait().toNanos(), options.queueLimit(),
                        samples -> metrics.batch(samples))
                : new DirectInference(m);
    }

    public int port() {
        return web.port();
    }

    /** The server's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return web.uri();
    }

    /** The names of the served models, in the order given. */
    public List<String> modelNames() {
        return List.copyOf(names);
    }

    /**
     * Loads the model's file again and swaps it in; requests waiting for the old version finish with it.
     * If the file cannot be loaded, the old version stays.
     *
     * @return the new version number
     */
    public synchronized int reload(String name) throws IOException {
        ServedModel old = models.get(name);
        if (old == null) {
            throw new IllegalArgumentException("no model named '" + name + "'");
        }
        ServedModel fresh = load(old.source(), old.version() + 1);
        models.put(name, fresh);
        old.close();
        log("reloaded model '" + name + "' from " + old.source().file() + " as version " + fresh.version());
        return fresh.version();
    }

    /** Waits until the server stops. */
    public void join() throws InterruptedException {
        web.join();
    }

    /** Stops accepting requests, lets those in flight finish, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            if (web != null) {
                web.close();
            }
        } finally {
            models.values().forEach(ServedModel::close);
        }
    }

    private void log(String line) {
        synchronized (log) {
            log.println("tatami serve: " + line);
            log.flush();
        }
    }

    /** The version of {@code name} served now, or null. */
    ServedModel served(String name) {
        return models.get(name);
    }

    private ServedModel model(String name, Exchange x) {
        ServedModel m = models.get(name);
        if (m == null) {
            throw new HttpError(404, "model '" + name + "' is not served here; served: " + String.join(", ", names));
        }
        x.model = m.name();
        return m;
    }

    /** The routes. */
    private final class Api extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange x = new Exchange(request, response, callback, metrics);
            try {
                route(x, Request.getPathInContext(request), request.getMethod());
            } catch (HttpError e) {
                x.error(e);
            } catch (RuntimeException e) {
                internal(x, e);
            }
            return true;
        }
    }

    private void internal(Exchange x, Throwable e) {
        String line = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        log(x.request.getMethod() + " " + x.request.getHttpURI().getPath() + ": 500 " + line);
        if (verbose) {
            synchronized (log) {
                e.printStackTrace(log);
            }
        }
        x.json(500, JsonOut.error("internal error: " + line));
    }

    private void route(Exchange x, String path, String method) {
        if (path.startsWith("/v1/models/")) {
            tfServing(x, path.substring("/v1/models/".length()), method);
        } else if (path.equals("/v2") || path.startsWith("/v2/")) {
            v2(x, path, method);
        } else if (path.equals("/metrics")) {
            x.endpoint = "metrics";
            requireMethod(method, "GET");
            x.send(200, Metrics.CONTENT_TYPE, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (path.startsWith("/api/models")) {
            api(x, path, method);
        } else if (path.startsWith("/admin/models/") && path.endsWith("/reload")) {
            x.endpoint = "reload";
            requireMethod(method, "POST");
            admin(x, path.substring("/admin/models/".length(), path.length() - "/reload".length()));
        } else {
            requireMethod(method, "GET");
            if (!pages.serve(path.equals("/") ? "/index.html" : path, x)) {
                throw new HttpError(404, "no such page: " + path);
            }
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new HttpError(405, "use " + allowed + " here, not " + method);
        }
    }

    // ---- TensorFlow Serving ----

    private void tfServing(Exchange x, String rest, String method) {
        int colon = rest.lastIndexOf(':');
        String verb = colon < 0 ? null : rest.substring(colon + 1);
        String[] parts = (colon < 0 ? rest : rest.substring(0, colon)).split("/", -1);
        // Labels of the metrics come from a fixed set: a client's made-up verbs must not add series.
        x.endpoint = verb == null ? "status" : List.of("predict", "classify", "activations").contains(verb) ? verb : "other";
        ServedModel m = model(parts[0], x);
        int next = requireVersion(parts, 1, m);
        String tail = next < parts.length ? String.join("/", List.of(parts).subList(next, parts.length)) : "";
        if (verb == null) {
            requireMethod(method, "GET");
            if (tail.isEmpty()) {
                x.endpoint = "status";
                x.json(200, GSON.toJson(TfServingApi.status(m)));
            } else if (tail.equals("metadata")) {
                x.endpoint = "metadata";
                x.json(200, GSON.toJson(TfServingApi.metadata(m)));
            } else {
                throw new HttpError(404, "no such resource: /v1/models/" + rest);
            }
            return;
        }
        if (!tail.isEmpty()) {
            throw new HttpError(404, "no such resource: /v1/models/" + rest);
        }
        requireMethod(method, "POST");
        switch (verb) {
            case "predict" -> body(x, m, bytes -> {
                TfServingApi.Request r = TfServingApi.parse(bytes, m);
                submit(x, m, r.x(), r.samples(), y -> TfServingApi.answer(r, y, m));
            });
            case "classify" -> picture(x, m, (digit, empty) -> submit(x, m, digit, 1, y -> classified(x, m, y, empty)));
            case "activations" -> picture(x, m, (digit, empty) -> x.json(200, activations(m, digit)));
            default -> throw new HttpError(404, "unknown method ':" + verb + "': use :predict, :classify or :activations");
        }
    }

    /** Skips {@code versions/N} at {@code parts[at]} if present, which must be the version served. */
    private static int requireVersion(String[] parts, int at, ServedModel m) {
        if (at + 1 < parts.length && parts[at].equals("versions")) {
            if (!parts[at + 1].equals(String.valueOf(m.version()))) {
                throw new HttpError(404, "model '" + m.name() + "' has no version " + parts[at + 1] + "; it serves version "
                        + m.version());
            }
            return at + 2;
        }
        return at;
    }

    // ---- Open Inference Protocol v2 ----

    private void v2(Exchange x, String path, String method) {
        x.endpoint = "v2";
        if (path.equals("/v2") || path.equals("/v2/")) {
            requireMethod(method, "GET");
            x.json(200, GSON.toJson(InferenceV2Api.server()));
            return;
        }
        if (path.equals("/v2/health/live") || path.equals("/v2/health/ready")) {
            x.endpoint = "health";
            requireMethod(method, "GET");
            x.send(200, null, new byte[0]);
            return;
        }
        if (!path.startsWith("/v2/models/")) {
            throw new HttpError(404, "no such resource: " + path);
        }
        String[] parts = path.substring("/v2/models/".length()).split("/", -1);
        ServedModel m = model(parts[0], x);
        int next = requireVersion(parts, 1, m);
        String tail = next < parts.length ? String.join("/", List.of(parts).subList(next, parts.length)) : "";
        switch (tail) {
            case "" -> {
                x.endpoint = "metadata";
                requireMethod(method, "GET");
                x.json(200, GSON.toJson(InferenceV2Api.metadata(m)));
            }
            case "ready" -> {
                x.endpoint = "health";
                requireMethod(method, "GET");
                x.send(200, null, new byte[0]);
            }
            case "infer" -> {
                x.endpoint = "infer";
                requireMethod(method, "POST");
                body(x, m, bytes -> {
                    InferenceV2Api.Request r = InferenceV2Api.parse(bytes, m);
                    submit(x, m, r.x(), r.samples(), y -> InferenceV2Api.answer(r, y, m));
                });
            }
            default -> throw new HttpError(404, "no such resource: " + path);
        }
    }

    // ---- bodies and inference ----

    private interface BodyUse {
        void accept(byte[] body);
    }

    /**
     * Reads the body (up to the limit: 413 beyond), then hands it on; the model's batcher knows a request is
     * on its way until it is submitted.
     */
    private void body(Exchange x, ServedModel m, BodyUse use) {
        long declared = x.request.getLength();
        long max = options.maxBodyBytes();
        if (declared > max) {
            throw tooLarge(declared + " bytes", max);
        }
        x.arriving(m.inference());
        Content.Source.asByteArrayAsync(x.request, (int) max, Promise.Invocable.from(Invocable.InvocationType.BLOCKING,
                bytes -> {
                    try {
                        use.accept(bytes);
                    } catch (HttpError e) {
                        x.error(e);
                    } catch (RuntimeException e) {
                        internal(x, e);
                    } finally {
                        x.arrived();
                    }
                }, failure -> {
                    x.arrived();
                    x.error(readFailure(failure, max));
                }));
    }

    private static HttpError tooLarge(String size, long max) {
        return new HttpError(413, "the body has " + size + ", more than the limit of " + max + " bytes");
    }

    private static HttpError readFailure(Throwable failure, long max) {
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (failure instanceof IllegalArgumentException || message.contains("too large") || message.contains("exceed")) {
            return tooLarge("more bytes", max);
        }
        if (failure instanceof java.util.concurrent.TimeoutException || message.contains("timeout")) {
            return new HttpError(408, "the body did not arrive in time");
        }
        return HttpError.badRequest("the body could not be read: " + failure.getMessage());
    }

    /** Runs the samples through the model's inference and answers with {@code answer}'s JSON. */
    private void submit(Exchange x, ServedModel m, float[] input, int samples, Function<float[], byte[]> answer) {
        Inference.Completion done = new Inference.Completion() {
            @Override
            public void succeeded(float[] y) {
                try {
                    x.json(200, answer.apply(y));
                } catch (HttpError e) {
                    x.error(e);
                } catch (RuntimeException e) {
                    internal(x, e);
                }
            }

            @Override
            public void failed(Throwable failure) {
                if (failure instanceof HttpError e) {
                    x.error(e);
                } else {
                    internal(x, failure);
                }
            }
        };
        // Arrived before it is queued: a batch waits for requests still being read, not for this one.
        x.arrived();
        if (m.inference().submit(input, samples, done)) {
            return;
        }
        // A reload swapped the model while this request was read: its successor takes it.
        ServedModel now = models.get(m.name());
        if (now != m && now.inference().submit(input, samples, done)) {
            return;
        }
        throw new HttpError(503, "model '" + m.name() + "' has " + options.queueLimit()
                + " requests waiting, its queue's limit: retry later");
    }

    // ---- pictures ----

    private interface PictureUse {
        void accept(float[] digit, boolean empty);
    }

    /** A picture from the body (its bytes, or the first file of a multipart form), made MNIST-style. */
    private void picture(Exchange x, ServedModel m, PictureUse use) {
        if (m.sampleSize() != 28 * 28) {
            throw HttpError.badRequest("model '" + m.name() + "' takes " + Shape.withBatch(m.sampleShape())
                    + "; pictures are made into 28x28 grey digits: use :predict with the inputs instead");
        }
        String type = x.request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        boolean multipart = media.equals("multipart/form-data");
        if (!media.isEmpty() && !multipart && !media.startsWith("image/") && !media.equals("application/octet-stream")) {
            throw new HttpError(415, "Content-Type " + media + " is not a picture: send the PNG or JPEG bytes"
                    + " (image/png, image/jpeg) or a multipart form with the file");
        }
        Invert invert = invert(x);
        body(x, m, bytes -> {
            byte[] picture = multipart ? firstFile(bytes, type) : bytes;
            Tensor digit;
            try {
                digit = Images.loadDigit(picture, "the upload", invert);
            } catch (IOException e) {
                throw new HttpError(415, e.getMessage());
            }
            float[] d = digit.data();
            boolean empty = true;
            for (float v : d) {
                empty &= v == 0;
            }
            use.accept(d, empty);
        });
    }

    private static Invert invert(Exchange x) {
        String v = Request.extractQueryParameters(x.request).getValue("invert");
        if (v == null || v.equals("auto")) {
            return Invert.AUTO;
        }
        return switch (v) {
            case "yes" -> Invert.YES;
            case "no" -> Invert.NO;
            default -> throw HttpError.badRequest("invert must be auto, yes or no, got '" + v + "'");
        };
    }

    private byte[] firstFile(byte[] body, String contentType) {
        MultiPartConfig config = new MultiPartConfig.Builder().maxParts(16).maxMemoryPartSize(options.maxBodyBytes())
                .maxPartSize(options.maxBodyBytes()).build();
        MultiPartFormData.Parts parts;
        try {
            parts = MultiPartFormData.from(Content.Source.from(ByteBuffer.wrap(body)), new Attributes.Mapped(),
                    contentType, config).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw HttpError.badRequest("the multipart form could not be read: " + cause.getMessage());
        }
        try (parts) {
            MultiPart.Part file = null;
            for (MultiPart.Part p : parts) {
                if (file == null || (file.getFileName() == null && p.getFileName() != null)) {
                    file = p;
                }
            }
            if (file == null) {
                throw HttpError.badRequest("the multipart form has no file: add the picture as a file field");
            }
            ByteBuffer b = Content.Source.asByteBuffer(file.getContentSource());
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw HttpError.badRequest("the multipart form could not be read: " + e.getMessage());
        }
    }

    private byte[] classified(Exchange x, ServedModel m, float[] y, boolean empty) {
        int classes = m.outputSize();
        ClassScores.toProbabilities(m.model(), Tensor.of(y, 1, classes));
        String top = Request.extractQueryParameters(x.request).getValue("top");
        int k;
        try {
            k = top == null ? 3 : Integer.parseInt(top);
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 1) {
            throw HttpError.badRequest("top must be a whole number of at least 1, got '" + top + "'");
        }
        JsonOut o = new JsonOut().raw("{\"model\":").string(m.name()).raw(",\"predictions\":[");
        List<ClassScores.Ranked> ranked = ClassScores.top(y, 0, classes, k);
        for (int i = 0; i < ranked.size(); i++) {
            o.raw(i == 0 ? "{\"class\":" : ",{\"class\":").number(ranked.get(i).classIndex())
                    .raw(",\"probability\":").number(ranked.get(i).probability()).raw("}");
        }
        return o.raw("],\"empty\":" + empty + "}").bytes();
    }

    /** What every layer makes of the picture, as {@code tatami inspect} shows it, with the input itself first. */
    private static byte[] activations(ServedModel m, float[] digit) {
        Tensor sample = Tensor.of(digit, ServedModel.withBatch(1, m.sampleShape()));
        List<FeatureExtractor.Output> outputs = m.activations(sample);
        JsonOut o = new JsonOut().raw("{\"model\":").string(m.name()).raw(",\"layers\":[");
        layer(o, "input", "InputLayer", sample);
        for (FeatureExtractor.Output out : outputs) {
            o.raw(",");
            layer(o, out.layer().name(), out.layer().className(), out.value());
        }
        return o.raw("]}").bytes();
    }

    private static void layer(JsonOut o, String name, String className, Tensor value) {
        int[] shape = java.util.Arrays.copyOfRange(value.shape(), 1, value.rank());
        o.raw("{\"name\":").string(name).raw(",\"class_name\":").string(className).raw(",\"shape\":").shape(shape)
                .raw(",\"data\":").flat(value.data(), 0, value.size()).raw("}");
    }

    // ---- the page's API ----

    private void api(Exchange x, String path, String method) {
        x.endpoint = "api";
        requireMethod(method, "GET");
        if (path.equals("/api/models")) {
            JsonArray list = new JsonArray();
            for (String name : names) {
                list.add(describe(models.get(name), false));
            }
            JsonObject o = new JsonObject();
            o.add("models", list);
            x.json(200, GSON.toJson(o));
            return;
        }
        String[] parts = path.substring("/api/models/".length()).split("/", 3);
        ServedModel m = model(parts[0], x);
        if (parts.length == 1) {
            x.json(200, GSON.toJson(describe(m, true)));
        } else if (parts.length == 2 && parts[1].equals("diagram.svg")) {
            String svg = diagrams == null ? null : m.diagram();
            if (svg == null) {
                throw new HttpError(404, "no diagram for model '" + m.name() + "'");
            }
            x.send(200, "image/svg+xml", svg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (parts.length == 3 && parts[1].equals("run")) {
            runFile(x, m, parts[2]);
        } else {
            throw new HttpError(404, "no such resource: " + path);
        }
    }

    private static JsonElement describe(ServedModel m, boolean details) {
        JsonObject o = new JsonObject();
        o.addProperty("name", m.name());
        o.addProperty("version", m.version());
        o.addProperty("file", m.source().file().toString());
        o.add("input_shape", GSON.toJsonTree(ServedModel.withBatch(-1, m.sampleShape())));
        o.add("output_shape", GSON.toJsonTree(ServedModel.withBatch(-1, m.outputShape())));
        o.addProperty("parameters", m.model().countParams());
        o.addProperty("run_folder", m.source().runFolder() != null);
        o.addProperty("digits", m.sampleSize() == 28 * 28);
        if (details) {
            o.addProperty("load_seconds", m.loadSeconds());
            o.addProperty("summary", m.summary());
        }
        return o;
    }

    /** A file of the model's run folder (its report, plots, feature maps), never one outside it. */
    private static void runFile(Exchange x, ServedModel m, String relative) {
        Path dir = m.source().runFolder();
        if (dir == null) {
            throw new HttpError(404, "model '" + m.name() + "' has no run folder");
        }
        try {
            Path root = dir.toRealPath();
            Path file = root.resolve(relative).normalize();
            if (!file.startsWith(root) || relative.contains("\\") || !Files.isRegularFile(file)
                    || !file.toRealPath().startsWith(root)) {
                throw new HttpError(404, "no such file in the run folder: " + relative);
            }
            x.send(200, StaticFiles.contentType(file.getFileName().toString()), Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new HttpError(404, "no such file in the run folder: " + relative);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new HttpError(404, "cannot read " + relative + " in the run folder: " + e.getMessage());
        }
    }

    // ---- administration ----

    private void admin(Exchange x, String name) {
        SocketAddress remote = x.request.getConnectionMetaData().getRemoteSocketAddress();
        InetAddress address = remote instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address == null || !address.isLoopbackAddress()) {
            throw new HttpError(403, "reloading is allowed from this machine only");
        }
        ServedModel m = model(name, x);
        int version;
        try {
            version = reload(name);
        } catch (IOException | RuntimeException e) {
            log("reload of '" + name + "' failed, still serving version " + m.version() + ": " + e.getMessage());
            throw new HttpError(500, "reload of '" + name + "' failed, still serving version " + m.version() + ": "
                    + e.getMessage());
        }
        JsonObject o = new JsonObject();
        o.addProperty("model", name);
        o.addProperty("version", version);
        o.addProperty("load_seconds", models.get(name).loadSeconds());
        x.json(200, GSON.toJson(o));
    }
}
