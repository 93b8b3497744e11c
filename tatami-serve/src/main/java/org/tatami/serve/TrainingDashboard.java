package org.tatami.serve;

import com.google.gson.Gson;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.tatami.io.FiniteJson;

/**
 * A live page of a training run, like TensorBoard's scalars: loss and accuracy per epoch and the progress
 * of the epoch under way, pushed to the browser with Server-Sent Events as {@code fit} reports them. Add it
 * to {@code fit}'s callbacks; a page opened late is sent everything so far first.
 */
public final class TrainingDashboard implements org.tatami.callbacks.Callback, AutoCloseable {
    private static final Gson JSON = FiniteJson.builder().create();
    /** Progress within an epoch is sent at most this often. */
    private static final long BATCH_EVERY_NANOS = 100_000_000L;
    private static final long HEARTBEAT_MILLIS = 15_000;

    /** A browser listening to the events; written by the sender thread only. */
    private record Browser(Response response, Callback done) {
    }

    private final String title;
    private final StaticFiles pages = new StaticFiles("dashboard.html", "style.css", "dashboard.js");
    private final List<String> history = new ArrayList<>();
    private final List<Browser> browsers = new ArrayList<>();
    /** Events and new browsers, in order, for the sender thread: it alone writes to the browsers. */
    private final LinkedBlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
    private final WebServer web;
    private final Thread sender;
    private int epoch;
    private int steps;
    private long lastBatch;
    private boolean ended;

    private TrainingDashboard(String host, int port, String title) {
        this.title = title;
        web = new WebServer(host, port, Duration.ofMinutes(10), Duration.ofSeconds(2), new Pages());
        sender = new Thread(this::send, "tatami-dashboard");
        sender.setDaemon(true);
    }

    /** Starts the dashboard's server; {@code title} heads the page (the run folder, say). */
    public static TrainingDashboard start(String host, int port, String title) throws IOException {
        TrainingDashboard d = new TrainingDashboard(host, port, title);
        try {
            d.web.start();
        } catch (Exception e) {
            d.web.close();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        d.sender.start();
        d.event("title", Map.of("title", title));
        return d;
    }

    public URI uri() {
        return web.uri();
    }

    private final class Pages extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange x = new Exchange(request, response, callback, null);
            String path = Request.getPathInContext(request);
            if (path.equals("/events")) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                outbox.add(new Browser(response, callback));
            } else if (!pages.serve(path.equals("/") ? "/dashboard.html" : path, x)) {
                x.error(new HttpError(404, "no such page: " + path));
            }
            return true;
        }
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        steps = stepsPerEpoch;
        event("begin", Map.of("epochs", epochs, "steps", stepsPerEpoch, "samples", samples));
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
        lastBatch = 0;
        event("epoch_begin", Map.of("epoch", epoch + 1));
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        long now = System.nanoTime();
        if (step == steps || now - lastBatch >= BATCH_EVERY_NANOS) {
            lastBatch = now;
            event("batch", Map.of("epoch", epoch + 1, "step", step, "logs", logs));
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        event("epoch", Map.of("epoch", epoch + 1, "logs", logs));
    }

    @Override
    public void onTrainEnd() {
        end();
    }

    private synchronized void end() {
        if (!ended) {
            ended = true;
            event("end", Map.of());
        }
    }

    private void event(String type, Map<String, ?> fields) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.putAll(fields);
        outbox.add("data: " + JSON.toJson(FiniteJson.of(e)).replace("\n", "") + "\n\n");
    }

    private void send() {
        while (true) {
            Object next;
            try {
                next = outbox.poll(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next == null) {
                // A comment line: finds browsers that went away.
                browsers.removeIf(l -> !write(l, ":\n\n"));
            } else if (next instanceof Browser l) {
                if (history.stream().allMatch(e -> write(l, e))) {
                    browsers.add(l);
                }
            } else if (next == this) {
                break;
            } else {
                String e = (String) next;
                history.add(e);
                browsers.removeIf(l -> !write(l, e));
            }
        }
        for (Browser l : browsers) {
            l.response().write(true, ByteBuffer.allocate(0), l.done());
        }
    }

    private static boolean write(Browser l, String event) {
        try (Blocker.Callback written = Blocker.callback()) {
            l.response().write(false, ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)), written);
            written.block();
            return true;
        } catch (IOException | RuntimeException e) {
            l.done().failed(e);
            return false;
        }
    }

    /** Sends the end of the run, closes the browsers' streams (they keep what they show) and stops. */
    @Override
    public void close() {
        end();
        outbox.add(this);
        try {
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        web.close();
    }
}
