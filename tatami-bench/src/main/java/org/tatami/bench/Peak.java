package org.tatami.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's peak single-precision FMA rate through the Vector API, on one core and on all: the
 * ceiling against which the kernels' GFLOP/s are read.
 *
 * <p>Each thread runs {@value #CHAINS} independent chains {@code x = x * a + b} of
 * {@code FloatVector.SPECIES_PREFERRED} vectors. A chain waits for its previous FMA, so the number of
 * chains must cover FMA latency times FMA units (4 x 2 on current x86 cores) to keep every unit busy,
 * and stay within 16 vector registers. Prints one JSON line.
 *
 * <p>Arguments: {@code [--seconds S]} per measurement (default 0.25, best of 5), {@code [--threads T]}
 * for the all-core figure (default: all processors).
 */
public final class Peak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    private static final int REPEATS = 5;
    /** Keeps the chains' results alive, so the JIT cannot drop the loop. */
    private static volatile float sink;

    private Peak() {
    }

    /** Rates in GFLOP/s: one thread, and {@code threads} threads at once. */
    public record Result(double singleCore, int threads, double allCores) {
    }

    public static void main(String[] args) throws InterruptedException {
        double seconds = 0.25;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(value(args, ++i));
                case "--threads" -> threads = Integer.parseInt(value(args, ++i));
                case "-h", "--help" -> {
                    System.out.println("usage: Peak [--seconds S] [--threads T]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: Peak [--seconds S] [--threads T]");
            }
        }
        System.out.println(json(measure(seconds, threads)));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    static String json(Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", Env.cpu());
        out.put("jdk", Env.jdk());
        out.put("species", S.toString());
        out.put("lanes", S.length());
        out.put("chains", CHAINS);
        out.put("single_core_gflops", Env.round(r.singleCore(), 1));
        out.put("threads", r.threads());
        out.put("all_core_gflops", Env.round(r.allCores(), 1));
        return Env.json(out);
    }

    /** Measures both rates, each the best of {@value #REPEATS} runs of about {@code seconds}. */
    public static Result measure(double seconds, int threads) throws InterruptedException {
        // Enough calls for the JIT to compile the loop fully before anything is timed.
        for (int i = 0; i < 50; i++) {
            sink += chains(100_000);
        }
        long t0 = System.nanoTime();
        sink += chains(1_000_000);
        double perIteration = (System.nanoTime() - t0) / 1e9 / 1_000_000;
        int iterations = (int) Math.min(Integer.MAX_VALUE, Math.max(1_000_000, seconds / perIteration));
        double single = 0;
        double all = 0;
        for (int r = 0; r < REPEATS; r++) {
            single = Math.max(single, rate(iterations, 1));
            all = Math.max(all, rate(iterations, threads));
        }
        return new Result(single, threads, all);
    }

    /** GFLOP/s of {@code threads} threads each running {@code iterations} iterations at once. */
    private static double rate(int iterations, int threads) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sink += chains(iterations);
            });
            workers[t].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return 2.0 * CHAINS * S.length() * iterations * threads / elapsed / 1e9;
    }

    private static float chains(int iterations) {
        // a just below 1 and b tiny: every chain stays near its start, far from overflow and subnormals.
        FloatVector a = FloatVector.broadcast(S, 0.99999994f);
        FloatVector b = FloatVector.broadcast(S, 1e-7f);
        FloatVector x0 = FloatVector.broadcast(S, 0.50f);
        FloatVector x1 = FloatVector.broadcast(S, 0.51f);
        FloatVector x2 = FloatVector.broadcast(S, 0.52f);
        FloatVector x3 = FloatVector.broadcast(S, 0.53f);
        FloatVector x4 = FloatVector.broadcast(S, 0.54f);
        FloatVector x5 = FloatVector.broadcast(S, 0.55f);
        FloatVector x6 = FloatVector.broadcast(S, 0.56f);
        FloatVector x7 = FloatVector.broadcast(S, 0.57f);
        FloatVector x8 = FloatVector.broadcast(S, 0.58f);
        FloatVector x9 = FloatVector.broadcast(S, 0.59f);
        FloatVector x10 = FloatVector.broadcast(S, 0.60f);
        FloatVector x11 = FloatVector.broadcast(S, 0.61f);
        for (int i = 0; i < iterations; i++) {
            x0 = x0.fma(a, b);
            x1 = x1.fma(a, b);
            x2 = x2.fma(a, b);
            x3 = x3.fma(a, b);
            x4 = x4.fma(a, b);
            x5 = x5.fma(a, b);
            x6 = x6.fma(a, b);
            x7 = x7.fma(a, b);
            x8 = x8.fma(a, b);
            x9 = x9.fma(a, b);
            x10 = x10.fma(a, b);
            x11 = x11.fma(a, b);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .reduceLanes(VectorOperators.ADD);
    }
}
