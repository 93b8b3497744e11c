package org.tatami.models;

/**
 * The gradients of a step's chunks added into the first chunk's in chunk order (chunk 0 plus chunk 1,
 * plus chunk 2, ...), each chunk as soon as it and every chunk before it are done: while the workers go
 * on with later chunks, and while a chunk's gradients are still in cache. Added in one pass at the end
 * of the step instead, they came back from memory (13 MB for the seed's 64 chunks, 13% of its step at
 * 16 lanes). The order, and so the bits, are those of that pass, whatever the threads.
 *
 * <p>One thread adds at a time; a worker that finishes a chunk while another adds only marks it done,
 * and the adding thread takes it in turn.
 */
final class OrderedGradientSum {
    /** Gradients per chunk, layer and parameter, as the engine keeps them. */
    private final float[][][][] grads;
    private final boolean[] done;
    /** The next chunk to add (chunk 0 is the sum's start, added by being there). */
    private int next;
    private boolean adding;

    OrderedGradientSum(float[][][][] grads, int chunks) {
        this.grads = grads;
        this.done = new boolean[chunks];
    }

    /** Chunk c's gradients are complete: adds it, and every chunk after it that is done, if their turn has come. */
    void finished(int c) {
        synchronized (this) {
            done[c] = true;
            if (adding) {
                return;
            }
            adding = true;
        }
        while (true) {
            int k;
            synchronized (this) {
                if (next == done.length || !done[next]) {
                    adding = false;
                    return;
                }
                k = next++;
            }
            if (k > 0) {
                for (int l = 0; l < grads[0].length; l++) {
                    Engine.addInto(grads[0][l], grads[k][l]);
                }
            }
        }
    }
}
