package org.tatami.layers;

import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Zeros;
import org.tatami.kernels.BatchNorm;
import org.tatami.tensor.Shape;

/**
 * Normalizes each channel (the last axis), as Keras's BatchNormalization:
 * {@code y = gamma * (x - mean) / sqrt(var + epsilon) + beta}. Training uses the batch's mean and
 * (biased) variance and moves the stored statistics towards them,
 * {@code moving = moving * momentum + batch * (1 - momentum)}; inference uses the stored ones.
 * Weights, in Keras's order: gamma (if scale), beta (if center), moving_mean, moving_variance; the
 * last two are not trainable.
 */
public final class BatchNormalization extends Layer implements BatchStatistics {
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
        this.epsilon = NormalizationOptions.epsilon("BatchNormalization", value);
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

    /**
     * The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the
     * options every layer has. Keras 2's renormalization options are accepted only when off.
     */
    public static BatchNormalization fromConfig(Fields c) {
        BatchNormalization bn = new BatchNormalization()
                .axis(c.integerOrSingleton("axis", -1))
                .momentum(c.number("momentum", 0.99))
                .epsilon(c.number("epsilon", 1e-3))
                .center(c.bool("center", true))
                .scale(c.bool("scale", true))
                .betaInitializer(KerasValues.initializer(c, "beta_initializer", new Zeros()))
                .gammaInitializer(KerasValues.initializer(c, "gamma_initializer", new Constant(1f)))
                .movingMeanInitializer(KerasValues.initializer(c, "moving_mean_initializer", new Zeros()))
                .movingVarianceInitializer(KerasValues.initializer(c, "moving_variance_initializer", new Constant(1f)));
        NormalizationOptions.rejectRegularizersAndConstraints(c);
        c.expect("synchronized", new JsonPrimitive(false), "tatami trains on one machine");
        c.expect("renorm", new JsonPrimitive(false), "tatami has no batch renormalization");
        c.expectNull("renorm_clipping", "tatami has no batch renormalization");
        // Only used with renorm, which is off.
        c.take("renorm_momentum");
        // Keras 2's choice of a fused kernel: the same computation either way.
        c.take("fused");
        c.expectNull("virtual_batch_size", "tatami normalizes over the whole batch");
        c.expectNull("adjustment", "tatami has no batch norm adjustment");
        return bn;
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
        channels = NormalizationOptions.lastAxis(this, axis, in);
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

    @Override
    public boolean usesBatchStatistics() {
        return trainable();
    }

    /** The batch-wide figures: what forward used and what backward subtracts. */
    private static final class State {
        final float[] mean;
        final float[] invStd;
        /** y = x * factor + shift. */
        final float[] factor;
        final float[] shift;
        final float[] meanDy;
        final float[] meanDyXhat;
        boolean training;
        double rows;

        State(int channels) {
            mean = new float[channels];
            invStd = new float[channels];
            factor = new float[channels];
            shift = new float[channels];
            meanDy = new float[channels];
            meanDyXhat = new float[channels];
        }
    }

    /** The layer's own runs (one chunk): a state and one chunk's partial sums. */
    private record Scratch(State state, double[][] partial) {
    }

    @Override
    public Object createBatchState() {
        return new State(channels);
    }

    @Override
    public int partialSize() {
        return 1 + 2 * channels;
    }

    @Override
    public Object createScratch(int maxBatch) {
        return new Scratch(new State(channels), new double[][] {new double[partialSize()]});
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Scratch s = (Scratch) scratch;
        if (training && usesBatchStatistics()) {
            partialForward(x, n, s.partial[0]);
            combineForward(s.partial, 1, s.state);
        } else {
            useMovingStatistics(s.state);
        }
        normalize(x, y, n, s.state);
    }

    private void useMovingStatistics(State st) {
        st.training = false;
        System.arraycopy(movingMean.value().data(), 0, st.mean, 0, channels);
        float[] var = movingVariance.value().data();
        for (int ch = 0; ch < channels; ch++) {
            st.invStd[ch] = invStd(var[ch]);
        }
        setFactors(st);
    }

    // y = x * k + (beta - mean * k) with k = gamma / sqrt(var + epsilon), as Keras computes it.
    private void setFactors(State st) {
        for (int ch = 0; ch < channels; ch++) {
            st.factor[ch] = scale ? st.invStd[ch] * gamma.value().data()[ch] : st.invStd[ch];
            st.shift[ch] = (center ? beta.value().data()[ch] : 0f) - st.mean[ch] * st.factor[ch];
        }
    }

    private float invStd(float variance) {
        return (float) (1 / Math.sqrt(variance + epsilon));
    }

    /**
     * partial = {rows, mean per channel, sum of squared deviations from that mean per channel}, the
     * mean rounded to float (as forward uses it); the sums in {@link BatchNorm}'s order.
     */
    @Override
    public void partialForward(float[] x, int n, double[] partial) {
        int rows = n * rowsPerSample;
        Arrays.fill(partial, 0);
        partial[0] = rows;
        BatchNorm.sums(x, rows, channels, partial, 1);
        float[] mean = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] = (float) (partial[1 + ch] / Math.max(rows, 1));
            partial[1 + ch] = mean[ch];
        }
        BatchNorm.squaredDeviations(x, rows, channels, mean, partial, 1 + channels);
    }

    /** Chan's pairwise combination of (count, mean, squared deviations), chunk after chunk. */
    @Override
    public void combineForward(double[][] partials, int chunks, Object state) {
        State st = (State) state;
        st.training = true;
        double[] first = partials[0];
        double count = first[0];
        double[] mean = Arrays.copyOfRange(first, 1, 1 + channels);
        double[] m2 = Arrays.copyOfRange(first, 1 + channels, 1 + 2 * channels);
        for (int c = 1; c < chunks; c++) {
            double[] p = partials[c];
            double nb = p[0];
            double total = count + nb;
            for (int ch = 0; ch < channels; ch++) {
                double delta = p[1 + ch] - mean[ch];
                mean[ch] += delta * nb / total;
                m2[ch] += p[1 + channels + ch] + delta * delta * count * nb / total;
            }
            count = total;
        }
        st.rows = count;
        float[] mm = movingMean.value().data();
        float[] mv = movingVariance.value().data();
        for (int ch = 0; ch < channels; ch++) {
            float var = (float) (m2[ch] / count);
            st.mean[ch] = (float) mean[ch];
            st.invStd[ch] = invStd(var);
            mm[ch] = mm[ch] * momentum + st.mean[ch] * (1 - momentum);
            mv[ch] = mv[ch] * momentum + var * (1 - momentum);
        }
        setFactors(st);
    }

    @Override
    public void normalize(float[] x, float[] y, int n, Object state) {
        State st = (State) state;
        BatchNorm.scaleShift(x, y, n * rowsPerSample, channels, st.factor, st.shift);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        Scratch s = (Scratch) scratch;
        partialBackward(x, dy, n, s.state, s.partial[0], grads);
        combineBackward(s.partial, 1, s.state);
        if (dx != null) {
            inputGradient(x, dy, dx, n, s.state);
        }
    }

    /**
     * partial = {sum(dy), sum(dy * xhat)} per channel, xhat = (x - mean) * invStd: they are beta's and
     * gamma's gradients.
     */
    @Override
    public void partialBackward(float[] x, float[] dy, int n, Object state, double[] partial, float[][] grads) {
        State st = (State) state;
        Arrays.fill(partial, 0);
        BatchNorm.gradientSums(x, dy, n * rowsPerSample, channels, st.mean, st.invStd, partial);
        int p = 0;
        if (scale) {
            for (int ch = 0; ch < channels; ch++) {
                grads[p][ch] = (float) partial[channels + ch];
            }
            p++;
        }
        if (center) {
            for (int ch = 0; ch < channels; ch++) {
                grads[p][ch] = (float) partial[ch];
            }
        }
    }

    /** In training the mean and variance depend on x too: backward subtracts the batch means of dy and dy * xhat. */
    @Override
    public void combineBackward(double[][] partials, int chunks, Object state) {
        State st = (State) state;
        for (int ch = 0; ch < channels; ch++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int c = 0; c < chunks; c++) {
                sumDy += partials[c][ch];
                sumDyXhat += partials[c][channels + ch];
            }
            st.meanDy[ch] = st.training ? (float) (sumDy / st.rows) : 0f;
            st.meanDyXhat[ch] = st.training ? (float) (sumDyXhat / st.rows) : 0f;
        }
    }

    @Override
    public void inputGradient(float[] x, float[] dy, float[] dx, int n, Object state) {
        State st = (State) state;
        BatchNorm.inputGradient(x, dy, dx, n * rowsPerSample, channels, st.mean, st.invStd, st.factor, st.meanDy,
                st.meanDyXhat);
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
        NormalizationOptions.putNoRegularizersOrConstraints(c);
        c.put("synchronized", false);
        return c;
    }
}
