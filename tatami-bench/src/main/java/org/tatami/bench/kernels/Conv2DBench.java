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
import org.tatami.kernels.CpuOptions;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Parameter;

/**
 * Conv2D forward and backward on one 64-sample chunk, through the layer's own API as the engine calls
 * it (im2col, matrix products, bias, col2im):
 * <ul>
 *   <li>{@code seed}: Conv2D(3, 3x3) on 28x28x1, the seed model's first layer, so backward computes
 *       no input gradient; convolved directly from the images;</li>
 *   <li>{@code seed_im2col}: the same through im2col and matrix products ({@code CpuOptions} conv "im2col"),
 *       to show which wins for the shape;</li>
 *   <li>{@code stem}: Conv2D(32, 3x3) on 28x28x1, the Fashion-MNIST ResNet's first layer: convolved
 *       directly with vectors along the filters ({@code DirectConv}); {@code stem_im2col} the same
 *       through im2col and matrix products;</li>
 *   <li>{@code convnet}: Conv2D(64, 3x3) on 13x13x32, the convnet's second convolution, backward
 *       with the input gradient;</li>
 *   <li>{@code resnet}: Conv2D(32, 3x3, "same") on 13x13x32, the convolution of {@code ModelZoo.resnet()}'s
 *       first residual blocks, backward with the input gradient.</li>
 * </ul>
 * Work: the products only, 2·rows·filters·(9·channels) FLOP each, rows = 64·out_h·out_w; forward has
 * one, backward two (kernel and input gradient) or one (seed). The copies and the bias are not counted,
 * so they show as a lower rate. Seed: 2.34 MFLOP per call; stem: 25.0 MFLOP; convnet: 285 MFLOP forward,
 * 571 backward; resnet: 199 MFLOP forward, 399 backward.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class Conv2DBench {
    static final int CHUNK = 64;

    @Param({"seed", "seed_im2col", "stem", "stem_im2col", "convnet", "resnet"})
    public String shape;

    private Conv2D layer;
    private Object scratch;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[][] grads;
    private SplittableRandom random;

    /** Input (h, w, c) and filter count of each shape. */
    private static int[] geometry(String shape) {
        return switch (shape) {
            case "seed", "seed_im2col" -> new int[] {28, 28, 1, 3};
            case "stem", "stem_im2col" -> new int[] {28, 28, 1, 32};
            case "convnet" -> new int[] {13, 13, 32, 64};
            case "resnet" -> new int[] {13, 13, 32, 32};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
    }

    /** Whether the shape's convolution keeps its input's size (padding "same") rather than reading no padding. */
    private static boolean same(String shape) {
        return shape.equals("resnet");
    }

    /** Whether the shape is a network's first layer, which backward computes no input gradient for. */
    private static boolean firstLayer(String shape) {
        return shape.startsWith("seed") || shape.startsWith("stem");
    }

    @Setup
    public void setup() {
        int[] g = geometry(shape);
        layer = new Conv2D(g[3], 3).activation("relu").padding(same(shape) ? "same" : "valid");
        CpuOptions before = CpuOptions.current();
        if (shape.endsWith("_im2col")) {
            CpuOptions.set(new CpuOptions(before.fuse(), "im2col"));
        }
        try {
            layer.build(new int[] {g[0], g[1], g[2]}, new SplittableRandom(1));
        } finally {
            CpuOptions.set(before);
        }
        layer.prepare(true);
        scratch = layer.createScratch(CHUNK);
        x = Data.uniform(CHUNK * g[0] * g[1] * g[2], 2);
        int outSize = CHUNK * layer.outputShape()[0] * layer.outputShape()[1] * g[3];
        y = new float[outSize];
        dy = Data.uniform(outSize, 3);
        // The engine asks no input gradient of the model's first layer.
        dx = firstLayer(shape) ? null : new float[x.length];
        grads = layer.parameters().stream().map(Parameter::value).map(t -> new float[t.size()])
                .toArray(float[][]::new);
        random = new SplittableRandom(4);
        // Backward reuses the im2col matrix forward left in the scratch (and overwrites it with its
        // gradient when dx is asked for): the values change between calls, the work does not.
        layer.forward(x, y, CHUNK, scratch, true, random);
    }

    @Benchmark
    public float[] forward() {
        layer.forward(x, y, CHUNK, scratch, true, random);
        return y;
    }

    @Benchmark
    public float[][] backward() {
        layer.backward(x, y, dy, dx, CHUNK, scratch, grads);
        return grads;
    }

    static Work work(String method, Map<String, String> params) {
        int[] g = geometry(params.get("shape"));
        int border = same(params.get("shape")) ? 0 : 2;
        double rows = (double) CHUNK * (g[0] - border) * (g[1] - border);
        double product = 2 * rows * g[3] * 9 * g[2];
        boolean inputGradient = !firstLayer(params.get("shape"));
        return switch (method) {
            case "forward" -> Work.flops(product);
            case "backward" -> Work.flops(inputGradient ? 2 * product : product);
            default -> null;
        };
    }
}
