package org.tatami.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.tatami.tensor.Tensor;

/**
 * One partition's training rows as tensors: inputs {@code (n, input shape)} and targets {@code (n, width)}.
 * Built once per partition and cached by Spark as it is (never serialized); rebuilt from the data if an
 * executor is lost.
 */
record Shard(Tensor x, Tensor y) {
    int size() {
        return x.shape(0);
    }

    List<Tensor> inputs() {
        return List.of(x);
    }

    List<Tensor> targets() {
        return List.of(y);
    }

    /** Reads a partition's rows: every row must have a readable input and target. */
    static Shard read(Iterator<Row> rows, StructType schema, String inputCol, String targetCol, InputFormat format,
                      int[] inputShape, int targetSize) {
        int inputSize = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
        ColumnReader inputs = ColumnReader.inputs(schema, inputCol, format, inputSize);
        ColumnReader targets = ColumnReader.targets(schema, targetCol, targetSize);
        float[] x = new float[1024 * inputSize];
        float[] y = new float[1024 * targetSize];
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (n * inputSize == x.length) {
                x = Arrays.copyOf(x, 2 * x.length);
                y = Arrays.copyOf(y, 2 * y.length);
            }
            for (ColumnReader r : List.of(inputs, targets)) {
                if (r.isNull(row)) {
                    throw new IllegalArgumentException(inputs.describe(row) + ": a training row with a null "
                            + (r == inputs ? "input" : "target"));
                }
            }
            try {
                inputs.read(row, x, n * inputSize);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            try {
                targets.read(row, y, n * targetSize);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            n++;
        }
        int[] shape = new int[inputShape.length + 1];
        shape[0] = n;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return new Shard(Tensor.of(Arrays.copyOf(x, n * inputSize), shape),
                Tensor.of(Arrays.copyOf(y, n * targetSize), n, targetSize));
    }
}
