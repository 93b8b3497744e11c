package org.tatami.models;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.losses.Loss;
import org.tatami.optimizers.Optimizer;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Trains a throwaway copy of a compiled model on synthetic data in a background thread, so that the JIT
 * compiles the kernels (the Vector API runs boxed and very slowly until C2 has compiled it) while the
 * caller does something else, such as loading the data; {@link #close()} stops it before the real run.
 *
 * <pre>{@code
 * try (WarmUp warmUp = WarmUp.start(model)) {
 *     data = load();
 * }
 * model.fit(data...);
 * }</pre>
 *
 * <p>While it runs, tatami's kernels use one thread ({@link Tatami#setThreads}, given back by
 * {@link #close()}), so that the JIT's compiler threads have the other cores: until C2 has compiled
 * the kernels every vector is an object, and on two busy cores the compiler lagged behind, the first
 * epochs of the real run made gigabytes of garbage, and the collector grew the heap for it.
 *
 * <p>The real model is only read, for its architecture and compile settings: its weights, optimizer
 * state and history are untouched, and so are the session's random draws and layer names. Training it
 * afterwards gives the same bits as without a warm-up. Only sparse integer targets are made up, as
 * {@code tatami train} trains classifiers; a model the warm-up cannot run is simply not warmed up.
 */
public final class WarmUp implements AutoCloseable {
    /** Samples per warm-up step: two of the engine's chunks, so a step is short even before compilation. */
    private static final int BATCH = 2 * Engine.CHUNK;
    /** Validation samples: one whole chunk and a partial one, as the ends of real data sets give. */
    private static final int VALIDATION = Engine.CHUNK + Engine.CHUNK / 2;
    /** Enough for C2 to have compiled everything; the caller usually stops it well before. */
    private static final int MAX_STEPS = 200;

    private final Thread thread;
    /** The caller's worker threads, given back when the warm-up ends. */
    private final int threads;
    private volatile boolean stopped;
    private volatile int steps;
    private volatile Throwable failure;

    private WarmUp(Model model) {
        // Everything is read here, on the caller's thread; the warm-up thread never sees the real model.
        String config = ModelConfig.toJson(model);
        String source = "warm-up copy of '" + model.name() + "'";
        Optimizer optimizer = optimizer(model.optimizer().className());
        Loss loss = model.loss();
        String[] metrics = model.metrics().toArray(String[]::new);
        thread = new Thread(() -> run(config, source, optimizer, loss, metrics), "tatami-warm-up");
        thread.setDaemon(true);
        threads = Tatami.threads();
    }

    /**
     * Starts warming up for {@code model}, which must be built and compiled.
     *
     * @throws IllegalStateException if the model is not built or not compiled
     */
    public static WarmUp start(Model model) {
        model.requireBuilt();
        if (model.optimizer() == null || model.loss() == null) {
            throw new IllegalStateException("model '" + model.name() + "' must be compiled before a warm-up");
        }
        WarmUp warmUp = new WarmUp(model);
        Tatami.setThreads(1);
        warmUp.thread.start();
        return warmUp;
    }

    private void run(String config, String source, Optimizer optimizer, Loss loss, String[] metrics) {
        try {
            Tatami.withPrivateRandom(0, () -> {
                Model copy = ModelConfig.fromJson(config, source);
                copy.compile(optimizer, loss, metrics);
                SplittableRandom random = new SplittableRandom(0);
                Tensor x = inputs(copy, BATCH, random);
                IntTensor y = labels(copy, BATCH, random);
                FitOptions options = new FitOptions().batchSize(BATCH).epochs(1).shuffle(false).verbose(0)
                        .validationData(inputs(copy, VALIDATION, random), labels(copy, VALIDATION, random));
                while (!stopped && steps < MAX_STEPS) {
                    copy.fit(x, y, options);
                    steps++;
                }
            });
        } catch (RuntimeException | Error e) {
            // Only speed is lost: the real run goes on and reports any real problem itself.
            failure = e;
        }
    }

    private static Optimizer optimizer(String className) {
        try {
            return Optimizer.of(className);
        } catch (IllegalArgumentException notBuiltIn) {
            return new SGD();
        }
    }

    private static Tensor inputs(Model model, int n, SplittableRandom random) {
        Tensor x = Tensor.zeros(withBatch(n, model.inputShape()));
        float[] v = x.data();
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat();
        }
        return x;
    }

    /** Class labels for every output row: the output shape without its last (class) axis. */
    private static IntTensor labels(Model model, int n, SplittableRandom random) {
        int[] out = model.outputShape();
        int classes = out[out.length - 1];
        int[] shape = withBatch(n, Arrays.copyOf(out, out.length - 1));
        int[] v = new int[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(classes);
        }
        return IntTensor.of(v, shape);
    }

    private static int[] withBatch(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** Warm-up steps run so far. */
    public int steps() {
        return steps;
    }

    /** What stopped the warm-up early, or null: a model it cannot run is not an error of the real run. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Lets the warm-up run the rest of its steps, for at most {@code patience}, then stops it as
     * {@link #close()} does. For {@code tatami train} on two cores: about 2 s of warm-up beyond loading
     * MNIST (which leaves it time for only 2-3 steps), and the 30 epochs then 3 s shorter.
     */
    public void finish(Duration patience) {
        try {
            thread.join(Math.max(1, patience.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /**
     * Stops after the current step and waits for it, then gives back the caller's worker threads, so
     * the real run has the cores to itself.
     */
    @Override
    public void close() {
        stopped = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        Tatami.setThreads(threads);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
