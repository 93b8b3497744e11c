package org.tatami.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the reports say about the machine and the process: CPU, JDK, memory, and their JSON form. */
final class Env {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path STATUS = Path.of("/proc/self/status");

    private Env() {
    }

    /** The CPU's model name where the OS tells it (Linux), else the architecture. */
    static String cpu() {
        for (String line : lines(CPUINFO)) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
    }

    /**
     * The heap's high-water mark: the sum of each heap pool's peak use. The pools peak at different
     * moments, so this bounds the true peak from above.
     */
    static double peakHeapMib() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** The heap the JVM has reserved from the OS right now (what the peers' RSS holds for Java). */
    static double heapCommittedMib() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / (1024.0 * 1024.0);
    }

    /** The process's peak resident set (VmHWM), or null where /proc does not tell it. */
    static Double peakRssMib() {
        for (String line : lines(STATUS)) {
            if (line.startsWith("VmHWM:")) {
                String kib = line.substring("VmHWM:".length()).replace("kB", "").strip();
                return Long.parseLong(kib) / 1024.0;
            }
        }
        return null;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    static String json(Map<String, Object> fields) {
        return new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().serializeNulls()
                .create().toJson(fields);
    }
}
