package org.tatami.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Dataset as tf.data defines it: sources, each transformation, cardinality, and determinism. */
class DatasetTest {
    /** 10 examples: x[i] = (i, 10 + i), label i % 3. */
    private static final Tensor X = Tensor.of(new float[] {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16, 7, 17,
        8, 18, 9, 19}, 10, 2);
    private static final IntTensor Y = IntTensor.vector(0, 1, 2, 0, 1, 2, 0, 1, 2, 0);

    private static List<Dataset.Element> all(Dataset d) {
        List<Dataset.Element> out = new ArrayList<>();
        d.forEach(out::add);
        return out;
    }

    /** The first value of each element's (or batch row's) x: the example's index. */
    private static List<Integer> ids(Dataset d) {
        List<Integer> out = new ArrayList<>();
        d.forEach(e -> {
            Tensor x = e.x();
            int row = x.rank() == 1 ? x.size() : x.size() / x.shape(0);
            for (int i = 0; i < x.size(); i += row) {
                out.add((int) x.data()[i]);
            }
        });
        return out;
    }

    /** The same examples from a generator: a source that cannot be read by index. */
    private static Dataset generated(AtomicInteger passes) {
        return Dataset.fromGenerator(() -> {
            passes.incrementAndGet();
            return new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < 10;
                }

                @Override
                public Dataset.Element next() {
                    int k = i++;
                    return Dataset.Element.of(Tensor.vector(k, 10 + k), Y.get(k));
                }
            };
        });
    }

    @Test
    void tensorSlicesAreTheRows() {
        Dataset d = Dataset.fromTensorSlices(X, Y);
        assertEquals(10, d.cardinality());
        List<Dataset.Element> elements = all(d);
        assertEquals(10, elements.size());
        assertEquals(Tensor.vector(3, 13), elements.get(3).x());
        assertArrayEquals(new int[0], elements.get(5).y().shape(), "a label is a scalar");
        assertEquals(2f, elements.get(5).y().data()[0]);
        assertNull(elements.get(5).sampleWeight());
        assertEquals(List.of(), all(Dataset.fromTensorSlices(X)).get(0).ys());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromTensorSlices(X, Y.slice(0, 9)));
        assertEquals("from_tensor_slices: every tensor must have the same length along axis 0; got shapes [(10, 2),"
                + " (9,)]", e.getMessage());
    }

    @Test
    void batchStacksElements() {
        Dataset batched = Dataset.fromTensorSlices(X, Y).batch(4);
        assertEquals(3, batched.cardinality());
        List<Dataset.Element> batches = all(batched);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {4, 2}, batches.get(0).x().shape());
        assertArrayEquals(new int[] {2, 2}, batches.get(2).x().shape());
        assertEquals(Tensor.vector(1, 2, 0, 1), batches.get(1).y());
        assertEquals(2, Dataset.fromTensorSlices(X, Y).batch(4, true).cardinality());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), ids(Dataset.fromTensorSlices(X, Y).batch(4, true)));
        // The same from a source read element by element.
        AtomicInteger passes = new AtomicInteger();
        List<Dataset.Element> generic = all(generated(passes).batch(4));
        assertEquals(batches, generic);
        assertEquals(Dataset.UNKNOWN, generated(passes).batch(4).cardinality());
        assertThrows(IllegalArgumentException.class, () -> Dataset.fromTensorSlices(X).batch(0));
    }

    @Test
    void batchRefusesElementsThatDisagree() {
        Dataset mixed = Dataset.fromGenerator(() -> List.of(Dataset.Element.of(Tensor.vector(1, 2), 0),
                Dataset.Element.of(Tensor.vector(1, 2, 3), 1)).iterator()).batch(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> all(mixed));
        assertEquals("batch: element 1 of the batch has x of shape (3,), element 0 has (2,): the elements of a batch"
                + " must have the same shapes", e.getMessage());
        Dataset unlabelled = Dataset.fromGenerator(() -> List.of(Dataset.Element.of(Tensor.vector(1, 2), 0),
                Dataset.Element.of(Tensor.vector(1, 2))).iterator()).batch(2);
        e = assertThrows(IllegalArgumentException.class, () -> all(unlabelled));
        assertEquals("batch: element 1 of the batch holds 1 input(s), 0 target(s) and no sample weight, element 0 1"
                + " input(s), 1 target(s) and no sample weight: the elements of a batch must agree", e.getMessage());
    }

    @Test
    void shuffleIsAPermutationReshuffledEveryPassAndSeeded() {
        Dataset d = Dataset.fromTensorSlices(X, Y).shuffle(10, 42);
        List<Integer> first = ids(d);
        List<Integer> second = ids(d);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), first.stream().sorted().toList());
        assertNotEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), first);
        assertNotEquals(first, second, "another order in the second pass");
        Dataset again = Dataset.fromTensorSlices(X, Y).shuffle(10, 42);
        assertEquals(first, ids(again), "the same seed, the same orders");
        assertEquals(second, ids(again));
        Dataset fixed = Dataset.fromTensorSlices(X, Y).shuffle(10, 42, false);
        assertEquals(first, ids(fixed));
        assertEquals(first, ids(fixed), "reshuffle_each_iteration=false: the same order every pass");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids(Dataset.fromTensorSlices(X).shuffle(1, 3)));
    }

    /** A buffer of b elements: the element at position p was among the first p + b read. */
    @Test
    void shuffleDrawsFromABufferOfTheGivenSize() {
        for (long seed = 0; seed < 20; seed++) {
            List<Integer> order = ids(Dataset.fromTensorSlices(X).shuffle(3, seed));
            assertEquals(10, order.stream().distinct().count());
            for (int p = 0; p < order.size(); p++) {
                assertTrue(order.get(p) <= p + 2, "seed " + seed + ": " + order);
            }
        }
    }

    /** Arrays are shuffled and batched as indices; the orders and batches are those of the general path. */
    @Test
    void indexedSourcesGiveWhatTheGeneralPathGives() {
        AtomicInteger passes = new AtomicInteger();
        Dataset general = generated(passes).skip(1).shuffle(4, 9).take(7).batch(3);
        Dataset indexed = Dataset.fromTensorSlices(X, Y).skip(1).shuffle(4, 9).take(7).batch(3);
        assertEquals(3, indexed.cardinality());
        for (int pass = 0; pass < 3; pass++) {
            assertEquals(all(general), all(indexed), "pass " + pass);
        }
        assertEquals(3, passes.get(), "the generator is asked for a new iterator at every pass");
    }

    @Test
    void mapTransformsEachElement() {
        Dataset d = Dataset.fromTensorSlices(X, Y).map(e -> e.withX(e.x().mul(2f)));
        assertEquals(10, d.cardinality());
        assertEquals(Tensor.vector(6, 26), all(d).get(3).x());
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> all(Dataset.fromTensorSlices(X).map(x -> null)));
        assertEquals("the map function gave a null element", e.getMessage());
    }

    @Test
    void takeAndSkip() {
        Dataset d = Dataset.fromTensorSlices(X, Y);
        assertEquals(List.of(0, 1, 2), ids(d.take(3)));
        assertEquals(List.of(7, 8, 9), ids(d.skip(7)));
        assertEquals(List.of(2, 3), ids(d.skip(2).take(2)));
        assertEquals(3, d.take(3).cardinality());
        assertEquals(0, d.skip(20).cardinality());
        assertEquals(10, d.take(20).cardinality());
        AtomicInteger passes = new AtomicInteger();
        assertEquals(List.of(8, 9), ids(generated(passes).skip(8)));
        assertEquals(Dataset.UNKNOWN, generated(passes).take(3).cardinality());
        assertEquals(0, generated(passes).take(0).cardinality());
        assertThrows(IllegalArgumentException.class, () -> d.take(-1));
    }

    @Test
    void cacheReadsTheSourceOnceAfterACompletePass() {
        AtomicInteger mapped = new AtomicInteger();
        Dataset d = Dataset.fromTensorSlices(X, Y).map(e -> {
            mapped.incrementAndGet();
            return e;
        }).cache();
        assertEquals(List.of(0, 1, 2), ids(d.take(3)));
        assertEquals(3, mapped.get());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids(d));
        assertEquals(13, mapped.get(), "a pass left early keeps nothing");
        List<Dataset.Element> first = all(d);
        assertEquals(13, mapped.get(), "later passes replay the cache");
        assertSame(first.get(4), all(d).get(4));
        assertEquals(10, d.cardinality());
    }

    @Test
    void prefetchKeepsTheOrder() {
        Dataset d = Dataset.fromTensorSlices(X, Y).shuffle(10, 1).batch(3);
        Dataset ahead = Dataset.fromTensorSlices(X, Y).shuffle(10, 1).batch(3).prefetch(2);
        assertEquals(4, ahead.cardinality());
        for (int pass = 0; pass < 3; pass++) {
            assertEquals(all(d), all(ahead));
        }
        assertSame(d, d.prefetch(0));
    }

    /** The background thread's exception reaches the reader, in the element's place. */
    @Test
    void prefetchThrowsTheProducersExceptionToTheReader() {
        Dataset failing = Dataset.fromTensorSlices(X, Y).map(e -> {
            if (e.x().data()[0] == 4) {
                throw new IllegalStateException("bad example 4");
            }
            return e;
        }).prefetch(3);
        List<Integer> seen = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.forEach(
                el -> seen.add((int) el.x().data()[0])));
        assertEquals("bad example 4", e.getMessage());
        assertEquals(List.of(0, 1, 2, 3), seen);
    }

    /** Closing a pass stops the thread, which closes the source before close returns. */
    @Test
    void closingAPrefetchingPassStopsItsThread() {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger produced = new AtomicInteger();
        class Endless implements Iterator<Dataset.Element>, AutoCloseable {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Dataset.Element next() {
                return Dataset.Element.of(Tensor.vector(produced.getAndIncrement()));
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        Dataset endless = Dataset.fromGenerator(Endless::new).prefetch(2);
        try (Dataset.ElementIterator it = endless.iterator()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(i, (int) it.next().x().data()[0]);
            }
        }
        assertTrue(closed.get(), "the generator's iterator is closed when the pass is");
        int count = produced.get();
        assertTrue(count <= 5 + 2 + 1, "reads at most the buffer ahead: " + count);
    }

    @Test
    void assertCardinalityStatesTheSizeAndChecksIt() {
        AtomicInteger passes = new AtomicInteger();
        Dataset d = generated(passes).assertCardinality(10);
        assertEquals(10, d.cardinality());
        assertEquals(4, d.batch(3).cardinality());
        assertEquals(10, all(d).size());
        IllegalStateException fewer = assertThrows(IllegalStateException.class,
                () -> all(generated(passes).assertCardinality(11)));
        assertEquals("the data set was asserted to hold 11 elements but holds only 10", fewer.getMessage());
        IllegalStateException more = assertThrows(IllegalStateException.class,
                () -> all(generated(passes).assertCardinality(9)));
        assertEquals("the data set was asserted to hold 9 elements but holds more", more.getMessage());
    }

    @Test
    void iteratorsEndAsJavasDo() {
        try (Dataset.ElementIterator it = Dataset.fromTensorSlices(X).take(1).iterator()) {
            it.next();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }
}
