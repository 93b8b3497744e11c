package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad request gets its status and a one-line {"error": ...} naming the field and what was
 * expected; no stack trace is logged, and the server answers a good request right after.
 */
class BadRequestTest {
    @TempDir
    static Path dir;
    static Path file;
    static ModelServer server;
    static StringWriter log = new StringWriter();
    static String input;

    @BeforeAll
    static void start() throws Exception {
        file = Servers.seedModel(dir, "seed", 0);
        server = Servers.start(Servers.options().maxBodyBytes(64 * 1024).queueLimit(2), log, file);
        input = server.served("seed").inputName();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void stillAnswering() throws Exception {
        HttpResponse<String> r = Servers.post(server, "/v1/models/seed:predict", "{\"instances\": ["
                + Servers.image(Servers.pixels(0)) + "]}");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(log.toString().contains("\tat "), log.toString());
        assertFalse(log.toString().contains("Exception"), log.toString());
    }

    /** The status, and the error message, which must be one line. */
    private static String error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(1, o.size(), r.body());
        String message = o.get("error").getAsString();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static String predict(String body, int status) throws Exception {
        return error(Servers.post(server, "/v1/models/seed:predict", body), status);
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void wrongShapeNamesTheFieldAndTheExpectedShape() throws Exception {
        assertMentions(predict("{\"instances\": [[1, 2, 3]]}", 400),
                "instances has shape (1, 3)", "(None, 28, 28, 1)");
        assertMentions(predict("{\"inputs\": " + Servers.image(Servers.pixels(1)) + "}", 400),
                "inputs has shape (28, 28, 1)", "(None, 28, 28, 1)");
        assertMentions(predict("{\"instances\": []}", 400), "instances");
        assertMentions(predict("{\"instances\": [[[1], [2]], [[3]]]}", 400), "rectangular");
        assertMentions(predict("{\"instances\": [{\"pixels\": 1}]}", 400), "instances[0] has \"pixels\"", input);
    }

    @Test
    void notFiniteNumbers() throws Exception {
        String picture = Servers.image(Servers.pixels(2));
        int at = picture.indexOf("[[[") + 3;
        assertMentions(predict("{\"instances\": [" + picture.substring(0, at) + "NaN" + picture.substring(
                picture.indexOf(']', at)) + "]}", 400), "instances[0][0][0][0] is NaN", "finite");
        assertMentions(predict("{\"instances\": [" + picture.substring(0, at) + "null" + picture.substring(
                picture.indexOf(']', at)) + "]}", 400), "instances[0][0][0][0] is null");
        assertMentions(predict("{\"instances\": [" + picture.substring(0, at) + "1e39" + picture.substring(
                picture.indexOf(']', at)) + "]}", 400), "is Infinity");
    }

    @Test
    void missingAndUnknownFields() throws Exception {
        assertMentions(predict("{}", 400), "missing field \"instances\"", "(28, 28, 1)");
        assertMentions(predict("{\"instance\": []}", 400), "unknown field \"instance\"");
        assertMentions(error(Servers.post(server, "/v2/models/seed/infer", "{\"inputs\": [{\"name\": \"" + input
                + "\", \"datatype\": \"FP32\", \"data\": [1]}]}"), 400), "inputs[0] has no \"shape\"", "(1, 28, 28, 1)");
        assertMentions(error(Servers.post(server, "/v2/models/seed/infer", "{\"id\": \"x\"}"), 400),
                "missing field \"inputs\"");
    }

    @Test
    void wrongDatatypeAndSize() throws Exception {
        assertMentions(error(Servers.post(server, "/v2/models/seed/infer", "{\"inputs\": [{\"name\": \"" + input
                + "\", \"shape\": [1, 28, 28, 1], \"datatype\": \"INT64\", \"data\": [1]}]}"), 400),
                "inputs[0].datatype is \"INT64\"", "FP32");
        assertMentions(error(Servers.post(server, "/v2/models/seed/infer", "{\"inputs\": [{\"name\": \"" + input
                + "\", \"shape\": [1, 28, 28, 1], \"datatype\": \"FP32\", \"data\": [1, 2]}]}"), 400),
                "inputs[0].data has 2 values", "needs 784");
        assertMentions(error(Servers.post(server, "/v2/models/seed/infer", "{\"inputs\": [{\"name\": \"" + input
                + "\", \"shape\": [1, 784], \"datatype\": \"FP32\", \"data\": [1]}]}"), 400),
                "inputs[0].shape has shape (1, 784)", "(None, 28, 28, 1)");
    }

    @Test
    void malformedJson() throws Exception {
        assertMentions(predict("{\"instances\": [[1, 2", 400), "malformed JSON at byte");
        assertMentions(predict("not json", 400), "malformed JSON");
        String picture = Servers.image(Servers.pixels(4));
        assertMentions(predict("{\"instances\": [" + picture + "]} trailing", 400), "malformed JSON");
        assertMentions(predict("{\"instances\": [" + picture.replaceFirst("0\\.0", "1.2.3") + "]}", 400),
                "malformed JSON");
    }

    @Test
    void unknownModelAndResources() throws Exception {
        assertMentions(error(Servers.post(server, "/v1/models/mnist:predict", "{}"), 404),
                "model 'mnist' is not served here", "seed");
        assertMentions(error(Servers.get(server, "/v2/models/mnist"), 404), "mnist");
        assertMentions(error(Servers.post(server, "/v1/models/seed:explain", "{}"), 404), ":explain");
        assertMentions(error(Servers.get(server, "/v1/models/seed/versions/7"), 404), "no version 7");
        assertMentions(error(Servers.get(server, "/nowhere"), 404), "/nowhere");
        assertMentions(error(Servers.get(server, "/v1/models/seed:predict"), 405), "POST");
        assertMentions(error(Servers.get(server, "/api/models/seed/run/report.html"), 404), "no run folder");
    }

    @Test
    void bodyTooLarge() throws Exception {
        byte[] big = new byte[100 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertMentions(error(Servers.post(server, "/v1/models/seed:predict", "application/json", big), 413),
                "limit of 65536 bytes");
        // Without a Content-Length (chunked), the limit is found while reading.
        HttpResponse<String> chunked = Servers.HTTP.send(java.net.http.HttpRequest.newBuilder(
                server.uri().resolve("/v1/models/seed:predict")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertMentions(error(chunked, 413), "limit of 65536 bytes");
    }

    @Test
    void notAPicture() throws Exception {
        assertMentions(error(Servers.post(server, "/v1/models/seed:classify", "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8)), 415), "text/plain is not a picture");
        assertMentions(error(Servers.post(server, "/v1/models/seed:classify", "application/octet-stream",
                "hello, world".getBytes(StandardCharsets.UTF_8)), 415), "not a readable image", "text starting");
        byte[] png = Files.readAllBytes(Path.of("../examples/digits/digit_4_240x200.png"));
        assertMentions(error(Servers.post(server, "/v1/models/seed:classify", "image/png",
                java.util.Arrays.copyOf(png, png.length / 2)), 415), "not a readable image");
    }

    @Test
    void fullQueueShedsLoad() throws Exception {
        ServedModel m = server.served("seed");
        String body = "{\"instances\": [" + Servers.image(Servers.pixels(3)) + "]}";
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        String refused;
        synchronized (m.engine) {
            // The batcher holds one request while the engine is busy, the queue two more: then 503.
            while (true) {
                CompletableFuture<HttpResponse<String>> f = Servers.HTTP.sendAsync(Servers.request(
                        server.uri().resolve("/v1/models/seed:predict"), "application/json",
                        body.getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(50);
                if (f.isDone()) {
                    refused = error(f.get(), 503);
                    break;
                }
                sent.add(f);
                assertTrue(sent.size() <= 3, "more requests waiting than the queue holds");
            }
        }
        assertMentions(refused, "queue", "retry later");
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            assertEquals(200, f.get().statusCode());
        }
    }

    @Test
    void refusedBeforeItsBodyClosesTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            // Refused by its Content-Type before the body, which has not been sent.
            out.write(("POST /v1/models/seed:classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("HTTP/1.1 415"), text);
            assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), text);
        }
        // A refused request whose body was all there leaves its connection open for the next one.
        for (int i = 0; i < 20; i++) {
            assertEquals(415, Servers.post(server, "/v1/models/seed:classify", "text/plain",
                    "hello".getBytes(StandardCharsets.UTF_8)).statusCode());
            assertEquals(200, Servers.get(server, "/v1/models/seed").statusCode());
        }
    }

    @Test
    void stalledClientIsCutOff() throws Exception {
        // A server of its own with a short idle timeout, so the other tests' connections never meet it.
        try (ModelServer impatient = Servers.start(Servers.options().idleTimeout(Duration.ofMillis(500)), log, file);
             Socket s = new Socket("127.0.0.1", impatient.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/models/seed:predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"instances\": [").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            byte[] answer = in.readAllBytes();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 4, "cut off after " + seconds + " s");
            String text = new String(answer, StandardCharsets.US_ASCII);
            assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 4") || text.startsWith("HTTP/1.1 5"), text);
        }
    }
}
