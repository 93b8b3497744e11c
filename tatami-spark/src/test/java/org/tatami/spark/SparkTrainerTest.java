package org.tatami.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.callbacks.CSVLogger;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.ModelCheckpoint;
import org.tatami.data.Mnist;
import org.tatami.layers.BatchNormalization;
import org.tatami.losses.Loss;
import org.tatami.losses.LossRegistry;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.tensor.Tensor;

/**
 * Data-parallel training on a local[2] session, on MNIST's 10,000 test images (batch 1024, 2 epochs, 20
 * steps): against local {@code fit}, run against run, and with a task that fails once.
 */
class SparkTrainerTest {
    private static final int BATCH = 1024;
    private static final int EPOCHS = 2;
    private static SparkSession spark;
    private static Mnist.Split data;
    /** The weights and History of the local fit that the Spark runs are held against. */
    private static List<Tensor> localWeights;
    private static History localHistory;
    /** The same on Spark, 2 partitions: what the other runs on 2 partitions must give, bit for bit. */
    private static List<Tensor> sparkWeights;
    private static History sparkHistory;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local();
        data = TestData.mnist().test();
        Model local = TestData.seedModel(0);
        localHistory = local.fit(TestData.scaled(data), data.labels(), options());
        localWeights = local.getWeights();
        Model onSpark = TestData.seedModel(0);
        sparkHistory = trainer().fit(onSpark, rows(2), options());
        sparkWeights = onSpark.getWeights();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static FitOptions options() {
        return new FitOptions().batchSize(BATCH).epochs(EPOCHS).verbose(0);
    }

    private static Dataset<Row> rows(int partitions) {
        return SparkData.mnist(spark, "test", partitions);
    }

    private static SparkTrainer trainer() {
        return new SparkTrainer().inputCol("pixels").labelCol("label");
    }

    @Test
    void onePartitionGivesTheBitsOfLocalFit() {
        Model model = TestData.seedModel(0);
        History history = trainer().fit(model, rows(1), options());
        assertWeightsEqual(localWeights, model.getWeights());
        assertEquals(localHistory.history(), history.history());
    }

