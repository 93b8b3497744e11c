package org.tatami.callbacks;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's progress bar: {@code 15/15 [==============================] - 1s 66ms/step - loss: 0.2471 -
 * accuracy: 0.9260 - val_loss: ...}. On a terminal the bar is redrawn in place after every batch with
 * an ETA; otherwise (a log file, a pipe) one line per epoch is printed when the epoch ends.
 */
public final class ProgressBar implements Callback {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean live;
    private int epochs;
    /** Steps per epoch; -1 until known (a data set of unknown size: known after its first epoch). */
    private int steps;
    private int step;
    private long epochStart;
    /** A live bar is drawn and its line not yet ended. */
    private boolean open;

    /** Prints to standard output, live if it is a terminal. */
    public ProgressBar() {
        this(System.out, System.console() != null);
    }

    public ProgressBar(PrintStream out, boolean live) {
        this(new PrintWriter(out, true), live);
    }

    /** Prints to {@code out}; {@code live} redraws the bar after every batch (for terminals). */
    public ProgressBar(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
    }

    @Override
    public void onEpochBegin(int epoch) {
        step = 0;
        out.println("Epoch " + (epoch + 1) + "/" + epochs);
        epochStart = System.nanoTime();
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        this.step = step;
        if (live) {
            double elapsed = (System.nanoTime() - epochStart) / 1e9;
            // As Keras's: "13/Unknown - 2s 30ms/step - loss: ..." while the total is not known.
            String progress = steps < 0 ? step + "/Unknown - " + seconds(elapsed) + " " + perStep(elapsed / step)
                    : bar(step) + " - ETA: " + seconds(elapsed / step * (steps - step));
            out.print("\r" + progress + metrics(logs) + "\u001b[K");
            out.flush();
            open = true;
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (steps < 0) {
            steps = step;
        }
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        String line = bar(steps) + " - " + seconds(elapsed) + " " + perStep(elapsed / Math.max(1, steps))
                + metrics(logs);
        out.println((live ? "\r" : "") + line + (live ? "\u001b[K" : ""));
        out.flush();
        open = false;
    }

    /** A run stopped in the middle of an epoch leaves its live bar as it was, on a line of its own. */
    @Override
    public void onTrainEnd() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }

    // As Keras draws it: '=' for done, '>' at the head while running, '.' for what is left.
    private String bar(int step) {
        String count = String.valueOf(steps);
        int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * step / steps);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%" + count.length() + "d/%s [", step, count));
        if (filled > 0) {
            b.append("=".repeat(filled - 1)).append(step < steps ? '>' : '=');
        }
        return b.append(".".repeat(WIDTH - filled)).append(']').toString();
    }

    static String seconds(double s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", (int) s / 3600, (int) s % 3600 / 60, (int) s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%d:%02d", (int) s / 60, (int) s % 60)
                : Math.round(s) + "s";
    }

    private static String perStep(double s) {
        return s >= 1 ? Math.round(s) + "s/step"
                : s >= 1e-3 ? Math.round(s * 1e3) + "ms/step" : Math.round(s * 1e6) + "us/step";
    }

    private static String metrics(Map<String, Double> logs) {
        StringBuilder b = new StringBuilder();
        logs.forEach((k, v) -> b.append(" - ").append(k).append(": ").append(String.format(Locale.ROOT, "%.4f", v)));
        return b.toString();
    }
}
