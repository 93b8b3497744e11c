package org.tatami.serve;

import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty as tatami's servers use it: one HTTP/1.1 connector, idle connections (slow or stalled clients)
 * closed after a timeout, errors Jetty answers itself (a malformed request line, headers too large) as
 * {@code {"error": "..."}} without a stack trace, and a graceful stop that lets requests in flight finish.
 */
final class WebServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    WebServer(String host, int port, Duration idleTimeout, Duration stopTimeout, Handler app) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("tatami-http");
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(app));
        server.setStopTimeout(stopTimeout.toMillis());
        server.setErrorHandler(new JsonErrors());
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The address clients use: {@code http://HOST:PORT/}, 127.0.0.1 when listening on every address. */
    URI uri() {
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + "/");
    }

    void join() throws InterruptedException {
        server.join();
    }

    /** Stops accepting connections, lets requests in flight finish (up to the stop timeout), then stops. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server: " + e.getMessage(), e);
        }
    }

    private static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object message = request.getAttribute(ERROR_MESSAGE);
            int status = response.getStatus();
            String text = message != null ? message.toString() : "HTTP " + status;
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, java.nio.ByteBuffer.wrap(JsonOut.error(text)), callback);
            return true;
        }
    }
}
