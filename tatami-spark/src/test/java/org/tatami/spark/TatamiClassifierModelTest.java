package org.tatami.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.interop.onnx.OnnxExport;
import org.tatami.models.Model;
import org.tatami.tensor.Tensor;
import picocli.CommandLine;

/** Batch inference on a local[2] session: the same outputs as {@code model.predict}, for every input kind. */
class TatamiClassifierModelTest {
    private static SparkSession spark;
    private static Model model;
    /** The trained model's probabilities for the 10,000 test images, as the seed feeds them. */
    private static float[] expected;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local();
        model = TestData.trainedSeedModel();
        expected = model.predict(TestData.scaled(TestData.mnist().test())).data();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void pixelArraysGiveTheBitsOfPredict() {
        Dataset<Row> test = SparkData.mnist(spark, "test", 3);
        List<Row> rows = TatamiClassifierModel.of(model).setInputCol("pixels").setBatchSize(500).transform(test)
                .select("label", "prediction", "probability").collectAsList();
        assertEquals(10_000, rows.size());
        assertMatchesPredict(rows, 0);
    }

    @Test
    void mlVectorsGiveTheBitsOfPredict() {
        Dataset<Row> test = SparkData.mnist(spark, "test", 2).limit(1000)
                .withColumn("features", org.apache.spark.ml.functions.array_to_vector(functions.col("pixels")));
        List<Row> rows = TatamiClassifierModel.of(model).transform(test)
                .select("label", "prediction", "probability").collectAsList();
        assertEquals(1000, rows.size());
        assertMatchesPredict(rows, 0);
    }

    @Test
    void pngBytesAsPixelsGiveTheBitsOfPredict(@TempDir Path dir) throws Exception {
        TestData.writePngs(dir, 100, 300);
        List<Row> rows = TatamiClassifierModel.of(model).setInputCol("content").setImagePreparation("pixels")
                .transform(SparkData.imageFolder(spark, dir.toString()))
                .select("path", "label", "prediction", "probability").collectAsList();
        assertEquals(300, rows.size());
        for (Row r : rows) {
            int i = index(r.getString(0));
            assertEquals(TestData.mnist().test().labels().get(i), r.getInt(1), "label from the folder name");
            assertProbabilities(r.getAs(3), i);
        }
    }

    @Test
    void pngBytesAsDigitsAreReadAsTatamiPredictReadsFiles(@TempDir Path dir) throws Exception {
        TestData.writePngs(dir, 0, 50);
        List<Row> rows = TatamiClassifierModel.of(model).setInputCol("content")
                .transform(SparkData.imageFolder(spark, dir.toString())).select("path", "probability").collectAsList();
        assertEquals(50, rows.size());
        for (Row r : rows) {
            Path file = Path.of(java.net.URI.create(r.getString(0)));
            Tensor digit = Images.loadDigit(file, Invert.AUTO);
            float[] p = model.predict(digit.reshape(1, 28, 28, 1)).data();
            Vector v = r.getAs(1);
            for (int c = 0; c < 10; c++) {
                assertEquals(p[c], (float) v.apply(c), 0f, file.toString());
            }
        }
    }

