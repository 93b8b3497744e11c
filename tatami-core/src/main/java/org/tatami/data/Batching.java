package org.tatami.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Groups the items of {@code it} by {@code size} (the last group smaller, or dropped) into {@link #make}'s batches. */
abstract class Batching<T> implements Iterator<Dataset.Element> {
    private final Iterator<T> it;
    private final int size;
    private final boolean dropRemainder;
    private final List<T> items;

    Batching(Iterator<T> it, int size, boolean dropRemainder) {
        this.it = it;
        this.size = size;
        this.dropRemainder = dropRemainder;
        this.items = new ArrayList<>(Math.min(size, 1024));
    }

    /** One batch of {@code items} (a list reused for the next batch: copy what must be kept). */
    abstract Dataset.Element make(List<T> items);

    @Override
    public boolean hasNext() {
        if (items.isEmpty()) {
            while (items.size() < size && it.hasNext()) {
                items.add(it.next());
            }
            if (dropRemainder && items.size() < size) {
                items.clear();
            }
        }
        return !items.isEmpty();
    }

    @Override
    public Dataset.Element next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Dataset.Element batch = make(items);
        items.clear();
        return batch;
    }
}
