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
import org.tatami.layers.MaxPool2D;

/**
 * MaxPool2D(2) forward and backward on one 64-sample chunk, through the layer's API: {@code seed} pools
 * the seed model's 26x26x3 convolution output, {@code convnet} the convnet's first, 26x26x32 (vectors
 * along the channels, nothing stored between the passes). Memory-bound; work in bytes, one count for
 * both ways: 4·(input + 2·output) per call (input, output, and the argmax indices or, on the vector
 * path, the input read again by backward): 0.78 MB (seed) and 8.3 MB (convnet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MaxPool2DBench {
    static final int CHUNK = 64;

    @Param({"seed", "convnet"})
    public String shape;

    private MaxPool2D layer;
    private Object scratch;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[][] grads;
    private SplittableRandom random;

    private static int channels(String shape) {
        return switch (shape) {
            case "seed" -> 3;
            case "convnet" -> 32;
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
    }

    @Setup
    public void setup() {
        int c = channels(shape);
        layer = new MaxPool2D(2);
        layer.build(new int[] {26, 26, c}, new SplittableRandom(1));
        scratch = layer.createScratch(CHUNK);
        x = Data.uniform(CHUNK * 26 * 26 * c, 2);
        y = new float[CHUNK * 13 * 13 * c];
        dy = Data.uniform(y.length, 3);
        dx = new float[x.length];
        grads = new float[0][];
        random = new SplittableRandom(4);
        layer.forward(x, y, CHUNK, scratch, true, random);
    }

    @Benchmark
    public float[] forward() {
        layer.forward(x, y, CHUNK, scratch, true, random);
        return y;
    }

    @Benchmark
    public float[] backward() {
        layer.backward(x, y, dy, dx, CHUNK, scratch, grads);
        return dx;
    }

    static Work work(String method, Map<String, String> params) {
        int c = channels(params.get("shape"));
        double bytes = 4.0 * CHUNK * (26 * 26 * c + 2 * 13 * 13 * c);
        return switch (method) {
            case "forward", "backward" -> Work.bytes(bytes);
            default -> null;
        };
    }
}
