package org.tatami.bench.kernels;

import java.util.Map;
import java.util.function.BiFunction;

/** The documented work of every kernel benchmark, looked up by JMH's benchmark name and parameters. */
public final class KernelWork {
    /** The benchmark classes, each with its {@code work(method, params)}. */
    static final Map<Class<?>, BiFunction<String, Map<String, String>, Work>> CLASSES = Map.of(
            GemmBench.class, GemmBench::work,
            Conv2DBench.class, Conv2DBench::work,
            ConvPoolBench.class, ConvPoolBench::work,
            MaxPool2DBench.class, MaxPool2DBench::work,
            SoftmaxCrossEntropyBench.class, SoftmaxCrossEntropyBench::work,
            AdamBench.class, AdamBench::work);

    private KernelWork() {
    }

    /**
     * The work of one operation of {@code benchmark} ({@code org.tatami.bench.kernels.GemmBench.chunkForward}),
     * or null if it is not one of these benchmarks.
     */
    public static Work of(String benchmark, Map<String, String> params) {
        int dot = benchmark.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String className = benchmark.substring(0, dot);
        for (Map.Entry<Class<?>, BiFunction<String, Map<String, String>, Work>> e : CLASSES.entrySet()) {
            if (e.getKey().getName().equals(className)) {
                return e.getValue().apply(benchmark.substring(dot + 1), params);
            }
        }
        return null;
    }
}
