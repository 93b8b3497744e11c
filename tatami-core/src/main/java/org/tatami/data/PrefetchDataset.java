package org.tatami.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a data set ahead on a daemon thread into a queue of {@code bufferSize} elements. The upstream pass
 * is started on the caller's thread (so passes are counted, and shuffled, in the caller's order) and then
 * read on the background thread only, which closes it.
 */
final class PrefetchDataset extends Dataset {
    /** What the background thread puts after the last element. */
    private static final Object END = new Object();

    private final Dataset upstream;
    private final int bufferSize;

    PrefetchDataset(Dataset upstream, int bufferSize) {
        this.upstream = upstream;
        this.bufferSize = bufferSize;
    }

    @Override
    public long cardinality() {
        return upstream.cardinality();
    }

    @Override
    public ElementIterator iterator() {
        return new Ahead(upstream.iterator(), bufferSize);
    }

    /** A failure of the background thread, handed to the reader in the element's place. */
    private record Failure(Throwable error) {
    }

    private static final class Ahead implements ElementIterator {
        private final BlockingQueue<Object> queue;
        private final Thread thread;
        private volatile boolean closed;
        private Object next;

        Ahead(ElementIterator source, int bufferSize) {
            queue = new ArrayBlockingQueue<>(bufferSize);
            thread = new Thread(() -> produce(source), "tatami-prefetch");
            thread.setDaemon(true);
            thread.start();
        }

        private void produce(ElementIterator source) {
            try (source) {
                while (!closed && source.hasNext()) {
                    queue.put(source.next());
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // closed while waiting for room: nothing is read any more
            } catch (Throwable t) {
                if (!closed) {
                    try {
                        queue.put(new Failure(t));
                    } catch (InterruptedException e) {
                        // closed meanwhile
                    }
                }
            }
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the next element", e);
                }
            }
            if (next instanceof Failure f) {
                next = END;
                if (f.error() instanceof RuntimeException r) {
                    throw r;
                }
                if (f.error() instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f.error());
            }
            return next != END;
        }

        @Override
        public Element next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Element e = (Element) next;
            next = null;
            return e;
        }

        /** Stops the background thread and waits for it, so that the upstream pass is closed when this returns. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            thread.interrupt();
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            queue.clear();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
