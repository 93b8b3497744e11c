package org.tatami.layers;

import java.util.Arrays;
import org.tatami.activations.ActivationFunction;
import org.tatami.kernels.DirectConv;
import org.tatami.kernels.MaxPool2x2;
import org.tatami.kernels.PooledConv3x3;

/**
 * A Conv2D with ReLU followed by a 2x2, stride-2 MaxPool2D, run by the engine as one step. Four ways:
 * <ul>
 *   <li>the network's first layer with fewer filters than vector lanes (held transposed), convolved
 *       directly (one channel, 3x3): everything in one pass of vectors, {@link PooledConv3x3};</li>
 *   <li>other convolutions held transposed: the convolution's product as the layer computes it, then
 *       bias, ReLU and pooling in one scalar pass that keeps where each pooled value came from, so the
 *       full output is never copied to NHWC, activated, or read again by the pooling;</li>
 *   <li>filters that fill whole vectors: the convolution as the layer computes it (bias and ReLU on
 *       each block of its output), pooled by {@link MaxPool2x2}, whose backward pass sends each
 *       window's gradient to its winner only where the winner is positive: the ReLU's derivative at
 *       once, without a pass of its own over the convolution's full-size gradient;</li>
 *   <li>of those, the network's first layer convolved directly ({@link DirectConv}): each tile of its
 *       forward pass is one pooling window, so only the pooled output is written, with which of the
 *       window's four won; backward makes the convolution's gradient from those block by block, in
 *       cache, as the kernel gradient reads it.</li>
 * </ul>
 * The ReLU commutes with the maximum, so all pick the same positions as the layers, ties included:
 * the forward output has the same bits as the layers one after the other (NaN aside), and so have the
 * gradients of the last three ways; the first sums its gradients in another (fixed) order. The
 * engine's planner decides where it applies.
 */
public final class ConvPool {
    /** How the step runs, see the class comment. */
    enum Way { VECTORS, TRANSPOSED, CHANNELS, DIRECT }

    private final Conv2D conv;
    private final MaxPool2D pool;
    private final Way way;

    private ConvPool(Conv2D conv, MaxPool2D pool, Way way) {
        this.conv = conv;
        this.pool = pool;
        this.way = way;
    }

    /**
     * The two layers as one step, or null when they do not have the shapes this step covers.
     * {@code inputGradient}: whether the step must give the gradient w.r.t. its input (false for the
     * first layer of a model).
     */
    public static ConvPool of(Layer first, Layer second, boolean inputGradient) {
        if (!(first instanceof Conv2D conv) || !(second instanceof MaxPool2D pool)
                || conv.activation() != ActivationFunction.RELU || !pool.twoByTwo()) {
            return null;
        }
        if (!conv.transposed()) {
            if (conv.directByFilters() && !inputGradient) {
                return new ConvPool(conv, pool, Way.DIRECT);
            }
            return MaxPool2x2.fits(conv.filters()) ? new ConvPool(conv, pool, Way.CHANNELS) : null;
        }
        Geometry c = conv.geometry();
        boolean vectors = conv.direct() && !inputGradient && PooledConv3x3.fits(c.h(), c.w());
        return new ConvPool(conv, pool, vectors ? Way.VECTORS : Way.TRANSPOSED);
    }

    /** Which way this step runs. */
    Way way() {
        return way;
    }

    /**
     * What a chunk needs: {@link PooledConv3x3}'s; or the convolution's scratch and, for the transposed
     * way, where each pooled value came from, for the channels way, the convolution's output and its
     * gradient; for the direct way, each pooled value's route and a block of the convolution's gradient.
     */
    private record Scratch(float[][] vectors, Convolution.Scratch conv, int[] from, float[] out, float[] dOut,
                           float[] routes, float[] block) {
    }

    /** Working memory for chunks of up to {@code maxBatch} samples. */
    public Object createScratch(int maxBatch) {
        Geometry c = conv.geometry();
        return switch (way) {
            case VECTORS -> new Scratch(PooledConv3x3.createScratch(maxBatch, c.h(), c.w(), conv.filters()), null,
                    null, null, null, null, null);
            case TRANSPOSED -> new Scratch(null, (Convolution.Scratch) conv.createScratch(maxBatch),
                    (int[]) pool.createScratch(maxBatch), null, null, null, null);
            case CHANNELS -> {
                int size = maxBatch * c.oh() * c.ow() * conv.filters();
                yield new Scratch(null, (Convolution.Scratch) conv.createScratch(maxBatch), null, new float[size],
                        new float[size], null, null);
            }
            case DIRECT -> new Scratch(null, null, null, null, null,
                    new float[maxBatch * pool.g.oh() * pool.g.ow() * conv.filters()],
                    new float[DirectConv.pooledScratch(conv.filters())]);
        };
    }

