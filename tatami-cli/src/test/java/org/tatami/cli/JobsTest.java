package org.tatami.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobsTest {
    @Test
    void resultsAfterAwait() throws IOException {
        try (Jobs jobs = new Jobs(2, "test")) {
            Jobs.Result<Integer> a = jobs.submit(() -> 6 * 7);
            Jobs.Result<String> b = jobs.submit(() -> "done");
            jobs.await();
            assertEquals(42, a.get());
            assertEquals("done", b.get());
        }
    }

    /** The first failure in submission order is thrown as it was thrown, even if a later job failed sooner. */
    @Test
    void firstFailureInSubmissionOrderWins() {
        CountDownLatch laterFailed = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        IOException first = new NoSuchFileException("loss.png");
        IllegalArgumentException second = new IllegalArgumentException("confusion matrix");
        try (Jobs jobs = new Jobs(3, "test")) {
            jobs.run(() -> {
                laterFailed.await();
                throw first;
            });
            jobs.run(() -> finished.incrementAndGet());
            jobs.run(() -> {
                laterFailed.countDown();
                throw second;
            });
            IOException thrown = assertThrows(IOException.class, jobs::await);
            assertSame(first, thrown);
            assertSame(second, thrown.getSuppressed()[0]);
            assertEquals(1, finished.get(), "every job ran");
        }
    }

    @Test
    void runtimeFailuresStayUnchecked() {
        try (Jobs jobs = new Jobs(1, "test")) {
            jobs.run(() -> {
                throw new IllegalStateException("not built");
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, jobs::await);
            assertEquals("not built", e.getMessage());
        }
    }
}
