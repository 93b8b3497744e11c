package org.tatami.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.CpuOptions;
import org.tatami.kernels.Parallel;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;
import org.tatami.losses.Loss;
import org.tatami.metrics.Metric;
import org.tatami.tensor.Shape;

/**
 * Runs a model's graph on batches: forward for inference, forward and backward for training.
 *
 * <p>The graph's ops, in topological order, become steps ({@link CpuPlanner}); each step reads values
 * and writes one. A batch is cut into chunks of at most {@link #CHUNK} samples. Chunks run in
 * parallel, each on one worker's buffers, and write their parameter gradients to their own slot; the
 * slots are then summed in chunk order. The cut depends only on the batch size, never on the number of
 * threads, so training is bit-identical with 1 thread or many. Where a value is read by several steps
 * its gradient is the sum of theirs, added in a fixed order (the last reader first). Buffers are sized
 * once and shared by values whose lifetimes do not overlap ({@link BufferPlan}): a training step
 * allocates nothing in proportion to the data.
 *
 * <p>Layers that need the whole batch's statistics in training (BatchNormalization) cut the steps into
 * phases: every chunk runs up to the layer, the chunks' partial sums are combined in chunk order, and
 * every chunk goes on. Each chunk then keeps its own buffers for the whole step.
 */
final class Engine {
    /** Samples per chunk: small enough to keep a chunk's activations in cache, large enough for GEMM. */
    static final int CHUNK = 64;
    /** Elements per reduction task: enough work per task, enough tasks to keep every thread busy. */
    private static final int REDUCE_BLOCK = 4096;

    private final Graph graph;
    private final List<Step> steps;
    /** Per-sample size of each value. */
    private final int[] sizes;
    private final boolean[] needsGradient;
    /** Whether a step has anything to do in backward (trainable weights, or an input that needs a gradient). */
    private final boolean[] runBackward;
    /** Per step and input: whether its gradient adds to what a later reader already wrote. */
    private final boolean[][] accumulates;
    /** Per output: whether its loss gradient adds to an earlier output's (the same value returned twice). */
    private final boolean[] outputAccumulates;
    /** How many steps and outputs read each value. */
    private final int[] readers;
    /** Per step: index of its owner in {@link Graph#layers}, and whether an earlier-run step owns it too. */
    private final int[] owner;
    private final boolean[] ownerAccumulates;
    /** The steps whose layer meets the batch in training (phase boundaries), in order. */
    private final int[] meetings;
    private final BufferPlan trainActs;
    private final BufferPlan inferActs;
    private final BufferPlan deltaPlan;
    private final int maxSize;
    private final Object[] batchState;
    private Worker[] trainWorkers = new Worker[0];
    private Worker[] inferWorkers = new Worker[0];
    /** Gradients per chunk, layer and parameter: [chunk][layer][param][]. */
    private float[][][][] chunkGrads = new float[0][][][];

