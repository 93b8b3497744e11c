package org.tatami.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Independent jobs run on a few threads, whose failures are reported as if the jobs had run one after
 * another: {@link #await} waits for every job, then throws the first failure in submission order as it
 * was thrown, with any later ones attached as suppressed exceptions.
 */
final class Jobs implements AutoCloseable {
    /** The result of a submitted job, once {@link #await} has returned. */
    @FunctionalInterface
    interface Result<T> {
        T get();
    }

    /** A job that may throw what the code it runs throws. */
    @FunctionalInterface
    interface Job<T> {
        T run() throws Exception;
    }

    private final ExecutorService pool;
    private final List<Future<?>> futures = new ArrayList<>();

    Jobs(int threads, String name) {
        AtomicInteger id = new AtomicInteger();
        pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, name + "-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    <T> Result<T> submit(Job<T> job) {
        Callable<T> task = job::run;
        Future<T> future = pool.submit(task);
        futures.add(future);
        return () -> {
            if (!future.isDone()) {
                throw new IllegalStateException("a job's result was read before Jobs.await()");
            }
            try {
                return future.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("a failed job's result was read", e);
            }
        };
    }

    void run(Job<?> job) {
        submit(job);
    }

    /** Waits for every job submitted so far; throws the first failure, in submission order. */
    void await() throws IOException {
        Throwable first = null;
        for (Future<?> f : futures) {
            Throwable failure = null;
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException("interrupted while writing");
                interrupted.initCause(e);
                throw interrupted;
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            if (failure != null) {
                if (first == null) {
                    first = failure;
                } else if (failure != first) {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first instanceof IOException e) {
            throw e;
        } else if (first instanceof RuntimeException e) {
            throw e;
        } else if (first instanceof Error e) {
            throw e;
        } else if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