    @Test
    void savesAndLoadsInAPipeline(@TempDir Path dir) throws Exception {
        Dataset<Row> test = SparkData.mnist(spark, "test", 2).limit(200);
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {
            TatamiClassifierModel.of(model).setInputCol("pixels").setOutputCol("digit").setBatchSize(64)}).fit(test);
        String path = dir.resolve("pipeline").toString();
        pipeline.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        TatamiClassifierModel stage = (TatamiClassifierModel) loaded.stages()[0];
        assertEquals("pixels", stage.getOrDefault(stage.inputCol()));
        assertEquals(64, (Integer) stage.getOrDefault(stage.batchSize()));
        assertMatchesPredict(loaded.transform(test).select("label", "digit", "probability").collectAsList(), 0);
    }

    @Test
    void runsAnOnnxFile(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("seed.onnx");
        OnnxExport.save(model, onnx);
        List<Row> rows = TatamiClassifierModel.fromFile(onnx.toString()).setInputCol("pixels")
                .transform(SparkData.mnist(spark, "test", 2).limit(500)).select("label", "prediction", "probability")
                .collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            Vector v = rows.get(i).getAs(2);
            for (int c = 0; c < 10; c++) {
                assertEquals(expected[i * 10 + c], v.apply(c), 1e-5, "image " + i + ", class " + c);
            }
        }
    }

    @Test
    void handlesAnUnreadablePictureAsAsked(@TempDir Path dir) throws Exception {
        TestData.writePngs(dir, 0, 4);
        Path bad = Files.writeString(dir.resolve("7").resolve("notes.png"), "not a picture");
        Dataset<Row> pictures = SparkData.imageFolder(spark, dir.toString());
        TatamiClassifierModel stage = TatamiClassifierModel.of(model).setInputCol("content");
        SparkException e = assertThrows(SparkException.class, () -> stage.transform(pictures).collectAsList());
        String message = Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause)
                .map(String::valueOf).reduce("", String::concat);
        assertTrue(message.contains("notes.png: not a readable image"), message);
        assertEquals(4, stage.setHandleInvalid("skip").transform(pictures).count());
        List<Row> kept = stage.setHandleInvalid("keep").transform(pictures)
                .where(functions.col("path").endsWith(bad.getFileName().toString())).collectAsList();
        assertEquals(1, kept.size());
        assertNull(kept.get(0).getAs("prediction"));
        assertNull(kept.get(0).getAs("probability"));
    }

    @Test
    void refusesColumnsItCannotRead() {
        Dataset<Row> test = SparkData.mnist(spark, "test", 1);
        TatamiClassifierModel stage = TatamiClassifierModel.of(model);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> stage.transform(test));
        assertEquals("no column 'features'; the columns are [label, pixels]", missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> stage.setInputCol("label").transform(test));
        assertTrue(type.getMessage().startsWith("column 'label' holds int; inputs are"), type.getMessage());
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> stage.setInputCol("pixels").setOutputCol("label").transform(test));
        assertEquals("output column 'label' exists already", exists.getMessage());
    }

    @Test
    void sparkPredictScoresPicturesAndParquetIntoParquet(@TempDir Path dir) throws Exception {
        Path modelFile = dir.resolve("seed.tatami");
        model.save(modelFile);
        TestData.writePngs(dir.resolve("pictures"), 0, 40);
        String scored = dir.resolve("scored").toString();
        assertEquals(0, SparkCommands.commandLine("spark-predict", new SparkPredict()).execute("--model",
                modelFile.toString(), "--pictures", "--images", "pixels", "--input", dir.resolve("pictures").toString(),
                "--output", scored));
        Dataset<Row> out = spark.read().parquet(scored);
        assertEquals(List.of("path", "modificationTime", "length", "prediction", "probability"),
                List.of(out.columns()));
        for (Row r : out.select("path", "probability").collectAsList()) {
            assertProbabilities(r.getAs(1), index(r.getString(0)));
        }

        String rows = dir.resolve("rows.parquet").toString();
        SparkData.mnist(spark, "test", 2).limit(300).write().parquet(rows);
        assertEquals(0, SparkCommands.commandLine("spark-predict", new SparkPredict()).execute("--model",
                modelFile.toString(), "--input", rows, "--input-col", "pixels", "--output", scored, "--overwrite"));
        List<Row> byLabel = spark.read().parquet(scored).orderBy("label").collectAsList();
        assertEquals(300, byLabel.size());
        assertEquals(List.of("label", "prediction", "probability"), List.of(byLabel.get(0).schema().fieldNames()));

        Path notes = Files.writeString(dir.resolve("pictures").resolve("7").resolve("notes.png"), "not a picture");
        CommandLine failing = SparkCommands.commandLine("spark-predict", new SparkPredict());
        StringWriter err = new StringWriter();
        failing.setErr(new PrintWriter(err, true));
        assertEquals(1, failing.execute("--model", modelFile.toString(), "--pictures", "--input",
                dir.resolve("pictures").toString(), "--output", scored, "--overwrite"));
        assertEquals("tatami spark-predict: " + notes.toUri().toString().replace("file:///", "file:/")
                + ": not a readable image (expected PNG, JPEG, GIF or BMP, found text starting \"not a picture\")"
                + " (handleInvalid=skip drops such rows, keep gives them a null prediction)", err.toString().strip());
    }

    /** Rows of (label, prediction, probability) in test-set order from {@code first}: the bits of predict. */
    private static void assertMatchesPredict(List<Row> rows, int first) {
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int image = first + i;
            assertEquals(TestData.mnist().test().labels().get(image), r.getInt(0));
            assertProbabilities(r.getAs(2), image);
            assertEquals(Tensor.argmax(expected, image * 10, 10), r.getDouble(1), 0.0);
        }
    }

    private static void assertProbabilities(Vector v, int image) {
        float[] got = new float[10];
        for (int c = 0; c < 10; c++) {
            got[c] = (float) v.apply(c);
        }
        float[] want = new float[10];
        System.arraycopy(expected, image * 10, want, 0, 10);
        assertArrayEquals(want, got, "image " + image);
    }

    private static int index(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }
}
