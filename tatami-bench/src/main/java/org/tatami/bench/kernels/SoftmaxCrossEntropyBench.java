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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tatami.activations.ActivationFunction;
import org.tatami.losses.SparseCategoricalCrossentropy;

/**
 * The end of a training chunk: softmax over the 10 outputs of 64 samples, then the sparse
 * cross-entropy and its gradient w.r.t. the logits ({@code computeFromSoftmax}), as the engine runs
 * them. The softmax works in place, so each call first copies the logits back. Work in bytes per
 * sample: logits read 40, probabilities written 40, label read 4, gradient written 40: 124 B per
 * sample, 7.9 kB per call (it is bound by exp and log rather than by memory; the rate compares
 * versions of this code, not this code with the memory bandwidth).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SoftmaxCrossEntropyBench {
    static final int CHUNK = 64;
    static final int CLASSES = 10;
    /** The gradient scale of a 4096-sample batch, as in the seed model. */
    static final float SCALE = 1f / 4096;

    private final SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
    private float[] logits;
    private float[] probs;
    private float[] labels;
    private float[] grad;

    @Setup
    public void setup() {
        logits = Data.uniform(CHUNK * CLASSES, 1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 5;
        }
        probs = new float[logits.length];
        grad = new float[logits.length];
        labels = new float[CHUNK];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < CHUNK; i++) {
            labels[i] = r.nextInt(CLASSES);
        }
    }

    @Benchmark
    public double softmaxCrossEntropy() {
        System.arraycopy(logits, 0, probs, 0, logits.length);
        ActivationFunction.SOFTMAX.forward(probs, 0, CHUNK, CLASSES);
        return loss.computeFromSoftmax(probs, labels, CHUNK, CLASSES, grad, SCALE);
    }

    static Work work(String method, Map<String, String> params) {
        return method.equals("softmaxCrossEntropy") ? Work.bytes(CHUNK * (3.0 * 4 * CLASSES + 4)) : null;
    }
}
