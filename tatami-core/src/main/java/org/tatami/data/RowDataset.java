package org.tatami.data;

import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Examples read by index, in an order that shuffling, skipping and taking rearrange as indices; batching
 * fills each batch straight from the source.
 */
final class RowDataset extends Dataset {
    private final Rows rows;
    /** One pass's indices. */
    private final Supplier<Iterator<Integer>> indices;
    private final long cardinality;

    RowDataset(Rows rows) {
        this(rows, () -> IntStream.range(0, rows.size()).iterator(), rows.size());
    }

    private RowDataset(Rows rows, Supplier<Iterator<Integer>> indices, long cardinality) {
        this.rows = rows;
        this.indices = indices;
        this.cardinality = cardinality;
    }

    @Override
    public long cardinality() {
        return cardinality;
    }

    @Override
    public ElementIterator iterator() {
        Iterator<Integer> it = indices.get();
        return ElementIterators.of(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Element next() {
                return rows.row(it.next());
            }
        }, () -> { });
    }

    @Override
    public Dataset shuffle(int bufferSize, long seed, boolean reshuffleEachIteration) {
        Shuffling shuffling = new Shuffling(bufferSize, seed, reshuffleEachIteration);
        return new RowDataset(rows, () -> shuffling.apply(indices.get()), cardinality);
    }

    @Override
    Dataset skipTake(long skip, long take) {
        return new RowDataset(rows, () -> ElementIterators.skipTake(indices.get(), skip, take),
                skipTakeCardinality(cardinality, skip, take));
    }

    @Override
    public Dataset batch(int size, boolean dropRemainder) {
        requireBatchSize(size);
        return new Dataset() {
            @Override
            public long cardinality() {
                return batchCardinality(cardinality, size, dropRemainder);
            }

            @Override
            public ElementIterator iterator() {
                return ElementIterators.of(new Batching<>(indices.get(), size, dropRemainder) {
                    @Override
                    Element make(List<Integer> items) {
                        return rows.rows(items);
                    }
                }, () -> { });
            }
        };
    }
}
