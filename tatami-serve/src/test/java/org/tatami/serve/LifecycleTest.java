package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading a model only when asked, atomically; stopping with requests in flight; start-up failures. */
class LifecycleTest {
    @TempDir
    Path dir;

    private static String predict(ModelServer s) throws Exception {
        HttpResponse<String> r = Servers.post(s, "/v1/models/seed:predict", "{\"instances\": ["
                + Servers.image(Servers.pixels(9)) + "]}");
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void aModelChangesOnlyWhenReloaded() throws Exception {
        Path file = Servers.seedModel(dir, "seed", 1);
        Path other = Servers.seedModel(dir, "other", 2);
        StringWriter log = new StringWriter();
        try (ModelServer s = Servers.start(Servers.options(), log, file)) {
            String first = predict(s);
            Files.copy(other, file, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(first, predict(s), "a file changed on disk is not picked up by itself");

            HttpResponse<String> r = Servers.post(s, "/admin/models/seed/reload", "");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"version\":2"), r.body());
            String second = predict(s);
            assertNotEquals(first, second);
            assertTrue(Servers.get(s, "/v1/models/seed").body().contains("\"version\":\"2\""));

            Files.writeString(file, "not a model");
            HttpResponse<String> failed = Servers.post(s, "/admin/models/seed/reload", "");
            assertEquals(500, failed.statusCode());
            assertTrue(failed.body().contains("still serving version 2"), failed.body());
            assertEquals(second, predict(s), "a reload that fails leaves the model as it was");
            assertTrue(log.toString().contains("reloaded model 'seed'"), log.toString());
            assertTrue(!log.toString().contains("\tat "), log.toString());
        }
    }

    @Test
    void requestsInFlightFinishOnShutdown() throws Exception {
        Path file = Servers.seedModel(dir, "seed", 1);
        ModelServer s = Servers.start(Servers.options(), new StringWriter(), file);
        ServedModel m = s.served("seed");
        java.net.URI live = s.uri().resolve("/v2/health/live");
        CompletableFuture<HttpResponse<String>> inFlight;
        CompletableFuture<Void> closing;
        synchronized (m.engine) {
            inFlight = Servers.HTTP.sendAsync(Servers.request(s.uri().resolve("/v1/models/seed:predict"),
                    "application/json", ("{\"instances\": [" + Servers.image(Servers.pixels(1)) + "]}")
                            .getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
            // The request reaches the batcher, which waits for the engine.
            Thread.sleep(300);
            closing = CompletableFuture.runAsync(s::close);
            Thread.sleep(200);
            assertTrue(!closing.isDone(), "the server waits for the request in flight");
        }
        assertEquals(200, inFlight.get().statusCode());
        closing.get();
        assertThrows(IOException.class, () -> Servers.HTTP.send(java.net.http.HttpRequest.newBuilder(live).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aModelThatCannotLoadStopsTheStart() throws Exception {
        Path bad = dir.resolve("bad.tatami");
        Files.writeString(bad, "not a model");
        assertThrows(IOException.class, () -> Servers.start(Servers.options(), new StringWriter(), bad));
        Path file = Servers.seedModel(dir, "seed", 1);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Servers.start(Servers.options(), new StringWriter(), file, file));
        assertTrue(twice.getMessage().contains("two models are named 'seed'"), twice.getMessage());
    }
}
