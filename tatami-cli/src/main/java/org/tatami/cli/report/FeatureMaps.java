package org.tatami.cli.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tatami.data.Images;
import org.tatami.layers.Layer;
import org.tatami.models.FeatureExtractor;
import org.tatami.models.Model;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * What each layer makes of one sample, as the seed notebook shows by calling the layers one by one (in a
 * graph, every node: a shared layer once per application): every image-shaped output (height, width,
 * channels) is written as one grey picture per channel.
 */
public final class FeatureMaps {
    static {
        Drawing.headless();
    }

    /** Pictures are scaled up by whole pixels to at least this width, so small maps stay visible. */
    public static final int MIN_WIDTH = 100;

    private FeatureMaps() {
    }

    /**
     * One step of the walk through the model: the input or the output of a node.
     *
     * @param name  the layer name ({@code input} for the sample itself)
     * @param className  Keras's class name ({@code InputLayer} for the sample)
     * @param shape  the output shape without the batch axis
     * @param files  pictures written for it, relative to the folder given to {@link #write}, '/'-separated;
     *               one per channel, in channel order; empty for outputs that are not images
     */
    public record LayerOutput(String name, String className, List<Integer> shape, List<String> files) {
        public LayerOutput {
            shape = List.copyOf(shape);
            files = List.copyOf(files);
        }

        /** The shape in Keras's notation with the batch axis: {@code (None, 26, 26, 3)}. */
        public String shapeText() {
            return Shape.withBatch(shape.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /**
     * Runs {@code sample} through the model, keeping the output of every node (activations included), and
     * writes into {@code dir}: {@code 00_input.png} for a one-channel sample (else
     * {@code 00_input/channel_<c>.png}), and for every image-shaped node output
     * {@code <index>_<layer name>/channel_<c>.png}, index counting the nodes' outputs from 01 in the order
     * the model runs them. Each picture maps its own minimum to black and maximum to white.
     *
     * @param sample a batch of one: (1, H, W, C) for an image model
     * @return the input and every node's output, in order, with the files written for each
     * @throws IllegalArgumentException if the sample is not a batch of one of the model's input shape
     */
    public static List<LayerOutput> write(Model model, Tensor sample, Path dir) throws IOException {
        int[] expected = model.inputShape();
        int[] shape = sample.shape();
        if (shape.length != expected.length + 1 || shape[0] != 1
                || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), expected)) {
            int[] batchOfOne = new int[expected.length + 1];
            batchOfOne[0] = 1;
            System.arraycopy(expected, 0, batchOfOne, 1, expected.length);
            throw new IllegalArgumentException("the sample must be a batch of one of the model's input, shape "
                    + Shape.toString(batchOfOne) + ", got " + Shape.toString(shape));
        }
        List<LayerOutput> out = new ArrayList<>();
        out.add(describe("input", "InputLayer", sample, dir, "00_input", true));
        List<FeatureExtractor.Output> values = new FeatureExtractor(model).outputs(List.of(sample));
        for (int i = 0; i < values.size(); i++) {
            Layer layer = values.get(i).layer();
            String folder = String.format(Locale.ROOT, "%02d_%s", i + 1, safe(layer.name()));
            out.add(describe(layer.name(), layer.className(), values.get(i).value(), dir, folder, false));
        }
        return out;
    }

    private static LayerOutput describe(String name, String className, Tensor batch, Path dir, String base,
                                        boolean input) throws IOException {
        int[] shape = Arrays.copyOfRange(batch.shape(), 1, batch.rank());
        List<Integer> boxed = Arrays.stream(shape).boxed().toList();
        if (shape.length != 3 || Shape.size(shape) == 0) {
            return new LayerOutput(name, className, boxed, List.of());
        }
        int h = shape[0];
        int w = shape[1];
        int channels = shape[2];
        int scale = Math.max(1, (MIN_WIDTH + w - 1) / w);
        List<String> files = new ArrayList<>();
        if (input && channels == 1) {
            files.add(base + ".png");
        } else {
            for (int c = 0; c < channels; c++) {
                files.add(base + "/channel_" + c + ".png");
            }
        }
        float[] data = batch.data();
        for (int c = 0; c < channels; c++) {
            float[] plane = new float[h * w];
            for (int p = 0; p < plane.length; p++) {
                plane[p] = data[p * channels + c];
            }
            Images.writeGrayPng(Tensor.of(plane, h, w), dir.resolve(files.get(c)), scale);
        }
        return new LayerOutput(name, className, boxed, files);
    }

    /** A layer name as a folder name on any file system: letters, digits, '.', '-' and '_' are kept. */
    private static String safe(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_';
            b.append(kept ? c : '_');
        }
        return b.toString();
    }
}
