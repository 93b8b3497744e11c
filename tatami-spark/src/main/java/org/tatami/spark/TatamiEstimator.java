package org.tatami.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.tatami.callbacks.Callback;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;

/**
 * Trains a compiled tatami model on a DataFrame, as a Spark ML {@link Estimator}: {@code fit} runs
 * {@link SparkTrainer} (synchronous data-parallel training, the batches and optimizer of a local fit)
 * on a fresh copy of the model and returns a {@link TatamiClassifierModel} holding the trained model.
 *
 * <pre>{@code
 * TatamiEstimator estimator = new TatamiEstimator(model).setInputCol("pixels").setLabelCol("label")
 *         .setBatchSize(4096).setEpochs(5);
 * TatamiClassifierModel trained = estimator.fit(SparkData.mnist(spark, "train", 2));
 * trained.history().get("accuracy");
 * }</pre>
 *
 * Callbacks and validation data are given to the estimator ({@link #setCallbacks}, {@link #setValidationData})
 * and run on the driver as in a local fit; they are not params and do not travel with copies.
 */
public final class TatamiEstimator extends Estimator<TatamiClassifierModel>
        implements HasInputParams<TatamiEstimator> {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ModelBytes model;
    private final InputParams params;
    private final Param<String> labelCol;
    private final IntParam batchSize;
    private final IntParam epochs;
    private final BooleanParam shuffle;
    private final IntParam verbose;
    private transient List<Callback> callbacks = new ArrayList<>();
    private transient Dataset<Row> validation;

    /** Trains copies of {@code model}, which must be compiled (its optimizer, loss and metrics are used). */
    public TatamiEstimator(Model model) {
        this(Identifiable$.MODULE$.randomUID("tatamiEstimator"), ModelBytes.of(model));
    }

    private TatamiEstimator(String uid, ModelBytes model) {
        this.uid = uid;
        this.model = model;
        this.params = new InputParams(this);
        labelCol = new Param<>(this, "labelCol", "the targets: class indices, or arrays or vectors of target values");
        batchSize = new IntParam(this, "batchSize", "samples per step (the global batch)", ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "passes over the data", ParamValidators.gtEq(0));
        shuffle = new BooleanParam(this, "shuffle", "whether the samples are shuffled before every epoch");
        verbose = new IntParam(this, "verbose", "0: silent, 1: progress bar, 2: one line per epoch",
                ParamValidators.inRange(0, 2));
        setDefault(labelCol, "label");
        setDefault(batchSize, 32);
        setDefault(epochs, 1);
        setDefault(shuffle, true);
        setDefault(verbose, 1);
    }

    /** A compiled model from a file any Hadoop file system reaches ({@code .tatami}, {@code .keras}, {@code .h5}). */
    public static TatamiEstimator fromFile(String location) throws IOException {
        return new TatamiEstimator(Identifiable$.MODULE$.randomUID("tatamiEstimator"),
                ModelBytes.read(location, SparkSession.active().sparkContext().hadoopConfiguration()));
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public InputParams inputParams() {
        return params;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam epochs() {
        return epochs;
    }

    public BooleanParam shuffle() {
        return shuffle;
    }

    public IntParam verbose() {
        return verbose;
    }

    public TatamiEstimator setLabelCol(String column) {
        set(labelCol, column);
        return this;
    }

    public TatamiEstimator setBatchSize(int samples) {
        set(batchSize, samples);
        return this;
    }

    public TatamiEstimator setEpochs(int count) {
        set(epochs, count);
        return this;
    }

    public TatamiEstimator setShuffle(boolean on) {
        set(shuffle, on);
        return this;
    }

    public TatamiEstimator setVerbose(int level) {
        set(verbose, level);
        return this;
    }

    /** Callbacks of the fit (Keras's), run on the driver; the model they see is the one being trained. */
    public TatamiEstimator setCallbacks(Callback... more) {
        callbacks = List.of(more);
        return this;
    }

    /** Rows (same columns as the training data) evaluated after every epoch: {@code val_loss}, {@code val_accuracy}. */
    public TatamiEstimator setValidationData(Dataset<Row> rows) {
        validation = rows;
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ColumnReader.check(schema, $(params.inputCol), true);
        ColumnReader.check(schema, $(labelCol), false);
        return schema;
    }

    @Override
    public TatamiClassifierModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Model trained = model.load();
        FitOptions options = new FitOptions().batchSize((Integer) $(batchSize)).epochs((Integer) $(epochs))
                .shuffle((Boolean) $(shuffle)).verbose((Integer) $(verbose))
                .callbacks(callbacks == null ? new Callback[0] : callbacks.toArray(Callback[]::new));
        History history = new SparkTrainer().inputCol($(params.inputCol)).labelCol($(labelCol))
                .inputFormat(params.format(this)).fit(trained, dataset.toDF(), options, validation);
        TatamiClassifierModel stage = TatamiClassifierModel.of(trained).withHistory(history).setParent(this);
        InputParams out = stage.inputParams();
        stage.set(out.inputCol, $(params.inputCol));
        stage.set(out.outputCol, $(params.outputCol));
        stage.set(out.probabilityCol, $(params.probabilityCol));
        stage.set(out.imagePreparation, $(params.imagePreparation));
        stage.set(out.invert, $(params.invert));
        stage.set(out.rescale, $(params.rescale));
        stage.set(out.offset, $(params.offset));
        return stage;
    }

    @Override
    public TatamiEstimator copy(ParamMap extra) {
        TatamiEstimator copy = copyValues(new TatamiEstimator(uid, model), extra);
        copy.callbacks = callbacks;
        copy.validation = validation;
        return copy;
    }
}
