package org.tatami.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.tatami.Tatami;
import org.tatami.callbacks.Callback;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.data.Mnist;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;

/**
 * The figures of tatami-spark's README: batch inference of the 10,000 MNIST test images and the seed
 * workload trained on two partitions, each against one machine, with where the time goes.
 *
 * <pre>
 * SparkBench infer MODEL.tatami PNG_DIR local|cluster
 * SparkBench train local|cluster EPOCHS
 * </pre>
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = args[args[0].equals("infer") ? 3 : 1].equals("cluster") ? SparkSessions.localCluster()
                : SparkSessions.local();
        try {
            if (args[0].equals("infer")) {
                infer(spark, Model.load(Path.of(args[1])), Path.of(args[2]));
            } else {
                train(spark, Integer.parseInt(args[2]));
            }
        } finally {
            spark.stop();
        }
    }

    // ---- inference ----

    private static void infer(SparkSession spark, Model model, Path pngs) throws Exception {
        Mnist.Split test = TestData.mnist().test();
        if (!Files.isDirectory(pngs)) {
            TestData.writePngs(pngs, 0, 10_000);
        }
        Tensor x = TestData.scaled(test);
        float[] local = null;
        double engine = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t = System.nanoTime();
            local = model.predict(x).data();
            engine = Math.min(engine, seconds(t));
        }
        int[] localClass = argMax(local);
        System.out.printf(Locale.ROOT, "one machine: model.predict, %d threads: %.3f s = %,.0f images/s;"
                + " accuracy %.4f%n", Tatami.threads(), engine, 10_000 / engine, accuracy(localClass, test));

        Dataset<Row> arrays = cached(SparkData.mnist(spark, "test", 2));
        Dataset<Row> files = SparkData.imageFolder(spark, pngs.toString());
        Dataset<Row> bytes = cached(files.coalesce(2));
        TatamiClassifierModel stage = TatamiClassifierModel.of(model).setBatchSize(1000);
        report("pixel arrays (cached)", spark, stage.copy(stage.extractParamMap()).setInputCol("pixels"), arrays,
                localClass, test);
        report("PNG bytes, pixels (cached)", spark, stage.copy(stage.extractParamMap()).setInputCol("content")
                .setImagePreparation("pixels"), bytes, localClass, test);
        report("PNG files, pixels (binaryFile)", spark, stage.copy(stage.extractParamMap()).setInputCol("content")
                .setImagePreparation("pixels"), files, localClass, test);
        // Small files: Spark counts each as 4 MB more than its size when it packs files into partitions
        // (spark.sql.files.openCostInBytes), which makes 313 partitions of these 10,000 pictures; 64 KB makes 5.
        int partitions = files.rdd().getNumPartitions();
        spark.conf().set("spark.sql.files.openCostInBytes", "65536");
        Dataset<Row> packed = SparkData.imageFolder(spark, pngs.toString());
        System.out.printf("binaryFile partitions: %d by default, %d with openCostInBytes=64k%n", partitions,
                packed.rdd().getNumPartitions());
        report("PNG files, pixels (binaryFile, 64k)", spark, stage.copy(stage.extractParamMap()).setInputCol("content")
                .setImagePreparation("pixels"), packed, localClass, test);
        spark.conf().unset("spark.sql.files.openCostInBytes");
        int[] digits = digitClasses(model, pngs);
        report("PNG bytes, digit (cached)", spark, stage.copy(stage.extractParamMap()).setInputCol("content"), bytes,
                digits, test);
        // Measured again at the end: the first variant timed on a data set pays for warming its path up.
        report("PNG bytes, pixels (cached)", spark, stage.copy(stage.extractParamMap()).setInputCol("content")
                .setImagePreparation("pixels"), bytes, localClass, test);
        report("pixel arrays (cached)", spark, stage.copy(stage.extractParamMap()).setInputCol("pixels"), arrays,
                localClass, test);

        // Where the time of the cached pixel arrays goes.
        double rows = best(() -> arrays.mapPartitions((MapPartitionsFunction<Row, Row>) it -> it,
                Encoders.row(arrays.schema())).write().format("noop").mode("overwrite").save());
        double read = best(() -> arrays.mapPartitions(readInputs(arrays, "pixels"), Encoders.LONG()).write()
                .format("noop").mode("overwrite").save());
        double decode = best(() -> bytes.mapPartitions(readInputs(bytes, "content"), Encoders.LONG()).write()
                .format("noop").mode("overwrite").save());
        System.out.printf(Locale.ROOT, "rows in and out of a mapPartitions, nothing else: %.3f s; reading the pixel"
                + " arrays into floats too: %.3f s; PNG bytes decoded into floats: %.3f s%n", rows, read, decode);
    }

    private static Dataset<Row> cached(Dataset<Row> rows) {
        Dataset<Row> c = rows.persist(StorageLevel.MEMORY_ONLY());
        c.count();
        return c;
    }

    private static MapPartitionsFunction<Row, Long> readInputs(Dataset<Row> rows, String column) {
        InputFormat format = column.equals("content") ? new InputFormat("pixels", "auto", 1 / 255.0, 0)
                : InputFormat.DEFAULT;
        org.apache.spark.sql.types.StructType schema = rows.schema();
        return it -> {
            ColumnReader reader = ColumnReader.inputs(schema, column, format, 784);
            float[] x = new float[784];
            long n = 0;
            while (it.hasNext()) {
                reader.read(it.next(), x, 0);
                n++;
            }
            return List.of(n).iterator();
        };
    }

    private static void report(String what, SparkSession spark, TatamiClassifierModel stage, Dataset<Row> rows,
                               int[] expected, Mnist.Split test) {
        double s = best(() -> stage.transform(rows).write().format("noop").mode("overwrite").save());
        List<Row> scored = stage.transform(rows).select(rows.columns().length > 2 ? "path" : "label", "prediction",
                "label").collectAsList();
        int mismatches = 0;
        int correct = 0;
        for (int i = 0; i < scored.size(); i++) {
            Row r = scored.get(i);
            int image = r.schema().fieldNames()[0].equals("path") ? index(r.getString(0)) : i;
            int predicted = (int) r.getDouble(1);
            mismatches += predicted == expected[image] ? 0 : 1;
            correct += predicted == r.getInt(2) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "%-32s %.3f s = %,6.0f images/s; accuracy %.4f; %d of %d predictions differ"
                + " from the reference%n", what + ":", s, scored.size() / s, correct / (double) scored.size(), mismatches,
                scored.size());
    }

    /** What {@code tatami predict} says of each PNG file: Images.loadDigit, then the model. */
    private static int[] digitClasses(Model model, Path pngs) throws Exception {
        int[] out = new int[10_000];
        List<Path> files;
        try (var walk = Files.walk(pngs)) {
            files = walk.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        float[] batch = new float[files.size() * 784];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(Images.loadDigit(files.get(i), Invert.AUTO).data(), 0, batch, i * 784, 784);
        }
        int[] classes = argMax(model.predict(Tensor.of(batch, files.size(), 28, 28, 1)).data());
        for (int i = 0; i < files.size(); i++) {
            out[index(files.get(i).toString())] = classes[i];
        }
        return out;
    }

    // ---- training ----

    private static void train(SparkSession spark, int epochs) throws Exception {
        Mnist.Split train = TestData.mnist().train();
        Mnist.Split test = TestData.mnist().test();
        Model local = TestData.seedModel(0);
        long t = System.nanoTime();
        History lh = local.fit(TestData.scaled(train), train.labels(), new FitOptions().batchSize(4096).epochs(epochs)
                .verbose(2).validationData(TestData.scaled(test), test.labels()));
        double localSeconds = seconds(t);
        int steps = epochs * 15;
        System.out.printf(Locale.ROOT, "local fit: %.2f s, %.1f ms/step (validation included); val_accuracy %s%n",
                localSeconds, 1000 * localSeconds / steps, lh.get("val_accuracy"));

        StepTimes times = new StepTimes();
        spark.sparkContext().addSparkListener(times);
        List<String> digests = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Model model = TestData.seedModel(0);
            times.clear();
            t = System.nanoTime();
            FitOptions options = new FitOptions().batchSize(4096).epochs(epochs).verbose(2)
                    .callbacks(times.stepTimer());
            History h = new SparkTrainer().inputCol("pixels").labelCol("label").fit(model,
                    SparkData.mnist(spark, "train", 2), options, SparkData.mnist(spark, "test", 2));
            double s = seconds(t);
            digests.add(digest(model));
            System.out.printf(Locale.ROOT, "spark run %d: %.2f s in all; val_accuracy %s; weights SHA-256 %s%n", run + 1,
                    s, h.get("val_accuracy"), digests.get(run).substring(0, 16));
            System.out.printf(Locale.ROOT, "  relative L2 difference of the weights to local fit: %.2e; last"
                    + " val_accuracy difference %.4f%n", SparkTrainerTest.relativeDifference(local.getWeights(),
                            model.getWeights()), h.get("val_accuracy").get(epochs - 1)
                            - lh.get("val_accuracy").get(epochs - 1));
            times.print();
        }
        System.out.println("bit-identical runs: " + digests.get(0).equals(digests.get(1)));
    }

    private static String digest(Model model) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Tensor w : model.getWeights()) {
            for (float v : w.data()) {
                int b = Float.floatToRawIntBits(v);
                sha.update(new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Per training step: the driver's wall time, the step's Spark job (submission to end), and per task
     * its run time, deserialization and result serialization, result size and scheduler delay.
     */
    private static final class StepTimes extends SparkListener {
        private final List<long[]> jobs = new ArrayList<>();
        private final List<long[]> tasks = new ArrayList<>();
        private final List<Long> stepWall = new ArrayList<>();
        private long jobStart;

        synchronized void clear() {
            jobs.clear();
            tasks.clear();
            stepWall.clear();
        }

        @Override
        public synchronized void onJobStart(SparkListenerJobStart e) {
            jobStart = e.time();
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd e) {
            jobs.add(new long[] {jobStart, e.time()});
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
            var m = e.taskMetrics();
            var info = e.taskInfo();
            long duration = info.finishTime() - info.launchTime();
            long schedulerDelay = Math.max(0, duration - m.executorRunTime() - m.executorDeserializeTime()
                    - m.resultSerializationTime() - info.gettingResultTime());
            tasks.add(new long[] {m.executorRunTime(), m.executorDeserializeTime(), m.resultSerializationTime(),
                    m.resultSize(), schedulerDelay, m.jvmGCTime()});
        }

        Callback stepTimer() {
            return new Callback() {
                private long last;

                @Override
                public void onEpochBegin(int epoch) {
                    last = System.nanoTime();
                }

                @Override
                public void onBatchEnd(int step, Map<String, Double> logs) {
                    long now = System.nanoTime();
                    synchronized (StepTimes.this) {
                        stepWall.add(now - last);
                    }
                    last = now;
                }
            };
        }

        synchronized void print() {
            // The steps' jobs are the ones with two tasks of a gradient result (the largest results).
            long[] wall = stepWall.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] jobMs = jobs.stream().mapToLong(j -> j[1] - j[0]).sorted().toArray();
            double[] med = new double[6];
            List<long[]> stepTasks = tasks.stream().filter(t -> t[3] > 100_000).toList();
            for (int k = 0; k < 6; k++) {
                int kk = k;
                long[] v = stepTasks.stream().mapToLong(t -> t[kk]).sorted().toArray();
                med[k] = v.length == 0 ? 0 : v[v.length / 2];
            }
            System.out.printf(Locale.ROOT, "  per step (median of %d): driver wall %.1f ms; Spark job %.1f ms (median"
                    + " of all %d jobs); per task: compute %.0f ms, deserialize %.0f ms, result serialize %.0f ms,"
                    + " result %,.0f bytes, scheduler delay %.0f ms, GC %.0f ms%n", wall.length,
                    wall[wall.length / 2] / 1e6, (double) jobMs[jobMs.length / 2], jobMs.length, med[0], med[1], med[2],
                    med[3], med[4], med[5]);
        }
    }

    // ---- helpers ----

    /** The fastest of 3 runs after 2 untimed ones: the executors' JIT compiles the code paths first. */
    private static double best(Runnable job) {
        job.run();
        job.run();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t = System.nanoTime();
            job.run();
            best = Math.min(best, seconds(t));
        }
        return best;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static int[] argMax(float[] p) {
        int[] out = new int[p.length / 10];
        for (int i = 0; i < out.length; i++) {
            out[i] = Tensor.argmax(p, i * 10, 10);
        }
        return out;
    }

    private static double accuracy(int[] classes, Mnist.Split test) {
        int correct = 0;
        for (int i = 0; i < classes.length; i++) {
            correct += classes[i] == test.labels().get(i) ? 1 : 0;
        }
        return correct / (double) classes.length;
    }

    private static int index(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }
}
