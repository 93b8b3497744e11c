package org.tatami.interop.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Checked reading of the HDF5 pieces Keras writes: every problem, including the parser's own
 * failures on a corrupt or truncated file, becomes a {@link KerasFormatException} naming the file
 * and the object; datasets are checked against the expected shape and dtype before their data is read.
 */
final class Hdf5 {
    /** More names than any model has: a larger attribute is hostile, not a model. */
    private static final long MAX_NAMES = 1 << 20;

    private Hdf5() {
    }

    @FunctionalInterface
    interface Read<T> {
        T get() throws KerasFormatException;
    }

    /** Runs a read; the parser's runtime failures on bad bytes become errors naming {@code what}. */
    static <T> T checked(String what, Read<T> read) throws KerasFormatException {
        try {
            return read.get();
        } catch (KerasFormatException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            // jHDF reports bad structure with assorted runtime exceptions (HdfException, buffer under-
            // and overflows, ...); all mean the same here.
            throw new KerasFormatException(what + ": corrupt or truncated HDF5: " + e, e);
        }
    }

    static HdfFile open(String what, Supplier<HdfFile> opener) throws KerasFormatException {
        return checked(what, opener::get);
    }

    /** The group {@code name} under {@code parent}, or null if there is none. */
    static Group group(Group parent, String name, String where) throws KerasFormatException {
        Node n = checked(where, () -> parent.getChildren().get(name));
        if (n == null) {
            return null;
        }
        if (!(n instanceof Group g)) {
            throw new KerasFormatException(where + "/" + name + ": expected an HDF5 group, found a " + n.getType());
        }
        return g;
    }

    /** A string attribute; null if absent. */
    static String string(Node node, String name, String where) throws KerasFormatException {
        Attribute a = checked(where, () -> node.getAttribute(name));
        if (a == null) {
            return null;
        }
        Object v = checked(where + " @" + name, a::getData);
        if (v instanceof String s) {
            return s;
        }
        throw new KerasFormatException(where + " @" + name + ": expected a string, found " + describe(v));
    }

    /**
     * A list-of-names attribute such as {@code layer_names} or {@code weight_names}. Keras stores an
     * empty list as an empty float64 array, and non-empty ones as fixed- or variable-length strings,
     * so the type is checked only when there are elements.
     */
    static List<String> names(Node node, String name, String where) throws KerasFormatException {
        String what = where + " @" + name;
        Attribute a = checked(where, () -> node.getAttribute(name));
        if (a == null) {
            throw new KerasFormatException(what + ": missing");
        }
        long size = checked(what, a::getSize);
        if (size > MAX_NAMES) {
            throw new KerasFormatException(what + ": declares " + size + " names, more than the limit of " + MAX_NAMES);
        }
        if (size == 0) {
            return List.of();
        }
        Object v = checked(what, a::getData);
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof String[] strings) {
            return List.of(strings);
        }
        throw new KerasFormatException(what + ": expected a list of strings, found " + describe(v));
    }

    /**
     * The float32 dataset at {@code path} under {@code group}, which must have shape {@code shape};
     * its data is read only once shape and dtype are known to be right.
     */
    static Tensor floats(Group group, String path, int[] shape, String where) throws KerasFormatException {
        String what = where + "/" + path;
        Node n = checked(what, () -> {
            try {
                return group.getByPath(path);
            } catch (io.jhdf.exceptions.HdfInvalidPathException missing) {
                return null;
            }
        });
        if (n == null) {
            throw new KerasFormatException(what + ": missing");
        }
        if (!(n instanceof Dataset ds)) {
            throw new KerasFormatException(what + ": expected a dataset, found a " + n.getType());
        }
        long[] dims = checked(what, ds::getDimensionsAsLong);
        if (!Arrays.equals(dims, Arrays.stream(shape).asLongStream().toArray())) {
            throw new KerasFormatException(what + ": shape " + Arrays.toString(dims).replace('[', '(').replace(']', ')')
                    + ", the model expects " + Shape.toString(shape));
        }
        Class<?> type = checked(what, ds::getJavaType);
        int bytes = checked(what, () -> ds.getDataType().getSize());
        // A scalar dataset (shape ()) has a boxed type and value.
        boolean integer = type == long.class || type == int.class || type == Long.class || type == Integer.class;
        boolean floats = (type == float.class || type == Float.class) && bytes == 4;
        if (!floats && !integer) {
            throw new KerasFormatException(what + ": dtype " + type.getSimpleName() + " of " + bytes
                    + " bytes, expected float32");
        }
        Object data = checked(what, ds::getDataFlat);
        float[] values = integer ? exactFloats(data, what) : data instanceof float[] f ? f
                : data instanceof Float f ? new float[] {f} : null;
        if (values == null || values.length != Shape.size(shape)) {
            throw new KerasFormatException(what + ": expected " + Shape.size(shape) + " float32 values, read "
                    + describe(data));
        }
        return Tensor.of(values, shape);
    }

    /**
     * An integer dataset (Keras's int64 counters, such as Normalization's {@code count}) as floats,
     * every value exact in float32; null if the data is not integers.
     */
    private static float[] exactFloats(Object data, String what) throws KerasFormatException {
        long[] ints;
        if (data instanceof long[] l) {
            ints = l;
        } else if (data instanceof int[] i) {
            ints = Arrays.stream(i).asLongStream().toArray();
        } else if (data instanceof Long || data instanceof Integer) {
            ints = new long[] {((Number) data).longValue()};
        } else {
            return null;
        }
        float[] out = new float[ints.length];
        for (int k = 0; k < ints.length; k++) {
            out[k] = ints[k];
            if (out[k] != ints[k]) {
                throw new KerasFormatException(what + ": integer " + ints[k] + " is not exact in float32");
            }
        }
        return out;
    }

    /** The names of a group's children. */
    static List<String> children(Group group, String where) throws KerasFormatException {
        return checked(where, () -> new ArrayList<>(group.getChildren().keySet()));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v.getClass().isArray()) {
            return "an array of " + Array.getLength(v) + " " + v.getClass().getComponentType().getSimpleName();
        }
        return "a " + v.getClass().getSimpleName();
    }
}
