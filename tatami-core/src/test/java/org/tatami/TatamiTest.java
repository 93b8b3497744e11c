package org.tatami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class TatamiTest {
    /** Draws inside withPrivateRandom neither come from nor advance the session's stream. */
    @Test
    void privateRandomLeavesTheSessionStreamAlone() {
        Tatami.setRandomSeed(42);
        long first = Tatami.newRandom().nextLong();
        long second = Tatami.newRandom().nextLong();

        Tatami.setRandomSeed(42);
        long[] inside = new long[2];
        Tatami.withPrivateRandom(42, () -> {
            inside[0] = Tatami.newRandom().nextLong();
            inside[1] = Tatami.newRandom().nextLong();
        });
        assertEquals(first, Tatami.newRandom().nextLong(), "the session's next draw");
        assertEquals(second, Tatami.newRandom().nextLong());
        assertEquals(first, inside[0], "a private stream seeded alike draws alike");
        assertEquals(second, inside[1]);

        Tatami.setRandomSeed(42);
        Tatami.withPrivateRandom(7, () -> assertNotEquals(first, Tatami.newRandom().nextLong()));
        assertEquals(first, Tatami.newRandom().nextLong());
    }

    @Test
    void privateRandomIsPerThread() throws InterruptedException {
        Tatami.setRandomSeed(5);
        long expected = Tatami.newRandom().nextLong();
        Tatami.setRandomSeed(5);
        long[] other = new long[1];
        Tatami.withPrivateRandom(9, () -> {
            Thread t = new Thread(() -> other[0] = Tatami.newRandom().nextLong());
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(expected, other[0], "another thread draws from the session, as always");
    }
}
