package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tatami serve} as a real process: without --model it serves the newest run folder's model with its
 * report, a picture is classified, and SIGTERM stops it; {@code train --dashboard} says where its page is.
 */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "no POSIX signals")
    void servesTheNewestRunAndStopsOnSigterm() throws Exception {
        CliRun train = CliRun.of("train", "--epochs", "2", "--train-limit", "8192", "--batch-size", "128",
                "--out", tmp.resolve("runs/a").toString(), "--dashboard", "--port", "0");
        assertEquals(0, train.status(), train.toString());
        assertTrue(train.err().contains("tatami train: dashboard at http://127.0.0.1:"), train.err());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--port", "0")
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        StringBuilder said = new StringBuilder();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            URI uri = null;
            while (uri == null) {
                String line = lines.readLine();
                if (line == null) {
                    break;
                }
                said.append(line).append('\n');
                Matcher m = Pattern.compile("Serving on (http://\\S+) ").matcher(line);
                if (m.find()) {
                    uri = URI.create(m.group(1));
                }
            }
            assertTrue(uri != null, said.toString());
            assertTrue(said.toString().contains("model 'model': " + Path.of("runs", "a", "model.tatami")), said.toString());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> report = http.send(HttpRequest.newBuilder(uri.resolve("/api/models/model/run/report.html"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, report.statusCode());
            assertTrue(report.body().contains("<html"), report.body());
            HttpResponse<String> classified = http.send(HttpRequest.newBuilder(uri.resolve("/v1/models/model:classify"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofFile(
                            Path.of("../examples/digits/digit_7_90x120.png"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, classified.statusCode(), classified.body());
            assertTrue(classified.body().startsWith("{\"model\":\"model\",\"predictions\":[{\"class\":7,"),
                    classified.body());

            // SIGTERM, as a service manager stops a server (Process.destroy would close our end of its output).
            assertEquals(0, new ProcessBuilder("kill", "-15", String.valueOf(p.pid())).start().waitFor());
            lines.lines().forEach(line -> said.append(line).append('\n'));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), said.toString());
            assertEquals(128 + 15, p.exitValue(), said.toString());
            assertTrue(!said.toString().contains("Exception"), said.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badModelOptionsAreOneLine() throws Exception {
        CliRun missing = CliRun.of("serve", "--model", tmp.resolve("none.tatami").toString(), "--port", "0");
        assertEquals(2, missing.status(), missing.toString());
        assertTrue(missing.err().contains("is not a model file"), missing.toString());
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello");
        CliRun wrongType = CliRun.of("serve", "--model", "m=" + text, "--port", "0");
        assertEquals(2, wrongType.status(), wrongType.toString());
        assertTrue(wrongType.err().contains("unknown model file type"), wrongType.toString());
        CliRun badName = CliRun.of("serve", "--model", "a/b=" + text, "--port", "0");
        assertTrue(badName.status() != 0, badName.toString());
    }
}
