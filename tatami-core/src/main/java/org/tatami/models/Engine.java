package org.tatami.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.Parallel;
import org.tatami.layers.ConvPool;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;
import org.tatami.losses.Loss;
import org.tatami.metrics.Accuracy;
import org.tatami.tensor.Shape;

/**
 * Runs a built model's layers on batches: forward for inference, forward and backward for training.
 *
 * <p>A batch is cut into chunks of at most {@link #CHUNK} samples. Chunks run in parallel, each on one
 * worker thread with that worker's own buffers, and write their parameter gradients to their own slot;
 * the slots are then summed in chunk order. The cut depends only on the batch size, never on the
 * number of threads, so training is bit-identical with 1 thread or many. Buffers are sized once and
 * reused: a training step allocates nothing in proportion to the data.
 */
final class Engine {
    /** Samples per chunk: small enough to keep a chunk's activations in cache, large enough for GEMM. */
    static final int CHUNK = 64;

    private final List<Layer> layers;
    /** Per-sample sizes of the input (index 0) and of each layer's output (index l + 1). */
    private final int[] sizes;
    /** Rows and row width of each layer's output, as activations and losses see them. */
    private final int[] widths;
    private final int outputWidth;
    private final int outputRows;
    /** True when a layer needs whole-batch statistics: training batches then run as one chunk. */
    private final boolean wholeBatch;
    /** Non-null at l when layers l and l + 1 run as one fused step. */
    private final ConvPool[] fused;
    private Worker[] workers = new Worker[0];
    /** Gradients per chunk, layer and parameter: [chunk][layer][param][]. */
    private float[][][][] chunkGrads = new float[0][][][];

    Engine(List<Layer> layers, int[] inputShape) {
        this.layers = layers;
        sizes = new int[layers.size() + 1];
        widths = new int[layers.size() + 1];
        sizes[0] = Shape.size(inputShape);
        widths[0] = inputShape.length == 0 ? 1 : inputShape[inputShape.length - 1];
        for (int l = 0; l < layers.size(); l++) {
            int[] out = layers.get(l).outputShape();
            sizes[l + 1] = Shape.size(out);
            widths[l + 1] = out.length == 0 ? 1 : out[out.length - 1];
        }
        outputWidth = widths[layers.size()];
        wholeBatch = layers.stream().anyMatch(l -> l instanceof org.tatami.layers.BatchNormalization);
        outputRows = outputWidth == 0 ? 0 : sizes[layers.size()] / outputWidth;
        fused = new ConvPool[layers.size()];
        for (int l = 0; l + 1 < layers.size(); l++) {
            fused[l] = ConvPool.of(layers.get(l), layers.get(l + 1), l > 0);
            if (fused[l] != null) {
                l++;
            }
        }
    }

    int inputSize() {
        return sizes[0];
    }

    int outputSize() {
        return sizes[layers.size()];
    }

    int outputWidth() {
        return outputWidth;
    }

    /** Loss rows per sample (1 for a classifier whose output is (classes,)). */
    int outputRows() {
        return outputRows;
    }

    /** One worker's buffers: activations and their gradients per layer, and each layer's scratch. */
    private final class Worker {
        final int capacity;
        final int targetSize;
        final float[][] acts = new float[sizes.length][];
        final float[][] deltas = new float[sizes.length][];
        final Object[] scratch = new Object[layers.size()];
        final float[] targets;

        Worker(int capacity, int targetSize) {
            this.capacity = capacity;
            this.targetSize = targetSize;
            for (int i = 0; i < sizes.length; i++) {
                acts[i] = new float[capacity * sizes[i]];
                deltas[i] = new float[capacity * sizes[i]];
            }
            for (int l = 0; l < layers.size(); l++) {
                scratch[l] = fused[l] != null ? fused[l].createScratch(capacity)
                        : l > 0 && fused[l - 1] != null ? null : layers.get(l).createScratch(capacity);
            }
            targets = new float[capacity * targetSize];
        }
    }

