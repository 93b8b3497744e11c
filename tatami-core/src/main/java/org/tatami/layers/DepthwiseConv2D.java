package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * Depthwise 2-d convolution over NHWC input, as Keras's DepthwiseConv2D: each input channel is
 * convolved with {@code depth_multiplier} windows of its own, with no mixing across channels. Kernel
 * (kh, kw, in_channels, depth_multiplier), bias (in_channels * depth_multiplier); output channel
 * {@code c * depth_multiplier + m} comes from input channel c and window m.
 */
public final class DepthwiseConv2D extends DepthwiseLayer<DepthwiseConv2D> {
    /** A {@code kernelSize} x {@code kernelSize} window. */
    public DepthwiseConv2D(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public DepthwiseConv2D(int kernelHeight, int kernelWidth) {
        super(kernelHeight, kernelWidth);
    }


    /** Reads Keras's config of a DepthwiseConv2D (Keras 2 and 3). */
    public static DepthwiseConv2D fromConfig(Fields c) {
        int[] kernel = readKernelSize(c);
        // tf.keras 2 writes Conv2D's groups here too.
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("groups", "tatami's DepthwiseConv2D has no grouped convolution");
        }
        DepthwiseConv2D conv = new DepthwiseConv2D(kernel[0], kernel[1]);
        readDepthwiseOptions(c, conv);
        return conv;
    }

    @Override
    public String className() {
        return "DepthwiseConv2D";
    }

    @Override
    protected String baseName() {
        return "depthwise_conv2d";
    }

    @Override
    protected int outputChannels() {
        return depthwiseChannels();
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        addDepthwiseKernel(random);
        addBias(depthwiseChannels(), random);
    }

    /** Scratch: the input with its channels repeated (backward reads it too), or null for multiplier 1. */
    @Override
    public Object createScratch(int maxBatch) {
        return createRepeated(maxBatch);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        float[] in = depthwiseInput(x, n, (float[]) scratch);
        int d = depthwiseChannels();
        int oh = outputHeight();
        int ow = outputWidth();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                depthwiseRow(in, b, oy, biasData(), y);
                // Activated while the row is in cache.
                fusedActivation().forward(y, (b * oh + oy) * ow * d, ow, d);
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (useBias()) {
            biasGradient(dy, n * positions(), grads[1]);
        }
        depthwiseBackward(x, dy, dx, n, (float[]) scratch, grads[0]);
    }

    @Override
    public Map<String, Object> config() {
        return depthwiseConfig(null, null);
    }
}