    Engine(Model model) {
        graph = new Graph(model);
        int values = graph.values();
        sizes = new int[values];
        for (int v = 0; v < values; v++) {
            sizes[v] = graph.size(v);
        }
        needsGradient = new boolean[values];
        for (Graph.Op op : graph.ops) {
            boolean needs = op.layer().countTrainableParams() > 0;
            for (int v : op.inputs()) {
                needs |= needsGradient[v];
            }
            needsGradient[op.output()] = needs;
        }
        steps = CpuPlanner.plan(graph, needsGradient, CpuOptions.current());
        int count = steps.size();
        readers = new int[values];
        for (Step s : steps) {
            for (int v : s.inputs) {
                readers[v]++;
            }
        }
        for (int v : graph.outputs) {
            readers[v]++;
        }
        // Backward writes each value's gradient first from the losses, then from the readers, last step first.
        boolean[] written = new boolean[values];
        outputAccumulates = new boolean[graph.outputs.length];
        for (int k = 0; k < graph.outputs.length; k++) {
            outputAccumulates[k] = written[graph.outputs[k]];
            written[graph.outputs[k]] = true;
        }
        runBackward = new boolean[count];
        accumulates = new boolean[count][];
        owner = new int[count];
        ownerAccumulates = new boolean[count];
        Map<Layer, Integer> layerIndex = new IdentityHashMap<>();
        for (int l = 0; l < graph.layers.size(); l++) {
            layerIndex.put(graph.layers.get(l), l);
        }
        boolean[] ownerWritten = new boolean[graph.layers.size()];
        for (int s = count - 1; s >= 0; s--) {
            Step step = steps.get(s);
            boolean any = step.owner.countTrainableParams() > 0;
            accumulates[s] = new boolean[step.inputs.length];
            for (int i = 0; i < step.inputs.length; i++) {
                int v = step.inputs[i];
                if (needsGradient[v]) {
                    any = true;
                    accumulates[s][i] = written[v];
                    written[v] = true;
                }
            }
            runBackward[s] = any;
            owner[s] = layerIndex.get(step.owner);
            ownerAccumulates[s] = ownerWritten[owner[s]];
            ownerWritten[owner[s]] = true;
        }
        int[] producedAt = new int[values];
        int[] lastReadAt = new int[values];
        int[] firstWrittenBack = new int[values];
        Arrays.fill(producedAt, Integer.MAX_VALUE);
        Arrays.fill(firstWrittenBack, Integer.MAX_VALUE);
        for (int v = 0; v < graph.inputs; v++) {
            producedAt[v] = 0;
        }
        for (int s = 0; s < count; s++) {
            Step step = steps.get(s);
            producedAt[step.output] = s + 1;
            for (int v : step.inputs) {
                lastReadAt[v] = s + 1;
                if (needsGradient[v]) {
                    firstWrittenBack[v] = Math.min(firstWrittenBack[v], count - s);
                }
            }
        }
        int end = count + 1;
        int[] trainLast = new int[values];
        int[] inferLast = lastReadAt.clone();
        int[] deltaFirst = new int[values];
        int[] deltaLast = new int[values];
        for (int v = 0; v < values; v++) {
            trainLast[v] = producedAt[v] == Integer.MAX_VALUE ? -1 : end;
            deltaFirst[v] = needsGradient[v] ? firstWrittenBack[v] : Integer.MAX_VALUE;
            deltaLast[v] = needsGradient[v] ? count - (producedAt[v] - 1) : -1;
        }
        for (int v : graph.outputs) {
            inferLast[v] = end;
            if (needsGradient[v]) {
                deltaFirst[v] = 0;
            }
        }
        trainActs = new BufferPlan(sizes, producedAt, trainLast);
        inferActs = new BufferPlan(sizes, producedAt, inferLast);
        deltaPlan = new BufferPlan(sizes, deltaFirst, deltaLast);
        maxSize = Arrays.stream(sizes).max().orElse(0);
        List<Integer> meet = new ArrayList<>();
        batchState = new Object[count];
        for (int s = 0; s < count; s++) {
            if (steps.get(s) instanceof Step.Normalize n && n.stats.usesBatchStatistics()) {
                meet.add(s);
                batchState[s] = n.stats.createBatchState();
            }
        }
        meetings = meet.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The distinct layers whose parameter gradients {@link #gradients()} returns, in order. */
    List<Layer> layers() {
        return graph.layers;
    }

    int inputs() {
        return graph.inputs;
    }

    int inputSize(int i) {
        return sizes[i];
    }

    int outputs() {
        return graph.outputs.length;
    }

    int outputSize(int k) {
        return sizes[graph.outputs[k]];
    }

    int[] outputShape(int k) {
        return graph.shapes.get(graph.outputs[k]);
    }

    /** The loss's row width of output k: its last axis. */
    int outputWidth(int k) {
        int[] s = outputShape(k);
        return s.length == 0 ? 1 : s[s.length - 1];
    }

    /** Loss rows per sample of output k (1 for a classifier whose output is (classes,)). */
    int outputRows(int k) {
        int w = outputWidth(k);
        return w == 0 ? 0 : outputSize(k) / w;
    }

    /** Target values per loss row of output k, from the targets per sample. */
    int targetWidth(int k, int perSample) {
        int rows = outputRows(k);
        return rows == 0 ? perSample : perSample / rows;
    }

    /** The steps as planned, for tests and reports: the layer names of each step. */
    List<String> describeSteps() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            out.add(s instanceof Step.Fused ? s.owner.name() + "+pool" : s.owner.name());
        }
        return out;
    }

