package org.tatami.cli;

import com.google.gson.Gson;
import java.io.PrintWriter;
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

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
        // Each command is a session of its own: layer names start afresh (conv2d, dense, dense_1).
        Tatami.clearSession();
        if (threads != null) {
            if (threads < 1) {
                throw new UsageException("--threads must be at least 1, got " + threads);
            }
            Tatami.setThreads(threads);
        }
        execute();
        out().flush();
        return 0;
    }

    abstract void execute() throws Exception;

    void printJson(Object value) {
        out().println(JSON.toJson(value));
    }
}
