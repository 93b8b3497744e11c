package org.tatami.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * What the {@code spark-submit} entry points share: the session, one-line errors and exit statuses
 * (0 success, 2 usage error, 1 failure), and writing small files where Spark writes.
 */
final class SparkCommands {
    private SparkCommands() {
    }

    /** Runs a picocli command as a program's main. */
    static void main(String name, Object command, String[] args) {
        System.exit(commandLine(name, command).execute(args));
    }

    /** The command's parser, with a failure reported in one line on standard error. */
    static CommandLine commandLine(String name, Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("tatami " + name + ": " + oneLine(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    private static String oneLine(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage()).replace('\n', ' ');
    }

    /** The session spark-submit configures (or {@code -Dspark.master=local[2]} for a run without it). */
    static SparkSession session(String name) {
        return SparkSession.builder().appName("tatami " + name).getOrCreate();
    }

    /** Writes a small text file on any file system Hadoop reaches. */
    static void writeText(SparkSession spark, Path file, String text) throws IOException {
        try (OutputStream out = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
