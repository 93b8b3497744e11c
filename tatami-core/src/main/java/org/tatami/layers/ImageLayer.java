package org.tatami.layers;

/**
 * A layer on (height, width, channels) images: the preprocessing and augmentation layers. The input's
 * sizes are kept once the layer is built.
 */
abstract class ImageLayer<T extends ImageLayer<T>> extends ChainedLayer<T> {
    int height;
    int width;
    int channels;

    @Override
    protected final int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        height = in[0];
        width = in[1];
        channels = in[2];
        return outputShape(in);
    }

    /** The output shape for an (height, width, channels) input; the fields are set. */
    protected int[] outputShape(int[] in) {
        return in;
    }

    /** Values per input sample. */
    final int inputSize() {
        return height * width * channels;
    }

    /** Checks a target size (height, width) of {@code layer}'s output. */
    static void requireSize(String layer, int targetHeight, int targetWidth) {
        if (targetHeight <= 0 || targetWidth <= 0) {
            throw new IllegalArgumentException(layer + " height and width must be positive, got (" + targetHeight
                    + ", " + targetWidth + ")");
        }
    }

    /** Copies n input-sized samples unchanged: the random layers at inference, and their gradient there. */
    final void identity(float[] from, float[] to, int n) {
        System.arraycopy(from, 0, to, 0, n * inputSize());
    }
}