    private void ensureWorkers(int capacity, int targetSize) {
        int threads = Parallel.threads();
        if (workers.length != threads || workers[0].capacity < capacity || workers[0].targetSize != targetSize) {
            workers = new Worker[threads];
            for (int w = 0; w < threads; w++) {
                workers[w] = new Worker(Math.max(capacity, CHUNK), targetSize);
            }
        }
    }

    private void ensureGradSlots(int chunks) {
        if (chunkGrads.length >= chunks) {
            return;
        }
        float[][][][] slots = new float[chunks][][][];
        System.arraycopy(chunkGrads, 0, slots, 0, chunkGrads.length);
        for (int c = chunkGrads.length; c < chunks; c++) {
            slots[c] = new float[layers.size()][][];
            for (int l = 0; l < layers.size(); l++) {
                List<Parameter> ps = layers.get(l).parameters();
                slots[c][l] = new float[ps.size()][];
                for (int p = 0; p < ps.size(); p++) {
                    slots[c][l][p] = new float[ps.get(p).value().size()];
                }
            }
        }
        chunkGrads = slots;
    }

    /** Totals of one pass over some batch: summed per-sample loss and correct predictions. */
    record Totals(double loss, long correct) {
    }

    /**
     * One training step on the samples {@code order[from .. from+count)} of {@code x}/{@code y}:
     * forward, loss, backward, and the summed gradient left in the first chunk's slot, which
     * {@link #gradients()} returns.
     */
    Totals trainStep(float[] x, float[] y, int targetSize, int[] order, int from, int count, Loss loss,
                     Accuracy accuracy, long seed) {
        int chunk = wholeBatch ? count : CHUNK;
        ensureWorkers(chunk, targetSize);
        int chunks = (count + chunk - 1) / chunk;
        ensureGradSlots(chunks);
        double[] losses = new double[chunks];
        long[] correct = new long[chunks];
        float scale = 1f / ((float) count * outputRows);
        prepareLayers(true);
        Parallel.forEach(chunks, (c, w) -> {
            Worker wk = workers[w];
            int start = from + c * chunk;
            int n = Math.min(chunk, from + count - start);
            gather(x, sizes[0], order, start, n, wk.acts[0]);
            gather(y, targetSize, order, start, n, wk.targets);
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
            forward(wk, n, true, random);
            losses[c] = lossAndDelta(wk, n, loss, scale);
            correct[c] = accuracy == null ? 0 : accuracy.countCorrect(wk.acts[layers.size()], wk.targets,
                    n * outputRows, outputWidth);
            backward(wk, n, chunkGrads[c]);
        });
        sumChunkGradients(chunks);
        return totals(losses, correct);
    }

    /** The gradients of the last step, one array per parameter in layer order. */
    List<float[]> gradients() {
        List<float[]> out = new ArrayList<>();
        for (float[][] layer : chunkGrads[0]) {
            out.addAll(List.of(layer));
        }
        return out;
    }

    /** Elements per reduction task: enough work per task, enough tasks to keep every thread busy. */
    private static final int REDUCE_BLOCK = 4096;

