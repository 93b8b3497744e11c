package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Zeros;
import org.tatami.tensor.Shape;

/**
 * Normalizes each channel (the last axis), as Keras's BatchNormalization:
 * {@code y = gamma * (x - mean) / sqrt(var + epsilon) + beta}. Training uses the batch's mean and
 * (biased) variance and moves the stored statistics towards them,
 * {@code moving = moving * momentum + batch * (1 - momentum)}; inference uses the stored ones.
 * Weights, in Keras's order: gamma (if scale), beta (if center), moving_mean, moving_variance; the
 * last two are not trainable.
 */
public final class BatchNormalization extends Layer {
    private int axis = -1;
    private float momentum = 0.99f;
    private float epsilon = 1e-3f;
    private boolean center = true;
    private boolean scale = true;
    private Initializer gammaInitializer = new Constant(1f);
    private Initializer betaInitializer = new Zeros();
    private Initializer movingMeanInitializer = new Zeros();
    private Initializer movingVarianceInitializer = new Constant(1f);
    private Parameter gamma;
    private Parameter beta;
    private Parameter movingMean;
    private Parameter movingVariance;
    private int channels;
    private int rowsPerSample;

    /**
     * The normalized axis, counting the batch axis as Keras does: -1 or, for input (h, w, c), 3. Only
     * the last axis is supported.
     */
    public BatchNormalization axis(int newAxis) {
        requireUnbuilt();
        this.axis = newAxis;
        return this;
    }

