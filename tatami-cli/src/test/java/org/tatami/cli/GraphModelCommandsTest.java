package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.data.Images;
import org.tatami.data.Invert;
import org.tatami.layers.Add;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Input;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.Model;
import org.tatami.cli.report.Fixtures;
import org.tatami.tensor.Tensor;
import picocli.CommandLine;

/**
 * The commands on graph models (a residual model built here, since a model file holds chains only):
 * each command's options are parsed as on the command line, then it runs on the model.
 */
class GraphModelCommandsTest {
    @TempDir
    Path dir;

    interface Body<C> {
        void run(C command) throws Exception;
    }

    /** Parses the options into the command, runs it on its model, and returns what it printed. */
    private static <C extends BaseCommand> String run(C command, Body<C> body, String... args) throws Exception {
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.parseArgs(args);
        body.run(command);
        return out.toString();
    }

    @Test
    void summaryPrintsTheConnectedToTable() throws Exception {
        Model net = Fixtures.residualModel();
        String text = run(new SummaryCommand(), c -> c.run(net));
        assertTrue(text.contains("Connected to"), text);
        assertTrue(text.contains("\nadd (Add)                       (None, 26, 26, 4)    0           conv2d_2[0][0]"), text);
        assertTrue(text.contains("\n                                                                 conv2d_3[0][0]"), text);

        JsonObject json = JsonParser.parseString(run(new SummaryCommand(), c -> c.run(net), "--json")).getAsJsonObject();
        assertEquals("[null,28,28,1]", json.get("input_shape").toString());
        assertEquals(9, json.getAsJsonArray("layers").size(), "the InputLayer and 8 layers");
        assertEquals(net.countParams(), json.get("total_params").getAsInt());
    }

    @Test
    void plotDrawsEveryNode() throws Exception {
        Model net = Fixtures.residualModel();
        Path svg = dir.resolve("model.svg");
        run(new PlotCommand(), c -> c.run(net), "--out", svg.toString());
        String text = Files.readString(svg);
        assertEquals(9, text.split("<polygon").length - 1, "an arrow per edge");
        assertTrue(text.contains(">add: Add<"), text);
    }

    @Test
    void inspectWritesTheOutputOfEveryNode() throws Exception {
        Model net = Fixtures.residualModel();
        Path out = dir.resolve("inspect");
        String text = run(new InspectCommand(), c -> c.run(net), "--model", "residual.tatami", "--sample", "0",
                "--out", out.toString());
        assertTrue(text.contains("predicted class: "), text);
        for (String folder : List.of("01_conv2d", "02_conv2d_1", "03_conv2d_2", "04_conv2d_3", "05_add",
                "06_max_pooling2d")) {
            try (Stream<Path> files = Files.list(out.resolve(folder))) {
                assertEquals(4, files.count(), folder);
            }
        }
        for (String layer : List.of("conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "dense")) {
            assertTrue(Files.isRegularFile(out.resolve("weights/" + layer + ".txt")), layer);
        }
    }

    @Test
    void evaluateAndPredictRunAGraph() throws Exception {
        Model net = Fixtures.residualModel();
        String evaluated = run(new EvaluateCommand(), c -> c.run(net), "--model", "residual.tatami", "--json");
        JsonObject json = JsonParser.parseString(evaluated).getAsJsonObject();
        assertEquals(10_000, json.get("samples").getAsInt());
        assertTrue(json.get("accuracy").getAsDouble() >= 0);

        Path digit = dir.resolve("digit.png");
        Tensor picture = Tensor.zeros(28, 28);
        for (int r = 6; r < 22; r++) {
            picture.data()[r * 28 + 14] = 1;
        }
        Images.writeGrayPng(picture, digit);
        String predicted = run(new PredictCommand(), c -> c.run(net, Invert.NO), "--model", "residual.tatami",
                digit.toString());
        assertTrue(predicted.startsWith(digit + ": "), predicted);
    }

    @Test
    void modelsWithSeveralInputsOrOutputsAreRefusedInOneLine() {
        SymbolicTensor a = Input.of("image", 28, 28, 1);
        SymbolicTensor b = Input.of("mask", 28, 28, 1);
        Model twoInputs = new Model(List.of(a, b), List.of(new Dense(10).apply(new Flatten().apply(new Add().apply(a, b)))));
        SymbolicTensor x = Input.of(28, 28, 1);
        SymbolicTensor flat = new Flatten().apply(x);
        Model twoOutputs = new Model(List.of(x), List.of(new Dense(10).name("digit").apply(flat),
                new Dense(1).name("score").apply(flat)));

        UsageException e = assertThrows(UsageException.class, () -> run(new EvaluateCommand(),
                c -> c.run(twoInputs), "--model", "two.tatami"));
        assertEquals("two.tatami: the model has 2 inputs [image, mask]; tatami feeds a model one image input",
                e.getMessage());
        e = assertThrows(UsageException.class, () -> run(new PredictCommand(), c -> c.run(twoOutputs, Invert.NO),
                "--model", "two.tatami", "digit.png"));
        assertEquals("two.tatami: the model has 2 outputs [digit, score]; tatami reads class scores from a model"
                + " with one output", e.getMessage());
        e = assertThrows(UsageException.class, () -> run(new InspectCommand(), c -> c.run(twoInputs),
                "--model", "two.tatami", "--out", "maps"));
        assertFalse(e.getMessage().contains("\n"));
    }
}
