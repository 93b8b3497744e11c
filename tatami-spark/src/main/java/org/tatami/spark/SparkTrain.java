package org.tatami.spark;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tatami.Tatami;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.ModelConfig;
import org.tatami.models.ModelZoo;
import org.tatami.optimizers.Optimizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tatami train} on Spark: {@code spark-submit --class org.tatami.spark.SparkTrain tatami-spark-all.jar
 * --out hdfs:///runs/seed}. With no data given it trains the seed (MNIST, bundled, read by the executors);
 * otherwise Parquet rows of inputs and class indices. Leaves {@code model.tatami} and {@code history.csv}
 * in {@code --out}.
 */
@Command(name = "spark-train", sortOptions = false,
        description = {"Train a model on Spark, data-parallel: the batches, optimizer and History of tatami train.",
                "Default: the seed (MNIST, the seed's model, Adam 0.01, batch 4096, 30 epochs, seed 0)."})
public final class SparkTrain implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "A model config in Keras's JSON format"
            + " (model.to_json()); default: the seed's model.")
    Path model;

    @Option(names = "--epochs", defaultValue = "30",
            description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "4096", description = "Samples per step, over all partitions"
            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "Step size (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd|rmsprop",
            description = "Optimizer (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed: same seed, data and partitions, same"
            + " weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "PATH", description = "Parquet rows to train on (--input-col,"
            + " --label-col); default: the bundled MNIST training set.")
    String data;

    @Option(names = "--validation", paramLabel = "PATH", description = "Parquet rows to validate on after every"
            + " epoch; default: the bundled MNIST test set when --data is not given.")
    String validation;

    @Option(names = "--label-col", defaultValue = "label", paramLabel = "NAME",
            description = "The Parquet column of class indices (default: ${DEFAULT-VALUE}).")
    String labelCol;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the bundled MNIST (default:"
            + " Spark's default parallelism). The weights depend on it; Parquet keeps its own.")
    Integer partitions;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where model.tatami and history.csv go (any Hadoop file system).")
    String out;

    @Option(names = "--initial-weights", paramLabel = "FILE", description = "Start from these weights (.safetensors).")
    Path initialWeights;

    @Option(names = "--no-shuffle", description = "Keep the training data in order instead of shuffling every epoch.")
    boolean noShuffle;

    @Option(names = "--quiet", description = "Print nothing but errors.")
    boolean quiet;

    @Mixin
    InputOptions inputs;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        SparkCommands.main("spark-train", new SparkTrain(), args);
    }

    @Override
    public Integer call() throws Exception {
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        float lr = (float) learningRate;
        require(lr > 0 && Float.isFinite(lr), "--learning-rate must be positive and within float32's range, got "
                + learningRate);
        require(partitions == null || partitions >= 1, "--partitions must be at least 1, got " + partitions);
        InputFormat format = inputs.format();
        SparkSession spark = SparkCommands.session("spark-train");
        Tatami.setRandomSeed(seed);
        Model net = model == null ? ModelZoo.seedCnn() : ModelConfig.read(model);
        require(net.isBuilt(), model + ": the model config must give the input shape (batch_input_shape)");
        if (initialWeights != null) {
            net.loadWeights(initialWeights);
        }
        Optimizer opt = switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "adam", "sgd", "rmsprop" -> Optimizer.of(optimizer);
            default -> throw new IllegalArgumentException("--optimizer must be adam, sgd or rmsprop, got '" + optimizer
                    + "'");
        };
        opt.setLearningRate(lr);
        net.compile(opt, new SparseCategoricalCrossentropy(), "accuracy");

        int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
        // Rows of "features" and "label", from Parquet or from the bundled MNIST.
        String column = inputs.column("features");
        Dataset<Row> train = data != null ? SparkData.parquet(spark, data, column, labelCol)
                : mnist(spark, "train", parts);
        Dataset<Row> test = validation != null ? SparkData.parquet(spark, validation, column, labelCol)
                : data == null ? mnist(spark, "test", parts) : null;
        if (!quiet) {
            net.summary();
            System.out.printf(Locale.ROOT, "Training on %s in %d partitions%s%n",
                    data == null ? "MNIST (bundled)" : data, train.rdd().getNumPartitions(), test == null ? ""
                            : ", validating on " + (validation == null ? "the MNIST test set" : validation));
        }
        FitOptions options = new FitOptions().batchSize(batchSize).epochs(epochs).shuffle(!noShuffle)
                .verbose(quiet ? 0 : 1);
        long start = System.nanoTime();
        History history = new SparkTrainer().inputCol("features").labelCol("label").inputFormat(format)
                .fit(net, train, options, test);
        double seconds = (System.nanoTime() - start) / 1e9;
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(out);
        ModelBytes.of(net).writeTo(dir, spark.sparkContext().hadoopConfiguration());
        SparkCommands.writeText(spark, new org.apache.hadoop.fs.Path(dir, "history.csv"), history.toCsv());
        if (!quiet) {
            System.out.printf(Locale.ROOT, "%nDone in %.1f s. Output: %s%n  model.tatami%n  history.csv%n", seconds,
                    out);
        }
        return 0;
    }

    private static Dataset<Row> mnist(SparkSession spark, String split, int partitions) {
        return SparkData.mnist(spark, split, partitions).withColumnRenamed("pixels", "features");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
