package org.tatami.serve;

/** How a served model's predictions are computed: one request per pass, or requests gathered into batches. */
interface Inference extends AutoCloseable {
    /** Where a result goes: the outputs of the request's samples, row-major, or why there are none. */
    interface Completion {
        void succeeded(float[] outputs);

        void failed(Throwable failure);
    }

    /**
     * Runs {@code samples} samples (their inputs row-major in {@code x}) and completes {@code done}, now or
     * from another thread; false if it cannot take them (the queue is full, or this inference is closed).
     */
    boolean submit(float[] x, int samples, Completion done);

    /** A request for this model has started to arrive: a batch may wait for it. */
    default void arriving() {
    }

    /** That request was submitted, or failed before it could be. */
    default void arrived() {
    }

    /** Requests waiting for a pass. */
    default int queued() {
        return 0;
    }

    /** Finishes what was submitted and takes nothing more. */
    @Override
    void close();
}
