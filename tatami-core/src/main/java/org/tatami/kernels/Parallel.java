package org.tatami.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed pool of worker threads that runs numbered tasks.
 *
 * <p>Which thread runs which task is not fixed, so a task must depend only on its number and write
 * only its own output: that is what keeps results bit-identical whatever the thread count.
 */
public final class Parallel {
    /** Body of a parallel loop: task number and the index of the worker running it (0..threads-1). */
    @FunctionalInterface
    public interface Task {
        void run(int task, int worker);
    }

    /** More threads than this per core are refused. */
    public static final int MAX_THREADS_PER_CORE = 8;

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /**
     * Sets the worker threads, at most {@link #MAX_THREADS_PER_CORE} per core: more only cost each
     * worker's buffers, which a careless {@code --threads 10000} would multiply into gigabytes.
     */
    public static synchronized void setThreads(int n) {
        int cores = Runtime.getRuntime().availableProcessors();
        int max = MAX_THREADS_PER_CORE * cores;
        if (n < 1 || n > max) {
            throw new IllegalArgumentException("threads must be between 1 and " + max + " (" + MAX_THREADS_PER_CORE
                    + " per core, " + cores + " cores), got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger id = new AtomicInteger();
            pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                Thread t = new Thread(r, "tatami-worker-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Runs tasks 0..count-1 on up to {@link #threads()} threads (the caller is one of them). */
    public static void forEach(int count, Task body) {
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int t = 0; t < count; t++) {
                body.run(t, 0);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(workers - 1);
        ExecutorService p = pool();
        for (int w = 1; w < workers; w++) {
            int worker = w;
            p.execute(() -> {
                try {
                    drain(next, count, body, worker, failure);
                } finally {
                    done.countDown();
                }
            });
        }
        drain(next, count, body, 0, failure);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for worker threads", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        } else if (f instanceof Error err) {
            throw err;
        } else if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private static void drain(AtomicInteger next, int count, Task body, int worker,
                              AtomicReference<Throwable> failure) {
        for (int t = next.getAndIncrement(); t < count && failure.get() == null; t = next.getAndIncrement()) {
            try {
                body.run(t, worker);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }
    }
}
