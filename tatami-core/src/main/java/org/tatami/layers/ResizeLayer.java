package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.kernels.Interpolation;
import org.tatami.kernels.Resize;

/**
 * What Resizing and CenterCrop share: a window of each image resized to (height, width) by
 * {@link Resize}; the gradient is the resize's adjoint.
 */
abstract class ResizeLayer<T extends ResizeLayer<T>> extends ImageLayer<T> {
    final int targetHeight;
    final int targetWidth;
    private Resize resize;

    ResizeLayer(int targetHeight, int targetWidth) {
        requireSize(className(), targetHeight, targetWidth);
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
    }

    /** The window of the input that is resized, {top, left, height, width}; the layer is built. */
    public abstract int[] window();

    /** How the window is read: bilinear or nearest. */
    public abstract Interpolation interpolation();

    @Override
    protected final int[] outputShape(int[] in) {
        int[] w = window();
        resize = new Resize(height, width, w[0], w[1], w[2], w[3], targetHeight, targetWidth, interpolation());
        return new int[] {targetHeight, targetWidth, channels};
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int out = targetHeight * targetWidth * channels;
        for (int b = 0; b < n; b++) {
            resize.forward(x, b * inputSize(), y, b * out, channels);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        int out = targetHeight * targetWidth * channels;
        for (int b = 0; b < n; b++) {
            resize.adjoint(dy, b * out, dx, b * inputSize(), channels);
        }
    }

    /** Puts height and width, which Keras's configs list first. */
    final void putSize(Map<String, Object> c) {
        c.put("height", targetHeight);
        c.put("width", targetWidth);
    }
}
