package org.tatami.data;

import java.util.List;

/**
 * Examples read by index (rows of arrays, files): shuffling and batching such a data set move indices, and a
 * batch is filled straight from the source, with no tensor per example.
 */
interface Rows {
    int size();

    /** Example {@code i}. */
    Dataset.Element row(int i);

    /** The examples at {@code indices}, stacked into new tensors with a leading batch axis. */
    Dataset.Element rows(List<Integer> indices);
}
