package org.tatami.callbacks;

import java.util.Arrays;
import java.util.Locale;

/** The watched figure's direction, as Keras's callbacks read their {@code mode}. */
final class Monitor {
    private Monitor() {
    }

    /** Names of metrics that grow as the model gets better (Keras's metrics of direction "up"). */
    private static final String[] UP = {"acc", "auc", "precision", "recall"};

    /**
     * Whether larger values of {@code monitor} are better: {@code "max"}, {@code "min"}, or with
     * {@code "auto"} larger for the accuracies, AUC, precision and recall (names containing "acc",
     * "auc", "precision" or "recall", as {@code val_auc}) and smaller otherwise (losses).
     */
    static boolean maximize(String mode, String monitor) {
        return switch (mode) {
            case "max" -> true;
            case "min" -> false;
            case "auto" -> Arrays.stream(UP).anyMatch(monitor::contains);
            default -> throw new IllegalArgumentException("mode must be \"auto\", \"min\" or \"max\", got \"" + mode
                    + "\"");
        };
    }

    static String checkMode(String mode) {
        maximize(mode, "");
        return mode;
    }

    static String format(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }

    /** Python's {@code str(float)} for the common cases: {@code 0.5}, {@code 2.0}, {@code 1e-05}, {@code nan}. */
    static String repr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) {
            String plain = new java.math.BigDecimal(mantissa + "E" + exp).toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
    }
}
