package org.tatami.cli;

import com.google.gson.Gson;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tatami.Tatami;
import org.tatami.io.FiniteJson;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command has, and its output streams. */
abstract class BaseCommand implements Callable<Integer> {
    /** Non-finite figures come out as null, so the output stays valid JSON. */
    static final Gson JSON = FiniteJson.builder().disableHtmlEscaping().create();

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @Option(names = "--verbose", description = "On failure, print the whole stack trace.")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: all cores). Results do not depend on it.")
    Integer threads;

    /** Items (pictures among several) that failed and were reported while the command carried on. */
    private int failures;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Reports one failed item of several on standard error, in the form of any other failure, and carries on;
     * the command then exits with 1.
     */
    void reportFailure(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("tatami " + spec.name() + ": " + message.replace('\n', ' '));
        err.flush();
        failures++;
    }

    @Override
    public final Integer call() throws Exception {
        // Each command is a session of its own: layer names start afresh (conv2d, dense, dense_1).
        Tatami.clearSession();
        if (threads != null) {
            try {
                Tatami.setThreads(threads);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--" + e.getMessage());
            }
        }
        execute();
        out().flush();
        return failures == 0 ? 0 : 1;
    }

    abstract void execute() throws Exception;

    /** Prints {@code value} as one line of JSON, non-finite numbers as null (see {@link FiniteJson}). */
    void printJson(Map<String, ?> value) {
        out().println(JSON.toJson(FiniteJson.of(value)));
    }
}
