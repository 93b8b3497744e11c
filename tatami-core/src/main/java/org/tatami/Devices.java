package org.tatami;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tatami.kernels.Parallel;
import org.tatami.kernels.Simd;

/**
 * What tatami computes on, as the seed's {@code device_lib.list_local_devices()}: the CPU, its cores,
 * the SIMD width in use, the JVM, its memory and its garbage collector. tatami has no GPU backend.
 */
public final class Devices {
    private Devices() {
    }

    /** One "key: value" line per fact. */
    public static List<String> describe() {
        List<String> lines = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        lines.add("device: CPU");
        lines.add("cpu: " + cpuModel());
        lines.add("cores: " + rt.availableProcessors());
        lines.add("threads in use: " + Parallel.threads());
        lines.add("simd: " + (Simd.ENABLED ? Simd.lanes() * 32 + "-bit vectors (" + Simd.lanes()
                + " floats) via the Vector API" : "off (scalar kernels; run with --add-modules jdk.incubator.vector)"));
        lines.add("jvm: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        lines.add(String.format(Locale.ROOT, "max heap: %.1f GiB", rt.maxMemory() / (double) (1L << 30)));
        lines.add("collector: " + collector(ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList()));
        lines.add("gpu: none (tatami runs on the CPU only)");
        return lines;
    }

    /**
     * The garbage collector's common name (serial, parallel, G1, ZGC, Shenandoah) from the names of the JVM's
     * collector beans, or those names as they are: memory use depends on it, and {@code JAVA_OPTS} can change it.
     */
    static String collector(List<String> beans) {
        String names = String.join(", ", beans);
        if (beans.contains("Copy") && beans.contains("MarkSweepCompact")) {
            return "serial";
        }
        if (beans.contains("PS Scavenge")) {
            return "parallel";
        }
        for (String known : List.of("G1", "ZGC", "Shenandoah")) {
            if (names.startsWith(known)) {
                return known;
            }
        }
        return names.isEmpty() ? "unknown" : names;
    }

    /** The processor's model name, from /proc/cpuinfo where there is one, else the OS architecture. */
    public static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException e) {
            // fall through to the architecture
        }
        return System.getProperty("os.arch");
    }
}
