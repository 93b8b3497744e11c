package org.tatami.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.tatami.kernels.Interpolation;
import org.tatami.kernels.Resize;
import org.tatami.tensor.Tensor;

/**
 * Picture files as examples, decoded when read: each to {@code channels} channels of 0..255 and resized to
 * {@code height x width} as {@code tf.image.resize} does (bilinear or nearest, half-pixel centres, no
 * antialiasing; optionally from the largest centred window of the output's aspect ratio), straight into
 * the batch's tensor. Labels as the label mode wants them.
 */
final class ImageFiles implements Rows {
    private final List<Path> paths;
    /** One per file, or null for unlabelled data. */
    private final int[] labels;
    private final String labelMode;
    private final int classes;
    private final int height;
    private final int width;
    private final int channels;
    private final Interpolation interpolation;
    private final boolean cropToAspectRatio;

    ImageFiles(List<Path> paths, int[] labels, String labelMode, int classes, int height, int width, int channels,
               Interpolation interpolation, boolean cropToAspectRatio) {
        this.paths = List.copyOf(paths);
        this.labels = labels;
        this.labelMode = labelMode;
        this.classes = classes;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.interpolation = interpolation;
        this.cropToAspectRatio = cropToAspectRatio;
    }

    @Override
    public int size() {
        return paths.size();
    }

    @Override
    public Dataset.Element row(int i) {
        Dataset.Element batch = rows(List.of(i));
        Tensor x = batch.x().reshape(height, width, channels);
        return labels == null ? Dataset.Element.of(x)
                : Dataset.Element.of(x, Tensor.of(batch.y().data(), labelShape(false)));
    }

    @Override
    public Dataset.Element rows(List<Integer> indices) {
        int n = indices.size();
        int pixels = height * width * channels;
        float[] x = new float[Math.multiplyExact(n, pixels)];
        for (int i = 0; i < n; i++) {
            load(indices.get(i), x, i * pixels);
        }
        Tensor images = Tensor.of(x, n, height, width, channels);
        if (labels == null) {
            return Dataset.Element.of(images);
        }
        int per = labelMode.equals("categorical") ? classes : 1;
        float[] y = new float[n * per];
        for (int i = 0; i < n; i++) {
            int label = labels[indices.get(i)];
            if (per == 1) {
                y[i] = label;
            } else {
                y[i * per + label] = 1;
            }
        }
        int[] shape = labelShape(true);
        shape[0] = n;
        return Dataset.Element.of(images, Tensor.of(y, shape));
    }

    /** int: a scalar per image; categorical: a one-hot row; binary: one value, as Keras shapes them. */
    private int[] labelShape(boolean batched) {
        int[] one = switch (labelMode) {
            case "categorical" -> new int[] {classes};
            case "binary" -> new int[] {1};
            default -> new int[0];
        };
        if (!batched) {
            return one;
        }
        int[] shape = new int[one.length + 1];
        System.arraycopy(one, 0, shape, 1, one.length);
        return shape;
    }

    private void load(int i, float[] out, int offset) {
        Path file = paths.get(i);
        BufferedImage image;
        try {
            image = Images.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        int h = image.getHeight();
        int w = image.getWidth();
        int[] window = cropToAspectRatio ? Resize.aspectWindow(h, w, height, width) : new int[] {0, 0, h, w};
        new Resize(h, w, window[0], window[1], window[2], window[3], height, width, interpolation)
                .forward(pixels(image, channels), 0, out, offset, channels);
    }

    /**
     * Row-major pixels of {@code channels} channels, each 0..255 as an 8-bit decoder gives them: grey pictures
     * by their own samples, colour ones as sRGB; grey from colour is luma 0.299 R + 0.587 G + 0.114 B, colour
     * from grey repeats it, and alpha is 255 where the picture has none.
     */
    static float[] pixels(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        ColorModel cm = image.getColorModel();
        boolean grey = cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        Raster raster = image.getRaster();
        int[] row = new int[w];
        int[] values = new int[w];
        int[] alpha = new int[w];
        for (int y = 0; y < h; y++) {
            if (grey) {
                int greyMax = (1 << cm.getComponentSize(0)) - 1;
                raster.getSamples(0, y, w, 1, 0, values);
                for (int x = 0; x < w; x++) {
                    values[x] = Math.round(values[x] * 255f / greyMax);
                    alpha[x] = 255;
                }
                if (cm.hasAlpha()) {
                    int alphaMax = (1 << cm.getComponentSize(1)) - 1;
                    raster.getSamples(0, y, w, 1, 1, alpha);
                    for (int x = 0; x < w; x++) {
                        alpha[x] = Math.round(alpha[x] * 255f / alphaMax);
                    }
                }
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
            }
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * channels;
                int p = row[x];
                int r = grey ? values[x] : p >> 16 & 0xFF;
                int g = grey ? values[x] : p >> 8 & 0xFF;
                int b = grey ? values[x] : p & 0xFF;
                if (channels == 1) {
                    out[o] = grey ? values[x] : Math.round(0.299f * r + 0.587f * g + 0.114f * b);
                } else {
                    out[o] = r;
                    out[o + 1] = g;
                    out[o + 2] = b;
                    if (channels == 4) {
                        out[o + 3] = grey ? alpha[x] : p >>> 24;
                    }
                }
            }
        }
        return out;
    }
}
