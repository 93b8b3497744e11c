package org.tatami.interop.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tatami.interop.onnx.proto.Onnx.NodeProto;

/**
 * The nodes of a graph in an order where each comes after the nodes that make its inputs. ONNX asks
 * files to list them so, but some converters (older keras2onnx) did not; the file's order is kept
 * wherever it is already right.
 */
final class NodeOrder {
    private NodeOrder() {
    }

    /** {@code nodes} sorted; {@code given} are the values no node makes (graph inputs, initializers). */
    static List<NodeProto> sorted(List<NodeProto> nodes, Set<String> given) throws OnnxFormatException {
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : nodes) {
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (given.contains(out) || producers.putIfAbsent(out, n) != null) {
                    throw new OnnxFormatException(Attributes.describe(n) + ": value '" + out + "' is "
                            + (given.contains(out) ? "a graph input or initializer" : "made by another node too")
                            + "; every value must have one source");
                }
            }
        }
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !given.contains(in) && !producers.containsKey(in)) {
                    throw new OnnxFormatException(Attributes.describe(n) + ": input '" + in + "' is not made by"
                            + " any node, initializer or graph input");
                }
            }
        }
        Set<String> ready = new HashSet<>(given);
        List<NodeProto> out = new ArrayList<>(nodes.size());
        List<NodeProto> waiting = nodes;
        // Each pass takes, in file order, every node whose inputs are ready: one pass for a file in order.
        while (!waiting.isEmpty()) {
            List<NodeProto> next = new ArrayList<>();
            for (NodeProto n : waiting) {
                if (ready.containsAll(n.getInputList().stream().filter(s -> !s.isEmpty()).toList())) {
                    out.add(n);
                    ready.addAll(n.getOutputList());
                } else {
                    next.add(n);
                }
            }
            if (next.size() == waiting.size()) {
                throw new OnnxFormatException(Attributes.describe(next.get(0)) + " cannot be ordered: its inputs"
                        + " depend on a cycle of nodes; an ONNX graph must be acyclic");
            }
            waiting = next;
        }
        return out;
    }
}
