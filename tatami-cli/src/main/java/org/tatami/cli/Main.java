package org.tatami.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tatami} command: the seed notebook from a shell. Exit status 0 on success, 2 on a usage
 * error, 1 on a failure; a failure is one line on standard error unless {@code --verbose} is given.
 */
@Command(name = "tatami", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train, evaluate, inspect and run convolutional neural networks, in pure Java.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                PlotCommand.class, InspectCommand.class, ImportCommand.class, ExportCommand.class, ServeCommand.class,
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
        cli.registerConverter(Path.class, Main::path);
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((ex, given) -> {
            if (!(ex.getCause() instanceof UnusablePath)) {
                return usage.handleParseException(ex, given);
            }
            // The command line is right; the system cannot open that name: one line, no usage text.
            ex.getCommandLine().getErr().println("tatami " + ex.getCommandLine().getCommandName() + ": "
                    + ex.getMessage());
            return 1;
        });
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
        return e instanceof UsageException ? 2 : e instanceof ExitStatus s ? s.status() : 1;
    }

    /**
     * A file name from the command line. A name that the system cannot encode (non-ASCII under LC_ALL=C, where
     * Java reads file names as ASCII) is reported in one line with the remedy, instead of picocli's conversion
     * error and the whole usage text.
     */
    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            String encoding = System.getProperty("sun.jnu.encoding", "");
            throw new UnusablePath("'" + text + "' is not a file name this system can use (" + e.getReason() + ")"
                    + (encoding.equalsIgnoreCase("UTF-8") ? "" : "; file names are read as " + encoding
                            + " here: for other characters run in a UTF-8 locale, e.g. LC_ALL=C.UTF-8"));
        }
    }

    private static final class UnusablePath extends CommandLine.TypeConversionException {
        private static final long serialVersionUID = 1L;

        UnusablePath(String message) {
            super(message);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'tatami --help'");
    }
}
