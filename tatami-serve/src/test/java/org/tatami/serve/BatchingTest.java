package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that arrive together run as one batch, and each gets the very bytes it would get alone: the
 * answers of a batched server are compared with those of a server with batching off, request by request.
 */
class BatchingTest {
    @TempDir
    Path dir;

    private static final int REQUESTS = 40;

    private static List<String> answers(ModelServer server, boolean holdEngine) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        ServedModel m = server.served("seed");
        synchronized (holdEngine ? m.engine : new Object()) {
            for (int i = 0; i < REQUESTS; i++) {
                // Requests of one and of two pictures.
                String body = "{\"instances\": [" + Servers.image(Servers.pixels(i))
                        + (i % 3 == 0 ? "," + Servers.image(Servers.pixels(1000 + i)) : "") + "]}";
                sent.add(Servers.HTTP.sendAsync(Servers.request(server.uri().resolve("/v1/models/seed:predict"),
                        "application/json", body.getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString()));
            }
            if (holdEngine) {
                // While the engine is busy, the requests queue up; they run in batches once it is free.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (m.inference().queued() < REQUESTS - 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode(), r.body());
            out.add(r.body());
        }
        return out;
    }

    @Test
    void batchedAnswersAreTheUnbatchedOnes() throws Exception {
        Path file = Servers.seedModel(dir, "seed", 7);
        List<String> alone;
        try (ModelServer direct = Servers.start(Servers.options().batching(false), new StringWriter(), file)) {
            alone = answers(direct, false);
        }
        try (ModelServer batched = Servers.start(Servers.options().maxBatch(16).batchWait(Duration.ofMillis(5)),
                new StringWriter(), file)) {
            List<String> together = answers(batched, true);
            assertEquals(alone, together);
            String metrics = Servers.get(batched, "/metrics").body();
            double count = figure(metrics, "tatami_batch_size_count");
            double sum = figure(metrics, "tatami_batch_size_sum");
            double max = figure(metrics, "tatami_batch_size_max");
            // 40 requests of 54 pictures ran in a few batches, none over 16 pictures.
            assertEquals(REQUESTS + (REQUESTS + 2) / 3, sum, 0);
            assertTrue(count <= 8, "batches: " + count);
            assertTrue(max > 1 && max <= 16, "largest batch: " + max);
        }
    }

    private static double figure(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " in\n" + metrics);
        return Double.parseDouble(m.group(2));
    }
}
