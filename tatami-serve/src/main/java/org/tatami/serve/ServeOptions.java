package org.tatami.serve;

import java.time.Duration;

/**
 * How {@link ModelServer} listens and batches. Defaults: 127.0.0.1:8080, dynamic batching of up to 64
 * samples waiting at most 1 ms, a queue of 1,024 requests per model, bodies up to 8 MiB, and connections
 * idle for 30 s closed.
 */
public final class ServeOptions {
    private String host = "127.0.0.1";
    private int port = 8080;
    private boolean batching = true;
    private int maxBatch = 64;
    private Duration batchWait = Duration.ofMillis(1);
    private int queueLimit = 1024;
    private long maxBodyBytes = 8L << 20;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);

    /** The address to listen on; 127.0.0.1 (this machine only) unless told otherwise. */
    public ServeOptions host(String value) {
        host = value;
        return this;
    }

    /** The port; 0 picks a free one. */
    public ServeOptions port(int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + value);
        }
        port = value;
        return this;
    }

    /** Dynamic batching on (the default) or off (each request runs its own pass). */
    public ServeOptions batching(boolean value) {
        batching = value;
        return this;
    }

    /** The most samples one batch gathers. */
    public ServeOptions maxBatch(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("max batch must be at least 1, got " + value);
        }
        maxBatch = value;
        return this;
    }

    /** The longest a batch waits for more requests after its first. */
    public ServeOptions batchWait(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("batch wait must not be negative, got " + value);
        }
        batchWait = value;
        return this;
    }

    /** Requests waiting per model beyond which the server answers 503. */
    public ServeOptions queueLimit(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("queue limit must be at least 1, got " + value);
        }
        queueLimit = value;
        return this;
    }

    /** The largest request body; a larger one gets 413. */
    public ServeOptions maxBodyBytes(long value) {
        if (value < 1 || value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max body must be between 1 byte and 2 GiB, got " + value);
        }
        maxBodyBytes = value;
        return this;
    }

    /** A connection that sends nothing for this long (a slow or stalled client) is closed. */
    public ServeOptions idleTimeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + value);
        }
        idleTimeout = value;
        return this;
    }

    /** On shutdown, how long requests in flight may take to finish. */
    public ServeOptions stopTimeout(Duration value) {
        stopTimeout = value;
        return this;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean batching() {
        return batching;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public Duration batchWait() {
        return batchWait;
    }

    public int queueLimit() {
        return queueLimit;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
    }
}
