package org.tatami.cli;

/** A request that cannot work as given (options that contradict each other, a file of the wrong kind): exit 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
