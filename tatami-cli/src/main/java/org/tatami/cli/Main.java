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
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            Object command = line.getCommand();
            boolean verbose = command instanceof BaseCommand b && b.verbose;
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("tatami " + line.getCommandName() + ": " + Errors.oneLine(ex));
            }
            err.flush();
            return ex instanceof UsageException ? 2 : ex instanceof ExitStatus e ? e.status() : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'tatami --help'");
    }
}