    @Test
    void twoPartitionsAreBitIdenticalRunToRunAndLocalWithinRounding() {
        Model again = TestData.seedModel(0);
        History h = trainer().fit(again, rows(2), options());
        assertWeightsEqual(sparkWeights, again.getWeights());
        assertEquals(sparkHistory.history(), h.history());

        // The same per-sample gradients added in another order: float rounding, which 20 Adam steps carry
        // on. Measured: a relative L2 difference of 1.4e-7 in the weights, 1e-8 in the loss.
        double diff = relativeDifference(localWeights, sparkWeights);
        assertTrue(diff > 0 && diff < 1e-5, "relative L2 difference to local fit: " + diff);
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(localHistory.get("loss").get(e), h.get("loss").get(e), 1e-6);
            assertEquals(localHistory.get("accuracy").get(e), h.get("accuracy").get(e), 1e-3);
        }
    }

    @Test
    void validatesOnADataFrameAsOnTensors() {
        Model onRows = TestData.seedModel(0);
        History h = trainer().fit(onRows, rows(2), options(), rows(3));
        assertWeightsEqual(sparkWeights, onRows.getWeights());
        Map<String, Double> local = onRows.evaluate(TestData.scaled(data), data.labels());
        assertEquals(local.get("loss"), h.get("val_loss").get(EPOCHS - 1), 1e-12);
        assertEquals(local.get("accuracy"), h.get("val_accuracy").get(EPOCHS - 1), 1e-12);
    }

    @Test
    void theEstimatorTrainsAsTheTrainerInAPipeline() {
        TatamiEstimator estimator = new TatamiEstimator(TestData.seedModel(0)).setInputCol("pixels")
                .setBatchSize(BATCH).setEpochs(EPOCHS).setVerbose(0);
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {estimator}).fit(rows(2));
        TatamiClassifierModel stage = (TatamiClassifierModel) pipeline.stages()[0];
        assertWeightsEqual(sparkWeights, stage.model().getWeights());
        assertEquals(sparkHistory.history(), stage.history().history());
        assertEquals(estimator, stage.parent());
        List<Row> scored = pipeline.transform(rows(1)).select("probability").limit(20).collectAsList();
        float[] p = stage.model().predict(TestData.scaled(data).slice(0, 20)).data();
        for (int i = 0; i < scored.size(); i++) {
            org.apache.spark.ml.linalg.Vector v = scored.get(i).getAs(0);
            for (int c = 0; c < 10; c++) {
                assertEquals(p[i * 10 + c], (float) v.apply(c), 0f);
            }
        }
    }

    @Test
    void sparkTrainTrainsOnParquetAsTheTrainer(@TempDir Path dir) throws Exception {
        String rows = dir.resolve("rows.parquet").toString();
        SparkData.mnist(spark, "test", 2).write().parquet(rows);
        String out = dir.resolve("run").toString();
        assertEquals(0, SparkCommands.commandLine("spark-train", new SparkTrain()).execute("--data", rows,
                "--validation", rows, "--input-col", "pixels", "--epochs", "1", "--batch-size", String.valueOf(BATCH),
                "--out", out, "--quiet"));
        Model trained = Model.load(Path.of(out, "model.tatami"));
        Model expected = TestData.seedModel(0);
        Dataset<Row> parquet = spark.read().parquet(rows);
        History history = trainer().fit(expected, parquet, options().epochs(1), parquet);
        assertWeightsEqual(expected.getWeights(), trained.getWeights());
        List<String> csv = Files.readAllLines(Path.of(out, "history.csv"));
        String[] expectedCsv = history.toCsv().split("\n");
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds", csv.get(0));
        assertEquals(expectedCsv[0], csv.get(0));
        // The figures; not the epoch's wall seconds, the last column, which no two runs share.
        assertEquals(expectedCsv[1].substring(0, expectedCsv[1].lastIndexOf(',')),
                csv.get(1).substring(0, csv.get(1).lastIndexOf(',')));
        assertEquals(2, SparkCommands.commandLine("spark-train", new SparkTrain())
                .execute("--epochs", "0", "--out", out));
    }

    /**
     * Sparse categorical cross-entropy, except that the task attempt making the 100th loss computation (in
     * the 7th step or so) fails, once per JVM.
     */
    public static final class FailOnce extends Loss {
        static final AtomicInteger CALLS = new AtomicInteger();
        static final AtomicInteger FAILURES = new AtomicInteger();
        private final SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();

        @Override
        public String name() {
            return "fail_once";
        }

        @Override
        public int targetWidth(int outputWidth) {
            return loss.targetWidth(outputWidth);
        }

        @Override
        public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
            failOnce();
            return loss.compute(yPred, yTrue, rows, width, grad, scale);
        }

        @Override
        public boolean fusesWithSoftmax() {
            return loss.fusesWithSoftmax();
        }

        @Override
        public double computeFromSoftmax(float[] probs, float[] yTrue, int rows, int width, float[] gradLogits,
                                         float scale) {
            failOnce();
            return loss.computeFromSoftmax(probs, yTrue, rows, width, gradLogits, scale);
        }

        @Override
        public void checkTargets(float[] yTrue, int rows, int width) {
            loss.checkTargets(yTrue, rows, width);
        }

        private static void failOnce() {
            TaskContext task = TaskContext.get();
            if (task != null && task.attemptNumber() == 0 && CALLS.incrementAndGet() == 100
                    && FAILURES.getAndIncrement() == 0) {
                throw new IllegalStateException("injected failure in task " + task.taskAttemptId());
            }
        }
    }

    @Test
    void aFailedTaskIsRunAgainWithoutChangingTheWeights() {
        LossRegistry.register("fail_once", FailOnce::new);
        Model failing = TestData.seedModel(0);
        failing.compile(new Adam(0.01), new FailOnce(), "accuracy");
        History h = trainer().fit(failing, rows(2), options());
        assertEquals(1, FailOnce.FAILURES.get(), "one task attempt failed");
        assertWeightsEqual(sparkWeights, failing.getWeights());
        assertEquals(sparkHistory.history(), h.history());
    }

    @Test
    void callbacksAndCheckpointsWorkAsInFit(@TempDir Path dir) throws Exception {
        Model model = TestData.seedModel(0);
        AtomicInteger batches = new AtomicInteger();
        Callback stopAfterThree = new Callback() {
            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                batches.incrementAndGet();
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch == 2) {
                    model.stopTraining(true);
                }
            }
        };
        History history = trainer().fit(model, rows(2), new FitOptions().batchSize(4096).epochs(10).verbose(0)
                .callbacks(stopAfterThree, new ModelCheckpoint(dir.resolve("ckpt-{epoch:02d}.tatami").toString()),
                        new CSVLogger(dir.resolve("log.csv"))));
        assertEquals(3, history.epochs());
        assertEquals(9, batches.get());
        assertTrue(Files.exists(dir.resolve("ckpt-03.tatami")));
        assertFalse(Files.exists(dir.resolve("ckpt-04.tatami")));
        assertWeightsEqual(model.getWeights(), Model.load(dir.resolve("ckpt-03.tatami")).getWeights());
        assertEquals(4, Files.readAllLines(dir.resolve("log.csv")).size());
    }

    @Test
    void refusesBatchNormalizationInTraining() {
        Model model = new Sequential(new Conv2D(2, 3).inputShape(28, 28, 1), new BatchNormalization(),
                new Flatten(), new Dense(10).activation("softmax"));
        model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer().fit(model, rows(1), options()));
        assertTrue(e.getMessage().contains("(BatchNormalization) uses the statistics of the whole batch"), e.getMessage());
    }

    @Test
    void sharesFollowTheBatchOrderWithinEachPartition() {
        long[] offsets = {0, 3, 3, 7};
        int[][] shares = SparkTrainer.shares(new int[] {6, 0, 3, 2, 5, 1, 4}, 1, 5, offsets);
        assertArrayEquals(new int[] {0, 2, 1}, shares[0]);
        assertArrayEquals(new int[0], shares[1]);
        assertArrayEquals(new int[] {0, 2}, shares[2]);
    }

    static void assertWeightsEqual(List<Tensor> expected, List<Tensor> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "weight " + i);
        }
    }

    static double relativeDifference(List<Tensor> expected, List<Tensor> actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.size(); i++) {
            float[] a = expected.get(i).data();
            float[] b = actual.get(i).data();
            for (int j = 0; j < a.length; j++) {
                diff += (double) (a[j] - b[j]) * (a[j] - b[j]);
                norm += (double) a[j] * a[j];
            }
        }
        assertNotEquals(0, norm);
        return Math.sqrt(diff / norm);
    }
}
