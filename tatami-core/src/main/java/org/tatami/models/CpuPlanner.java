package org.tatami.models;

import java.util.ArrayList;
import java.util.List;
import org.tatami.kernels.CpuOptions;
import org.tatami.layers.BatchStatistics;
import org.tatami.layers.ConvPool;
import org.tatami.layers.Layer;

/**
 * Turns a graph's ops into the CPU engine's steps. Most ops become one step each; the fusion rules
 * replace patterns of ops with one step. The rule today: a Conv2D with ReLU whose only reader is a 2x2
 * MaxPool2D, and whose output the model does not return, runs with the pool as one {@link ConvPool}
 * step (where its filters are few, or fill whole vectors). {@link CpuOptions#fuse()} switches the rules off.
 */
final class CpuPlanner {
    private CpuPlanner() {
    }

    static List<Step> plan(Graph graph, boolean[] needsGradient, CpuOptions options) {
        int[] readers = new int[graph.values()];
        for (Graph.Op op : graph.ops) {
            for (int v : op.inputs()) {
                readers[v]++;
            }
        }
        for (int v : graph.outputs) {
            readers[v]++;
        }
        List<Step> steps = new ArrayList<>();
        List<Graph.Op> ops = graph.ops;
        for (int i = 0; i < ops.size(); i++) {
            Graph.Op op = ops.get(i);
            if (options.fuse() && i + 1 < ops.size() && readers[op.output()] == 1) {
                Graph.Op next = ops.get(i + 1);
                if (next.inputs().length == 1 && next.inputs()[0] == op.output()) {
                    ConvPool fused = ConvPool.of(op.layer(), next.layer(), needsGradient[op.inputs()[0]]);
                    if (fused != null) {
                        steps.add(new Step.Fused(fused, op.layer(), op.inputs(), next.output()));
                        i++;
                        continue;
                    }
                }
            }
            if (op.layer() instanceof BatchStatistics stats) {
                steps.add(new Step.Normalize(op.layer(), stats, op.inputs(), op.output()));
            } else {
                steps.add(new Step.Plain(op.layer(), op.inputs(), op.output()));
            }
        }
        return steps;
    }
}
