package org.tatami.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tatami.callbacks.Callback;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * tatami on two executor JVMs of their own (local-cluster: a master and a worker in this JVM): the
 * executors load the model and compute the same bits as this JVM, and training survives an executor
 * JVM killed in the middle of it with the weights unchanged.
 */
class LocalClusterTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.localCluster();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void executorsScoreWithTheBitsOfPredict() {
        Model model = TestData.trainedSeedModel();
        float[] expected = model.predict(TestData.scaled(TestData.mnist().test())).data();
        List<Row> rows = TatamiClassifierModel.of(model).setInputCol("pixels")
                .transform(SparkData.mnist(spark, "test", 2)).select("probability").collectAsList();
        assertEquals(10_000, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Vector v = rows.get(i).getAs(0);
            float[] got = new float[10];
            float[] want = new float[10];
            for (int c = 0; c < 10; c++) {
                got[c] = (float) v.apply(c);
                want[c] = expected[i * 10 + c];
            }
            assertArrayEquals(want, got, "image " + i);
        }
    }

    @Test
    void aKilledExecutorDoesNotChangeTheWeights() throws Exception {
        FitOptions options = new FitOptions().batchSize(1024).epochs(2).verbose(0);
        Model clean = TestData.seedModel(0);
        History h1 = trainer().fit(clean, SparkData.mnist(spark, "test", 2), options);

        AtomicInteger removed = new AtomicInteger();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                removed.incrementAndGet();
            }
        });
        Model model = TestData.seedModel(0);
        // In epoch 1, after step 4: kill an executor's JVM 50 ms later, while step 5 runs on it.
        Callback killer = new Callback() {
            private int epoch;

            @Override
            public void onEpochBegin(int e) {
                epoch = e;
            }

            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                if (epoch == 0 && step == 4) {
                    Thread kill = new Thread(() -> {
                        sleep(50);
                        // The worker in this JVM starts the executors: this JVM's only java child processes.
                        ProcessHandle.current().children()
                                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                                .findFirst().orElseThrow().destroyForcibly();
                    });
                    kill.start();
                }
            }
        };
        History h2 = trainer().fit(model, SparkData.mnist(spark, "test", 2), options.callbacks(killer));
        assertTrue(removed.get() >= 1, "an executor was lost");
        for (int i = 0; i < clean.getWeights().size(); i++) {
            Tensor a = clean.getWeights().get(i);
            assertArrayEquals(a.data(), model.getWeights().get(i).data(), "weight " + i);
        }
        assertEquals(h1.history(), h2.history());
    }

    private static SparkTrainer trainer() {
        return new SparkTrainer().inputCol("pixels").labelCol("label");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
