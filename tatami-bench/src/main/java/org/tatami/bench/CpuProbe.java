package org.tatami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine was between two snapshots, from {@code /proc/stat} and {@code /proc/self/stat}
 * (as the peers measure it): cores used by this process, and by every other process. On a shared
 * machine an epoch during which others used a core is not a clean measurement. Reports zeros where
 * /proc is absent.
 */
final class CpuProbe {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private long[] last = read();

    /** Cores used by this process and by others since the previous lap. */
    record Lap(double own, double others) {
    }

    Lap lap() {
        long[] now = read();
        long total = Math.max(now[0] - last[0], 1);
        long busy = total - (now[1] - last[1]);
        long own = now[2] - last[2];
        last = now;
        return new Lap((double) CORES * own / total, (double) CORES * Math.max(busy - own, 0) / total);
    }

    /** Machine ticks (all cores), idle ticks (idle, iowait, steal), this process's ticks. */
    private static long[] read() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]) + (cpu.length > 8 ? Long.parseLong(cpu[8]) : 0);
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] own = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {total, idle, Long.parseLong(own[11]) + Long.parseLong(own[12])};
        } catch (IOException | RuntimeException e) {
            return new long[3];
        }
    }
}
