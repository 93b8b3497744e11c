package org.tatami.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request and its answer, which may come from another thread; counted in the metrics (if any) when sent.
 */
final class Exchange {
    final Request request;
    private final Response response;
    private final Callback callback;
    private final Metrics metrics;
    private final long start = System.nanoTime();
    /** The metrics' labels, set as the request is routed. */
    String endpoint = "other";
    String model = "";
    private Inference arriving;

    Exchange(Request request, Response response, Callback callback, Metrics metrics) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.metrics = metrics;
    }

    void json(int status, byte[] body) {
        send(status, "application/json", body);
    }

    void json(int status, String body) {
        json(status, body.getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] body) {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (metrics == null) {
            response.write(true, ByteBuffer.wrap(body), callback);
            return;
        }
        response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
            metrics.request(endpoint, model, status, System.nanoTime() - start);
            callback.succeeded();
        }, failure -> {
            metrics.request(endpoint, model, status, System.nanoTime() - start);
            callback.failed(failure);
        }));
    }

    /** Tells {@code inference} that this request's body is being read (see {@link Inference#arriving}). */
    void arriving(Inference inference) {
        arriving = inference;
        inference.arriving();
    }

    /** The body has been read and the request submitted or refused; once, whatever the path. */
    void arrived() {
        if (arriving != null) {
            arriving.arrived();
            arriving = null;
        }
    }

    /**
     * Answers with the error. A request refused before its body has all arrived has its connection
     * closed after the answer, and says so: else the server closes it only after answering (it cannot
     * skip the rest of an unread body), and a client that reuses it in between loses its next request.
     */
    void error(HttpError e) {
        if (!request.consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        json(e.status(), JsonOut.error(e.getMessage()));
    }

    void header(HttpHeader name, String value) {
        response.getHeaders().put(name, value);
    }
}