    // Fixed order: slot 0 += slot 1, += slot 2, ... for every element; parallel over blocks of
    // elements, never over chunks, so the sums do not depend on the threads.
    private void sumChunkGradients(int chunks) {
        List<float[][]> columns = new ArrayList<>();
        List<int[]> blocks = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            for (int p = 0; p < chunkGrads[0][l].length; p++) {
                float[][] column = new float[chunks][];
                for (int c = 0; c < chunks; c++) {
                    column[c] = chunkGrads[c][l][p];
                }
                columns.add(column);
                for (int from = 0; from < column[0].length; from += REDUCE_BLOCK) {
                    blocks.add(new int[] {columns.size() - 1, from, Math.min(from + REDUCE_BLOCK, column[0].length)});
                }
            }
        }
        Parallel.forEach(blocks.size(), (b, w) -> {
            int[] block = blocks.get(b);
            float[][] column = columns.get(block[0]);
            float[] sum = column[0];
            for (int c = 1; c < chunks; c++) {
                float[] g = column[c];
                for (int j = block[1]; j < block[2]; j++) {
                    sum[j] += g[j];
                }
            }
        });
    }

    /**
     * Forward only over all of {@code x} ({@code samples} samples): writes the outputs into
     * {@code out} if not null, and returns loss and accuracy totals if {@code y} is given.
     */
    Totals infer(float[] x, int samples, float[] y, int targetSize, Loss loss, Accuracy accuracy, float[] out) {
        ensureWorkers(CHUNK, Math.max(targetSize, 1));
        int chunks = (samples + CHUNK - 1) / CHUNK;
        double[] losses = new double[chunks];
        long[] correct = new long[chunks];
        int outSize = outputSize();
        prepareLayers(false);
        Parallel.forEach(chunks, (c, w) -> {
            Worker wk = workers[w];
            int start = c * CHUNK;
            int n = Math.min(CHUNK, samples - start);
            System.arraycopy(x, start * sizes[0], wk.acts[0], 0, n * sizes[0]);
            forward(wk, n, false, null);
            float[] pred = wk.acts[layers.size()];
            if (out != null) {
                System.arraycopy(pred, 0, out, start * outSize, n * outSize);
            }
            if (y != null) {
                System.arraycopy(y, start * targetSize, wk.targets, 0, n * targetSize);
                losses[c] = loss.compute(pred, wk.targets, n * outputRows, outputWidth, null, 0f);
                correct[c] = accuracy == null ? 0 : accuracy.countCorrect(pred, wk.targets, n * outputRows,
                        outputWidth);
            }
        });
        return totals(losses, correct);
    }

    private void prepareLayers(boolean training) {
        for (Layer layer : layers) {
            layer.prepare(training);
        }
    }

    private static Totals totals(double[] losses, long[] correct) {
        double loss = 0;
        long hits = 0;
        for (int c = 0; c < losses.length; c++) {
            loss += losses[c];
            hits += correct[c];
        }
        return new Totals(loss, hits);
    }

    private static void gather(float[] src, int size, int[] order, int start, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(src, order[start + i] * size, dst, i * size, size);
        }
    }

    private void forward(Worker wk, int n, boolean training, SplittableRandom random) {
        for (int l = 0; l < layers.size(); l++) {
            if (fused[l] != null) {
                fused[l].forward(wk.acts[l], wk.acts[l + 2], n, wk.scratch[l]);
                l++;
                continue;
            }
            Layer layer = layers.get(l);
            layer.forward(wk.acts[l], wk.acts[l + 1], n, wk.scratch[l], training, random);
            if (!layer.appliesActivation()) {
                layer.activation().forward(wk.acts[l + 1], 0, n * sizes[l + 1] / widths[l + 1], widths[l + 1]);
            }
        }
    }

    /** The loss of the chunk, and its gradient w.r.t. the last layer's pre-activation output. */
    private double lossAndDelta(Worker wk, int n, Loss loss, float scale) {
        int last = layers.size();
        float[] pred = wk.acts[last];
        float[] delta = wk.deltas[last];
        int rows = n * outputRows;
        ActivationFunction act = layers.get(last - 1).activation();
        if (act == ActivationFunction.SOFTMAX && loss.fusesWithSoftmax()) {
            return loss.computeFromSoftmax(pred, wk.targets, rows, outputWidth, delta, scale);
        }
        double value = loss.compute(pred, wk.targets, rows, outputWidth, delta, scale);
        act.backward(pred, delta, 0, rows, outputWidth);
        return value;
    }

    private void backward(Worker wk, int n, float[][][] grads) {
        for (int l = layers.size() - 1; l >= 0; l--) {
            if (l > 0 && fused[l - 1] != null) {
                // The fused pair's step runs from the pooled output's gradient to the convolution's input.
                l--;
                fused[l].backward(wk.acts[l], wk.acts[l + 2], wk.deltas[l + 2], l == 0 ? null : wk.deltas[l], n,
                        wk.scratch[l], grads[l]);
            } else {
                layers.get(l).backward(wk.acts[l], wk.acts[l + 1], wk.deltas[l + 1], l == 0 ? null : wk.deltas[l], n,
                        wk.scratch[l], grads[l]);
            }
            if (l > 0) {
                layers.get(l - 1).activation().backward(wk.acts[l], wk.deltas[l], 0, n * sizes[l] / widths[l],
                        widths[l]);
            }
        }
    }
}
