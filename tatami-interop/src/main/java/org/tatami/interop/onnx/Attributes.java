package org.tatami.interop.onnx;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto;
import org.tatami.interop.onnx.proto.Onnx.AttributeProto.AttributeType;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;

/**
 * A node's attributes, read with the node named in every error. Each operator lists the attributes
 * it understands, so that an attribute tatami would silently ignore is refused instead.
 */
final class Attributes {
    private final String node;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

    private Attributes(String node) {
        this.node = node;
    }

    /** The node's attributes, or an exception naming the first one not in {@code understood}. */
    static Attributes of(NodeProto n, String... understood) throws OnnxFormatException {
        Attributes a = new Attributes(describe(n));
        List<String> known = List.of(understood);
        for (AttributeProto p : n.getAttributeList()) {
            if (!known.contains(p.getName())) {
                throw new OnnxFormatException(a.node + ": attribute '" + p.getName() + "' is not supported"
                        + (known.isEmpty() ? "" : " (supported: " + String.join(", ", known) + ")"));
            }
            a.byName.put(p.getName(), p);
        }
        return a;
    }

    /** How errors name a node: its name if it has one, else its first output, and its operator. */
    static String describe(NodeProto n) {
        String id = !n.getName().isEmpty() ? "'" + n.getName() + "'"
                : n.getOutputCount() > 0 ? "producing '" + n.getOutput(0) + "'" : "(unnamed)";
        return "node " + id + " (" + n.getOpType() + ")";
    }

    String node() {
        return node;
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    private AttributeProto get(String name, AttributeType type) throws OnnxFormatException {
        AttributeProto p = byName.get(name);
        // IR version 1 files have no type field; the value field then speaks for itself.
        if (p != null && p.hasType() && p.getType() != type) {
            throw new OnnxFormatException(node + ": attribute '" + name + "' should be " + type + ", got "
                    + p.getType());
        }
        return p;
    }

    long i(String name, long otherwise) throws OnnxFormatException {
        AttributeProto p = get(name, AttributeType.INT);
        return p == null ? otherwise : p.getI();
    }

    float f(String name, float otherwise) throws OnnxFormatException {
        AttributeProto p = get(name, AttributeType.FLOAT);
        return p == null ? otherwise : p.getF();
    }

    String s(String name, String otherwise) throws OnnxFormatException {
        AttributeProto p = get(name, AttributeType.STRING);
        return p == null ? otherwise : p.getS().toString(StandardCharsets.UTF_8);
    }

    /** A list of ints as Java ints, or {@code otherwise}; values outside the int range are refused. */
    int[] ints(String name, int[] otherwise) throws OnnxFormatException {
        AttributeProto p = get(name, AttributeType.INTS);
        if (p == null) {
            return otherwise;
        }
        int[] out = new int[p.getIntsCount()];
        for (int k = 0; k < out.length; k++) {
            long v = p.getInts(k);
            if (v != (int) v) {
                throw new OnnxFormatException(node + ": attribute '" + name + "' holds " + v + ", out of range");
            }
            out[k] = (int) v;
        }
        return out;
    }

    float[] floats(String name) throws OnnxFormatException {
        AttributeProto p = get(name, AttributeType.FLOATS);
        float[] out = new float[p.getFloatsCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = p.getFloats(k);
        }
        return out;
    }

    Constant tensor(String name) throws OnnxFormatException {
        return TensorCodec.decode(get(name, AttributeType.TENSOR).getT(), node + ": attribute '" + name + "'");
    }
}
