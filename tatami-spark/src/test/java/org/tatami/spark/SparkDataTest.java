package org.tatami.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.data.Mnist;

/** The DataFrames of {@link SparkData}, read by the executors of a local[2] session. */
class SparkDataTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void mnistIsTheBundledFilesInOrderInConsecutivePartitions(@TempDir Path dir) throws Exception {
        for (String file : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            try (InputStream in = Mnist.class.getResourceAsStream("mnist/" + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        Mnist.Split test = TestData.mnist().test();
        for (Dataset<Row> rows : List.of(SparkData.mnist(spark, "test", 3),
                SparkData.mnist(spark, dir.toUri().toString(), "test", 3))) {
            assertEquals(3, rows.rdd().getNumPartitions());
            List<Row> all = rows.collectAsList();
            assertEquals(10_000, all.size());
            for (int i : new int[] {0, 3333, 3334, 9999}) {
                assertEquals(test.labels().get(i), all.get(i).getInt(0));
                List<Float> pixels = all.get(i).getList(1);
                float[] got = new float[784];
                for (int j = 0; j < 784; j++) {
                    got[j] = pixels.get(j);
                }
                assertArrayEquals(test.images().get(i).reshape(784).data(), got, "image " + i);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkData.mnist(spark, "validation", 2));
        assertEquals("split must be train or test, got 'validation'", e.getMessage());
    }

    @Test
    void imageFoldersAreLabelledByTheirSortedNames(@TempDir Path dir) throws Exception {
        TestData.writePngs(dir, 0, 100);
        List<Row> rows = SparkData.imageFolder(spark, dir.toString()).select("path", "label").collectAsList();
        assertEquals(100, rows.size());
        for (Row r : rows) {
            String path = r.getString(0);
            String folder = path.substring(0, path.lastIndexOf('/'));
            // The test images' folders are their digits; every digit appears in the first 100.
            assertEquals(Integer.parseInt(folder.substring(folder.lastIndexOf('/') + 1)), r.getInt(1), path);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkData.imageFolder(spark, dir.resolve("7").toString()));
        assertEquals(dir.resolve("7") + ": holds no class folders (one folder of pictures per class)",
                e.getMessage());
    }

    @Test
    void parquetColumnsBecomeFeaturesAndLabel(@TempDir Path dir) {
        String path = dir.resolve("rows.parquet").toString();
        SparkData.mnist(spark, "test", 1).limit(5).write().parquet(path);
        Dataset<Row> rows = SparkData.parquet(spark, path, "pixels", "label");
        assertArrayEquals(new String[] {"features", "label"}, rows.columns());
        assertEquals(5, rows.count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkData.parquet(spark, path, "label", "pixels"));
        assertEquals("column 'label' holds int; inputs are picture files' bytes (binary, as binaryFile's content),"
                + " arrays of numbers or ML vectors", e.getMessage());
    }
}
