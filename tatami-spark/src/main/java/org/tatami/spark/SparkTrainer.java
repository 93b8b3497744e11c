package org.tatami.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.tatami.callbacks.Callback;
import org.tatami.layers.BatchStatistics;
import org.tatami.layers.Layer;
import org.tatami.models.FitOptions;
import org.tatami.models.Gradients;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.TrainingRandom;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Synchronous data-parallel training on Spark: {@code fit} over a DataFrame, with the batches, the
 * optimizer, the History and the callbacks of a local {@link Model#fit}.
 *
 * <pre>{@code
 * Dataset<Row> train = SparkData.mnist(spark, "train", 2);
 * History history = new SparkTrainer().inputCol("pixels").labelCol("label")
 *         .fit(model, train, new FitOptions().batchSize(4096).epochs(5), SparkData.mnist(spark, "test", 2));
 * }</pre>
 *
 * <p>Each partition's rows are read once into tensors and cached on its executor. Every step, the
 * driver broadcasts the trainable weights; each partition computes, with tatami's engine, the gradients
 * of its share of the global batch (the batch's samples it holds, each sample's loss divided by the
 * batch's size); the partitions' gradients come back to the driver in partition order and are added in
 * that order; the optimizer updates the weights once. The batches are those of a local fit (samples
 * numbered in the DataFrame's order, partition by partition, shuffled each epoch by the same draws), so:
 * <ul>
 *   <li>the same seed, data order and partition count give bit-identical weights, run after run;</li>
 *   <li>with one partition the weights are those of a local {@code fit}, bit for bit; with more, each
 *       step's gradient is the same sum of per-sample gradients added in another order, which differs
 *       from local training in float rounding only (dropout masks, drawn per share, differ too);</li>
 *   <li>a task that fails, or runs on an executor that is lost, is run again by Spark on the same
 *       weights and rows (a lost partition is read again from the data), giving the same gradients.</li>
 * </ul>
 * Random draws (shuffling, dropout) come from the model's training streams
 * ({@code Model.trainingRandom()}), as its {@code fit} takes them. Layers that use the batch's statistics in training (BatchNormalization) are refused: their
 * statistics would be per share, and their moving averages would stay on the executors.
 */
public final class SparkTrainer implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Spreads the shares' dropout seeds; the first share keeps the step's seed, as a one-partition fit. */
    private static final long SHARE_SEED = 0xD1B54A32D192ED03L;

    private String inputCol = "features";
    private String labelCol = "label";
    private InputFormat format = InputFormat.DEFAULT;

    /** The column of inputs: picture files' bytes, arrays of pixel values (0..255) or ML vectors. */
    public SparkTrainer inputCol(String column) {
        this.inputCol = column;
        return this;
    }

    /** The column of targets: class indices, or arrays or vectors of target values. */
    public SparkTrainer labelCol(String column) {
        this.labelCol = column;
        return this;
    }

    /** How inputs are prepared; see {@link TatamiClassifierModel}'s params of the same names. */
    public SparkTrainer inputFormat(String imagePreparation, String invert, double rescale, double offset) {
        this.format = new InputFormat(imagePreparation, invert, rescale, offset);
        return this;
    }

    SparkTrainer inputFormat(InputFormat inputFormat) {
        this.format = inputFormat;
        return this;
    }

    /** {@link #fit(Model, Dataset, FitOptions, Dataset)} validating on {@code options}' tensors, if any. */
    public History fit(Model model, Dataset<Row> data, FitOptions options) {
        return fit(model, data, options, null);
    }

    /**
     * Trains the compiled {@code model} on {@code data} as {@code model.fit} would, its weights updated in
     * place; {@code validation} (same columns), if given, is evaluated on the executors after every epoch
     * ({@code val_loss}, {@code val_accuracy}), otherwise {@code options}' validation tensors on the driver.
     */
    public History fit(Model model, Dataset<Row> data, FitOptions options, Dataset<Row> validation) {
        requireTrainable(model);
        if (options.validationSplit() > 0 || options.classWeight() != null || options.sampleWeight() != null) {
            throw new IllegalArgumentException("validation_split, class_weight and sample_weight are for arrays in"
                    + " memory; on Spark, give validation rows to fit and weigh nothing");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<ModelBytes> file = sc.broadcast(ModelBytes.of(model));
        JavaRDD<Shard> shards = shards(data, model);
        JavaRDD<Shard> valShards = validation == null ? null : shards(validation, model);
        try {
            List<Integer> sizes = shards.map(Shard::size).collect();
            if (valShards != null) {
                valShards.count();
            }
            return run(model, sc, file, shards, offsets(sizes), valShards, options);
        } finally {
            shards.unpersist(false);
            if (valShards != null) {
                valShards.unpersist(false);
            }
            file.destroy();
        }
    }

    private History run(Model model, JavaSparkContext sc, Broadcast<ModelBytes> file, JavaRDD<Shard> shards,
                        long[] offsets, JavaRDD<Shard> valShards, FitOptions options) {
        int samples = Math.toIntExact(offsets[offsets.length - 1]);
        if (samples == 0) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        int batch = Math.min(options.batchSize(), samples);
        int steps = (samples + batch - 1) / batch;
        int outs = model.outputs().size();
        List<Callback> callbacks = options.callbacksWithProgress();
        int[] order = new int[samples];
        Arrays.setAll(order, i -> i);
        History history = new History();
        // The model's own random streams, drawn as fit draws them: one partition trains as fit does.
        TrainingRandom random = model.trainingRandom();
        model.stopTraining(false);
        callbacks.forEach(c -> c.setModel(model));
        callbacks.forEach(c -> c.onTrainBegin(options.epochs(), steps, samples));
        for (int epoch = options.initialEpoch(); epoch < options.epochs() && !model.stopTraining(); epoch++) {
            int ep = epoch;
            long start = System.nanoTime();
            callbacks.forEach(c -> c.onEpochBegin(ep));
            long shuffle = random.startEpoch();
            if (options.shuffle()) {
                random.shuffle(order, shuffle);
            }
            double[] lossSums = new double[outs];
            double[][][] metrics = null;
            Map<String, Double> logs = new LinkedHashMap<>();
            boolean cutShort = false;
            for (int step = 0; step < steps; step++) {
                if (model.stopTraining()) {
                    cutShort = true;
                    break;
                }
                int from = step * batch;
                int count = Math.min(batch, samples - from);
                long seed = random.nextStepSeed();
                sc.setJobDescription("tatami: epoch " + (epoch + 1) + ", step " + (step + 1));
                Gradients g = step(model, sc, file, shards, shares(order, from, count, offsets), count, seed);
                model.applyGradients(g);
                for (int k = 0; k < outs; k++) {
                    lossSums[k] += g.lossSums()[k];
                }
                metrics = addStates(metrics, g.metrics());
                logs.clear();
                logs.putAll(model.logs(lossSums, metrics, from + count));
                int s = step + 1;
                callbacks.forEach(c -> c.onBatchEnd(s, logs));
            }
            if (cutShort) {
                // As fit: History holds whole epochs only.
                break;
            }
            Map<String, Double> val = valShards != null ? evaluate(model, sc, file, valShards)
                    : options.validationX() != null ? model.evaluate(options.validationX(), options.validationY())
                    : options.validationDataset() != null ? model.evaluate(options.validationDataset())
                    : Map.of();
            val.forEach((k, v) -> logs.put("val_" + k, v));
            double rate = model.optimizer().learningRate();
            callbacks.forEach(c -> c.onEpochEnd(ep, logs));
            logs.putIfAbsent("learning_rate", rate);
            history.append(ep, logs, (System.nanoTime() - start) / 1e9);
        }
        sc.setJobDescription(null);
        if (options.epochs() > 0) {
            // As fit: with use_ema the weights become their moving averages now.
            model.optimizer().finalizeVariableValues(model.trainableWeights().stream().map(Tensor::data).toList());
        }
        callbacks.forEach(Callback::onTrainEnd);
        return history;
    }

    /** The epoch's metric states so far plus a step's, added in step order; {@code sum} null at the first step. */
    private static double[][][] addStates(double[][][] sum, double[][][] step) {
        if (sum == null) {
            double[][][] copy = new double[step.length][][];
            for (int k = 0; k < step.length; k++) {
                copy[k] = new double[step[k].length][];
                for (int m = 0; m < step[k].length; m++) {
                    copy[k][m] = step[k][m].clone();
                }
            }
            return copy;
        }
        for (int k = 0; k < sum.length; k++) {
            for (int m = 0; m < sum[k].length; m++) {
                for (int i = 0; i < sum[k][m].length; i++) {
                    sum[k][m][i] += step[k][m][i];
                }
            }
        }
        return sum;
    }

    /** One step's gradients: each partition's share on the executors, added on the driver in partition order. */
    private static Gradients step(Model model, JavaSparkContext sc, Broadcast<ModelBytes> file, JavaRDD<Shard> shards,
                                  int[][] shares, int count, long seed) {
        Broadcast<float[][]> weights = sc.broadcast(weightsOf(model));
        try {
            List<Gradients> parts = shards.mapPartitionsWithIndex((p, it) -> {
                int[] mine = shares[p];
                if (mine.length == 0) {
                    return List.<Gradients>of().iterator();
                }
                Shard shard = it.next();
                Gradients g = ExecutorModels.withModel(file.value(), m -> {
                    setWeights(m, weights.value());
                    return m.computeGradients(shard.inputs(), shard.targets(), mine, count, seed + SHARE_SEED * p);
                });
                return List.of(g).iterator();
            }, true).collect();
            Gradients sum = parts.get(0);
            for (int i = 1; i < parts.size(); i++) {
                sum.add(parts.get(i));
            }
            return sum;
        } finally {
            weights.destroy();
        }
    }

    /** Validation on the executors: each partition's figures, weighted by its rows and added in partition order. */
    private static Map<String, Double> evaluate(Model model, JavaSparkContext sc, Broadcast<ModelBytes> file,
                                                JavaRDD<Shard> shards) {
        sc.setJobDescription("tatami: validation");
        Broadcast<float[][]> weights = sc.broadcast(weightsOf(model));
        try {
            List<Evaluation> parts = shards.mapPartitions((Iterator<Shard> it) -> {
                Shard shard = it.next();
                if (shard.size() == 0) {
                    return List.<Evaluation>of().iterator();
                }
                Evaluation e = ExecutorModels.withModel(file.value(), m -> {
                    setWeights(m, weights.value());
                    return new Evaluation(shard.size(), new LinkedHashMap<>(m.evaluate(shard.inputs(),
                            shard.targets())));
                });
                return List.of(e).iterator();
            }).collect();
            long total = parts.stream().mapToLong(Evaluation::samples).sum();
            Map<String, Double> out = new LinkedHashMap<>();
            for (Evaluation e : parts) {
                e.logs().forEach((k, v) -> out.merge(k, v * e.samples() / total, Double::sum));
            }
            return out;
        } finally {
            weights.destroy();
        }
    }

    /** One partition's validation figures (means over its rows) and its row count. */
    private record Evaluation(long samples, LinkedHashMap<String, Double> logs) implements Serializable {
    }

    private static float[][] weightsOf(Model model) {
        return model.trainableWeights().stream().map(t -> t.data().clone()).toArray(float[][]::new);
    }

    private static void setWeights(Model model, float[][] weights) {
        List<Tensor> mine = model.trainableWeights();
        for (int i = 0; i < weights.length; i++) {
            System.arraycopy(weights[i], 0, mine.get(i).data(), 0, weights[i].length);
        }
    }

    /** For each partition, the positions in its rows of the batch's samples it holds, in batch order. */
    static int[][] shares(int[] order, int from, int count, long[] offsets) {
        int partitions = offsets.length - 1;
        int[] counts = new int[partitions];
        int[] owner = new int[count];
        for (int i = 0; i < count; i++) {
            int p = Arrays.binarySearch(offsets, order[from + i]);
            // An exact hit is a partition's first row, unless the partitions before it are empty.
            p = p >= 0 ? p : -p - 2;
            while (offsets[p + 1] <= order[from + i]) {
                p++;
            }
            owner[i] = p;
            counts[p]++;
        }
        int[][] out = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            out[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int i = 0; i < count; i++) {
            int p = owner[i];
            out[p][counts[p]++] = (int) (order[from + i] - offsets[p]);
        }
        return out;
    }

    /** Each partition's first sample number, and the total last. */
    private static long[] offsets(List<Integer> sizes) {
        long[] offsets = new long[sizes.size() + 1];
        for (int p = 0; p < sizes.size(); p++) {
            offsets[p + 1] = offsets[p] + sizes.get(p);
        }
        return offsets;
    }

    /** The partitions' rows as tensors, cached where they were read. */
    private JavaRDD<Shard> shards(Dataset<Row> data, Model model) {
        StructType schema = data.schema();
        ColumnReader.check(schema, inputCol, true);
        ColumnReader.check(schema, labelCol, false);
        int[] inputShape = model.inputShape();
        int targetSize = targetSize(model);
        String in = inputCol;
        String label = labelCol;
        InputFormat f = format;
        return data.toJavaRDD()
                .mapPartitions(rows -> List.of(Shard.read(rows, schema, in, label, f, inputShape, targetSize))
                        .iterator())
                .persist(StorageLevel.MEMORY_ONLY());
    }

    /** Target values per sample: the loss's row width (1 for class indices) times the output's rows. */
    private static int targetSize(Model model) {
        int[] out = model.outputShape();
        int width = out.length == 0 ? 1 : out[out.length - 1];
        int rows = width == 0 ? 0 : Shape.size(out) / width;
        return model.loss().targetWidth(width) * rows;
    }

    private static void requireTrainable(Model model) {
        if (model.optimizer() == null || model.loss() == null) {
            throw new IllegalStateException("model '" + model.name() + "' must be compiled before fit: call"
                    + " compile(optimizer, loss, metrics)");
        }
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new IllegalArgumentException("model '" + model.name() + "' has " + model.inputs().size()
                    + " input(s) and " + model.outputs().size() + " output(s); training on Spark takes one input"
                    + " column and one target column");
        }
        for (Layer l : model.leafLayers()) {
            if (l instanceof BatchStatistics b && b.usesBatchStatistics()) {
                throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.className() + ") uses the"
                        + " statistics of the whole batch in training, which training on Spark spreads over"
                        + " partitions; freeze it (trainable(false)) or train the model locally");
            }
        }
    }
}
