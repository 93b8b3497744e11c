package org.tatami.bench.kernels;

/**
 * What one benchmark operation does, to turn JMH's operations per second into GFLOP/s (compute-bound
 * kernels) or GB/s (memory-bound ones).
 */
public record Work(double amount, Unit unit) {
    public enum Unit {
        /** Floating-point operations; a fused multiply-add counts as two. */
        FLOP("GFLOP/s"),
        /** Bytes read plus bytes written, each array counted once per operation. */
        BYTE("GB/s");

        private final String rate;

        Unit(String rate) {
            this.rate = rate;
        }

        /** The unit of {@code amount * ops/s / 1e9}. */
        public String rate() {
            return rate;
        }
    }

    public static Work flops(double amount) {
        return new Work(amount, Unit.FLOP);
    }

    public static Work bytes(double amount) {
        return new Work(amount, Unit.BYTE);
    }

    /** Giga-units per second at {@code opsPerSecond} operations per second. */
    public double rate(double opsPerSecond) {
        return amount * opsPerSecond / 1e9;
    }
}
