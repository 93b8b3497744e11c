package org.tatami.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {
    @Test
    void anAllocationThatFitsIsMade() {
        float[] made = new float[3];
        assertSame(made, Limits.allocate(12, "three floats", () -> made));
    }

    /** Room in total but not in one piece: the allocation fails, and the refusal names it with the numbers. */
    @Test
    void anAllocationTheHeapCannotPlaceIsRefusedWithTheNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Limits.allocate(16L << 20, "x.idx: IDX data", () -> {
                    throw new OutOfMemoryError("Java heap space");
                }));
        String m = e.getMessage();
        assertTrue(m.startsWith("x.idx: IDX data needs 16.0 MiB of memory, the JVM heap has "), m);
        assertTrue(m.endsWith(", not in one piece: give the JVM more heap with JAVA_OPTS=-Xmx<size>"), m);
    }

    @Test
    void aRequestLargerThanTheHeapIsRefusedBeforeAllocating() {
        long tooMuch = Runtime.getRuntime().maxMemory() + 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Limits.allocate(tooMuch, "a tensor", () -> {
                    throw new AssertionError("allocated");
                }));
        assertTrue(e.getMessage().startsWith("a tensor needs "), e.getMessage());
        assertEquals("1.0 KiB", Limits.bytes(1024));
    }
}
