package org.tatami.bench.kernels;

import java.util.ArrayList;
import java.util.List;
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
import org.tatami.optimizers.Adam;

/**
 * One Adam step (learning rate 0.01) over the seed model's 51,840 parameters, held in its six arrays
 * (conv kernel 27, conv bias 3, dense kernel 50,700, dense bias 100, output kernel 1,000, output bias
 * 10). Memory-bound; work in bytes per parameter: parameter, gradient and the two moments read (16),
 * parameter and moments written (12): 28 B, 1.45 MB per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AdamBench {
    static final int[] SIZES = {27, 3, 50_700, 100, 1_000, 10};
    static final int PARAMS = 51_840;

    private Adam adam;
    private List<float[]> params;
    private List<float[]> grads;

    @Setup
    public void setup() {
        adam = new Adam(0.01);
        params = new ArrayList<>();
        grads = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            params.add(Data.uniform(SIZES[i], 2 * i));
            grads.add(Data.uniform(SIZES[i], 2 * i + 1));
        }
    }

    @Benchmark
    public List<float[]> step() {
        adam.apply(params, grads);
        return params;
    }

    static Work work(String method, Map<String, String> params) {
        return method.equals("step") ? Work.bytes(28.0 * PARAMS) : null;
    }
}
