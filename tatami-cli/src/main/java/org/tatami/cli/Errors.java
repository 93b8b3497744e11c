package org.tatami.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.tatami.tensor.Limits;
import picocli.CommandLine;

/** Failures as one readable line. */
final class Errors {
    private Errors() {
    }

    /** {@code e} as one line; {@code command} is what was run, for the files it names. */
    static String oneLine(Throwable e, CommandLine.ParseResult command) {
        return causedByOutOfMemory(e) ? outOfMemoryAdvice(command) : oneLine(e);
    }

    /** {@code e} as one line: the file and what is wrong with it. */
    static String oneLine(Throwable e) {
        String message;
        if (e instanceof NoSuchFileException n) {
            String reason = n.getReason();
            message = n.getFile() + ": " + (reason == null || reason.isBlank() ? "no such file" : reason);
        } else if (e instanceof AccessDeniedException a) {
            message = a.getFile() + ": permission denied";
        } else if (e instanceof FileAlreadyExistsException f) {
            message = f.getFile() + ": already exists";
        } else {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return message.replace('\n', ' ');
    }

    /** Also when a worker thread ran out and its error arrives wrapped. */
    private static boolean causedByOutOfMemory(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** What to do when a command ran out of heap, naming the files it was given. */
    private static String outOfMemoryAdvice(CommandLine.ParseResult command) {
        List<String> files = new ArrayList<>();
        command.matchedArgs().forEach(arg -> collectPaths(arg.getValue(), files));
        String hint = command.commandSpec().findOption("--batch-size") != null ? ", or a smaller --batch-size" : "";
        return "out of memory" + (files.isEmpty() ? "" : " with " + String.join(", ", files))
                + ": give the JVM more heap with JAVA_OPTS=-Xmx<size> (the limit is now "
                + Limits.bytes(Runtime.getRuntime().maxMemory()) + ")" + hint;
    }

    private static void collectPaths(Object value, List<String> files) {
        if (value instanceof Path p) {
            files.add(p.toString());
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> collectPaths(v, files));
        }
    }
}
