package org.tatami.interop.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tatami.interop.onnx.proto.Onnx.StringStringEntryProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto;
import org.tatami.interop.onnx.proto.Onnx.TensorProto.DataType;

/**
 * Converts between ONNX TensorProtos and tatami's values. Decoding checks the declared shape against
 * the data actually present before allocating anything, so a hostile file cannot make it allocate
 * more than the file's own size.
 */
final class TensorCodec {
    private TensorCodec() {
    }

    /** Decodes a FLOAT, INT64, INT32 or BOOL tensor held in the file itself (integers as longs). */
    static Constant decode(TensorProto t, String what) throws OnnxFormatException {
        String name = what + (t.getName().isEmpty() ? "" : " '" + t.getName() + "'");
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxFormatException(name + " keeps its data in an external file" + location(t)
                    + "; tatami reads only models whose tensors are stored in the .onnx file");
        }
        if (t.hasSegment()) {
            throw new OnnxFormatException(name + " is a segment of a larger tensor, which tatami does not read");
        }
        int[] shape = new int[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE || (count *= d) > Integer.MAX_VALUE) {
                throw new OnnxFormatException(name + " declares dims " + t.getDimsList()
                        + ": expected non-negative dims with at most " + Integer.MAX_VALUE + " elements in all");
            }
            shape[i] = (int) d;
        }
        int n = (int) count;
        DataType type = DataType.forNumber(t.getDataType());
        if (type == DataType.FLOAT) {
            if (t.hasRawData()) {
                ByteBuffer raw = raw(t, name, n, 4);
                float[] v = new float[n];
                raw.asFloatBuffer().get(v);
                return Constant.ofFloats(shape, v);
            }
            checkCount(name, n, t.getFloatDataCount(), "float_data");
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = t.getFloatData(i);
            }
            return Constant.ofFloats(shape, v);
        }
        if (type == DataType.INT64 || type == DataType.INT32 || type == DataType.BOOL) {
            boolean wide = type == DataType.INT64;
            long[] v = new long[n];
            if (t.hasRawData()) {
                // Booleans are one byte each in raw_data, and int32_data otherwise.
                int width = wide ? 8 : type == DataType.BOOL ? 1 : 4;
                ByteBuffer raw = raw(t, name, n, width);
                for (int i = 0; i < n; i++) {
                    v[i] = width == 8 ? raw.getLong() : width == 4 ? raw.getInt() : raw.get();
                }
            } else {
                checkCount(name, n, wide ? t.getInt64DataCount() : t.getInt32DataCount(),
                        wide ? "int64_data" : "int32_data");
                for (int i = 0; i < n; i++) {
                    v[i] = wide ? t.getInt64Data(i) : t.getInt32Data(i);
                }
            }
            return Constant.ofLongs(shape, v);
        }
        throw new OnnxFormatException(name + " has data type " + (type == null ? t.getDataType() + " (unknown)" : type)
                + "; tatami reads FLOAT tensors, and INT64, INT32 or BOOL for shapes and flags");
    }

    private static String location(TensorProto t) {
        for (StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                return " ('" + e.getValue() + "')";
            }
        }
        return "";
    }

    private static ByteBuffer raw(TensorProto t, String name, int n, int width) throws OnnxFormatException {
        ByteString raw = t.getRawData();
        if (raw.size() != (long) n * width) {
            throw new OnnxFormatException(name + " of shape " + t.getDimsList() + " needs " + (long) n * width
                    + " bytes of raw_data, the file holds " + raw.size());
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkCount(String name, int expected, int actual, String field) throws OnnxFormatException {
        if (expected != actual) {
            throw new OnnxFormatException(name + " declares " + expected + " elements, its " + field + " holds "
                    + actual);
        }
    }

    /** A FLOAT tensor with little-endian raw data, as ONNX writers normally store weights. */
    static TensorProto encode(String name, int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : shape) {
            t.addDims(d);
        }
        return t.build();
    }
}
