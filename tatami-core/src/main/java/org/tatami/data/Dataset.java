package org.tatami.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tatami.Tatami;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * A pipeline of examples in the spirit of {@code tf.data.Dataset}: made from arrays or from a generator,
 * transformed lazily ({@link #map}, {@link #shuffle}, {@link #batch}, {@link #prefetch}, {@link #cache},
 * {@link #take}, {@link #skip}), and read one pass at a time. {@code fit}, {@code evaluate} and
 * {@code predict} take a Dataset of batches.
 *
 * <pre>{@code
 * Dataset train = Dataset.fromTensorSlices(xTrain, yTrain)
 *         .shuffle(1024, 42)
 *         .map(e -> e.withX(e.x().div(255f)))
 *         .batch(128)
 *         .prefetch(2);
 * model.fit(train, new FitOptions().epochs(5).validationData(validation));
 * }</pre>
 *
 * <p>An element holds the inputs {@code x}, the targets {@code y} (none for unlabelled data) and
 * optionally per-sample weights, as Keras's {@code (x, y, sample_weight)} tuples. Elements are values:
 * a transformation makes new tensors rather than changing the ones it is given. A pass reads the data
 * as it goes: nothing holds the whole data set unless {@link #cache} is asked to. Every pass is
 * deterministic: a seeded shuffle gives the same orders in every run, whatever the threads.
 */
public abstract class Dataset {
    /** The cardinality of a data set that never ends, as {@code tf.data.INFINITE_CARDINALITY}. */
    public static final long INFINITE = -1;
    /** The cardinality of a data set whose size is known only once read, as {@code tf.data.UNKNOWN_CARDINALITY}. */
    public static final long UNKNOWN = -2;

    /**
     * One example, or one batch of them (a leading batch axis on every tensor): one tensor per model input,
     * one per model output (none for unlabelled data), and the samples' loss weights, or null.
     */
    public record Element(List<Tensor> xs, List<Tensor> ys, Tensor sampleWeight) {
        public Element {
            xs = List.copyOf(xs);
            ys = List.copyOf(ys);
            if (xs.isEmpty()) {
                throw new IllegalArgumentException("an element needs at least one input tensor");
            }
        }

        /** Unlabelled: an input only. */
        public static Element of(Tensor x) {
            return new Element(List.of(x), List.of(), null);
        }

        public static Element of(Tensor x, Tensor y) {
            return new Element(List.of(x), List.of(y), null);
        }

        /** An input with a class label (a float scalar, as tatami's targets are). */
        public static Element of(Tensor x, int label) {
            return of(x, Tensor.of(new float[] {label}));
        }

        public static Element of(Tensor x, Tensor y, Tensor sampleWeight) {
            return new Element(List.of(x), List.of(y), sampleWeight);
        }

        /** The input, for an element of a single-input model. */
        public Tensor x() {
            if (xs.size() != 1) {
                throw new IllegalStateException("the element has " + xs.size() + " inputs: use xs()");
            }
            return xs.get(0);
        }

        /** The target, for an element of a single-output model. */
        public Tensor y() {
            if (ys.size() != 1) {
                throw new IllegalStateException("the element has " + ys.size() + " targets: use ys()");
            }
            return ys.get(0);
        }

        /** The same element with another input, for a single-input element. */
        public Element withX(Tensor x) {
            x();
            return new Element(List.of(x), ys, sampleWeight);
        }

        /** The same element with another target, for a single-target element. */
        public Element withY(Tensor y) {
            y();
            return new Element(xs, List.of(y), sampleWeight);
        }
    }

    /** One pass over a data set. Close it when leaving early: a {@link #prefetch} thread stops then. */
    public interface ElementIterator extends Iterator<Element>, AutoCloseable {
        @Override
        void close();
    }

    // ---- sources ----

    /** Unlabelled examples: row i of {@code x} (its axis 0) is element i. */
    public static Dataset fromTensorSlices(Tensor x) {
        return new RowDataset(new TensorSlices(List.of(x), List.of(), null));
    }

    /** Examples with class labels: row i of {@code x} and label i, as {@code from_tensor_slices((x, y))}. */
    public static Dataset fromTensorSlices(Tensor x, IntTensor y) {
        return fromTensorSlices(x, y.toFloat());
    }

    /** Examples with float targets (one-hot rows, regression values). */
    public static Dataset fromTensorSlices(Tensor x, Tensor y) {
        return new RowDataset(new TensorSlices(List.of(x), List.of(y), null));
    }

    /**
     * Examples of a model with several inputs or outputs, and optionally per-sample weights (null for none):
     * row i of every tensor is element i.
     */
    public static Dataset fromTensorSlices(List<Tensor> xs, List<Tensor> ys, Tensor sampleWeight) {
        return new RowDataset(new TensorSlices(xs, ys, sampleWeight));
    }

    /**
     * Elements from a generator, as {@code tf.data.Dataset.from_generator}: {@code generator} is asked for a
     * new iterator at every pass, and only the elements being worked on are held. The cardinality is
     * {@link #UNKNOWN} ({@link #assertCardinality} states it). An iterator that is {@link AutoCloseable} is
     * closed when its pass ends.
     */
    public static Dataset fromGenerator(Supplier<? extends Iterator<Element>> generator) {
        Objects.requireNonNull(generator, "generator");
        return new Dataset() {
            @Override
            public long cardinality() {
                return UNKNOWN;
            }

            @Override
            public ElementIterator iterator() {
                Iterator<Element> it = Objects.requireNonNull(generator.get(), "the generator returned no iterator");
                return ElementIterators.of(ElementIterators.nonNull(it, "the generator"), () -> {
                    if (it instanceof AutoCloseable c) {
                        ElementIterators.close(c);
                    }
                });
            }
        };
    }

    // ---- what it is ----

    /** The number of elements of a pass, or {@link #INFINITE}, or {@link #UNKNOWN}, as tf.data's cardinality(). */
    public abstract long cardinality();

    /** Starts a pass over the elements. */
    public abstract ElementIterator iterator();

    /** Runs {@code action} on every element of one pass. */
    public void forEach(Consumer<Element> action) {
        try (ElementIterator it = iterator()) {
            while (it.hasNext()) {
                action.accept(it.next());
            }
        }
    }

    // ---- transformations ----

    /** Each element through {@code f}, as {@code map}; {@code f} runs on the thread that reads the pass. */
    public Dataset map(Function<Element, Element> f) {
        Objects.requireNonNull(f, "f");
        Dataset upstream = this;
        return new Dataset() {
            @Override
            public long cardinality() {
                return upstream.cardinality();
            }

            @Override
            public ElementIterator iterator() {
                ElementIterator it = upstream.iterator();
                Iterator<Element> mapped = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Element next() {
                        return f.apply(it.next());
                    }
                };
                return ElementIterators.of(ElementIterators.nonNull(mapped, "the map function"), it::close);
            }
        };
    }

    /** {@link #shuffle(int, long)} with a seed drawn now from the session's ({@code Tatami.setRandomSeed}). */
    public Dataset shuffle(int bufferSize) {
        return shuffle(bufferSize, Tatami.newRandom().nextLong());
    }

    /** {@link #shuffle(int, long, boolean)} in another order every pass, as tf.data's default. */
    public Dataset shuffle(int bufferSize, long seed) {
        return shuffle(bufferSize, seed, true);
    }

    /**
     * Shuffles as {@code tf.data}'s {@code shuffle(buffer_size, seed, reshuffle_each_iteration)}: a buffer
     * of {@code bufferSize} elements is filled, and each next element is drawn at random from it and
     * replaced by the next one read; a buffer as large as the data set shuffles it uniformly. Pass k of the
     * data set draws from a generator made from {@code seed} and k, so the orders are the same in every run.
     */
    public Dataset shuffle(int bufferSize, long seed, boolean reshuffleEachIteration) {
        Shuffling shuffling = new Shuffling(bufferSize, seed, reshuffleEachIteration);
        Dataset upstream = this;
        return new Dataset() {
            @Override
            public long cardinality() {
                return upstream.cardinality();
            }

            @Override
            public ElementIterator iterator() {
                ElementIterator it = upstream.iterator();
                return ElementIterators.of(shuffling.apply(it), it::close);
            }
        };
    }

    /** {@link #batch(int, boolean)} keeping a smaller last batch. */
    public Dataset batch(int size) {
        return batch(size, false);
    }

    /**
     * Stacks {@code size} consecutive elements into one, each tensor gaining a leading batch axis, as
     * {@code batch(batch_size, drop_remainder)}; the last batch is smaller unless {@code dropRemainder}.
     * The elements of a batch must agree in structure and shapes.
     */
    public Dataset batch(int size, boolean dropRemainder) {
        requireBatchSize(size);
        Dataset upstream = this;
        return new Dataset() {
            @Override
            public long cardinality() {
                return batchCardinality(upstream.cardinality(), size, dropRemainder);
            }

            @Override
            public ElementIterator iterator() {
                ElementIterator it = upstream.iterator();
                Iterator<Element> batches = new Batching<>(it, size, dropRemainder) {
                    @Override
                    Element make(List<Element> items) {
                        return Stacking.stack(items);
                    }
                };
                return ElementIterators.of(batches, it::close);
            }
        };
    }

    /**
     * Reads up to {@code bufferSize} elements ahead on a background thread, as {@code prefetch}, so that
     * producing them (reading, decoding, mapping) overlaps with their use. The order is unchanged. An
     * exception on the background thread is thrown to the reader at the element where it happened; closing
     * the pass stops the thread. 0 reads nothing ahead.
     */
    public Dataset prefetch(int bufferSize) {
        if (bufferSize < 0) {
            throw new IllegalArgumentException("prefetch buffer size must be >= 0, got " + bufferSize);
        }
        return bufferSize == 0 ? this : new PrefetchDataset(this, bufferSize);
    }

    /**
     * Keeps the elements of the first complete pass in memory and replays them in later passes, as
     * {@code cache()}: whatever came before (reading, decoding, mapping) runs once. A pass left early
     * keeps nothing.
     */
    public Dataset cache() {
        return new CacheDataset(this);
    }

    /** The first {@code count} elements, as {@code take}. */
    public Dataset take(long count) {
        requireCount("take", count);
        return skipTake(0, count);
    }

    /** All but the first {@code count} elements, as {@code skip}. */
    public Dataset skip(long count) {
        requireCount("skip", count);
        return skipTake(count, Long.MAX_VALUE);
    }

    /** Elements {@code skip} to {@code skip + take}; data sets that can cut by index do it there. */
    Dataset skipTake(long skip, long take) {
        Dataset upstream = this;
        return new Dataset() {
            @Override
            public long cardinality() {
                return skipTakeCardinality(upstream.cardinality(), skip, take);
            }

            @Override
            public ElementIterator iterator() {
                ElementIterator it = upstream.iterator();
                return ElementIterators.of(ElementIterators.skipTake(it, skip, take), it::close);
            }
        };
    }

    /**
     * States the number of elements, as {@code tf.data.experimental.assert_cardinality}: {@link #cardinality}
     * returns it (so progress bars know the total), and a pass that finds more or fewer elements fails.
     */
    public Dataset assertCardinality(long count) {
        requireCount("assertCardinality", count);
        Dataset upstream = this;
        return new Dataset() {
            @Override
            public long cardinality() {
                return count;
            }

            @Override
            public ElementIterator iterator() {
                ElementIterator it = upstream.iterator();
                Iterator<Element> checked = new Iterator<>() {
                    private long seen;

                    @Override
                    public boolean hasNext() {
                        boolean more = it.hasNext();
                        if (!more && seen < count) {
                            throw new IllegalStateException("the data set was asserted to hold " + count
                                    + " elements but holds only " + seen);
                        }
                        if (more && seen == count) {
                            throw new IllegalStateException("the data set was asserted to hold " + count
                                    + " elements but holds more");
                        }
                        return more;
                    }

                    @Override
                    public Element next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        seen++;
                        return it.next();
                    }
                };
                return ElementIterators.of(checked, it::close);
            }
        };
    }

    // ---- cardinality arithmetic, shared with the datasets that batch or cut by index ----

    static long batchCardinality(long n, int size, boolean dropRemainder) {
        if (n < 0) {
            return n;
        }
        return dropRemainder ? n / size : (n + size - 1) / size;
    }

    static long skipTakeCardinality(long n, long skip, long take) {
        if (n == UNKNOWN) {
            return take == 0 ? 0 : UNKNOWN;
        }
        if (n == INFINITE) {
            return take == Long.MAX_VALUE ? INFINITE : take;
        }
        return Math.min(Math.max(n - skip, 0), take);
    }

    static void requireBatchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
    }

    private static void requireCount(String what, long count) {
        if (count < 0) {
            throw new IllegalArgumentException(what + " count must be >= 0, got " + count);
        }
    }
}
