package org.tatami.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** The small iterators that {@link Dataset}'s transformations are made of. */
final class ElementIterators {
    private ElementIterators() {
    }

    /** {@code it} as one pass of a data set, with what closing the pass does. */
    static Dataset.ElementIterator of(Iterator<Dataset.Element> it, Runnable onClose) {
        return new Dataset.ElementIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Dataset.Element next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                return it.next();
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    /** Refuses a null element, naming where it came from. */
    static Iterator<Dataset.Element> nonNull(Iterator<Dataset.Element> it, String source) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Dataset.Element next() {
                Dataset.Element e = it.next();
                if (e == null) {
                    throw new NullPointerException(source + " gave a null element");
                }
                return e;
            }
        };
    }

    /** Items {@code skip} to {@code skip + take} of {@code it} (the first ones skipped when first asked). */
    static <T> Iterator<T> skipTake(Iterator<T> it, long skip, long take) {
        return new Iterator<>() {
            private boolean skipped;
            private long taken;

            @Override
            public boolean hasNext() {
                if (!skipped) {
                    for (long i = 0; i < skip && it.hasNext(); i++) {
                        it.next();
                    }
                    skipped = true;
                }
                return taken < take && it.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                taken++;
                return it.next();
            }
        };
    }

    /** Closes a user's resource; what it throws comes out unchecked. */
    static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + c + " failed: " + e.getMessage(), e);
        }
    }
}