    /**
     * The pooled output {@code y} of n samples from the convolution's input {@code x}; {@code training}
     * keeps in the scratch what {@link #backward} needs.
     */
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training) {
        Scratch fs = (Scratch) scratch;
        Geometry c = conv.geometry();
        if (way == Way.VECTORS) {
            PooledConv3x3.forward(x, n, c.h(), c.w(), conv.kernelData(), conv.biasData(), conv.filters(), y,
                    fs.vectors, training);
            return;
        }
        if (way == Way.DIRECT) {
            conv.forwardPooled(x, y, n, training ? fs.routes : null);
            return;
        }
        if (way == Way.CHANNELS) {
            // The layer applies its bias and ReLU itself (block by block); a convolution draws nothing.
            conv.forward(x, fs.out, n, fs.conv, training, null);
            MaxPool2x2.forward(fs.out, n, c.oh(), c.ow(), conv.filters(), y);
            return;
        }
        Convolution.Scratch s = fs.conv;
        int[] from = fs.from;
        conv.productT(x, n, s);
        float[] outT = s.outT();
        float[] bias = conv.biasData();
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
                        // Which of the four wins is unpredictable, so it is chosen by arithmetic on
                        // order-preserving integer keys, never by a branch: the first of equal values
                        // wins, as in MaxPool2D. (Keys order -0 below +0, unlike float comparison: such
                        // a tie is only ever between values the ReLU sends to 0 with zero gradient.)
                        int i = top + 2 * ox;
                        int j = i + ow;
                        int k0 = key(outT[i] + bf);
                        int k1 = key(outT[i + 1] + bf);
                        int k2 = key(outT[j] + bf);
                        int k3 = key(outT[j + 1] + bf);
                        int topAt = i + greater(k1, k0);
                        int bottomAt = j + greater(k3, k2);
                        int at = topAt + greater(Math.max(k2, k3), Math.max(k0, k1)) * (bottomAt - topAt);
                        from[o] = at;
                        y[o] = Math.max(outT[at] + bf, 0f);
                    }
                }
            }
        }
    }

    /** An int that orders as the float does (NaN aside), with -0 just below +0. */
    private static int key(float v) {
        int bits = Float.floatToRawIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** 1 if a > b, else 0, without a branch. */
    private static int greater(int a, int b) {
        return (int) (((long) b - a) >>> 63);
    }

    /**
     * From the pooled output's gradient {@code dy}, the convolution's parameter gradients and, unless
     * {@code dx} is null, the gradient w.r.t. its input.
     */
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        Scratch fs = (Scratch) scratch;
        Geometry c = conv.geometry();
        if (way == Way.DIRECT) {
            requireNoInputGradient(dx);
            conv.gradientsPooled(x, dy, fs.routes, n, fs.block, grads);
            return;
        }
        if (way == Way.CHANNELS) {
            MaxPool2x2.backward(fs.out, dy, n, c.oh(), c.ow(), conv.filters(), fs.dOut, true);
            conv.backward(x, fs.out, fs.dOut, dx, n, fs.conv, grads);
            return;
        }
        if (way == Way.VECTORS) {
            requireNoInputGradient(dx);
            PooledConv3x3.backward(n, c.h(), c.w(), conv.filters(), dy, grads[0], conv.useBias() ? grads[1] : null,
                    fs.vectors);
            return;
        }
        Convolution.Scratch s = fs.conv;
        int[] from = fs.from;
        Geometry p = pool.g;
        float[] dOutT = s.outT();
        Arrays.fill(dOutT, 0, conv.filters() * n * c.oh() * c.ow(), 0f);
        int outs = n * p.oh() * p.ow() * p.c();
        for (int o = 0; o < outs; o++) {
            if (y[o] > 0f) {
                dOutT[from[o]] += dy[o];
            }
        }
        conv.gradientsT(x, dx, n, s, grads);
    }

    private void requireNoInputGradient(float[] dx) {
        if (dx != null) {
            throw new IllegalStateException(conv.name() + ": this fused step gives no input gradient");
        }
    }
}
