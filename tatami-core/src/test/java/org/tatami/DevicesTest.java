package org.tatami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
    /** The collector beans' names of JDK 17 and 21, by collector. */
    @Test
    void namesTheCollectorFromItsBeans() {
        assertEquals("serial", Devices.collector(List.of("Copy", "MarkSweepCompact")));
        assertEquals("parallel", Devices.collector(List.of("PS Scavenge", "PS MarkSweep")));
        assertEquals("G1", Devices.collector(List.of("G1 Young Generation", "G1 Old Generation")));
        assertEquals("G1", Devices.collector(List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation")));
        assertEquals("ZGC", Devices.collector(List.of("ZGC Cycles", "ZGC Pauses")));
        assertEquals("Shenandoah", Devices.collector(List.of("Shenandoah Pauses", "Shenandoah Cycles")));
        assertEquals("Some GC, Other", Devices.collector(List.of("Some GC", "Other")));
        assertEquals("unknown", Devices.collector(List.of()));
    }

    @Test
    void describesTheRunningCollector() {
        String line = Devices.describe().stream().filter(l -> l.startsWith("collector: ")).findFirst().orElseThrow();
        String name = line.substring("collector: ".length());
        assertTrue(List.of("serial", "parallel", "G1", "ZGC", "Shenandoah").contains(name), line);
    }
}
