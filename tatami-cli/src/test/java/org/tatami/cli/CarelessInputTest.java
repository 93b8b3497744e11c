package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.models.Model;
import org.tatami.io.FiniteJson;

/** What careless input gets from the commands: every good result, one line per problem, valid JSON. */
class CarelessInputTest {
    private static final Path DIGITS = Path.of("../examples/digits");

    @TempDir
    static Path tmp;
    static Path model;

    /** An untrained seed model: these tests are about what the commands do with input, not about accuracy. */
    @BeforeAll
    static void saveModel() throws IOException {
        Tatami.setRandomSeed(0);
        model = tmp.resolve("seed.tatami");
        ModelFiles.seedModel().save(model);
    }

    private static JsonObject json(String line) {
        return JsonParser.parseString(line).getAsJsonObject();
    }

    private static Path picture(String name, int rgba) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, rgba);
            }
        }
        Path file = tmp.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void predictPrintsEveryGoodResultAndOneLinePerBadPicture() throws IOException {
        String a = DIGITS.resolve("digit_4_90x120.png").toString();
        String b = DIGITS.resolve("digit_7_90x120.png").toString();
        String missing = tmp.resolve("missing.png").toString();
        String notes = Files.writeString(tmp.resolve("notes.png"), "not a picture").toString();

        CliRun text = CliRun.of("predict", "--model", model.toString(), a, missing, b, notes);
        assertEquals(1, text.status(), text.toString());
        List<String> out = text.out().strip().lines().toList();
        assertEquals(2, out.size(), text.toString());
        assertTrue(out.get(0).startsWith(a + ": ") && out.get(1).startsWith(b + ": "), text.toString());
        List<String> err = text.err().strip().lines().toList();
        assertEquals(List.of("tatami predict: " + missing + ": no such file"), err.subList(0, 1), text.toString());
        assertEquals(2, err.size(), text.toString());
        assertTrue(err.get(1).startsWith("tatami predict: " + notes + ": not a readable image"), text.toString());

        CliRun json = CliRun.of("predict", "--model", model.toString(), "--json", a, missing, b);
        assertEquals(1, json.status(), json.toString());
        List<JsonObject> lines = json.out().strip().lines().map(CarelessInputTest::json).toList();
        assertEquals(List.of(a, missing, b), lines.stream().map(o -> o.get("file").getAsString()).toList());
        assertEquals(missing + ": no such file", lines.get(1).get("error").getAsString());
        assertFalse(lines.get(1).has("predictions"));
        assertTrue(lines.get(0).has("predictions") && !lines.get(0).has("error"));
        assertEquals(3, lines.get(2).getAsJsonArray("predictions").size());
    }

    @Test
    void picturesWithoutInkAreEmptyNotADigit() throws IOException {
        for (Path blank : List.of(picture("white.png", 0xffffffff), picture("grey.png", 0xff808080),
                picture("black.png", 0xff000000), picture("transparent.png", 0x00000000))) {
            CliRun text = CliRun.of("predict", "--model", model.toString(), blank.toString());
            assertEquals(1, text.status(), text.toString());
            assertEquals("", text.out(), text.toString());
            assertEquals("tatami predict: " + blank + ": the picture is empty (no ink: blank, of one colour or"
                    + " transparent); there is no digit to classify", text.err().strip());

            CliRun json = CliRun.of("predict", "--model", model.toString(), "--json", blank.toString());
            assertEquals(1, json.status(), json.toString());
            JsonObject o = json(json.out());
            assertTrue(o.get("empty").getAsBoolean(), json.toString());
            assertEquals(3, o.getAsJsonArray("predictions").size(), "the model's answer, flagged");
        }
        CliRun ink = CliRun.of("predict", "--model", model.toString(), "--json",
                DIGITS.resolve("digit_1_90x120.png").toString());
        assertEquals(0, ink.status(), ink.toString());
        assertFalse(json(ink.out()).has("empty"));
    }

    @Test
    void nonFiniteResultsAreNullInValidJsonWithTheReason() throws IOException {
        // Finite weights so large that the logits overflow: loss and probabilities come out NaN.
        Model net = Model.load(model);
        float[] kernel = net.namedWeights().get(net.layers().get(4).name() + "/kernel").data();
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = i % 2 == 0 ? 3e38f : -3e38f;
        }
        Path huge = tmp.resolve("huge.tatami");
        net.save(huge);

        CliRun evaluate = CliRun.of("evaluate", "--model", huge.toString(), "--json");
        assertEquals(0, evaluate.status(), evaluate.toString());
        JsonObject o = json(evaluate.out());
        assertTrue(o.get("loss").isJsonNull(), evaluate.toString());
        assertEquals("NaN", o.getAsJsonObject(FiniteJson.FIELD).get("loss").getAsString());
        assertFalse(evaluate.out().contains("NaN,") || evaluate.out().contains("Infinity,"), evaluate.toString());

        CliRun predict = CliRun.of("predict", "--model", huge.toString(), "--json",
                DIGITS.resolve("digit_1_90x120.png").toString());
        JsonObject p = json(predict.out());
        assertTrue(p.getAsJsonArray("predictions").get(0).getAsJsonObject().get("probability").isJsonNull());
        assertEquals("NaN", p.getAsJsonObject(FiniteJson.FIELD).get("predictions[0].probability").getAsString());
    }

    @Test
    void floatOptionsMustBeFiniteAsFloats() {
        for (String rate : List.of("1e300", "1e-50", "NaN")) {
            CliRun r = CliRun.of("train", "--learning-rate", rate, "--epochs", "1", "--out", tmp.resolve("lr").toString());
            assertEquals(2, r.status(), r.toString());
            assertTrue(r.err().contains("--learning-rate must be positive and within float32's range"), r.toString());
        }
        assertFalse(Files.exists(tmp.resolve("lr")));
    }

    @Test
    void aFileNameTheSystemCannotUseIsOneLine() {
        CliRun r = CliRun.of("predict", "--model", "bad\0name.tatami", "x.png");
        assertEquals(1, r.status(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line, no usage text: " + r);
        assertTrue(r.err().startsWith("tatami predict: Invalid value for option '--model': 'bad"), r.toString());
        assertTrue(r.err().contains("is not a file name this system can use"), r.toString());
    }

    @Test
    void aModelGivenAsInitialWeightsIsNamed() {
        CliRun r = CliRun.of("train", "--initial-weights", model.toString(), "--epochs", "1",
                "--out", tmp.resolve("iw").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().strip().startsWith("tatami train: " + model + ": expected a .safetensors file, this is a"
                + " .tatami model"), r.toString());
    }

    @Test
    void aBadLabelNamesItsFile() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        writeIdx(data.resolve("train-images-idx3-ubyte"), new byte[2 * 28 * 28], 2, 28, 28);
        writeIdx(data.resolve("train-labels-idx1-ubyte"), new byte[] {1, 2}, 2);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), new byte[3 * 28 * 28], 3, 28, 28);
        writeIdx(data.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 12, 3}, 3);
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(1, r.status(), r.toString());
        assertEquals("tatami evaluate: " + data.resolve("t10k-labels-idx1-ubyte") + ": label 12 of sample 1 is not a"
                + " class of the model, whose output has 10 classes [0, 10)", r.err().strip());
    }

    /** An IDX file of unsigned bytes. */
    private static void writeIdx(Path file, byte[] values, int... dims) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.put(new byte[] {0, 0, 8, (byte) dims.length});
        Arrays.stream(dims).forEach(b::putInt);
        Files.write(file, b.put(values).array());
    }

    @Test
    void exportToASymbolicLinkWritesThroughIt() throws IOException {
        Path real = Files.writeString(tmp.resolve("v1.onnx"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("latest.onnx"), real.getFileName());
        CliRun r = CliRun.of("export", "--model", model.toString(), "--format", "onnx", "--out", link.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.size(real) > 1000, "the link's target holds the model");
    }
}
