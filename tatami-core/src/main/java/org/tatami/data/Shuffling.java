package org.tatami.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * tf.data's shuffle: a buffer of up to {@code bufferSize} items, from which each next item is drawn at
 * random and replaced by the next one read. Pass k draws from a generator made from the seed and k
 * (always pass 0 without reshuffling), so every run gives the same orders.
 */
final class Shuffling {
    private final int bufferSize;
    private final long seed;
    private final boolean reshuffle;
    private long passes;

    Shuffling(int bufferSize, long seed, boolean reshuffle) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("shuffle buffer size must be at least 1, got " + bufferSize);
        }
        this.bufferSize = bufferSize;
        this.seed = seed;
        this.reshuffle = reshuffle;
    }

    /** The next pass's order of {@code it}'s items. */
    synchronized <T> Iterator<T> apply(Iterator<T> it) {
        long pass = reshuffle ? passes++ : 0;
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (pass + 1)));
        return new Iterator<>() {
            private final Object[] buffer = new Object[bufferSize];
            private int held;
            private boolean filled;

            @Override
            public boolean hasNext() {
                if (!filled) {
                    while (held < bufferSize && it.hasNext()) {
                        buffer[held++] = it.next();
                    }
                    filled = true;
                }
                return held > 0;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = random.nextInt(held);
                T out = (T) buffer[i];
                if (it.hasNext()) {
                    buffer[i] = it.next();
                } else {
                    buffer[i] = buffer[--held];
                    buffer[held] = null;
                }
                return out;
            }
        };
    }
}
