package org.tatami.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.immutable.ArraySeq$;
import org.tatami.data.Idx;
import org.tatami.data.IdxArray;
import org.tatami.data.Mnist;

/**
 * Training and scoring data as DataFrames, read by the executors: every partition reads its own rows,
 * nothing passes through the driver.
 *
 * <pre>{@code
 * Dataset<Row> train = SparkData.mnist(spark, "train", 2);               // label, pixels (784 values, 0..255)
 * Dataset<Row> pictures = SparkData.imageFolder(spark, "hdfs:///digits"); // path, content, label
 * Dataset<Row> rows = SparkData.parquet(spark, "s3a://lake/mnist", "image", "digit"); // features, label
 * }</pre>
 */
public final class SparkData {
    /** The columns of {@link #mnist}: the class, and the image's pixels (0..255) row by row. */
    public static final StructType MNIST_SCHEMA = new StructType()
            .add("label", DataTypes.IntegerType, false)
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private SparkData() {
    }

    /**
     * The MNIST bundled with tatami: {@code train} (60,000 images) or {@code test} (10,000), in the files'
     * order, cut into {@code partitions} partitions of consecutive rows. Each partition reads the files
     * from tatami's jar on its executor (checked against their SHA-256) and converts its own rows.
     */
    public static Dataset<Row> mnist(SparkSession spark, String split, int partitions) {
        return mnist(spark, null, split, partitions);
    }

    /**
     * IDX files in MNIST's layout ({@code train-images-idx3-ubyte[.gz]}, ...; Fashion-MNIST has them) in a
     * folder any Hadoop file system reaches; as {@link #mnist(SparkSession, String, int)} otherwise.
     */
    public static Dataset<Row> mnist(SparkSession spark, String dir, String split, int partitions) {
        String prefix = switch (split) {
            case "train" -> "train";
            case "test" -> "t10k";
            default -> throw new IllegalArgumentException("split must be train or test, got '" + split + "'");
        };
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Broadcast<SerializableConfiguration> hadoop = dir == null ? null : spark.sparkContext().broadcast(
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        IdxRows read = new IdxRows(dir, prefix, partitions, hadoop);
        return spark.range(0, partitions, 1, partitions).mapPartitions(read, Encoders.row(MNIST_SCHEMA));
    }

    /** One partition's rows of an MNIST-layout split: the images of rows [p*n/P, (p+1)*n/P). */
    private record IdxRows(String dir, String prefix, int partitions, Broadcast<SerializableConfiguration> hadoop)
            implements MapPartitionsFunction<Long, Row> {
        @Override
        public Iterator<Row> call(Iterator<Long> ids) throws IOException {
            if (!ids.hasNext()) {
                return List.<Row>of().iterator();
            }
            int p = ids.next().intValue();
            IdxArray labelFile = read(prefix + "-labels-idx1-ubyte");
            int n = labelFile.shape()[0];
            int from = (int) ((long) p * n / partitions);
            int to = (int) ((long) (p + 1) * n / partitions);
            IdxArray imageFile = read(prefix + "-images-idx3-ubyte");
            if (imageFile.shape()[0] != n) {
                throw new IOException(prefix + "-images-idx3-ubyte holds " + imageFile.shape()[0] + " images but "
                        + prefix + "-labels-idx1-ubyte holds " + n + " labels");
            }
            float[] labels = labelFile.toTensor(from, to).data();
            // Row by row, as Spark pulls them: a partition's images are never all converted at once.
            // Arrays as Spark's rows hold them (Seq), whether or not Spark converts the rows before the next step.
            return IntStream.range(from, to).mapToObj(i -> RowFactory.create((int) labels[i - from],
                    ArraySeq$.MODULE$.unsafeWrapArray(imageFile.toTensor(i, i + 1).data()))).iterator();
        }

        private IdxArray read(String file) throws IOException {
            if (dir == null) {
                return Mnist.loadBundled(file);
            }
            Configuration conf = hadoop.value().value();
            Path folder = new Path(dir);
            FileSystem fs = folder.getFileSystem(conf);
            Path gz = new Path(folder, file + ".gz");
            Path path = fs.exists(gz) ? gz : new Path(folder, file);
            try (InputStream in = fs.open(path)) {
                return Idx.read(in, path.toString());
            }
        }
    }

    /**
     * Pictures in one folder per class, as Keras's {@code image_dataset_from_directory}: the classes are the
     * subfolders' names in sorted order, and each picture's label is its folder's index. Columns: Spark's
     * {@code binaryFile} columns ({@code path}, {@code modificationTime}, {@code length}, {@code content})
     * and {@code label} (int). Only the subfolder names are listed on the driver.
     */
    public static Dataset<Row> imageFolder(SparkSession spark, String dir) {
        List<String> classes = new ArrayList<>();
        try {
            Path folder = new Path(dir);
            for (FileStatus s : folder.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(folder)) {
                if (s.isDirectory()) {
                    classes.add(s.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list the class folders", e);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException(dir + ": holds no class folders (one folder of pictures per class)");
        }
        classes.sort(null);
        Column[] names = classes.stream().map(functions::lit).toArray(Column[]::new);
        Column folder = functions.element_at(functions.split(functions.col("path"), "/"), -2);
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir)
                .withColumn("label", functions.array_position(functions.array(names), folder).minus(1).cast("int"));
    }

    /**
     * Two columns of a Parquet data set as {@code features} (inputs: arrays of numbers, ML vectors or
     * picture files' bytes) and {@code label} (a class index, or an array or vector of targets).
     */
    public static Dataset<Row> parquet(SparkSession spark, String path, String featuresCol, String labelCol) {
        Dataset<Row> data = spark.read().parquet(path);
        ColumnReader.check(data.schema(), featuresCol, true);
        ColumnReader.check(data.schema(), labelCol, false);
        return data.select(functions.col(featuresCol).as("features"), functions.col(labelCol).as("label"));
    }
}
