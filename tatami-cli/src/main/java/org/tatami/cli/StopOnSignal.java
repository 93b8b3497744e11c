package org.tatami.cli;

import java.util.ArrayList;
import java.util.List;
import org.tatami.callbacks.Callback;
import org.tatami.callbacks.TrainingControl;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into a request to stop training, so the run can save what it
 * has; a second one acts as usual and ends the process at once. A signal that arrives before {@code fit}
 * starts stops it before its first batch. Where the JVM does not let a program handle these signals
 * (it runs with {@code -Xrs}, or the signal is ignored), they keep their usual effect.
 */
final class StopOnSignal implements Callback, AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile Signal received;
    private volatile TrainingControl model;

    private StopOnSignal() {
    }

    static StopOnSignal install() {
        StopOnSignal s = new StopOnSignal();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            try {
                s.previous.add(Signal.handle(signal, s::handle));
                s.signals.add(signal);
            } catch (IllegalArgumentException reservedByTheJvm) {
                // The signal keeps its usual effect.
            }
        }
        return s;
    }

    private void handle(Signal signal) {
        received = signal;
        restore();
        TrainingControl m = model;
        if (m != null) {
            m.stopTraining(true);
        }
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        if (received != null) {
            model.stopTraining(true);
        }
    }

    /** The signal's name (SIGINT, SIGTERM), or null if none came. */
    String received() {
        Signal s = received;
        return s == null ? null : "SIG" + s.getName();
    }

    /** The exit status of a process ended by the signal received, as the shell reports it: 128 + its number. */
    int exitStatus() {
        return 128 + received.getNumber();
    }

    private synchronized void restore() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
        signals.clear();
    }

    @Override
    public void close() {
        restore();
    }
}
