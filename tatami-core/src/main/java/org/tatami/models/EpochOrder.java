package org.tatami.models;

import java.util.SplittableRandom;

/**
 * The order in which {@link Model#fit} visits the samples: 0..n-1 at first, then shuffled in place before
 * every epoch. Public so that training spread over machines can visit them in the same order.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** Shuffles {@code order} in place (Fisher-Yates, from the last position down). */
    public static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
