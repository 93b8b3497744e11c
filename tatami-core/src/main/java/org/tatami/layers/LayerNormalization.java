package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.Zeros;
import org.tatami.tensor.Shape;

/**
 * Normalizes each row of the last axis by its own mean and (biased) variance, as Keras's
 * LayerNormalization: {@code y = gamma * (x - mean) / sqrt(var + epsilon) + beta}, the same in
 * training and inference, so each sample is independent of the rest of the batch. Weights, in Keras's
 * order: gamma (if scale), beta (if center), one per value of the last axis.
 */
public final class LayerNormalization extends ChainedLayer<LayerNormalization> {
    private int axis = -1;
    private float epsilon = 1e-3f;
    private boolean center = true;
    private boolean scale = true;
    private Initializer gammaInitializer = new Constant(1f);
    private Initializer betaInitializer = new Zeros();
    private Parameter gamma;
    private Parameter beta;
    private int width;
    private int rowsPerSample;

    /**
     * The normalized axis, counting the batch axis as Keras does: -1 or, for input (h, w, c), 3. Only
     * the last axis is supported.
     */
    public LayerNormalization axis(int newAxis) {
        requireUnbuilt();
        this.axis = newAxis;
        return this;
    }

    public LayerNormalization epsilon(double value) {
        this.epsilon = NormalizationOptions.epsilon("LayerNormalization", value);
        return this;
    }

    /** Whether to add the offset beta. */
    public LayerNormalization center(boolean use) {
        requireUnbuilt();
        this.center = use;
        return this;
    }

    /** Whether to multiply by gamma. */
    public LayerNormalization scale(boolean use) {
        requireUnbuilt();
        this.scale = use;
        return this;
    }

    public LayerNormalization gammaInitializer(Initializer init) {
        requireUnbuilt();
        this.gammaInitializer = init;
        return this;
    }

    public LayerNormalization betaInitializer(Initializer init) {
        requireUnbuilt();
        this.betaInitializer = init;
        return this;
    }

    private void requireUnbuilt() {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static LayerNormalization fromConfig(Fields c) {
        LayerNormalization ln = new LayerNormalization()
                .axis(c.integerOrSingleton("axis", -1))
                .epsilon(c.number("epsilon", 1e-3))
                .center(c.bool("center", true))
                .scale(c.bool("scale", true))
                .betaInitializer(KerasValues.initializer(c, "beta_initializer", new Zeros()))
                .gammaInitializer(KerasValues.initializer(c, "gamma_initializer", new Constant(1f)));
        if (c.bool("rms_scaling", false)) {
            throw c.unsupported("rms_scaling", "tatami's LayerNormalization subtracts the mean");
        }
        NormalizationOptions.rejectRegularizersAndConstraints(c);
        return ln;
    }

    @Override
    public String className() {
        return "LayerNormalization";
    }

    @Override
    protected String baseName() {
        return "layer_normalization";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        width = NormalizationOptions.lastAxis(this, axis, in);
        rowsPerSample = Shape.size(in) / width;
        return in;
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        int[] shape = {width};
        gamma = scale ? addParameter("gamma", shape, gammaInitializer, random) : null;
        beta = center ? addParameter("beta", shape, betaInitializer, random) : null;
    }

    /** Scratch: each row's mean and 1 / sqrt(var + epsilon), for backward. */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[2 * maxBatch * rowsPerSample];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        float[] stats = (float[]) scratch;
        float[] g = scale ? gamma.value().data() : null;
        float[] b = center ? beta.value().data() : null;
        for (int r = 0, o = 0; r < n * rowsPerSample; r++, o += width) {
            // Two passes in double: the mean, then the squared deviations from it.
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += x[o + j];
            }
            double mean = sum / width;
            double squares = 0;
            for (int j = 0; j < width; j++) {
                double d = x[o + j] - mean;
                squares += d * d;
            }
            float m = (float) mean;
            float inv = (float) (1 / Math.sqrt(squares / width + epsilon));
            stats[2 * r] = m;
            stats[2 * r + 1] = inv;
            for (int j = 0; j < width; j++) {
                float xhat = (x[o + j] - m) * inv;
                y[o + j] = (g == null ? xhat : xhat * g[j]) + (b == null ? 0f : b[j]);
            }
        }
    }

    /**
     * With xhat = (x - mean) * inv and g = dy * gamma: dgamma = sum of dy * xhat and dbeta = sum of dy
     * over rows; dx = inv * (g - mean(g) - xhat * mean(g * xhat)) within each row.
     */
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        float[] stats = (float[]) scratch;
        float[] g = scale ? gamma.value().data() : null;
        float[] dGamma = scale ? grads[0] : null;
        float[] dBeta = center ? grads[scale ? 1 : 0] : null;
        if (dGamma != null) {
            Arrays.fill(dGamma, 0f);
        }
        if (dBeta != null) {
            Arrays.fill(dBeta, 0f);
        }
        for (int r = 0, o = 0; r < n * rowsPerSample; r++, o += width) {
            float m = stats[2 * r];
            float inv = stats[2 * r + 1];
            float sumG = 0f;
            float sumGXhat = 0f;
            for (int j = 0; j < width; j++) {
                float xhat = (x[o + j] - m) * inv;
                float d = dy[o + j];
                if (dGamma != null) {
                    dGamma[j] += d * xhat;
                }
                if (dBeta != null) {
                    dBeta[j] += d;
                }
                float gj = g == null ? d : d * g[j];
                sumG += gj;
                sumGXhat += gj * xhat;
            }
            if (dx == null) {
                continue;
            }
            float meanG = sumG / width;
            float meanGXhat = sumGXhat / width;
            for (int j = 0; j < width; j++) {
                float xhat = (x[o + j] - m) * inv;
                float gj = g == null ? dy[o + j] : dy[o + j] * g[j];
                dx[o + j] = inv * (gj - meanG - xhat * meanGXhat);
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axis", axis);
        // The float's shortest decimal, so that 1e-5 is written as 1.0E-5.
        c.put("epsilon", Double.parseDouble(Float.toString(epsilon)));
        c.put("center", center);
        c.put("scale", scale);
        c.put("rms_scaling", false);
        c.put("beta_initializer", initializerConfig(betaInitializer));
        c.put("gamma_initializer", initializerConfig(gammaInitializer));
        NormalizationOptions.putNoRegularizersOrConstraints(c);
        return c;
    }
}
