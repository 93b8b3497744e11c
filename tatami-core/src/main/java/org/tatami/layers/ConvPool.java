package org.tatami.layers;

import java.util.Arrays;
import org.tatami.activations.ActivationFunction;

/**
 * A Conv2D held transposed (fewer filters than vector lanes) followed by a 2x2, stride-2 MaxPool2D,
 * run by the engine as one step. Bias, activation and pooling take one pass over the convolution's
 * transposed output, and only the pooled values and the position each came from are kept: the
 * convolution's full output is never copied to NHWC, activated, or read again by the pooling, and the
 * backward pass sends each pooled gradient straight to its position.
 *
 * <p>ReLU (or no activation) commutes with the maximum, so the fused step picks the same positions,
 * ties included, and gives the same bits as the two layers one after the other. The system property
 * {@code tatami.fuse=false}, read when a model is compiled for running, turns fusion off to compare.
 */
public final class ConvPool {
    private final Conv2D conv;
    private final MaxPool2D pool;
    private final boolean relu;

    private ConvPool(Conv2D conv, MaxPool2D pool) {
        this.conv = conv;
        this.pool = pool;
        this.relu = conv.activation() == ActivationFunction.RELU;
    }

    /** The two layers as one step, or null when they do not have the shapes this step covers. */
    public static ConvPool of(Layer first, Layer second) {
        if ("false".equals(System.getProperty("tatami.fuse"))) {
            return null;
        }
        if (!(first instanceof Conv2D conv) || !(second instanceof MaxPool2D pool) || !conv.transposed()) {
            return null;
        }
        ActivationFunction act = conv.activation();
        Geometry p = pool.g;
        boolean twoByTwo = pool.ph == 2 && pool.pw == 2 && pool.sh == 2 && pool.sw == 2 && p.padTop() == 0
                && p.padLeft() == 0 && 2 * p.oh() <= p.h() && 2 * p.ow() <= p.w();
        return twoByTwo && (act == ActivationFunction.RELU || act == ActivationFunction.LINEAR)
                ? new ConvPool(conv, pool) : null;
    }

    /**
     * The pooled output {@code y} of n samples from the convolution's input {@code x}, with the
     * convolution's scratch and the pooling's (which keeps where each pooled value came from).
     */
    public void forward(float[] x, float[] y, int n, Object convScratch, Object poolScratch) {
        Conv2D.Scratch s = (Conv2D.Scratch) convScratch;
        int[] from = (int[]) poolScratch;
        conv.productT(x, n, s);
        float[] outT = s.outT();
        float[] bias = conv.biasData();
        Geometry c = conv.geometry();
        Geometry p = pool.g;
        int filters = conv.filters();
        int rows = n * c.oh() * c.ow();
        int ow = c.ow();
        for (int f = 0; f < filters; f++) {
            float bf = bias == null ? 0f : bias[f];
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < p.oh(); oy++) {
                    int top = f * rows + (b * c.oh() + 2 * oy) * ow;
                    int o = ((b * p.oh() + oy) * p.ow()) * filters + f;
                    for (int ox = 0; ox < p.ow(); ox++, o += filters) {
                        // As MaxPool2D: the first of equal values wins. Only int selections and
                        // Math.max, which compile to conditional moves: which value wins is unpredictable.
                        int i = top + 2 * ox;
                        int j = i + ow;
                        float v0 = outT[i] + bf;
                        float v1 = outT[i + 1] + bf;
                        float v2 = outT[j] + bf;
                        float v3 = outT[j + 1] + bf;
                        int topAt = v1 > v0 ? i + 1 : i;
                        int bottomAt = v3 > v2 ? j + 1 : j;
                        int at = Math.max(v2, v3) > Math.max(v0, v1) ? bottomAt : topAt;
                        float best = outT[at] + bf;
                        from[o] = at;
                        y[o] = relu ? Math.max(best, 0f) : best;
                    }
                }
            }
        }
    }

    /**
     * From the pooled output's gradient {@code dy}, the convolution's parameter gradients and, unless
     * {@code dx} is null, the gradient w.r.t. its input.
     */
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object convScratch,
                         Object poolScratch, float[][] grads) {
        Conv2D.Scratch s = (Conv2D.Scratch) convScratch;
        int[] from = (int[]) poolScratch;
        Geometry c = conv.geometry();
        Geometry p = pool.g;
        float[] dOutT = s.outT();
        Arrays.fill(dOutT, 0, conv.filters() * n * c.oh() * c.ow(), 0f);
        int outs = n * p.oh() * p.ow() * p.c();
        for (int o = 0; o < outs; o++) {
            if (!relu || y[o] > 0f) {
                dOutT[from[o]] += dy[o];
            }
        }
        conv.gradientsT(x, dx, n, s, grads);
    }
}
