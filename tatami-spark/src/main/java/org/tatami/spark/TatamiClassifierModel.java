package org.tatami.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tatami.models.History;
import org.tatami.models.Model;
import scala.Option;

/**
 * A trained tatami classifier as a Spark ML model (a {@code Transformer}): batch inference on a DataFrame.
 *
 * <pre>{@code
 * Dataset<Row> pictures = spark.read().format("binaryFile").load("digits/");
 * TatamiClassifierModel classifier = TatamiClassifierModel.fromFile("model.tatami").setInputCol("content");
 * Dataset<Row> scored = classifier.transform(pictures);   // + prediction (double), probability (vector)
 * }</pre>
 *
 * The model file ({@code .tatami}, {@code .keras}, {@code .h5} or {@code .onnx}) goes to the executors once
 * per job as a broadcast and is loaded once per executor JVM and task slot; each partition runs through the
 * engine in batches of {@code batchSize} rows. The input column holds picture files' bytes (as Spark's
 * {@code binaryFile} source reads them), arrays of pixel values or ML vectors: see {@link #setImagePreparation},
 * {@link #setRescale}. The stage saves and loads as a pipeline stage ({@link #write()}, {@link #load}), with
 * the model file inside its folder.
 */
public final class TatamiClassifierModel extends org.apache.spark.ml.Model<TatamiClassifierModel>
        implements HasInputParams<TatamiClassifierModel>, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ModelBytes model;
    private final InputParams params;
    private final IntParam batchSize;
    private final Param<String> handleInvalid;
    /** The History of the {@link TatamiEstimator} fit that made this stage, if one did in this session. */
    private transient History history;

    TatamiClassifierModel(String uid, ModelBytes model) {
        this.uid = uid;
        this.model = model;
        this.params = new InputParams(this);
        this.batchSize = new IntParam(this, "batchSize", "rows run through the engine at once",
                ParamValidators.gt(0));
        this.handleInvalid = new Param<>(this, "handleInvalid", "what to do with a row whose input is null or"
                + " unreadable: error (fail), skip (drop the row) or keep (null prediction and probability)",
                ParamValidators.inArray(List.of(Scoring.ERROR, Scoring.SKIP, Scoring.KEEP)));
        setDefault(batchSize, 256);
        setDefault(handleInvalid, Scoring.ERROR);
    }

    /** A model file on any file system Hadoop reaches: a local path, {@code hdfs://...}, {@code s3a://...}. */
    public static TatamiClassifierModel fromFile(String location) throws IOException {
        return new TatamiClassifierModel(newUid(), ModelBytes.read(location, hadoopConf()));
    }

    /** A model in memory, shipped as a {@code .tatami} file. */
    public static TatamiClassifierModel of(Model model) {
        return new TatamiClassifierModel(newUid(), ModelBytes.of(model));
    }

    private static String newUid() {
        return Identifiable$.MODULE$.randomUID("tatami");
    }

    private static Configuration hadoopConf() {
        return SparkSession.active().sparkContext().hadoopConfiguration();
    }

    @Override
    public String uid() {
        return uid;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> handleInvalid() {
        return handleInvalid;
    }

    public TatamiClassifierModel setBatchSize(int rows) {
        set(batchSize, rows);
        return this;
    }

    /** {@code error} (default), {@code skip} or {@code keep}, as Spark ML's transformers take it. */
    public TatamiClassifierModel setHandleInvalid(String mode) {
        set(handleInvalid, mode);
        return this;
    }

    /** The History of the {@link TatamiEstimator} fit that made this stage; null if none did in this session. */
    public History history() {
        return history;
    }

    TatamiClassifierModel withHistory(History fitted) {
        this.history = fitted;
        return this;
    }

    @Override
    public InputParams inputParams() {
        return params;
    }

    /** The model in the stage, loaded. */
    public Model model() {
        return model.load();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ColumnReader.check(schema, $(params.inputCol), true);
        StructType out = schema;
        for (String column : outputColumns()) {
            if (List.of(schema.fieldNames()).contains(column)) {
                throw new IllegalArgumentException("output column '" + column + "' exists already");
            }
        }
        out = out.add($(params.outputCol), DataTypes.DoubleType, true);
        if (!$(params.probabilityCol).isEmpty()) {
            out = out.add($(params.probabilityCol), SQLDataTypes.VectorType(), true);
        }
        return out;
    }

    private List<String> outputColumns() {
        String p = $(params.probabilityCol);
        return p.isEmpty() ? List.of($(params.outputCol)) : List.of($(params.outputCol), p);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ModelShape shape = ExecutorModels.withModel(model, m -> ModelShape.of(m, model.fileName()));
        Broadcast<ModelBytes> file = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
                .broadcast(model);
        Scoring scoring = new Scoring(file, shape, dataset.schema(), $(params.inputCol), params.format(this),
                (Integer) $(batchSize), !$(params.probabilityCol).isEmpty(), $(handleInvalid));
        return dataset.toDF().mapPartitions(scoring, Encoders.row(out));
    }

    @Override
    public TatamiClassifierModel copy(ParamMap extra) {
        TatamiClassifierModel copy = copyValues(new TatamiClassifierModel(uid, model), extra).setParent(parent());
        copy.history = history;
        return copy;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark ML finds a stage's reader by this static method when it loads a pipeline. */
    public static MLReader<TatamiClassifierModel> read() {
        return new Reader();
    }

    public static TatamiClassifierModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "TatamiClassifierModel: uid=" + uid + ", model=" + model.fileName();
    }

    /** The stage's folder: Spark ML's metadata (the params), and the model file in {@code model/}. */
    private static final class Writer extends MLWriter {
        private final TatamiClassifierModel stage;

        Writer(TatamiClassifierModel stage) {
            this.stage = stage;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
            try {
                stage.model.writeTo(new Path(path, "model"), sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot write the model file", e);
            }
        }
    }

    private static final class Reader extends MLReader<TatamiClassifierModel> {
        @Override
        public TatamiClassifierModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    TatamiClassifierModel.class.getName());
            Path dir = new Path(path, "model");
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                FileStatus[] files = fs.listStatus(dir);
                if (files.length != 1) {
                    throw new IOException(dir + ": expected one model file, found " + files.length);
                }
                ModelBytes model = ModelBytes.read(files[0].getPath().toString(), sc().hadoopConfiguration());
                TatamiClassifierModel stage = new TatamiClassifierModel(metadata.uid(), model);
                metadata.getAndSetParams(stage, Option.empty());
                return stage;
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot read the model file", e);
            }
        }
    }
}