    public BatchNormalization momentum(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got " + value);
        }
        this.momentum = (float) value;
        return this;
    }

    public BatchNormalization epsilon(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("BatchNormalization epsilon must be a positive number, got " + value);
        }
        this.epsilon = (float) value;
        return this;
    }

    /** Whether to add the offset beta. */
    public BatchNormalization center(boolean use) {
        requireUnbuilt();
        this.center = use;
        return this;
    }

    /** Whether to multiply by gamma. */
    public BatchNormalization scale(boolean use) {
        requireUnbuilt();
        this.scale = use;
        return this;
    }

    public BatchNormalization gammaInitializer(Initializer init) {
        requireUnbuilt();
        this.gammaInitializer = init;
        return this;
    }

    public BatchNormalization betaInitializer(Initializer init) {
        requireUnbuilt();
        this.betaInitializer = init;
        return this;
    }

    public BatchNormalization movingMeanInitializer(Initializer init) {
        requireUnbuilt();
        this.movingMeanInitializer = init;
        return this;
    }

    public BatchNormalization movingVarianceInitializer(Initializer init) {
        requireUnbuilt();
        this.movingVarianceInitializer = init;
        return this;
    }

    private void requireUnbuilt() {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
    }

    @Override
    public String className() {
        return "BatchNormalization";
    }

    @Override
    protected String baseName() {
        return "batch_normalization";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length < 1 || (axis != -1 && axis != in.length)) {
            throw new IllegalArgumentException(name() + " (BatchNormalization): axis " + axis + " on input "
                    + Shape.withBatch(in) + ": tatami normalizes the last axis only (-1 or " + in.length + ")");
        }
        channels = in[in.length - 1];
        rowsPerSample = Shape.size(in) / channels;
        return in;
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        int[] shape = {channels};
        gamma = scale ? addParameter("gamma", shape, gammaInitializer, random) : null;
        beta = center ? addParameter("beta", shape, betaInitializer, random) : null;
        movingMean = addParameter("moving_mean", shape, movingMeanInitializer, random, false);
        movingVariance = addParameter("moving_variance", shape, movingVarianceInitializer, random, false);
    }

    /**
     * Scratch: the mean and 1 / sqrt(var + epsilon) per channel that the last forward used, and the
     * per-channel factor and offset it applied.
     */
    private static final class Scratch {
        final float[] mean;
        final float[] invStd;
        final float[] factor;
        final float[] shift;
        /** Per-channel sums in double. */
        final double[] sum;
        final double[] sum2;
        boolean training;

        Scratch(int channels) {
            mean = new float[channels];
            invStd = new float[channels];
            factor = new float[channels];
            shift = new float[channels];
            sum = new double[channels];
            sum2 = new double[channels];
        }
    }

    @Override
    public Object createScratch(int maxBatch) {
        return new Scratch(channels);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Scratch s = (Scratch) scratch;
        s.training = training;
        int rows = n * rowsPerSample;
        if (training) {
            batchStatistics(x, rows, s);
        } else {
            System.arraycopy(movingMean.value().data(), 0, s.mean, 0, channels);
            float[] var = movingVariance.value().data();
            for (int ch = 0; ch < channels; ch++) {
                s.invStd[ch] = invStd(var[ch]);
            }
        }
        // y = x * k + (beta - mean * k) with k = gamma / sqrt(var + epsilon), as Keras computes it.
        float[] k = s.factor;
        for (int ch = 0; ch < channels; ch++) {
            k[ch] = scale ? s.invStd[ch] * gamma.value().data()[ch] : s.invStd[ch];
            s.shift[ch] = (center ? beta.value().data()[ch] : 0f) - s.mean[ch] * k[ch];
        }
        for (int r = 0; r < rows; r++) {
            int o = r * channels;
            for (int ch = 0; ch < channels; ch++) {
                y[o + ch] = x[o + ch] * k[ch] + s.shift[ch];
            }
        }
    }

    private float invStd(float variance) {
        return (float) (1 / Math.sqrt(variance + epsilon));
    }

    /** The batch's mean and biased variance (summed in double, in row order), and the moving update. */
    private void batchStatistics(float[] x, int rows, Scratch s) {
        double[] sum = s.sum;
        Arrays.fill(sum, 0);
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < channels; ch++) {
                sum[ch] += x[r * channels + ch];
            }
        }
        for (int ch = 0; ch < channels; ch++) {
            s.mean[ch] = (float) (sum[ch] / rows);
            sum[ch] = 0;
        }
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < channels; ch++) {
                double d = x[r * channels + ch] - s.mean[ch];
                sum[ch] += d * d;
            }
        }
        float[] mm = movingMean.value().data();
        float[] mv = movingVariance.value().data();
        for (int ch = 0; ch < channels; ch++) {
            float var = (float) (sum[ch] / rows);
            s.invStd[ch] = invStd(var);
            mm[ch] = mm[ch] * momentum + s.mean[ch] * (1 - momentum);
            mv[ch] = mv[ch] * momentum + var * (1 - momentum);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        Scratch s = (Scratch) scratch;
        int rows = n * rowsPerSample;
        // Per channel: sum(dy) and sum(dy * xhat), xhat = (x - mean) * invStd; they are beta's and gamma's gradients.
        double[] sumDy = s.sum;
        double[] sumDyXhat = s.sum2;
        Arrays.fill(sumDy, 0);
        Arrays.fill(sumDyXhat, 0);
        for (int r = 0; r < rows; r++) {
            int o = r * channels;
            for (int ch = 0; ch < channels; ch++) {
                sumDy[ch] += dy[o + ch];
                sumDyXhat[ch] += (double) dy[o + ch] * ((x[o + ch] - s.mean[ch]) * s.invStd[ch]);
            }
        }
        int p = 0;
        if (scale) {
            for (int ch = 0; ch < channels; ch++) {
                grads[p][ch] = (float) sumDyXhat[ch];
            }
            p++;
        }
        if (center) {
            for (int ch = 0; ch < channels; ch++) {
                grads[p][ch] = (float) sumDy[ch];
            }
        }
        if (dx == null) {
            return;
        }
        for (int ch = 0; ch < channels; ch++) {
            float k = s.factor[ch];
            // In training the mean and variance depend on x too: subtract the batch means of dy and dy * xhat.
            float meanDy = s.training ? (float) (sumDy[ch] / rows) : 0f;
            float meanDyXhat = s.training ? (float) (sumDyXhat[ch] / rows) : 0f;
            for (int r = 0; r < rows; r++) {
                int i = r * channels + ch;
                float xhat = (x[i] - s.mean[ch]) * s.invStd[ch];
                dx[i] = k * (dy[i] - meanDy - xhat * meanDyXhat);
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axis", axis);
        // The floats' shortest decimals, so that 0.99 is written as 0.99.
        c.put("momentum", Double.parseDouble(Float.toString(momentum)));
        c.put("epsilon", Double.parseDouble(Float.toString(epsilon)));
        c.put("center", center);
        c.put("scale", scale);
        c.put("beta_initializer", initializerConfig(betaInitializer));
        c.put("gamma_initializer", initializerConfig(gammaInitializer));
        c.put("moving_mean_initializer", initializerConfig(movingMeanInitializer));
        c.put("moving_variance_initializer", initializerConfig(movingVarianceInitializer));
        c.put("beta_regularizer", null);
        c.put("gamma_regularizer", null);
        c.put("beta_constraint", null);
        c.put("gamma_constraint", null);
        c.put("synchronized", false);
        return c;
    }
}
