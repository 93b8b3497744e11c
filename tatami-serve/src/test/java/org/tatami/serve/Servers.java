package org.tatami.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.tatami.Tatami;
import org.tatami.models.Model;
import org.tatami.models.ModelFile;
import org.tatami.models.ModelZoo;
import org.tatami.models.Sequential;

/** Servers on a free port of 127.0.0.1 for the tests, and an HTTP client to ask them. */
final class Servers {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Servers() {
    }

    /** The seed's CNN, untrained but seeded, saved as {@code dir/NAME.tatami}. */
    static Path seedModel(Path dir, String name, long seed) throws IOException {
        Tatami.clearSession();
        Tatami.setRandomSeed(seed);
        Sequential model = ModelZoo.seedCnn();
        Path file = dir.resolve(name + ".tatami");
        model.save(file);
        return file;
    }

    /** The seed's CNN compiled as the seed compiles it (Adam, sparse categorical cross-entropy), seeded. */
    static Sequential compiledSeedModel() {
        Tatami.clearSession();
        Tatami.setRandomSeed(0);
        Sequential model = ModelZoo.seedCnn();
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    /** The first {@code n} pictures of an MNIST split, scaled to [0, 1] with a channel axis. */
    static org.tatami.tensor.Tensor images(org.tatami.data.Mnist.Split split, int n) {
        return split.images().slice(0, n).reshape(n, 28, 28, 1).div(255f);
    }

    static ServeOptions options() {
        return new ServeOptions().port(0).idleTimeout(Duration.ofSeconds(5)).stopTimeout(Duration.ofSeconds(5));
    }

    /** A server of {@code files} (each under its file name), loading with tatami's own reader. */
    static ModelServer start(ServeOptions options, StringWriter log, Path... files) throws IOException {
        List<ModelSource> sources = java.util.Arrays.stream(files)
                .map(f -> new ModelSource(ModelSource.defaultName(f), f, null)).toList();
        return ModelServer.start(sources, ModelFile::load, Servers::diagram, options, new PrintWriter(log, true), false);
    }

    static String diagram(Model m) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>" + m.name() + "</text></svg>";
    }

    static HttpResponse<String> get(ModelServer s, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(s.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(ModelServer s, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return HTTP.send(request(s.uri().resolve(path), contentType, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(ModelServer s, String path, String json) throws IOException, InterruptedException {
        return post(s, path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static HttpRequest request(URI uri, String contentType, byte[] body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** One (28, 28, 1) picture as nested JSON lists. */
    static String image(float[] pixels) {
        StringBuilder b = new StringBuilder("[");
        for (int y = 0; y < 28; y++) {
            b.append(y == 0 ? "[" : ",[");
            for (int x = 0; x < 28; x++) {
                b.append(x == 0 ? "[" : ",[").append(pixels[y * 28 + x]).append(']');
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    /** A reproducible picture-like input in [0, 1]. */
    static float[] pixels(long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] p = new float[784];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextInt(4) == 0 ? (float) r.nextDouble() : 0f;
        }
        return p;
    }
}
