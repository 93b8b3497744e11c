package org.tatami.models;

import java.util.ArrayList;
import java.util.List;

/**
 * Assigns buffers to values by liveness: a value occupies a buffer from the step that writes it to the
 * last step that reads it, and a buffer whose value is dead is handed to the next value. Sizes are per
 * sample; the caller multiplies by its chunk capacity.
 */
final class BufferPlan {
    /** The buffer of each value, or -1 for a value that needs none. */
    final int[] slot;
    /** Per-sample size of each buffer: the largest value it holds. */
    final int[] slotSize;

    /**
     * @param size  per-sample size of each value
     * @param first the step at which each value is written (values with first > last need no buffer)
     * @param last  the last step at which each value is read
     */
    BufferPlan(int[] size, int[] first, int[] last) {
        int values = size.length;
        slot = new int[values];
        List<Integer> sizes = new ArrayList<>();
        List<Integer> busyUntil = new ArrayList<>();
        Integer[] byStart = new Integer[values];
        for (int v = 0; v < values; v++) {
            byStart[v] = v;
        }
        java.util.Arrays.sort(byStart, (a, b) -> first[a] != first[b] ? Integer.compare(first[a], first[b]) : a - b);
        for (int v : byStart) {
            if (first[v] > last[v] || size[v] == 0) {
                slot[v] = -1;
                continue;
            }
            // The smallest free buffer that is large enough, else the largest free one (grown), else a new one.
            int best = -1;
            for (int s = 0; s < sizes.size(); s++) {
                if (busyUntil.get(s) >= first[v]) {
                    continue;
                }
                if (best < 0) {
                    best = s;
                } else {
                    boolean fits = sizes.get(s) >= size[v];
                    boolean bestFits = sizes.get(best) >= size[v];
                    if (fits && (!bestFits || sizes.get(s) < sizes.get(best))
                            || !fits && !bestFits && sizes.get(s) > sizes.get(best)) {
                        best = s;
                    }
                }
            }
            if (best < 0) {
                best = sizes.size();
                sizes.add(0);
                busyUntil.add(0);
            }
            sizes.set(best, Math.max(sizes.get(best), size[v]));
            busyUntil.set(best, last[v]);
            slot[v] = best;
        }
        slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    int buffers() {
        return slotSize.length;
    }
}
