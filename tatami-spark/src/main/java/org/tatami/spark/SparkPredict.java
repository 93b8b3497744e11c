package org.tatami.spark;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tatami predict} on Spark: {@code spark-submit --class org.tatami.spark.SparkPredict
 * tatami-spark-all.jar --model model.tatami --pictures --input hdfs:///scans --output hdfs:///scores}.
 * Reads Parquet rows or a folder of pictures, writes Parquet: the rows' other columns with
 * {@code prediction} and {@code probability} (the input column itself is left out).
 */
@Command(name = "spark-predict", sortOptions = false,
        description = {"Classify the inputs of Parquet rows, or a folder of pictures, with a trained model on Spark.",
                "Pictures are made MNIST-style as tatami predict makes them (--images digit), or taken as they are."})
public final class SparkPredict implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The trained model: .tatami, .h5 or .keras (Keras), .onnx (any Hadoop file system).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet rows, or with"
            + " --pictures a folder of pictures (PNG, JPEG, GIF, BMP; subfolders too).")
    String input;

    @Option(names = "--pictures", description = "Read --input as picture files (Spark's binaryFile source).")
    boolean pictures;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where the Parquet output goes.")
    String output;

    @Option(names = "--overwrite", description = "Replace --output if it exists.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "256", description = "Inputs run through the engine at once"
            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--handle-invalid", defaultValue = "error", paramLabel = "error|skip|keep", description = "A row"
            + " whose input is null or unreadable: fail, drop it, or keep it with a null prediction (default:"
            + " ${DEFAULT-VALUE}).")
    String handleInvalid;

    @Mixin
    InputOptions inputs;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        SparkCommands.main("spark-predict", new SparkPredict(), args);
    }

    @Override
    public Integer call() throws Exception {
        InputFormat format = inputs.format();
        SparkSession spark = SparkCommands.session("spark-predict");
        Dataset<Row> rows = pictures ? spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(input) : spark.read().parquet(input);
        String column = inputs.column(pictures ? "content" : "features");
        TatamiClassifierModel classifier = TatamiClassifierModel.fromFile(model).setInputCol(column)
                .setImagePreparation(format.images()).setInvert(format.invert()).setRescale(format.rescale())
                .setOffset(format.offset()).setBatchSize(batchSize).setHandleInvalid(handleInvalid);
        long start = System.nanoTime();
        Dataset<Row> scored = classifier.transform(rows).drop(column);
        scored.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
        double seconds = (System.nanoTime() - start) / 1e9;
        long count = spark.read().parquet(output).count();
        System.out.printf(Locale.ROOT, "%,d rows scored in %.1f s (%,.0f rows/s), written to %s%n", count, seconds,
                count / seconds, output);
        return 0;
    }
}
