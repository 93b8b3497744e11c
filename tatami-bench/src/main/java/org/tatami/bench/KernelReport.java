package org.tatami.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tatami.bench.kernels.KernelWork;
import org.tatami.bench.kernels.Work;

/**
 * Turns a JMH result file ({@code -rf json -rff kernels.json}) into rates: GFLOP/s with the fraction
 * of one core's FMA peak (the kernels run on one thread), or GB/s for the memory-bound kernels.
 *
 * <p>Arguments: {@code kernels.json [--peak peak.json]}; without a peak file (the output of
 * {@link Peak}) the peak is measured first, which takes a few seconds.
 */
public final class KernelReport {
    private KernelReport() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path results = null;
        Path peakFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--peak") && i + 1 < args.length) {
                peakFile = Path.of(args[++i]);
            } else if (results == null && !args[i].startsWith("-")) {
                results = Path.of(args[i]);
            } else {
                throw new IllegalArgumentException("usage: KernelReport kernels.json [--peak peak.json]");
            }
        }
        if (results == null) {
            throw new IllegalArgumentException("usage: KernelReport kernels.json [--peak peak.json]");
        }
        double peak = peakFile != null ? read(peakFile).getAsJsonObject().get("single_core_gflops").getAsDouble()
                : Peak.measure(0.2, 1).singleCore();
        System.out.printf(Locale.ROOT, "single-core FMA peak: %.1f GFLOP/s%n", peak);
        System.out.printf(Locale.ROOT, "%-45s %-15s %14s %6s %12s %16s %8s%n", "benchmark", "params", "ops/s",
                "error", "work/op", "rate", "of peak");
        for (JsonElement e : read(results).getAsJsonArray()) {
            JsonObject run = e.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            Map<String, String> params = new LinkedHashMap<>();
            if (run.has("params")) {
                run.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            double score = metric.get("score").getAsDouble();
            double error = metric.get("scoreError").getAsDouble();
            double ops = opsPerSecond(score, metric.get("scoreUnit").getAsString());
            Work work = KernelWork.of(benchmark, params);
            String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            String rate = work == null ? "-" : String.format(Locale.ROOT, "%.2f %s", work.rate(ops), work.unit().rate());
            String ofPeak = work != null && work.unit() == Work.Unit.FLOP
                    ? String.format(Locale.ROOT, "%.0f%%", 100 * work.rate(ops) / peak) : "";
            // JMH gives no error for a single measurement iteration.
            String err = Double.isNaN(error) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * error / score);
            System.out.printf(Locale.ROOT, "%-45s %-15s %14.1f %6s %12s %16s %8s%n", shortName,
                    params.isEmpty() ? "" : params.toString(), ops, err, work == null ? "-" : amount(work), rate, ofPeak);
        }
    }

    private static JsonElement read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return JsonParser.parseReader(r);
        }
    }

    /** JMH's score as operations per second, from throughput ({@code ops/ms}) or time ({@code us/op}) units. */
    static double opsPerSecond(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts.length == 2 && parts[0].equals("ops")) {
            return score / seconds(parts[1]);
        }
        if (parts.length == 2 && parts[1].equals("op")) {
            return 1 / (score * seconds(parts[0]));
        }
        throw new IllegalArgumentException("unexpected JMH score unit " + unit);
    }

    private static double seconds(String unit) {
        return switch (unit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            case "hr" -> 3600;
            default -> throw new IllegalArgumentException("unexpected JMH time unit " + unit);
        };
    }

    private static String amount(Work w) {
        String unit = w.unit() == Work.Unit.FLOP ? "FLOP" : "B";
        double a = w.amount();
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M%s", a / 1e6, unit);
        }
        return a >= 1e3 ? String.format(Locale.ROOT, "%.2f k%s", a / 1e3, unit) : String.format(Locale.ROOT, "%.0f %s", a, unit);
    }
}
