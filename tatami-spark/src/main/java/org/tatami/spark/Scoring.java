package org.tatami.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.tatami.activations.ActivationFunction;
import org.tatami.tensor.Tensor;

/**
 * Scores one partition: rows are read in batches, each batch runs through the engine once, and every
 * row comes out with its predicted class and (unless none is asked for) its class probabilities appended.
 * Rows are pulled and handed on batch by batch, never a whole partition at once.
 */
final class Scoring implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** What to do with a row whose input is missing or unreadable, as Spark ML's {@code handleInvalid}. */
    static final String ERROR = "error";
    static final String SKIP = "skip";
    static final String KEEP = "keep";

    private final Broadcast<ModelBytes> model;
    private final ModelShape shape;
    private final StructType schema;
    private final String inputCol;
    private final InputFormat format;
    private final int batchSize;
    private final boolean probabilities;
    private final String handleInvalid;

    Scoring(Broadcast<ModelBytes> model, ModelShape shape, StructType schema, String inputCol, InputFormat format,
            int batchSize, boolean probabilities, String handleInvalid) {
        this.model = model;
        this.shape = shape;
        this.schema = schema;
        this.inputCol = inputCol;
        this.format = format;
        this.batchSize = batchSize;
        this.probabilities = probabilities;
        this.handleInvalid = handleInvalid;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ColumnReader reader = ColumnReader.inputs(schema, inputCol, format, shape.inputSize());
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                while (next == out.size() && rows.hasNext()) {
                    out.clear();
                    next = 0;
                    scoreBatch(rows, reader, out);
                }
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }
        };
    }

    /** Reads up to a batch of rows, scores those that read, and appends the results to {@code out}. */
    private void scoreBatch(Iterator<Row> rows, ColumnReader reader, List<Row> out) {
        int size = shape.inputSize();
        List<Row> batch = new ArrayList<>();
        List<Boolean> valid = new ArrayList<>();
        float[] x = new float[batchSize * size];
        int n = 0;
        while (batch.size() < batchSize && rows.hasNext()) {
            Row row = rows.next();
            boolean ok = read(reader, row, x, n * size);
            if (ok || handleInvalid.equals(KEEP)) {
                batch.add(row);
                valid.add(ok);
                n += ok ? 1 : 0;
            }
        }
        float[] probs = n == 0 ? new float[0] : predict(x, n);
        int classes = shape.classes();
        int k = 0;
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            Object[] values = new Object[row.length() + (probabilities ? 2 : 1)];
            for (int j = 0; j < row.length(); j++) {
                values[j] = row.get(j);
            }
            if (valid.get(i)) {
                int off = k++ * classes;
                values[row.length()] = (double) Tensor.argmax(probs, off, classes);
                if (probabilities) {
                    double[] p = new double[classes];
                    for (int c = 0; c < classes; c++) {
                        p[c] = probs[off + c];
                    }
                    values[row.length() + 1] = Vectors.dense(p);
                }
            }
            out.add(RowFactory.create(values));
        }
    }

    /** Whether the row's input was read into {@code x}; a bad one fails the task under "error". */
    private boolean read(ColumnReader reader, Row row, float[] x, int offset) {
        String problem;
        try {
            if (!reader.isNull(row)) {
                reader.read(row, x, offset);
                return true;
            }
            problem = reader.describe(row) + ": the input is null";
        } catch (IOException | IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (handleInvalid.equals(ERROR)) {
            throw new IllegalArgumentException(problem + " (handleInvalid=skip drops such rows, keep gives them a"
                    + " null prediction)");
        }
        return false;
    }

    private float[] predict(float[] x, int n) {
        float[] batch = n * shape.inputSize() == x.length ? x : Arrays.copyOf(x, n * shape.inputSize());
        Tensor out = ExecutorModels.withModel(model.value(), m -> m.predict(Tensor.of(batch, shape.batch(n))));
        float[] p = out.data();
        if (!shape.softmax()) {
            // Logits (many ONNX exports end without a softmax): made into probabilities, as tatami predict does.
            for (int i = 0; i < n; i++) {
                ActivationFunction.softmaxRow(p, i * shape.classes(), shape.classes());
            }
        }
        return p;
    }
}
