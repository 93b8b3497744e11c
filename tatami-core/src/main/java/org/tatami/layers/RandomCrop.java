package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.kernels.Interpolation;
import org.tatami.kernels.Resize;

/**
 * Crops each image to (height, width) at a random place while training, as Keras's RandomCrop. At
 * inference, and in training when the input is smaller than the crop, it does what Keras documents:
 * the largest centred window of the crop's aspect ratio, resized (bilinear) to (height, width), as
 * {@code Resizing(height, width, crop_to_aspect_ratio=true)}. Unlike Keras, which crops a whole batch
 * at one place, each image gets its own window.
 */
public final class RandomCrop extends RandomImageLayer<RandomCrop> {
    private final int cropHeight;
    private final int cropWidth;
    private Resize inference;

    public RandomCrop(int height, int width) {
        requireSize("RandomCrop", height, width);
        this.cropHeight = height;
        this.cropWidth = width;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomCrop fromConfig(Fields c) {
        RandomCrop crop = new RandomCrop(c.integer("height"), c.integer("width"));
        KerasValues.requireChannelsLast(c);
        return crop.readSeed(c);
    }

    @Override
    public String className() {
        return "RandomCrop";
    }

    @Override
    protected String baseName() {
        return "random_crop";
    }

    @Override
    protected int[] outputShape(int[] in) {
        int[] w = window();
        inference = new Resize(height, width, w[0], w[1], w[2], w[3], cropHeight, cropWidth, Interpolation.BILINEAR);
        return new int[] {cropHeight, cropWidth, channels};
    }

    /**
     * The window of the input that inference resizes (bilinear) to (height, width), {top, left, height,
     * width}: the largest centred one of the crop's aspect ratio. The layer is built.
     */
    public int[] window() {
        return Resize.aspectWindow(height, width, cropHeight, cropWidth);
    }

    /** Whether training crops at random: the input holds the crop. */
    private boolean crops() {
        return height >= cropHeight && width >= cropWidth;
    }

    /** Scratch: each sample's window (top, left) in the last batch, or -1 when it was resized. */
    @Override
    public Object createScratch(int maxBatch) {
        return new int[2 * maxBatch];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int[] windows = (int[]) scratch;
        int in = inputSize();
        int out = cropHeight * cropWidth * channels;
        if (!training || !crops()) {
            Arrays.fill(windows, 0, 2 * n, -1);
            for (int b = 0; b < n; b++) {
                inference.forward(x, b * in, y, b * out, channels);
            }
            return;
        }
        long key = drawKey(random);
        int row = cropWidth * channels;
        for (int b = 0; b < n; b++) {
            int top = (int) (uniform(key, b, 0) * (height - cropHeight + 1));
            int left = (int) (uniform(key, b, 1) * (width - cropWidth + 1));
            windows[2 * b] = top;
            windows[2 * b + 1] = left;
            for (int r = 0; r < cropHeight; r++) {
                System.arraycopy(x, b * in + ((top + r) * width + left) * channels, y, b * out + r * row, row);
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        int[] windows = (int[]) scratch;
        int in = inputSize();
        int out = cropHeight * cropWidth * channels;
        int row = cropWidth * channels;
        for (int b = 0; b < n; b++) {
            int top = windows[2 * b];
            int left = windows[2 * b + 1];
            if (top < 0) {
                inference.adjoint(dy, b * out, dx, b * in, channels);
                continue;
            }
            Arrays.fill(dx, b * in, (b + 1) * in, 0f);
            for (int r = 0; r < cropHeight; r++) {
                System.arraycopy(dy, b * out + r * row, dx, b * in + ((top + r) * width + left) * channels, row);
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("height", cropHeight);
        c.put("width", cropWidth);
        putSeed(c);
        c.put("data_format", "channels_last");
        return c;
    }
}
