package org.tatami.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

class KernelWorkTest {
    /** Every benchmark, with every value of its parameters, must have its work documented. */
    @Test
    void everyBenchmarkHasWork() {
        int checked = 0;
        for (Class<?> c : KernelWork.CLASSES.keySet()) {
            for (Map<String, String> params : paramCombinations(c)) {
                for (Method m : c.getMethods()) {
                    if (m.isAnnotationPresent(Benchmark.class)) {
                        Work w = KernelWork.of(c.getName() + "." + m.getName(), params);
                        assertNotNull(w, c.getSimpleName() + "." + m.getName() + " " + params);
                        checked++;
                    }
                }
            }
        }
        assertEquals(31, checked);
    }

    @Test
    void documentedCounts() {
        assertEquals(2.0 * 64 * 507 * 100, KernelWork.of(GemmBench.class.getName() + ".chunkForward", Map.of()).amount());
        assertEquals(285_474_816, KernelWork.of(Conv2DBench.class.getName() + ".forward",
                Map.of("shape", "convnet")).amount());
        assertEquals(2 * 285_474_816.0, KernelWork.of(Conv2DBench.class.getName() + ".backward",
                Map.of("shape", "convnet")).amount());
        assertEquals(2_336_256, KernelWork.of(Conv2DBench.class.getName() + ".backward",
                Map.of("shape", "seed")).amount());
        // "same" padding: every one of the 13 x 13 positions is an output row.
        assertEquals(2.0 * 64 * 169 * 32 * 288, KernelWork.of(Conv2DBench.class.getName() + ".forward",
                Map.of("shape", "resnet")).amount());
        assertEquals(2_336_256, KernelWork.of(ConvPoolBench.class.getName() + ".forward",
                Map.of("mode", "fused", "filters", "3")).amount());
        assertEquals(24_920_064, KernelWork.of(ConvPoolBench.class.getName() + ".backward",
                Map.of("mode", "layers", "filters", "32")).amount());
        assertEquals(24_920_064, KernelWork.of(Conv2DBench.class.getName() + ".backward",
                Map.of("shape", "stem_im2col")).amount());
        assertEquals(28.0 * 51_840, KernelWork.of(AdamBench.class.getName() + ".step", Map.of()).amount());
        assertNull(KernelWork.of("org.example.Other.run", Map.of()));
    }

    private static List<Map<String, String>> paramCombinations(Class<?> c) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new HashMap<>());
        for (Field f : c.getFields()) {
            Param p = f.getAnnotation(Param.class);
            if (p == null) {
                continue;
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> m : out) {
                for (String v : p.value()) {
                    Map<String, String> copy = new HashMap<>(m);
                    copy.put(f.getName(), v);
                    next.add(copy);
                }
            }
            out = next;
        }
        return out;
    }
}
