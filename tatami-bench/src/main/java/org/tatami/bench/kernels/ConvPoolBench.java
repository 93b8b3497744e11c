package org.tatami.bench.kernels;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tatami.activations.ActivationFunction;
import org.tatami.layers.Conv2D;
import org.tatami.layers.ConvPool;
import org.tatami.layers.MaxPool2D;

/**
 * A first layer Conv2D(filters, 3x3, relu) + MaxPool2D(2) on one 64-sample chunk of 28x28 images, as
 * the engine runs them: the seed's 3 filters, the convnet's 32. {@code fused}, one step
 * ({@link ConvPool}: one pass of vectors for 3 filters, the direct convolution pooled in its tiles for
 * 32); {@code layers}, the two layers one after the other with the ReLU between (conv forward, pool
 * forward; pool backward, ReLU backward, conv backward). Work as in {@link Conv2DBench}: the
 * convolution's multiply-adds only, 0.78 MFLOP per filter and call, so the rates compare the two ways
 * directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvPoolBench {
    static final int CHUNK = 64;
    private static final float[][] NO_GRADS = new float[0][];

    @Param({"fused", "layers"})
    public String mode;

    @Param({"3", "32"})
    public int filters;

    private Conv2D conv;
    private MaxPool2D pool;
    private ConvPool fused;
    private Object convScratch;
    private Object poolScratch;
    private Object fusedScratch;
    private float[] x;
    private float[] convOut;
    private float[] dConvOut;
    private float[] y;
    private float[] dy;
    private float[][] grads;
    private SplittableRandom random;

    @Setup
    public void setup() {
        conv = new Conv2D(filters, 3).activation("relu");
        conv.build(new int[] {28, 28, 1}, new SplittableRandom(1));
        pool = new MaxPool2D(2);
        pool.build(new int[] {26, 26, filters}, new SplittableRandom(1));
        fused = ConvPool.of(conv, pool, false);
        if (fused == null) {
            throw new IllegalStateException("Conv2D(" + filters + ") + MaxPool2D do not fuse here");
        }
        conv.prepare(true);
        convScratch = conv.createScratch(CHUNK);
        poolScratch = pool.createScratch(CHUNK);
        fusedScratch = fused.createScratch(CHUNK);
        x = Data.uniform(CHUNK * 28 * 28, 2);
        convOut = new float[CHUNK * 26 * 26 * filters];
        dConvOut = new float[convOut.length];
        y = new float[CHUNK * 13 * 13 * filters];
        dy = Data.uniform(y.length, 3);
        grads = new float[][] {new float[9 * filters], new float[filters]};
        random = new SplittableRandom(4);
        forward();
    }

    @Benchmark
    public float[] forward() {
        if (mode.equals("fused")) {
            fused.forward(x, y, CHUNK, fusedScratch, true);
        } else {
            conv.forward(x, convOut, CHUNK, convScratch, true, random);
            pool.forward(convOut, y, CHUNK, poolScratch, true, random);
        }
        return y;
    }

    @Benchmark
    public float[][] backward() {
        if (mode.equals("fused")) {
            fused.backward(x, y, dy, null, CHUNK, fusedScratch, grads);
        } else {
            pool.backward(convOut, y, dy, dConvOut, CHUNK, poolScratch, NO_GRADS);
            ActivationFunction.RELU.backward(convOut, dConvOut, 0, convOut.length / filters, filters);
            conv.backward(x, convOut, dConvOut, null, CHUNK, convScratch, grads);
        }
        return grads;
    }

    static Work work(String method, Map<String, String> params) {
        double product = 2.0 * CHUNK * 26 * 26 * Integer.parseInt(params.get("filters")) * 9;
        return switch (method) {
            case "forward", "backward" -> Work.flops(product);
            default -> null;
        };
    }
}
