package org.tatami.initializers;

/**
 * Normal values of a mean and standard deviation, those beyond two standard deviations from the mean
 * drawn again, as Keras's TruncatedNormal (by default mean 0, stddev 0.05).
 */
public final class TruncatedNormal extends RandomNormal {
    public TruncatedNormal() {
        this(0, 0.05);
    }

    public TruncatedNormal(double mean, double stddev) {
        super(mean, stddev, true);
    }

    @Override
    public String className() {
        return "TruncatedNormal";
    }
}
