package org.tatami.serve;

/** Dynamic batching off: each request runs its own pass, in the thread that read it, one pass at a time. */
final class DirectInference implements Inference {
    private final ServedModel model;
    private volatile boolean closed;

    DirectInference(ServedModel model) {
        this.model = model;
    }

    @Override
    public boolean submit(float[] x, int samples, Completion done) {
        if (closed) {
            return false;
        }
        float[] y;
        try {
            y = model.predict(x, samples);
        } catch (RuntimeException e) {
            done.failed(e);
            return true;
        }
        done.succeeded(y);
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