    /** One worker's buffers: activations and their gradients per value, and each step's scratch. */
    private final class Worker {
        final int capacity;
        final int[] targetSizes;
        final float[][] acts;
        final float[][] deltas;
        /** Where gradients that add to others are written first; spares[0] also serves losses and meetings. */
        final float[][] spares;
        final float[] spare;
        /** Per step: the arrays of its inputs, and where its input gradients go (null: not needed). */
        final float[][][] xs;
        final float[][][] dxs;
        final Object[] scratch;
        final float[][] targets;
        /** The chunk's sample weights, and one row of predictions and targets to weigh a loss row by row. */
        final float[] weights;
        final float[] rowPred;
        final float[] rowTarget;
        final float[] rowGrad;
        final float[][][] spareGrads;
        final double[][] partials;
        SplittableRandom random;

        Worker(int capacity, int[] targetSizes, boolean training) {
            this.capacity = capacity;
            this.targetSizes = targetSizes.clone();
            BufferPlan plan = training ? trainActs : inferActs;
            acts = buffers(plan, capacity);
            deltas = training ? buffers(deltaPlan, capacity) : null;
            int spareCount = 1;
            for (boolean[] a : accumulates) {
                int k = 0;
                for (boolean b : a) {
                    k += b ? 1 : 0;
                }
                spareCount = Math.max(spareCount, k);
            }
            spares = new float[training ? spareCount : 0][];
            for (int i = 0; i < spares.length; i++) {
                spares[i] = new float[capacity * maxSize];
            }
            spare = training ? spares[0] : null;
            xs = new float[steps.size()][][];
            dxs = new float[steps.size()][][];
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                xs[s] = new float[step.inputs.length][];
                dxs[s] = new float[step.inputs.length][];
                int used = 0;
                for (int i = 0; i < step.inputs.length; i++) {
                    int v = step.inputs[i];
                    xs[s][i] = acts[v];
                    if (training && needsGradient[v]) {
                        dxs[s][i] = accumulates[s][i] ? spares[used++] : deltas[v];
                    }
                }
            }
            scratch = new Object[steps.size()];
            for (int s = 0; s < steps.size(); s++) {
                scratch[s] = steps.get(s).createScratch(capacity);
            }
            targets = new float[targetSizes.length][];
            for (int k = 0; k < targetSizes.length; k++) {
                targets[k] = new float[capacity * targetSizes[k]];
            }
            weights = new float[capacity];
            int widest = 1;
            int widestTarget = 1;
            for (int k = 0; k < targetSizes.length; k++) {
                widest = Math.max(widest, outputWidth(k));
                widestTarget = Math.max(widestTarget, targetSizes[k]);
            }
            rowPred = new float[widest];
            rowTarget = new float[widestTarget];
            rowGrad = new float[widest];
            spareGrads = new float[graph.layers.size()][][];
            partials = new double[steps.size()][];
            for (int s = 0; s < steps.size() && training; s++) {
                if (ownerAccumulates[s] && spareGrads[owner[s]] == null) {
                    spareGrads[owner[s]] = gradArrays(steps.get(s).owner);
                }
                if (batchState[s] != null) {
                    partials[s] = new double[((Step.Normalize) steps.get(s)).stats.partialSize()];
                }
            }
        }

