package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tatami.kernels.AffineSampler;
import org.tatami.kernels.FillMode;
import org.tatami.kernels.Interpolation;

/**
 * Rescaling and the random image layers: values worked out by hand, the identity at inference,
 * training draws per sample, and central finite differences of the gradient with the draws fixed.
 */
class AugmentationLayersTest {
    /** The 3x3 image f(r, c) = 3r + c + 1, one channel: linear, so bilinear reads are exact. */
    private static final float[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] run(Layer layer, float[] x, int n, boolean training, long seed, int... in) {
        if (!layer.isBuilt()) {
            layer.build(in);
        }
        float[] y = new float[n * size(layer.outputShape())];
        Arrays.fill(y, Float.NaN);
        layer.forward(x, y, n, layer.createScratch(n), training, new SplittableRandom(seed));
        return y;
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    // ---- the sampling kernels ----

    /** The row (1 2 3 4) shifted right by 2 reads columns -2 and -1 as each fill mode extends it. */
    @Test
    void fillModesExtendTheImageAsKerasDocuments() {
        float[] row = {1, 2, 3, 4};
        float[] shift = {1, 0, -2, 0, 1, 0};
        assertArrayEquals(new float[] {2, 1, 1, 2}, sample(row, shift, Interpolation.BILINEAR, FillMode.REFLECT, 0));
        assertArrayEquals(new float[] {3, 4, 1, 2}, sample(row, shift, Interpolation.BILINEAR, FillMode.WRAP, 0));
        assertArrayEquals(new float[] {1, 1, 1, 2}, sample(row, shift, Interpolation.BILINEAR, FillMode.NEAREST, 0));
        assertArrayEquals(new float[] {9, 9, 1, 2}, sample(row, shift, Interpolation.BILINEAR, FillMode.CONSTANT, 9));
        // Half a pixel: bilinear reads weigh the two neighbours equally; nearest rounds halves away from zero.
        float[] half = {1, 0, -0.5f, 0, 1, 0};
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 3.5f}, sample(row, half, Interpolation.BILINEAR, FillMode.REFLECT,
                0));
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f}, sample(row, half, Interpolation.BILINEAR,
                FillMode.CONSTANT, 0));
        assertArrayEquals(new float[] {1, 2, 3, 4}, sample(row, half, Interpolation.NEAREST, FillMode.REFLECT, 0));
        // Far outside: reflect has a period of 2n, the second half reversed.
        float[] far = {1, 0, -9, 0, 1, 0};
        assertArrayEquals(new float[] {1, 1, 2, 3}, sample(row, far, Interpolation.NEAREST, FillMode.REFLECT, 0));
    }

    private static float[] sample(float[] row, float[] t, Interpolation interpolation, FillMode mode, float fill) {
        float[] y = new float[row.length];
        AffineSampler.sample(row, 0, y, 0, 1, row.length, 1, t, 0, interpolation, mode, fill);
        return y;
    }

    // ---- Rescaling ----

    @Test
    void rescalingMultipliesAndAdds() {
        assertArrayEquals(new float[] {0f, 1f, 127.5f / 255},
                run(new Rescaling(1 / 255.0), new float[] {0, 255, 127.5f}, 1, false, 0, 3));
        assertArrayEquals(new float[] {-1f, 1f, 0f},
                run(new Rescaling(1 / 127.5, -1), new float[] {0, 255, 127.5f}, 1, false, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Rescaling(1e39));
        assertPasses(gradient(new Rescaling(0.5, 2), 2, true, 4, 3, 2));
    }

    // ---- RandomFlip ----

    @Test
    void randomFlipFlipsWholeImagesInTrainingOnly() {
        int n = 32;
        float[] x = new float[n * 9];
        for (int b = 0; b < n; b++) {
            System.arraycopy(IMAGE, 0, x, b * 9, 9);
        }
        float[] both = {9, 8, 7, 6, 5, 4, 3, 2, 1};
        float[] left = {3, 2, 1, 6, 5, 4, 9, 8, 7};
        float[] up = {7, 8, 9, 4, 5, 6, 1, 2, 3};
        assertEquals(Set.of("same", "flipped"), outcomes(new RandomFlip(), x, n, both));
        assertEquals(Set.of("same", "flipped"), outcomes(new RandomFlip("horizontal"), x, n, left));
        assertEquals(Set.of("same", "flipped"), outcomes(new RandomFlip("vertical"), x, n, up));
        assertArrayEquals(x, run(new RandomFlip(), x, n, false, 1, 3, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomFlip("diagonal"));
    }

    /** Which of "same" and "flipped" the samples of one training batch came out as; anything else fails. */
    private static Set<String> outcomes(RandomFlip flip, float[] x, int n, float[] flipped) {
        float[] y = run(flip, x, n, true, 5, 3, 3, 1);
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < n; b++) {
            float[] one = Arrays.copyOfRange(y, b * 9, b * 9 + 9);
            if (Arrays.equals(one, IMAGE)) {
                seen.add("same");
            } else {
                assertArrayEquals(flipped, one, "sample " + b);
                seen.add("flipped");
            }
        }
        return seen;
    }

    @Test
    void randomFlipGradients() {
        assertPasses(gradient(new RandomFlip(), 6, true, 3, 4, 2));
        assertPasses(gradient(new RandomFlip("horizontal"), 6, true, 3, 4, 2));
        assertPasses(gradient(new RandomFlip("vertical"), 6, true, 3, 4, 2));
        assertPasses(gradient(new RandomFlip(), 3, false, 3, 4, 2));
    }

    // ---- RandomRotation, RandomZoom, RandomTranslation ----

    @Test
    void aHalfTurnReversesTheImage() {
        float[] y = run(new RandomRotation(0.5, 0.5), IMAGE, 1, true, 3, 3, 3, 1);
        assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, y, 1e-5f);
        // A quarter turn counter-clockwise: output (r, c) reads input (c, 2 - r).
        y = run(new RandomRotation(0.25, 0.25).interpolation("nearest"), IMAGE, 1, true, 3, 3, 3, 1);
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, y);
    }

    @Test
    void zoomingInTwiceReadsBetweenPixels() {
        // Zoom 0.5 about the centre reads rows and columns 0.5, 1 and 1.5 of the linear image.
        float[] y = run(new RandomZoom(0).heightFactor(-0.5, -0.5), IMAGE, 1, true, 3, 3, 3, 1);
        assertArrayEquals(new float[] {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}, y, 1e-6f);
        // Only the width zoomed (the height by 1): columns 0.5, 1, 1.5 of each row.
        y = run(new RandomZoom(0, 0).widthFactor(-0.5, -0.5), IMAGE, 1, true, 3, 3, 3, 1);
        assertArrayEquals(new float[] {1.5f, 2, 2.5f, 4.5f, 5, 5.5f, 7.5f, 8, 8.5f}, y, 1e-6f);
    }

    @Test
    void translationByAThirdMovesOneRowDown() {
        RandomTranslation t = new RandomTranslation(0, 0).heightFactor(1 / 3.0, 1 / 3.0).fillMode("constant")
                .fillValue(-1);
        assertArrayEquals(new float[] {-1, -1, -1, 1, 2, 3, 4, 5, 6}, run(t, IMAGE, 1, true, 3, 3, 3, 1), 1e-6f);
        RandomTranslation right = new RandomTranslation(0, 0).widthFactor(1 / 3.0, 1 / 3.0);
        assertArrayEquals(new float[] {1, 1, 2, 4, 4, 5, 7, 7, 8}, run(right, IMAGE, 1, true, 3, 3, 3, 1), 1e-6f);
    }

    /** Each sample draws its own map, and the layers are the identity at inference. */
    @Test
    void affineLayersDrawPerSampleInTrainingOnly() {
        for (Supplier<Layer> make : new Supplier[] {() -> new RandomRotation(0.2), () -> new RandomZoom(0.3),
            () -> new RandomTranslation(0.3, 0.3)}) {
            int n = 8;
            float[] x = new float[n * 25];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < 25; i++) {
                    x[b * 25 + i] = i;
                }
            }
            assertArrayEquals(x, run(make.get(), x, n, false, 1, 5, 5, 1));
            float[] y = run(make.get(), x, n, true, 1, 5, 5, 1);
            Set<String> distinct = new HashSet<>();
            for (int b = 0; b < n; b++) {
                distinct.add(Arrays.toString(Arrays.copyOfRange(y, b * 25, b * 25 + 25)));
            }
            assertEquals(n, distinct.size(), make.get().className() + ": one map per sample");
            assertFalse(Arrays.equals(y, run(make.get(), x, n, true, 2, 5, 5, 1)), "another step draws again");
            assertArrayEquals(y, run(make.get(), x, n, true, 1, 5, 5, 1), "the same step draws the same");
            float[] seeded = run(((RandomAffine<?>) make.get()).seed(7), x, n, true, 1, 5, 5, 1);
            assertFalse(Arrays.equals(y, seeded), "a seed changes the draws");
        }
    }

    @Test
    void affineLayersGradients() {
        for (String mode : new String[] {"reflect", "wrap", "constant", "nearest"}) {
            for (String interpolation : new String[] {"bilinear", "nearest"}) {
                assertPasses(gradient(new RandomRotation(0.3).fillMode(mode).interpolation(interpolation)
                        .fillValue(0.5), 3, true, 5, 4, 2));
            }
        }
        assertPasses(gradient(new RandomZoom(0.5, 0.4).fillMode("wrap"), 3, true, 5, 6, 2));
        assertPasses(gradient(new RandomZoom(0.5).fillMode("constant"), 3, true, 5, 6, 2));
        assertPasses(gradient(new RandomTranslation(0.4, 0.3), 3, true, 4, 5, 3));
        assertPasses(gradient(new RandomTranslation(0.4, 0.3), 3, false, 4, 5, 3));
    }

    @Test
    void factorsAreCheckedAsKerasDoes() {
        assertThrows(IllegalArgumentException.class, () -> new RandomRotation(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RandomZoom(0.2, -2));
        assertThrows(IllegalArgumentException.class, () -> new RandomTranslation(0.1, 0.1).fillMode("mirror"));
        assertThrows(IllegalArgumentException.class, () -> new RandomTranslation(0.1, 0.1).interpolation("bicubic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomZoom(0.1).name("zoom").build(4, 4));
        assertTrue(e.getMessage().contains("zoom (RandomZoom) expects input of shape (height, width, channels), got"
                + " (None, 4, 4)"), e.getMessage());
    }

    // ---- RandomCrop ----

    @Test
    void randomCropTakesAWindowPerSampleInTraining() {
        int n = 16;
        float[] x = new float[n * 36];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < 36; i++) {
                x[b * 36 + i] = i;
            }
        }
        float[] y = run(new RandomCrop(3, 4), x, n, true, 9, 6, 6, 1);
        Set<Integer> corners = new HashSet<>();
        for (int b = 0; b < n; b++) {
            float corner = y[b * 12];
            int top = (int) corner / 6;
            int left = (int) corner % 6;
            assertTrue(top <= 3 && left <= 2, "window inside the image: " + top + ", " + left);
            for (int r = 0; r < 3; r++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals((top + r) * 6 + left + k, y[b * 12 + r * 4 + k], "sample " + b);
                }
            }
            corners.add((int) corner);
        }
        assertTrue(corners.size() > 3, "windows differ between samples: " + corners);
    }

    /** At inference: the largest centred window of the crop's aspect ratio, resized bilinearly. */
    @Test
    void randomCropResizesTheCentredWindowAtInference() {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i + 1;
        }
        // 4x4 to 2x2: the whole image, each output the mean of a 2x2 block.
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, run(new RandomCrop(2, 2), image, 1, false, 0, 4, 4, 1));
        // 4x4 to 2x1: the centred 4x2 window (columns 1 and 2), halved in both directions.
        assertArrayEquals(new float[] {4.5f, 12.5f}, run(new RandomCrop(2, 1), image, 1, false, 0, 4, 4, 1));
        // Training with an input smaller than the crop resizes too (2x2 to 4x4, edges clamped).
        float[] up = run(new RandomCrop(4, 4), new float[] {1, 2, 3, 4}, 1, true, 0, 2, 2, 1);
        assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, Arrays.copyOfRange(up, 0, 4));
    }

    @Test
    void randomCropGradients() {
        assertPasses(gradient(new RandomCrop(3, 2), 4, true, 5, 4, 2));
        assertPasses(gradient(new RandomCrop(3, 2), 4, false, 5, 4, 2));
        assertPasses(gradient(new RandomCrop(5, 3), 2, true, 3, 4, 2));
    }

    // ---- Resizing, CenterCrop ----

    /** 1 to 16 in a 4x4 image, one channel. */
    private static float[] sixteen() {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i + 1;
        }
        return image;
    }

    @Test
    void resizingAsTensorFlowResizes() {
        float[] image = sixteen();
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, run(new Resizing(2, 2), image, 1, false, 0, 4, 4, 1));
        // Nearest reads floor((o + 0.5) * 2): rows and columns 1 and 3.
        assertArrayEquals(new float[] {6, 8, 14, 16}, run(new Resizing(2, 2).interpolation("nearest"), image, 1, false,
                0, 4, 4, 1));
        // Squeezing 4x4 into 2x4 halves the rows only.
        assertArrayEquals(new float[] {3, 4, 5, 6, 11, 12, 13, 14}, run(new Resizing(2, 4), image, 1, false, 0, 4, 4,
                1));
        // crop_to_aspect_ratio: 2x1 takes the centred 4x2 window (columns 1 and 2).
        assertArrayEquals(new float[] {4.5f, 12.5f}, run(new Resizing(2, 1).cropToAspectRatio(true), image, 1, false,
                0, 4, 4, 1));
        // Two channels are resized independently.
        float[] two = {1, 10, 2, 20, 3, 30, 4, 40};
        assertArrayEquals(new float[] {2.5f, 25f}, run(new Resizing(1, 1), two, 1, false, 0, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Resizing(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Resizing(3, 3).interpolation("bicubic"));
    }

    @Test
    void centerCropCropsOrResizesAsKeras() {
        float[] image = sixteen();
        assertArrayEquals(new float[] {6, 7, 10, 11}, run(new CenterCrop(2, 2), image, 1, false, 0, 4, 4, 1));
        // An odd margin leaves the extra row at the bottom, as Keras's int(diff / 2).
        assertArrayEquals(new float[] {2, 3, 6, 7, 10, 11}, run(new CenterCrop(3, 2), image, 1, false, 0, 4, 4, 1));
        // Larger than the input: resized (2x2 to 4x4).
        float[] up = run(new CenterCrop(4, 4), new float[] {1, 2, 3, 4}, 1, false, 0, 2, 2, 1);
        assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, Arrays.copyOfRange(up, 0, 4));
    }

    @Test
    void resizingAndCenterCropGradients() {
        assertPasses(gradient(new Resizing(3, 5), 2, false, 4, 3, 2));
        assertPasses(gradient(new Resizing(2, 2).interpolation("nearest"), 2, false, 5, 4, 2));
        assertPasses(gradient(new Resizing(3, 2).cropToAspectRatio(true), 2, false, 4, 5, 2));
        assertPasses(gradient(new CenterCrop(2, 3), 2, false, 5, 4, 2));
        assertPasses(gradient(new CenterCrop(6, 3), 2, false, 4, 4, 2));
    }

    // ---- RandomContrast ----

    @Test
    void randomContrastScalesAboutEachChannelsMean() {
        int n = 6;
        SplittableRandom rnd = new SplittableRandom(8);
        float[] x = GradientCheckTest.uniform(rnd, n * 3 * 2 * 2, 50, 200);
        RandomContrast contrast = new RandomContrast(0.2, 0.4);
        float[] y = run(contrast, x, n, true, 4, 3, 2, 2);
        Set<Float> factors = new HashSet<>();
        for (int b = 0; b < n; b++) {
            float f = 0;
            for (int ch = 0; ch < 2; ch++) {
                double mean = 0;
                for (int p = 0; p < 6; p++) {
                    mean += x[b * 12 + p * 2 + ch] / 6.0;
                }
                int first = b * 12 + ch;
                f = (float) ((y[first] - mean) / (x[first] - mean));
                assertTrue(f >= 0.8f - 1e-4f && f <= 1.4f + 1e-4f, "factor " + f);
                for (int p = 1; p < 6; p++) {
                    int i = first + p * 2;
                    assertEquals(mean + (x[i] - mean) * f, y[i], 2e-3, "sample " + b + ", channel " + ch);
                }
            }
            factors.add(f);
        }
        assertEquals(n, factors.size(), "one factor per sample");
        assertArrayEquals(x, run(new RandomContrast(0.5), x, n, false, 4, 3, 2, 2));
        // Clipped to value_range.
        float[] clipped = run(new RandomContrast(0, 1).valueRange(0, 1), new float[] {-3, 0.5f, 4}, 1, true, 4, 1, 3,
                1);
        assertEquals(0f, clipped[0]);
        assertEquals(1f, clipped[2]);
        assertThrows(IllegalArgumentException.class, () -> new RandomContrast(1.5));
    }

    @Test
    void randomContrastGradients() {
        assertPasses(gradient(new RandomContrast(0.5).valueRange(-10, 10), 3, true, 3, 4, 2));
        assertPasses(gradient(new RandomContrast(0.5), 3, false, 3, 4, 2));
        // Some values clipped (far beyond the range), the others inside it: the clipped ones pass no gradient.
        RandomContrast clipping = new RandomContrast(0, 0.5).valueRange(0, 1);
        clipping.build(new int[] {2, 2, 1}, new SplittableRandom(1));
        float[] x = {-5, 0.45f, 0.55f, 6, 7, 0.5f, 0.52f, -4};
        GradientCheck check = new GradientCheck(clipping, 2, x, GradientCheckTest.uniform(new SplittableRandom(2),
                8, -1, 1), true, 77);
        assertPasses(check.run());
        float[] y = check.preActivation();
        assertEquals(List.of(0f, 1f, 1f, 0f), List.of(y[0], y[3], y[4], y[7]));
    }

    // ---- helpers ----

    /** A finite-difference check of a layer with random inputs; in training, the draws of one fixed generator. */
    private static GradientCheck.Result gradient(Layer layer, int n, boolean training, int... in) {
        SplittableRandom rnd = new SplittableRandom(Arrays.hashCode(in) + n);
        layer.build(in, rnd);
        float[] x = GradientCheckTest.uniform(rnd, n * size(in), -1, 1);
        float[] r = GradientCheckTest.uniform(rnd, n * size(layer.outputShape()), -1, 1);
        return new GradientCheck(layer, n, x, r, training, 77).run();
    }

    private static void assertPasses(GradientCheck.Result result) {
        assertTrue(result.checked() > 0, "nothing checked");
        assertTrue(result.passed(), () -> "worst at " + result.where() + " (error / tolerance = " + result.ratio()
                + ")");
    }
}
