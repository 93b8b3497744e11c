package org.tatami.cli;

/** A failure that ends the command with a status of its own (130 after Ctrl-C) instead of 1. */
final class ExitStatus extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ExitStatus(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
