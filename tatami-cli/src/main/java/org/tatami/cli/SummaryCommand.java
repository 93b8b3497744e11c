package org.tatami.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.layers.Layer;
import org.tatami.models.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tatami summary}: Keras's summary table. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the model's summary table, as Keras's model.summary() does.")
final class SummaryCommand extends BaseCommand {
    @Option(names = "--model", paramLabel = "FILE",
            description = "A model (.tatami, .h5, .keras, .onnx) or a .json model config. Default: the seed tutorial's CNN.")
    Path model;

    @Override
    void execute() throws Exception {
        run(model == null ? ModelFiles.seedModel() : ModelFiles.load(model));
    }

    void run(Model net) {
        if (!json) {
            out().print(TrainCommand.summaryText(net));
            return;
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : net.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("class_name", l.className());
            m.put("output_shape", !l.isBuilt() ? null
                    : shapes(l instanceof Model inner ? inner.outputShapes() : List.of(l.outputShape())));
            m.put("params", l.countParams());
            layers.add(m);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", net.name());
        o.put("input_shape", net.isBuilt() ? shapes(Arrays.asList(net.inputShapes())) : null);
        o.put("layers", layers);
        o.put("total_params", net.isBuilt() ? net.countParams() : 0);
        printJson(o);
    }

    /** As Keras's {@code input_shape} and {@code output_shape}: one shape, or a list of them for several tensors. */
    private static Object shapes(List<int[]> shapes) {
        return shapes.size() == 1 ? withBatch(shapes.get(0)) : shapes.stream().map(SummaryCommand::withBatch).toList();
    }

    static List<Integer> withBatch(int[] shape) {
        List<Integer> s = new ArrayList<>();
        s.add(null);
        for (int d : shape) {
            s.add(d);
        }
        return s;
    }
}
