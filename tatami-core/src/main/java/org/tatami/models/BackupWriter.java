package org.tatami.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tatami.io.ZipParts;

/**
 * Writes a fit's backups on a thread of its own, one at a time and in order: the backup's content is
 * taken at once, but the atomic write (a forced flush to disk takes longer than a small model's
 * training step) goes on while training does. {@link #close} waits for the last write.
 */
final class BackupWriter implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tatami-backup");
        t.setDaemon(true);
        return t;
    });
    private Future<?> pending;

    /** Waits for the previous backup to be written, then starts writing this one. */
    void write(Path file, Map<String, byte[]> entries) {
        await();
        pending = thread.submit(() -> {
            ZipParts.write(file, entries);
            return null;
        });
    }

    /** Waits for the backup being written; its failure is thrown here, naming the file. */
    private void await() {
        Future<?> f = pending;
        pending = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("could not write the backup: " + io.getMessage(), io);
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a backup was written", e);
        }
    }

    @Override
    public void close() {
        try {
            await();
        } finally {
            thread.shutdown();
        }
    }
}
