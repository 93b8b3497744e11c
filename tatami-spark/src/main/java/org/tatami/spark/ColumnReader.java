package org.tatami.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tatami.data.Images;
import org.tatami.tensor.Tensor;
import scala.collection.immutable.ArraySeq;

/**
 * Reads one column of rows into float buffers, a fixed number of values per row: a model's inputs
 * (picture files' bytes, arrays of pixel values, ML vectors, prepared as {@link InputFormat} says) or
 * its targets (a class index, or an array or vector of values, taken as they are).
 */
final class ColumnReader {
    private enum Kind { PICTURE, NUMBER, ARRAY, VECTOR }

    private final String column;
    private final int field;
    private final Kind kind;
    private final int size;
    /** Null for targets. */
    private final InputFormat format;
    /** The row's "path" (binaryFile's), to name a picture in messages; -1 without one. */
    private final int pathField;

    private ColumnReader(StructType schema, String column, int size, InputFormat format) {
        this.column = column;
        this.field = fieldIndex(schema, column);
        this.kind = kindOf(schema.fields()[field], format != null);
        this.size = size;
        this.format = format;
        this.pathField = Arrays.asList(schema.fieldNames()).indexOf("path");
    }

    /** A model's inputs of {@code size} values each, from {@code column}. */
    static ColumnReader inputs(StructType schema, String column, InputFormat format, int size) {
        return new ColumnReader(schema, column, size, format);
    }

    /** Targets of {@code size} values each (1 for a class index) from {@code column}. */
    static ColumnReader targets(StructType schema, String column, int size) {
        return new ColumnReader(schema, column, size, null);
    }

    /** Checks that {@code column} exists and holds what an input (or a target) can be made of. */
    static void check(StructType schema, String column, boolean input) {
        kindOf(schema.fields()[fieldIndex(schema, column)], input);
    }

    private static int fieldIndex(StructType schema, String column) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int i = names.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "'; the columns are " + names);
        }
        return i;
    }

    private static Kind kindOf(StructField f, boolean input) {
        DataType t = f.dataType();
        if (input && t.equals(DataTypes.BinaryType)) {
            return Kind.PICTURE;
        }
        if (!input && t instanceof NumericType) {
            return Kind.NUMBER;
        }
        if (t instanceof ArrayType a && a.elementType() instanceof NumericType
                && !a.elementType().equals(DataTypes.ByteType)) {
            return Kind.ARRAY;
        }
        if (t.equals(SQLDataTypes.VectorType())) {
            return Kind.VECTOR;
        }
        throw new IllegalArgumentException("column '" + f.name() + "' holds " + t.simpleString() + "; "
                + (input ? "inputs are picture files' bytes (binary, as binaryFile's content), arrays of numbers"
                        + " or ML vectors" : "targets are class indices (numbers), arrays of numbers or ML vectors"));
    }

    boolean isNull(Row row) {
        return row.isNullAt(field);
    }

    /** What to call this row in a message: its picture's path if it has one. */
    String describe(Row row) {
        return pathField >= 0 && !row.isNullAt(pathField) ? String.valueOf(row.get(pathField))
                : "a row of column '" + column + "'";
    }

    /**
     * Writes the row's {@code size} values into {@code dst} from {@code offset}.
     *
     * @throws IOException if a picture cannot be decoded
     * @throws IllegalArgumentException if the row has another number of values
     */
    void read(Row row, float[] dst, int offset) throws IOException {
        switch (kind) {
            case PICTURE -> picture(row, dst, offset);
            case NUMBER -> dst[offset] = ((Number) row.get(field)).floatValue();
            case ARRAY -> {
                array(row, dst, offset);
                pixels(dst, offset);
            }
            case VECTOR -> {
                Vector v = row.getAs(field);
                requireSize(row, v.size());
                for (int i = 0; i < size; i++) {
                    dst[offset + i] = (float) v.apply(i);
                }
                pixels(dst, offset);
            }
        }
    }

    /**
     * An array's numbers. Spark hands an array of non-null floats or doubles over as a wrapped primitive
     * array, read here as it is: through Row's generic list every value would be boxed.
     */
    private void array(Row row, float[] dst, int offset) {
        Object value = row.get(field);
        if (value instanceof ArraySeq.ofFloat floats) {
            requireSize(row, floats.length());
            System.arraycopy(floats.unsafeArray(), 0, dst, offset, size);
        } else if (value instanceof ArraySeq.ofDouble doubles) {
            requireSize(row, doubles.length());
            double[] d = doubles.unsafeArray();
            for (int i = 0; i < size; i++) {
                dst[offset + i] = (float) d[i];
            }
        } else {
            List<Object> values = row.getList(field);
            requireSize(row, values.size());
            for (int i = 0; i < size; i++) {
                if (!(values.get(i) instanceof Number n)) {
                    throw new IllegalArgumentException(describe(row) + " has a null at position " + i);
                }
                dst[offset + i] = n.floatValue();
            }
        }
    }

    /** Inputs made of pixel values: divided by 255 as the seed divides MNIST, then scaled. */
    private void pixels(float[] dst, int offset) {
        if (format == null) {
            return;
        }
        for (int i = offset; i < offset + size; i++) {
            dst[i] /= 255f;
        }
        format.scaling().applyToUnit(dst, offset, size);
    }

    private void picture(Row row, float[] dst, int offset) throws IOException {
        byte[] bytes = row.getAs(field);
        String name = describe(row);
        Tensor t = format.images().equals(InputFormat.DIGIT)
                ? Images.loadDigit(bytes, name, InputFormat.invertMode(format.invert()))
                : Images.loadGray(bytes, name);
        if (t.size() != size) {
            throw new IllegalArgumentException(name + ": the picture gives " + t.shape(0) + "x" + t.shape(1)
                    + " = " + t.size() + " grey values, the model takes " + size + " per input"
                    + (format.images().equals(InputFormat.PIXELS) ? "" : " (digit preparation makes 28x28 pictures)"));
        }
        format.scaling().applyToUnit(t.data());
        System.arraycopy(t.data(), 0, dst, offset, size);
    }

    private void requireSize(Row row, int n) {
        if (n != size) {
            throw new IllegalArgumentException(describe(row) + " has " + n + " values, the model takes " + size
                    + (format == null ? " target value(s) per row" : " per input"));
        }
    }
}
