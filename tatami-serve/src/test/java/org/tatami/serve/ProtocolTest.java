package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.models.Model;
import org.tatami.models.ModelFile;
import org.tatami.tensor.Tensor;

/**
 * Every endpoint's JSON against its protocol's documented shape: TensorFlow Serving's REST API (model
 * status, metadata, predict in row and columnar format) and the Open Inference Protocol v2 (server and
 * model metadata, health, infer), with the predictions equal, bit for bit, to the model's own.
 */
class ProtocolTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static Model model;

    @BeforeAll
    static void start() throws Exception {
        Path file = Servers.seedModel(dir, "seed", 3);
        model = ModelFile.load(file);
        server = Servers.start(Servers.options(), new StringWriter(), file);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject json(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static float[] expected(float[]... pictures) {
        float[] x = new float[pictures.length * 784];
        for (int i = 0; i < pictures.length; i++) {
            System.arraycopy(pictures[i], 0, x, i * 784, 784);
        }
        return model.predict(Tensor.of(x, pictures.length, 28, 28, 1)).data();
    }

    private static void assertRow(float[] expected, int row, JsonArray actual) {
        assertEquals(10, actual.size());
        for (int j = 0; j < 10; j++) {
            assertEquals(expected[row * 10 + j], actual.get(j).getAsFloat(), 0f, "class " + j);
        }
    }

    @Test
    void tfServingModelStatus() throws Exception {
        JsonObject o = json(Servers.get(server, "/v1/models/seed"), 200);
        JsonObject v = o.getAsJsonArray("model_version_status").get(0).getAsJsonObject();
        assertEquals("1", v.get("version").getAsString());
        assertEquals("AVAILABLE", v.get("state").getAsString());
        assertEquals("OK", v.getAsJsonObject("status").get("error_code").getAsString());
        assertEquals("", v.getAsJsonObject("status").get("error_message").getAsString());
    }

    @Test
    void tfServingMetadata() throws Exception {
        JsonObject o = json(Servers.get(server, "/v1/models/seed/metadata"), 200);
        JsonObject spec = o.getAsJsonObject("model_spec");
        assertEquals("seed", spec.get("name").getAsString());
        assertEquals("1", spec.get("version").getAsString());
        JsonObject sig = o.getAsJsonObject("metadata").getAsJsonObject("signature_def").getAsJsonObject("signature_def")
                .getAsJsonObject("serving_default");
        assertEquals("tensorflow/serving/predict", sig.get("method_name").getAsString());
        JsonObject input = sig.getAsJsonObject("inputs").getAsJsonObject(model.inputNames().get(0));
        assertEquals("DT_FLOAT", input.get("dtype").getAsString());
        JsonArray dims = input.getAsJsonObject("tensor_shape").getAsJsonArray("dim");
        String[] sizes = new String[dims.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = dims.get(i).getAsJsonObject().get("size").getAsString();
        }
        assertArrayEquals(new String[] {"-1", "28", "28", "1"}, sizes);
        assertFalse(input.getAsJsonObject("tensor_shape").get("unknown_rank").getAsBoolean());
        JsonObject output = sig.getAsJsonObject("outputs").getAsJsonObject(model.outputNames().get(0));
        assertEquals(2, output.getAsJsonObject("tensor_shape").getAsJsonArray("dim").size());
    }

    @Test
    void tfServingPredictRowFormat() throws Exception {
        float[] a = Servers.pixels(1);
        float[] b = Servers.pixels(2);
        String body = "{\"signature_name\": \"serving_default\", \"instances\": [" + Servers.image(a) + ", "
                + Servers.image(b) + "]}";
        JsonObject o = json(Servers.post(server, "/v1/models/seed:predict", body), 200);
        assertEquals(1, o.size());
        JsonArray p = o.getAsJsonArray("predictions");
        assertEquals(2, p.size());
        float[] expected = expected(a, b);
        assertRow(expected, 0, p.get(0).getAsJsonArray());
        assertRow(expected, 1, p.get(1).getAsJsonArray());
    }

    @Test
    void tfServingPredictNamedInstancesAndVersionPath() throws Exception {
        float[] a = Servers.pixels(3);
        String body = "{\"instances\": [{\"" + model.inputNames().get(0) + "\": " + Servers.image(a) + "}]}";
        JsonObject o = json(Servers.post(server, "/v1/models/seed/versions/1:predict", body), 200);
        assertRow(expected(a), 0, o.getAsJsonArray("predictions").get(0).getAsJsonArray());
    }

    @Test
    void tfServingPredictColumnarFormat() throws Exception {
        float[] a = Servers.pixels(4);
        JsonObject o = json(Servers.post(server, "/v1/models/seed:predict", "{\"inputs\": [" + Servers.image(a)
                + "]}"), 200);
        assertEquals(1, o.size());
        assertRow(expected(a), 0, o.getAsJsonArray("outputs").get(0).getAsJsonArray());
        JsonObject named = json(Servers.post(server, "/v1/models/seed:predict", "{\"inputs\": {\""
                + model.inputNames().get(0) + "\": [" + Servers.image(a) + "]}}"), 200);
        assertEquals(o, named);
    }

    @Test
    void v2ServerMetadataAndHealth() throws Exception {
        JsonObject o = json(Servers.get(server, "/v2"), 200);
        assertEquals("tatami", o.get("name").getAsString());
        assertTrue(o.has("version"));
        assertTrue(o.get("extensions").isJsonArray());
        for (String path : new String[] {"/v2/health/live", "/v2/health/ready", "/v2/models/seed/ready",
                "/v2/models/seed/versions/1/ready"}) {
            HttpResponse<String> r = Servers.get(server, path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("", r.body(), path);
        }
        assertEquals(404, Servers.get(server, "/v2/models/nothing/ready").statusCode());
    }

    @Test
    void v2ModelMetadata() throws Exception {
        JsonObject o = json(Servers.get(server, "/v2/models/seed"), 200);
        assertEquals("seed", o.get("name").getAsString());
        assertEquals("1", o.getAsJsonArray("versions").get(0).getAsString());
        assertEquals("tatami", o.get("platform").getAsString());
        JsonObject in = o.getAsJsonArray("inputs").get(0).getAsJsonObject();
        assertEquals(model.inputNames().get(0), in.get("name").getAsString());
        assertEquals("FP32", in.get("datatype").getAsString());
        assertEquals("[-1,28,28,1]", in.get("shape").toString());
        JsonObject out = o.getAsJsonArray("outputs").get(0).getAsJsonObject();
        assertEquals(model.outputNames().get(0), out.get("name").getAsString());
        assertEquals("[-1,10]", out.get("shape").toString());
    }

    @Test
    void v2InferFlatAndNestedData() throws Exception {
        float[] a = Servers.pixels(5);
        StringBuilder flat = new StringBuilder();
        for (int i = 0; i < 784; i++) {
            flat.append(i == 0 ? "" : ",").append(a[i]);
        }
        String name = model.inputNames().get(0);
        String request = "{\"id\": \"req-1\", \"inputs\": [{\"name\": \"" + name + "\", \"shape\": [1, 28, 28, 1],"
                + " \"datatype\": \"FP32\", \"data\": [" + flat + "]}], \"outputs\": [{\"name\": \""
                + model.outputNames().get(0) + "\"}]}";
        JsonObject o = json(Servers.post(server, "/v2/models/seed/infer", request), 200);
        assertEquals("seed", o.get("model_name").getAsString());
        assertEquals("1", o.get("model_version").getAsString());
        assertEquals("req-1", o.get("id").getAsString());
        JsonObject out = o.getAsJsonArray("outputs").get(0).getAsJsonObject();
        assertEquals(model.outputNames().get(0), out.get("name").getAsString());
        assertEquals("FP32", out.get("datatype").getAsString());
        assertEquals("[1,10]", out.get("shape").toString());
        assertRow(expected(a), 0, out.getAsJsonArray("data"));

        String nested = "{\"inputs\": [{\"data\": [" + Servers.image(a) + "], \"datatype\": \"FP32\", \"shape\":"
                + " [1, 28, 28, 1], \"name\": \"" + name + "\"}]}";
        JsonObject o2 = json(Servers.post(server, "/v2/models/seed/infer", nested), 200);
        assertFalse(o2.has("id"));
        assertEquals(out, o2.getAsJsonArray("outputs").get(0).getAsJsonObject());
    }

    @Test
    void classifyAPictureSentAsBytesOrAsAFormFile() throws Exception {
        byte[] png = java.nio.file.Files.readAllBytes(Path.of("../examples/digits/digit_4_240x200.png"));
        JsonObject raw = json(Servers.post(server, "/v1/models/seed:classify?top=10", "image/png", png), 200);
        assertEquals("seed", raw.get("model").getAsString());
        JsonArray p = raw.getAsJsonArray("predictions");
        assertEquals(10, p.size());
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += p.get(i).getAsJsonObject().get("probability").getAsDouble();
            if (i > 0) {
                assertTrue(p.get(i).getAsJsonObject().get("probability").getAsDouble()
                        <= p.get(i - 1).getAsJsonObject().get("probability").getAsDouble());
            }
        }
        assertEquals(1, sum, 1e-5);
        assertFalse(raw.get("empty").getAsBoolean());
        String boundary = "tatami-test-boundary";
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"four.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        form.write(png);
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        JsonObject multipart = json(Servers.post(server, "/v1/models/seed:classify?top=10",
                "multipart/form-data; boundary=" + boundary, form.toByteArray()), 200);
        assertEquals(raw, multipart);
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception {
        Servers.post(server, "/v1/models/seed:predict", "{\"instances\": [" + Servers.image(Servers.pixels(6)) + "]}");
        Servers.get(server, "/v1/models/nothing");
        HttpResponse<String> r = Servers.get(server, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        for (String line : new String[] {
                "# TYPE tatami_requests_seconds histogram",
                "tatami_requests_seconds_count{endpoint=\"predict\",model=\"seed\",status=\"200\"}",
                "tatami_requests_seconds_bucket{endpoint=\"predict\",model=\"seed\",status=\"200\",le=\"0.01\"}",
                "tatami_request_errors_total{endpoint=\"status\",model=\"\",status=\"404\"}",
                "tatami_batch_size_count", "tatami_model_load_seconds{model=\"seed\"}",
                "tatami_queue_requests{model=\"seed\"}"}) {
            assertTrue(text.contains(line), line + " in\n" + text);
        }
    }

    @Test
    void pageApi() throws Exception {
        JsonObject list = json(Servers.get(server, "/api/models"), 200);
        JsonObject m = list.getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals("seed", m.get("name").getAsString());
        assertEquals(51840, m.get("parameters").getAsInt());
        JsonObject details = json(Servers.get(server, "/api/models/seed"), 200);
        assertTrue(details.get("summary").getAsString().contains("Total params: 51,840"));
        HttpResponse<String> svg = Servers.get(server, "/api/models/seed/diagram.svg");
        assertEquals(200, svg.statusCode());
        assertTrue(svg.body().startsWith("<svg"));
        HttpResponse<String> page = Servers.get(server, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }
}
