package org.tatami.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** Failures as one readable line. */
final class Errors {
    private Errors() {
    }

    static String oneLine(Throwable e) {
        String message;
        if (e instanceof NoSuchFileException n) {
            String reason = n.getReason();
            message = n.getFile() + ": " + (reason == null || reason.isBlank() ? "no such file" : reason);
        } else if (e instanceof AccessDeniedException a) {
            message = a.getFile() + ": permission denied";
        } else if (e instanceof FileAlreadyExistsException f) {
            message = f.getFile() + ": already exists";
        } else if (e instanceof OutOfMemoryError) {
            message = "out of memory: give the JVM more heap (JAVA_OPTS=-Xmx8g) or use a smaller --batch-size";
        } else {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return message.replace('\n', ' ');
    }
}
