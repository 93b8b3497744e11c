package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.models.Model;

/** The commands end to end: options, exit codes, JSON, the run folder, and one-line errors. */
class CommandLineTest {
    @TempDir
    static Path tmp;
    static Path run;
    static JsonObject metrics;

    /** One short training run shared by the tests: 3 epochs on 30k samples, enough to read digits. */
    @BeforeAll
    static void train() {
        run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "--epochs", "3", "--train-limit", "30000", "--batch-size", "256",
                "--out", run.toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        metrics = JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static void assertOneLineError(CliRun r, int status, String... fragments) {
        assertEquals(status, r.status(), r.toString());
        String err = r.err().strip();
        assertTrue(status == 2 || !err.contains("\n"), "one line expected: " + r);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + r);
        }
    }

    @Test
    void trainLeavesEveryFileOfTheRunFolder() throws IOException {
        for (String f : List.of("model.tatami", "weights.safetensors", "history.csv", "metrics.json", "summary.txt",
                "model.svg", "loss.png", "accuracy.png", "confusion_matrix.png", "misclassified.png", "report.html")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        try (Stream<Path> maps = Files.walk(run.resolve("feature_maps"))) {
            long pngs = maps.filter(p -> p.toString().endsWith(".png")).count();
            assertEquals(1 + 3 + 3, pngs, "input, 3 conv channels, 3 pool channels");
        }
        assertEquals(4, Files.readAllLines(run.resolve("history.csv")).size(), "header and 3 epochs");
        assertTrue(Files.readString(run.resolve("summary.txt")).contains("Total params: 51,840"));
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("loss.png") && html.contains("confusion_matrix.png") && !html.contains("http://"));
    }

    @Test
    void trainJsonHasTheMetricsContract() {
        JsonObject fin = metrics.getAsJsonObject("final");
        for (String k : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
            assertTrue(fin.has(k), k);
            assertEquals(3, metrics.getAsJsonObject("history").getAsJsonArray(k).size(), k);
        }
        assertTrue(fin.get("val_accuracy").getAsDouble() > 0.95, "3 epochs on 30k samples: " + fin);
        assertTrue(metrics.get("wall_seconds").getAsDouble() > 0);
        assertTrue(metrics.get("train_samples_per_second").getAsDouble() > 0);
        assertEquals(256, metrics.getAsJsonObject("settings").get("batch_size").getAsInt());
        assertTrue(metrics.getAsJsonObject("versions").has("java"));
        assertEquals(metrics, json(readString(run.resolve("metrics.json"))));
    }

    /** Every optimizer tatami has, by Keras's name; Keras's learning rate unless --learning-rate gives one. */
    @Test
    void trainTakesEveryOptimizer() {
        String help = CliRun.of("train", "--help").out();
        for (String name : List.of("adam", "adamw", "nadam", "adamax", "adagrad", "adadelta", "rmsprop", "sgd")) {
            assertTrue(help.contains(name), name + " in " + help);
        }
        JsonObject nadam = json(CliRun.of("train", "--optimizer", "nadam", "--epochs", "1", "--train-limit", "200",
                "--batch-size", "100", "--out", tmp.resolve("nadam").toString(), "--json").out())
                .getAsJsonObject("settings");
        assertEquals("nadam", nadam.get("optimizer").getAsString());
        assertEquals(0.001, nadam.get("learning_rate").getAsDouble());
        Model sgd = loadModel(tmp.resolve("sgd"), "--optimizer", "sgd", "--learning-rate", "0.2");
        assertEquals("SGD", sgd.optimizer().className());
        assertEquals(0.2f, sgd.optimizer().learningRate());
    }

    private static Model loadModel(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--train-limit", "200",
                "--batch-size", "100", "--out", out.toString(), "--quiet"));
        args.addAll(List.of(options));
        assertEquals(0, CliRun.of(args.toArray(String[]::new)).status());
        try {
            return Model.load(out.resolve(RunFolder.MODEL));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void evaluatePrintsLossAndAccuracy() {
        CliRun r = CliRun.of("evaluate", "--model", run.resolve("model.tatami").toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        JsonObject o = json(r.out());
        assertEquals(10000, o.get("samples").getAsInt());
        assertEquals(metrics.getAsJsonObject("final").get("val_accuracy").getAsDouble(),
                o.get("accuracy").getAsDouble(), 1e-12);
        CliRun text = CliRun.of("evaluate", "--model", run.resolve("model.tatami").toString());
        assertTrue(text.out().contains("- accuracy: "), text.toString());
    }

    @Test
    void predictReadsHandDrawnDigits() throws IOException {
        List<String> args = new ArrayList<>(List.of("predict", "--model", run.resolve("model.tatami").toString(),
                "--json", "--top", "2"));
        try (Stream<Path> files = Files.list(Path.of("../examples/digits"))) {
            files.sorted().forEach(f -> args.add(f.toString()));
        }
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(30, lines.length);
        int right = 0;
        for (String line : lines) {
            JsonObject o = json(line);
            String name = Path.of(o.get("file").getAsString()).getFileName().toString();
            JsonArray p = o.getAsJsonArray("predictions");
            assertEquals(2, p.size());
            assertTrue(p.get(0).getAsJsonObject().get("probability").getAsDouble()
                    >= p.get(1).getAsJsonObject().get("probability").getAsDouble(), "most probable first");
            if (p.get(0).getAsJsonObject().get("class").getAsInt() == name.charAt("digit_".length()) - '0') {
                right++;
            }
        }
        // Pen drawings at three sizes, dark on light, none of them from MNIST.
        assertTrue(right >= 26, right + " of 30 right:\n" + r.out());
    }

    @Test
    void summaryAndDevicesAndPlotAndInspect() throws IOException {
        CliRun summary = CliRun.of("summary");
        assertTrue(summary.out().contains("Total params: 51,840"), summary.toString());
        assertEquals(51840, json(CliRun.of("summary", "--json").out()).get("total_params").getAsInt());
        JsonObject devices = json(CliRun.of("devices", "--json").out());
        assertTrue(devices.get("cores").getAsInt() >= 1);
        assertTrue(devices.get("gpu").getAsString().startsWith("none"));

        Path svg = tmp.resolve("model.svg");
        assertEquals(0, CliRun.of("plot", "--out", svg.toString()).status());
        assertTrue(Files.readString(svg).contains("max_pooling2d"));

        Path dir = tmp.resolve("inspect");
        CliRun inspect = CliRun.of("inspect", "--model", run.resolve("model.tatami").toString(), "--sample", "0",
                "--out", dir.toString(), "--json");
        assertEquals(0, inspect.status(), inspect.toString());
        assertEquals(7, json(inspect.out()).get("predicted_class").getAsInt(), "test sample 0 is a 7");
        assertTrue(Files.readString(dir.resolve("weights/conv2d.txt")).contains("conv2d/kernel (3, 3, 1, 3)"));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, CliRun.of().status());
        assertEquals(2, CliRun.of("fly").status());
        assertOneLineError(CliRun.of("train", "--epochs", "many"), 2, "--epochs", "many");
        assertOneLineError(CliRun.of("train", "--epochs", "0"), 2, "--epochs must be at least 1");
        assertOneLineError(CliRun.of("train", "--optimizer", "lion"), 2, "lion");
        assertOneLineError(CliRun.of("predict", "--model", "x.tatami"), 2, "IMAGE");
        assertOneLineError(CliRun.of("plot", "--out", tmp.resolve("m.txt").toString()), 2, ".svg or .png");
        assertEquals(0, CliRun.of("train", "--help").status());
        assertTrue(CliRun.of("train", "--help").out().contains("--initial-weights"));
    }

    @Test
    void badInputsGiveOneLineErrors() throws IOException {
        String model = run.resolve("model.tatami").toString();
        assertOneLineError(CliRun.of("predict", "--model", model, tmp.resolve("missing.png").toString()), 1,
                "missing.png", "no such file");
        Path text = Files.writeString(tmp.resolve("notes.png"), "not a picture");
        assertOneLineError(CliRun.of("predict", "--model", model, text.toString()), 1, "notes.png",
                "not a readable image");
        Path fake = Files.writeString(tmp.resolve("fake.tatami"), "not a model");
        assertOneLineError(CliRun.of("evaluate", "--model", fake.toString()), 1, "fake.tatami",
                "not a tatami model file");
        assertOneLineError(CliRun.of("evaluate", "--model", text.toString()), 2, "notes.png", "unknown model file type");

        Path lstm = Files.writeString(tmp.resolve("lstm.json"), "{\"class_name\": \"Sequential\", \"config\": "
                + "{\"name\": \"s\", \"layers\": [{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 4}}]}}");
        assertOneLineError(CliRun.of("train", "--model", lstm.toString(), "--epochs", "1"), 1, "lstm.json", "LSTM");

        CliRun verbose = CliRun.of("evaluate", "--model", fake.toString(), "--verbose");
        assertEquals(1, verbose.status());
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose: " + verbose);
    }
}
