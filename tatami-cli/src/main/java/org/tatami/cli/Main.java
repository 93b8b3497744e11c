package org.tatami.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tatami} command: the seed notebook from a shell. Exit status 0 on success, 2 on a usage
 * error, 1 on a failure; a failure is one line on standard error unless {@code --verbose} is given.
 */
@Command(name = "tatami", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train, evaluate, inspect and run convolutional neural networks, in pure Java.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                PlotCommand.class, InspectCommand.class, ImportCommand.class, ExportCommand.class,
                DevicesCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'tatami COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> report(ex, parsed, err));
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors by the handler: they get their one line here.
            return report(e, cli.getParseResult(), err);
        }
    }

    /** A failure as one line on standard error (the stack trace with --verbose); returns the exit status. */
    private static int report(Throwable e, CommandLine.ParseResult parsed, PrintWriter err) {
        CommandLine.ParseResult command = parsed;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        if (command.commandSpec().userObject() instanceof BaseCommand b && b.verbose) {
            e.printStackTrace(err);
        } else {
            err.println("tatami " + command.commandSpec().name() + ": " + Errors.oneLine(e, command));
        }
        err.flush();
        return e instanceof UsageException ? 2 : 1;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'tatami --help'");
    }
}
