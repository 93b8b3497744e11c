package org.tatami.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * What {@code GET /metrics} shows, in Prometheus's text format: requests by endpoint, model and status with
 * a latency histogram, errors, batch sizes, queued requests and each model's load time.
 */
final class Metrics {
    /** The text format's media type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration[] LATENCY_BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(1000)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Meters by endpoint, model and status: looked up once each, not on every request. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final DistributionSummary batchSizes;

    Metrics() {
        batchSizes = DistributionSummary.builder("tatami.batch.size")
                .description("Samples per engine pass")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
    }

    /** A finished request: {@code model} is "" for requests that name no served model. */
    void request(String endpoint, String model, int status, long nanos) {
        String key = endpoint + '\0' + model + '\0' + status;
        Timer t = timers.computeIfAbsent(key, k -> Timer.builder("tatami.requests")
                .description("Requests answered, by endpoint, model and status, with their latency")
                .tags("endpoint", endpoint, "model", model, "status", String.valueOf(status))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
        t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (status >= 400) {
            errors.computeIfAbsent(key, k -> Counter.builder("tatami.request.errors")
                    .description("Requests answered with an error status")
                    .tags("endpoint", endpoint, "model", model, "status", String.valueOf(status))
                    .register(registry)).increment();
        }
    }

    void batch(int samples) {
        batchSizes.record(samples);
    }

    <T> void modelGauge(String name, String description, String model, T obj, ToDoubleFunction<T> value) {
        Gauge.builder(name, obj, value).description(description).tag("model", model).strongReference(true)
                .register(registry);
    }

    String scrape() {
        return registry.scrape();
    }
}
