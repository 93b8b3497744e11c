package org.tatami.bench.kernels;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tatami.kernels.Gemm;

/**
 * The matrix products of the seed model's Dense(100) on its 507 inputs (13x13x3 after pooling), batch
 * 4096. The engine runs a batch in chunks of 64 samples, so per chunk it computes
 * <ul>
 *   <li>{@link #chunkForward}: {@code y[64,100] = x[64,507] . W[507,100]} (nn),</li>
 *   <li>{@link #chunkKernelGradient}: {@code dW[507,100] = x^T . dy[64,100]} (tn),</li>
 *   <li>{@link #chunkInputGradient}: {@code dx[64,507] = dy . W^T[100,507]} (nn),</li>
 * </ul>
 * with the arguments {@code Dense} passes (the kernel and its transpose packed once, as {@code Dense} packs
 * them once per step). {@link #batchForward} and {@link #batchKernelGradient} are
 * the same products over the whole 4096-sample batch at once, to show what chunking costs or saves.
 * Work: 2·M·N·K FLOP per product (6.49 MFLOP per chunk product, 415 MFLOP per batch product).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBench {
    static final int BATCH = 4096;
    static final int CHUNK = 64;
    static final int IN = 507;
    static final int UNITS = 100;

    private float[] x;
    private float[] w;
    private float[] wT;
    private Gemm.PackedB packedW;
    private Gemm.PackedB packedWT;
    private float[] y;
    private float[] dy;
    private float[] dw;
    private float[] dx;

    @Setup
    public void setup() {
        x = Data.uniform(BATCH * IN, 1);
        w = Data.uniform(IN * UNITS, 2);
        wT = Data.uniform(UNITS * IN, 3);
        packedW = Gemm.pack(IN, UNITS, w, 0, UNITS, null);
        packedWT = Gemm.pack(UNITS, IN, wT, 0, IN, null);
        dy = Data.uniform(BATCH * UNITS, 4);
        y = new float[BATCH * UNITS];
        dw = new float[IN * UNITS];
        dx = new float[BATCH * IN];
    }

    @Benchmark
    public float[] chunkForward() {
        Gemm.nn(CHUNK, UNITS, IN, x, 0, IN, packedW, y, 0, UNITS, false);
        return y;
    }

    @Benchmark
    public float[] chunkKernelGradient() {
        Gemm.tn(IN, UNITS, CHUNK, x, 0, IN, dy, 0, UNITS, dw, 0, UNITS, false);
        return dw;
    }

    @Benchmark
    public float[] chunkInputGradient() {
        Gemm.nn(CHUNK, IN, UNITS, dy, 0, UNITS, packedWT, dx, 0, IN, false);
        return dx;
    }

    // A whole-batch product takes long enough that the first calls, still interpreted, last seconds.
    @Benchmark
    @Warmup(iterations = 5, time = 3)
    public float[] batchForward() {
        Gemm.nn(BATCH, UNITS, IN, x, 0, IN, w, 0, UNITS, y, 0, UNITS, false);
        return y;
    }

    @Benchmark
    @Warmup(iterations = 5, time = 3)
    public float[] batchKernelGradient() {
        Gemm.tn(IN, UNITS, BATCH, x, 0, IN, dy, 0, UNITS, dw, 0, UNITS, false);
        return dw;
    }

    /** The work of one call of {@code method}, or null for a method that is not a benchmark here. */
    static Work work(String method, Map<String, String> params) {
        return switch (method) {
            case "chunkForward", "chunkKernelGradient", "chunkInputGradient" -> Work.flops(2.0 * CHUNK * IN * UNITS);
            case "batchForward", "batchKernelGradient" -> Work.flops(2.0 * BATCH * IN * UNITS);
            default -> null;
        };
    }
}
