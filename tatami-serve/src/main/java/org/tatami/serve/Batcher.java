package org.tatami.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Dynamic batching: requests that arrive together run as one pass of the engine, so throughput grows with
 * concurrency instead of each request paying a whole pass. One thread takes the first waiting request,
 * then gathers more, up to {@code maxBatch} samples, for at most {@code maxWait} after it, and only while
 * other requests are still being read (under light load a request runs at once). The queue is bounded:
 * when it is full, {@link #submit} refuses and the server answers 503. A sample's output does not depend
 * on the batch it ran in: the engine computes each sample with the same arithmetic in any batch.
 */
final class Batcher implements Inference {
    private record Job(float[] x, int samples, Completion done) {
    }

    private static final Job STOP = new Job(new float[0], 0, null);

    private final ServedModel model;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final ArrayBlockingQueue<Job> queue;
    private final AtomicInteger arriving = new AtomicInteger();
    private final IntConsumer batchSizes;
    private final Thread thread;
    /** Input buffers by batch size, reused: the engine reads a batch exactly as long as its samples. */
    private final float[][] inputs;
    private volatile boolean closed;

    Batcher(ServedModel model, int maxBatch, long maxWaitNanos, int queueLimit, IntConsumer batchSizes) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.queue = new ArrayBlockingQueue<>(queueLimit);
        this.batchSizes = batchSizes;
        this.inputs = new float[maxBatch + 1][];
        thread = new Thread(this::run, "tatami-batcher-" + model.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean submit(float[] x, int samples, Completion done) {
        return !closed && queue.offer(new Job(x, samples, done));
    }

    @Override
    public void arriving() {
        arriving.incrementAndGet();
    }

    @Override
    public void arrived() {
        arriving.decrementAndGet();
    }

    @Override
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        Job carried = null;
        while (true) {
            Job first;
            try {
                first = carried != null ? carried : queue.take();
            } catch (InterruptedException e) {
                return;
            }
            carried = null;
            if (first == STOP) {
                return;
            }
            batch.add(first);
            int samples = first.samples();
            long deadline = System.nanoTime() + maxWaitNanos;
            while (samples < maxBatch) {
                Job next = queue.poll();
                if (next == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || arriving.get() == 0) {
                        break;
                    }
                    try {
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        break;
                    }
                    if (next == null) {
                        break;
                    }
                }
                if (next == STOP || samples + next.samples() > maxBatch) {
                    carried = next;
                    break;
                }
                batch.add(next);
                samples += next.samples();
            }
            runBatch(batch, samples);
            batch.clear();
        }
    }

    private void runBatch(List<Job> batch, int samples) {
        if (batch.size() == 1) {
            Job job = batch.get(0);
            run(job.x(), job.samples(), batch, samples);
            return;
        }
        int in = model.sampleSize();
        float[] x = samples <= maxBatch ? inputs[samples] : null;
        if (x == null) {
            x = new float[samples * in];
            inputs[samples] = x;
        }
        int at = 0;
        for (Job job : batch) {
            System.arraycopy(job.x(), 0, x, at, job.samples() * in);
            at += job.samples() * in;
        }
        run(x, samples, batch, samples);
    }

    private void run(float[] x, int n, List<Job> batch, int samples) {
        batchSizes.accept(samples);
        float[] y;
        try {
            y = model.predict(x, n);
        } catch (RuntimeException e) {
            batch.forEach(job -> job.done().failed(e));
            return;
        }
        if (batch.size() == 1) {
            batch.get(0).done().succeeded(y);
            return;
        }
        int out = model.outputSize();
        int at = 0;
        for (Job job : batch) {
            float[] mine = new float[job.samples() * out];
            System.arraycopy(y, at, mine, 0, mine.length);
            at += mine.length;
            job.done().succeeded(mine);
        }
    }

    /** Runs what is queued, then stops the thread. */
    @Override
    public void close() {
        closed = true;
        try {
            queue.put(STOP);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Requests that slipped in as it closed.
        for (Job job = queue.poll(); job != null; job = queue.poll()) {
            if (job != STOP) {
                job.done().failed(new HttpError(503, "model '" + model.name() + "' was unloaded; retry"));
            }
        }
    }
}
