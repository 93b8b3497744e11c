package org.tatami.layers;

/**
 * A layer that needs statistics over the whole training batch (BatchNormalization). The engine runs the
 * batch in chunks on all cores and meets at this layer twice: each chunk sums its part, the parts are
 * combined in chunk order (so the result does not depend on the threads), and every chunk goes on with
 * the batch's figures.
 *
 * <ol>
 *   <li>forward: {@link #partialForward} per chunk, {@link #combineForward} once, {@link #normalize} per chunk;</li>
 *   <li>backward: {@link #partialBackward} per chunk (it also writes the chunk's parameter gradients),
 *       {@link #combineBackward} once, {@link #inputGradient} per chunk.</li>
 * </ol>
 * The layer's own {@code forward}/{@code backward} are the same steps with one chunk.
 */
public interface BatchStatistics {
    /** Whether training uses the batch's statistics now (false when frozen: then it runs as in inference). */
    boolean usesBatchStatistics();

    /** The doubles one chunk's partial sums take. */
    int partialSize();

    /** The batch-wide figures one application of the layer shares between its chunks. */
    Object createBatchState();

    /** Writes the statistics of one chunk of {@code n} samples into {@code partial}. */
    void partialForward(float[] x, int n, double[] partial);

    /** Combines the chunks' partial statistics in order into {@code state}, and moves the stored averages. */
    void combineForward(double[][] partials, int chunks, Object state);

    /** The normalized output of one chunk with the batch's statistics. */
    void normalize(float[] x, float[] y, int n, Object state);

    /** The sums one chunk contributes to the backward pass; its parameter gradients go to {@code grads}. */
    void partialBackward(float[] x, float[] dy, int n, Object state, double[] partial, float[][] grads);

    /** Combines the chunks' backward sums in order into {@code state}. */
    void combineBackward(double[][] partials, int chunks, Object state);

    /** The gradient w.r.t. one chunk's input. */
    void inputGradient(float[] x, float[] dy, float[] dx, int n, Object state);
}