        private float[][] buffers(BufferPlan plan, int capacity) {
            float[][] slots = new float[plan.buffers()][];
            for (int b = 0; b < slots.length; b++) {
                slots[b] = new float[capacity * plan.slotSize[b]];
            }
            float[][] byValue = new float[sizes.length][];
            for (int v = 0; v < sizes.length; v++) {
                byValue[v] = plan.slot[v] < 0 ? null : slots[plan.slot[v]];
            }
            return byValue;
        }
    }

    private static float[][] gradArrays(Layer layer) {
        List<Parameter> ps = layer.parameters();
        float[][] out = new float[ps.size()][];
        for (int p = 0; p < ps.size(); p++) {
            out[p] = new float[ps.get(p).value().size()];
        }
        return out;
    }

    private Worker[] ensureWorkers(Worker[] workers, int count, int capacity, int[] targetSizes, boolean training) {
        if (workers.length < count || workers[0].capacity < capacity
                || !Arrays.equals(workers[0].targetSizes, targetSizes)) {
            workers = new Worker[count];
            for (int w = 0; w < count; w++) {
                workers[w] = new Worker(capacity, targetSizes, training);
            }
        }
        return workers;
    }

    private void ensureGradSlots(int chunks) {
        if (chunkGrads.length >= chunks) {
            return;
        }
        float[][][][] slots = Arrays.copyOf(chunkGrads, chunks);
        for (int c = chunkGrads.length; c < chunks; c++) {
            slots[c] = new float[graph.layers.size()][][];
            for (int l = 0; l < graph.layers.size(); l++) {
                slots[c][l] = gradArrays(graph.layers.get(l));
            }
        }
        chunkGrads = slots;
    }

    /**
     * Totals of one pass over some batch, per output: the summed per-row loss and each metric's state
     * ({@code metrics[output][metric]}).
     */
    record Totals(double[] loss, double[][][] metrics) {
    }

    /** What one training step optimizes and measures: per output the loss, its weight and the metrics. */
    record Objective(Loss[] losses, float[] weights, Metric[][] metrics) {
        /** Zero states for every metric: {@code [output][metric][]}. */
        double[][][] newStates() {
            double[][][] out = new double[metrics.length][][];
            for (int k = 0; k < metrics.length; k++) {
                out[k] = new double[metrics[k].length][];
                for (int m = 0; m < metrics[k].length; m++) {
                    out[k][m] = new double[metrics[k][m].stateSize()];
                }
            }
            return out;
        }
    }

    /**
     * One training step on the samples {@code order[from .. from+count)} of the inputs {@code xs} and
     * targets {@code ys}: forward, loss, backward, and the summed gradient left in the first chunk's
     * slot, which {@link #gradients()} returns. {@code sampleWeights} (one per sample of xs, or null)
     * scale each sample's loss, as Keras's {@code sample_weight}. The loss is the mean over {@code meanOver}
     * samples: {@code count} for a whole batch, the batch's size for a share of one.
     */
    Totals trainStep(float[][] xs, float[][] ys, float[] sampleWeights, int[] targetSizes, int[] order, int from,
                     int count, int meanOver, Objective objective, long seed) {
        int chunks = (count + CHUNK - 1) / CHUNK;
        boolean phased = meetings.length > 0;
        trainWorkers = ensureWorkers(trainWorkers, phased ? chunks : Math.min(Parallel.threads(), chunks), CHUNK,
                targetSizes, true);
        Worker[] workers = trainWorkers;
        ensureGradSlots(chunks);
        int outs = graph.outputs.length;
        double[][] losses = new double[chunks][outs];
        double[][][][] states = new double[chunks][][][];
        for (int c = 0; c < chunks; c++) {
            states[c] = objective.newStates();
        }
        boolean[] preActivation = preActivation(objective.losses());
        prepareLayers(true);
        OrderedGradientSum sum = phased ? null : new OrderedGradientSum(chunkGrads, chunks);
        // Phase k runs steps [bounds[k], bounds[k+1]); a meeting step starts every phase but the first.
        int[] bounds = new int[meetings.length + 2];
        System.arraycopy(meetings, 0, bounds, 1, meetings.length);
        bounds[bounds.length - 1] = steps.size();
        for (int k = 0; k + 1 < bounds.length; k++) {
            final int phase = k;
            Parallel.forEach(chunks, (c, w) -> {
                Worker wk = workers[phased ? c : w];
                int start = from + c * CHUNK;
                int n = Math.min(CHUNK, from + count - start);
                if (phase == 0) {
                    for (int i = 0; i < graph.inputs; i++) {
                        gather(xs[i], sizes[i], order, start, n, wk.acts[i]);
                    }
                    for (int o = 0; o < outs; o++) {
                        gather(ys[o], targetSizes[o], order, start, n, wk.targets[o]);
                    }
                    if (sampleWeights != null) {
                        gather(sampleWeights, 1, order, start, n, wk.weights);
                    }
                    wk.random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
                } else {
                    normalize(wk, bounds[phase], n);
                }
                forward(wk, phase == 0 ? 0 : bounds[phase] + 1, bounds[phase + 1], n, true, wk.random);
                if (phase + 1 < bounds.length - 1) {
                    int s = bounds[phase + 1];
                    Step.Normalize step = (Step.Normalize) steps.get(s);
                    step.stats.partialForward(wk.acts[step.inputs[0]], n, wk.partials[s]);
                    return;
                }
                lossesAndDeltas(wk, n, meanOver, objective, sampleWeights != null, preActivation, losses[c],
                        states[c]);
                if (!phased) {
                    backward(wk, steps.size() - 1, -1, n, chunkGrads[c], preActivation);
                    sum.finished(c);
                }
            });
            if (phase + 1 < bounds.length - 1) {
                int s = bounds[phase + 1];
                ((Step.Normalize) steps.get(s)).stats.combineForward(partialsOf(workers, s, chunks), chunks,
                        batchState[s]);
            }
        }
        if (phased) {
            backwardPhased(workers, chunks, from, count, bounds, preActivation);
            sumChunkGradients(chunks);
        }
        return totals(losses, states);
    }

    /** Backward phase by phase, meeting at each batch-statistics step: the chunks' sums, then their input gradients. */
    private void backwardPhased(Worker[] workers, int chunks, int from, int count, int[] bounds,
                                boolean[] preActivation) {
        for (int k = bounds.length - 2; k >= 0; k--) {
            final int phase = k;
            Parallel.forEach(chunks, (c, w) -> {
                Worker wk = workers[c];
                int n = Math.min(CHUNK, from + count - (from + c * CHUNK));
                if (phase + 1 < bounds.length - 1) {
                    inputGradient(wk, bounds[phase + 1], n);
                }
                int low = phase == 0 ? -1 : bounds[phase];
                backward(wk, bounds[phase + 1] - 1, low, n, chunkGrads[c], preActivation);
                if (phase > 0) {
                    int s = bounds[phase];
                    Step.Normalize step = (Step.Normalize) steps.get(s);
                    step.stats.partialBackward(wk.acts[step.inputs[0]], wk.deltas[step.output], n, batchState[s],
                            wk.partials[s], ownerAccumulates[s] ? wk.spareGrads[owner[s]] : chunkGrads[c][owner[s]]);
                    if (ownerAccumulates[s]) {
                        addInto(chunkGrads[c][owner[s]], wk.spareGrads[owner[s]]);
                    }
                }
            });
            if (phase > 0) {
                int s = bounds[phase];
                ((Step.Normalize) steps.get(s)).stats.combineBackward(partialsOf(workers, s, chunks), chunks,
                        batchState[s]);
            }
        }
    }

    private static double[][] partialsOf(Worker[] workers, int step, int chunks) {
        double[][] out = new double[chunks][];
        for (int c = 0; c < chunks; c++) {
            out[c] = workers[c].partials[step];
        }
        return out;
    }

    private void normalize(Worker wk, int s, int n) {
        Step.Normalize step = (Step.Normalize) steps.get(s);
        step.stats.normalize(wk.acts[step.inputs[0]], wk.acts[step.output], n, batchState[s]);
    }

    private void inputGradient(Worker wk, int s, int n) {
        Step.Normalize step = (Step.Normalize) steps.get(s);
        int v = step.inputs[0];
        if (!needsGradient[v]) {
            return;
        }
        float[] dx = accumulates[s][0] ? wk.spare : wk.deltas[v];
        step.stats.inputGradient(wk.acts[v], wk.deltas[step.output], dx, n, batchState[s]);
        if (accumulates[s][0]) {
            addInto(wk.deltas[v], wk.spare, n * sizes[v]);
        }
    }

    /**
     * Which steps get their output's gradient before the activation from the loss: a softmax output
     * read by nothing else, with a loss that fuses with softmax.
     */
    private boolean[] preActivation(Loss[] losses) {
        boolean[] pre = new boolean[steps.size()];
        for (int k = 0; k < graph.outputs.length; k++) {
            int v = graph.outputs[k];
            int s = stepWriting(v);
            if (s >= 0 && readers[v] == 1 && losses[k].fusesWithSoftmax()) {
                Layer last = steps.get(s).lastLayer();
                pre[s] = last != null && last.activation() == ActivationFunction.SOFTMAX;
            }
        }
        return pre;
    }

    private int stepWriting(int value) {
        for (int s = 0; s < steps.size(); s++) {
            if (steps.get(s).output == value) {
                return s;
            }
        }
        return -1;
    }

    private void lossesAndDeltas(Worker wk, int n, int meanOver, Objective objective, boolean weighted,
                                 boolean[] preActivation, double[] losses, double[][][] states) {
        for (int k = 0; k < graph.outputs.length; k++) {
            int v = graph.outputs[k];
            float[] pred = wk.acts[v];
            int rows = n * outputRows(k);
            int width = outputWidth(k);
            Loss loss = objective.losses()[k];
            float scale = objective.weights()[k] / ((float) meanOver * outputRows(k));
            int s = stepWriting(v);
            float[] delta = !needsGradient[v] ? null : outputAccumulates[k] ? wk.spare : wk.deltas[v];
            if (delta == null) {
                losses[k] = loss.compute(pred, wk.targets[k], rows, width, null, 0f);
            } else if (s >= 0 && preActivation[s]) {
                losses[k] = loss.computeFromSoftmax(pred, wk.targets[k], rows, width, delta, scale);
            } else {
                losses[k] = loss.compute(pred, wk.targets[k], rows, width, delta, scale);
            }
            if (weighted) {
                losses[k] = weighRows(wk, k, loss, s >= 0 && preActivation[s], rows, delta);
            }
            if (delta != null && outputAccumulates[k]) {
                addInto(wk.deltas[v], wk.spare, n * sizes[v]);
            }
            // Keras's compiled metrics count samples, not their weights (weighted_metrics would weigh them).
            measure(objective.metrics()[k], wk.targets[k], targetWidth(k, wk.targetSizes[k]), pred, rows, width,
                    states[k]);
        }
    }

    /**
     * Weighs output k's loss rows by their samples' weights (Keras's {@code sample_weight}): scales each row
     * of the gradient {@code delta} (if not null) by its weight, and returns the sum of the weighted row
     * losses, each computed on its own as the unweighted loss computes it ({@code fromSoftmax}: by the
     * fused form). Keras then divides by the sample count, not by the weights' sum.
     */
    private double weighRows(Worker wk, int k, Loss loss, boolean fromSoftmax, int rows, float[] delta) {
        int width = outputWidth(k);
        int targetWidth = wk.targetSizes[k] / Math.max(outputRows(k), 1);
        int perSample = outputRows(k);
        float[] pred = wk.acts[graph.outputs[k]];
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            float w = wk.weights[r / perSample];
            if (delta != null) {
                for (int j = r * width; j < (r + 1) * width; j++) {
                    delta[j] *= w;
                }
            }
            System.arraycopy(pred, r * width, wk.rowPred, 0, width);
            System.arraycopy(wk.targets[k], r * targetWidth, wk.rowTarget, 0, targetWidth);
            sum += w * (fromSoftmax ? loss.computeFromSoftmax(wk.rowPred, wk.rowTarget, 1, width, wk.rowGrad, 0f)
                    : loss.compute(wk.rowPred, wk.rowTarget, 1, width, null, 0f));
        }
        return sum;
    }

    /** The gradients of the last step, one array per parameter of {@link #layers()}, in order. */
    List<float[]> gradients() {
        List<float[]> out = new ArrayList<>();
        for (float[][] layer : chunkGrads[0]) {
            out.addAll(List.of(layer));
        }
        return out;
    }

    // Fixed order: slot 0 += slot 1, += slot 2, ... for every element; parallel over blocks of
    // elements, never over chunks, so the sums do not depend on the threads. For phased steps, whose
    // chunks end their backward pass together; the others add each chunk as it ends (OrderedGradientSum).
    private void sumChunkGradients(int chunks) {
        List<float[][]> columns = new ArrayList<>();
        List<int[]> blocks = new ArrayList<>();
        for (int l = 0; l < chunkGrads[0].length; l++) {
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
     * Forward only over {@code samples} samples of {@code xs}: writes output k into {@code out[k]} when
     * given, and returns per-output loss and metric totals when targets {@code ys} are given (else null), the
     * losses weighted by {@code sampleWeights} if not null.
     */
    Totals infer(float[][] xs, int samples, float[][] ys, float[] sampleWeights, int[] targetSizes,
                 Objective objective, float[][] out) {
        int outs = graph.outputs.length;
        int[] tSizes = ys == null ? new int[outs] : targetSizes;
        int chunks = (samples + CHUNK - 1) / CHUNK;
        // Parallel.forEach runs no more workers than chunks: one picture needs one worker's buffers.
        inferWorkers = ensureWorkers(inferWorkers, Math.max(1, Math.min(Parallel.threads(), chunks)), CHUNK, tSizes, false);
        Worker[] workers = inferWorkers;
        double[][] lossSums = new double[chunks][outs];
        // At least one state, so that no samples give the metrics' empty figures.
        double[][][][] states = new double[Math.max(chunks, 1)][][][];
        for (int c = 0; c < states.length && ys != null; c++) {
            states[c] = objective.newStates();
        }
        prepareLayers(false);
        Parallel.forEach(chunks, (c, w) -> {
            Worker wk = workers[w];
            int start = c * CHUNK;
            int n = Math.min(CHUNK, samples - start);
            for (int i = 0; i < graph.inputs; i++) {
                System.arraycopy(xs[i], start * sizes[i], wk.acts[i], 0, n * sizes[i]);
            }
            forward(wk, 0, steps.size(), n, false, null);
            for (int k = 0; k < outs; k++) {
                float[] pred = wk.acts[graph.outputs[k]];
                int size = outputSize(k);
                if (out != null && out[k] != null) {
                    System.arraycopy(pred, 0, out[k], start * size, n * size);
                }
                if (ys != null) {
                    System.arraycopy(ys[k], start * tSizes[k], wk.targets[k], 0, n * tSizes[k]);
                    int rows = n * outputRows(k);
                    if (sampleWeights == null) {
                        lossSums[c][k] = objective.losses()[k].compute(pred, wk.targets[k], rows, outputWidth(k), null,
                                0f);
                    } else {
                        System.arraycopy(sampleWeights, start, wk.weights, 0, n);
                        lossSums[c][k] = weighRows(wk, k, objective.losses()[k], false, rows, null);
                    }
                    measure(objective.metrics()[k], wk.targets[k], targetWidth(k, tSizes[k]), pred, rows,
                            outputWidth(k), states[c][k]);
                }
            }
        });
        return ys == null ? null : totals(lossSums, states);
    }

    private void prepareLayers(boolean training) {
        for (Layer layer : graph.layers) {
            layer.prepare(training);
        }
    }

    /** The chunks' figures added in chunk order, so that they do not depend on the threads. */
    private static Totals totals(double[][] losses, double[][][][] states) {
        int outs = states[0].length;
        double[] loss = new double[outs];
        for (int c = 0; c < losses.length; c++) {
            for (int k = 0; k < outs; k++) {
                loss[k] += losses[c][k];
            }
        }
        return new Totals(loss, addStates(states));
    }

    /** Adds the states of chunks 1, 2, ... into chunk 0's, in that order, and returns it. */
    static double[][][] addStates(double[][][][] states) {
        double[][][] sum = states[0];
        for (int c = 1; c < states.length; c++) {
            for (int k = 0; k < sum.length; k++) {
                for (int m = 0; m < sum[k].length; m++) {
                    addInto(sum[k][m], states[c][k][m]);
                }
            }
        }
        return sum;
    }

    static void addInto(double[] sum, double[] part) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += part[i];
        }
    }

    private static void measure(Metric[] metrics, float[] targets, int trueWidth, float[] pred, int rows, int width,
                                double[][] states) {
        for (int m = 0; m < metrics.length; m++) {
            metrics[m].accumulate(targets, trueWidth, pred, width, rows, null, states[m]);
        }
    }

    private static void gather(float[] src, int size, int[] order, int start, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(src, order[start + i] * size, dst, i * size, size);
        }
    }

    private static void addInto(float[] sum, float[] part, int length) {
        for (int i = 0; i < length; i++) {
            sum[i] += part[i];
        }
    }

    static void addInto(float[][] sums, float[][] parts) {
        for (int p = 0; p < sums.length; p++) {
            addInto(sums[p], parts[p], sums[p].length);
        }
    }

    private void forward(Worker wk, int from, int to, int n, boolean training, SplittableRandom random) {
        for (int s = from; s < to; s++) {
            Step step = steps.get(s);
            step.forward(wk.xs[s], wk.acts[step.output], n, wk.scratch[s], training, random);
        }
    }

    /** Backward over steps {@code from} down to {@code to} (exclusive), last step first. */
    private void backward(Worker wk, int from, int to, int n, float[][][] grads, boolean[] preActivation) {
        for (int s = from; s > to; s--) {
            if (!runBackward[s]) {
                continue;
            }
            Step step = steps.get(s);
            float[][] dxs = wk.dxs[s];
            float[][] g = ownerAccumulates[s] ? wk.spareGrads[owner[s]] : grads[owner[s]];
            step.backward(wk.xs[s], wk.acts[step.output], wk.deltas[step.output], dxs, n, wk.scratch[s], g,
                    preActivation[s]);
            if (ownerAccumulates[s]) {
                addInto(grads[owner[s]], g);
            }
            for (int i = 0; i < dxs.length; i++) {
                if (accumulates[s][i]) {
                    addInto(wk.deltas[step.inputs[i]], dxs[i], n * sizes[step.inputs[i]]);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Engine" + describeSteps() + ", inputs " + Shape.toString(new int[] {graph.inputs});
    }
}
