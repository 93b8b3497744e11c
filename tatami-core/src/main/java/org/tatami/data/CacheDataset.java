package org.tatami.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Replays the elements of the first complete pass, held in memory; until one completes, reads upstream. */
final class CacheDataset extends Dataset {
    private final Dataset upstream;
    private volatile List<Element> cached;

    CacheDataset(Dataset upstream) {
        this.upstream = upstream;
    }

    @Override
    public long cardinality() {
        return upstream.cardinality();
    }

    @Override
    public ElementIterator iterator() {
        List<Element> done = cached;
        if (done != null) {
            return ElementIterators.of(done.iterator(), () -> { });
        }
        ElementIterator it = upstream.iterator();
        List<Element> filling = new ArrayList<>();
        return ElementIterators.of(new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = it.hasNext();
                if (!more && cached == null) {
                    cached = List.copyOf(filling);
                }
                return more;
            }

            @Override
            public Element next() {
                Element e = it.next();
                filling.add(e);
                return e;
            }
        }, it::close);
    }
}
