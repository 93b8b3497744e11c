package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Merge layers: forward passes against values worked out by hand, shapes, errors, names and configs. */
class MergeTest {
    // Two samples of shape (3,).
    private static final float[] A = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {10, 20, 30, 40, 50, 60};
    private static final float[] C = {0.5f, 0.5f, 0.5f, -1, -1, -1};

    /** Builds {@code layer} for these shapes and runs it on {@code n} samples of each input. */
    private static float[] forward(Layer layer, int n, int[][] shapes, float[]... xs) {
        layer.build(shapes, new SplittableRandom(1));
        float[] y = new float[n * size(layer.outputShape())];
        layer.forward(xs, y, n, layer.createScratch(n), false, new SplittableRandom(1));
        return y;
    }

    private static float[] forward(Layer layer, float[]... xs) {
        int[][] shapes = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            shapes[i] = new int[] {xs[i].length / 2};
        }
        return forward(layer, 2, shapes, xs);
    }

    // ---- element-wise, equal shapes ----

    @Test
    void add() {
        assertArrayEquals(new float[] {11, 22, 33, 44, 55, 66}, forward(new Add(), A, B));
        assertArrayEquals(new float[] {11.5f, 22.5f, 33.5f, 43, 54, 65}, forward(new Add(), A, B, C));
    }

    @Test
    void subtract() {
        assertArrayEquals(new float[] {-9, -18, -27, -36, -45, -54}, forward(new Subtract(), A, B));
    }

    @Test
    void multiply() {
        assertArrayEquals(new float[] {10, 40, 90, 160, 250, 360}, forward(new Multiply(), A, B));
        assertArrayEquals(new float[] {5, 20, 45, -160, -250, -360}, forward(new Multiply(), A, B, C));
    }

    @Test
    void average() {
        assertArrayEquals(new float[] {5.5f, 11, 16.5f, 22, 27.5f, 33}, forward(new Average(), A, B));
        assertArrayEquals(new float[] {11.5f / 3, 7.5f, 33.5f / 3, 43f / 3, 18, 65f / 3},
                forward(new Average(), A, B, C), 1e-6f);
    }

    @Test
    void maximumAndMinimum() {
        float[] a = {1, 5, -3, 0, 2, 2};
        float[] b = {4, 2, -1, 0, 3, 1};
        float[] c = {-2, 6, -5, 1, 1, 1};
        assertArrayEquals(new float[] {4, 5, -1, 0, 3, 2}, forward(new Maximum(), a, b));
        assertArrayEquals(new float[] {4, 6, -1, 1, 3, 2}, forward(new Maximum(), a, b, c));
        assertArrayEquals(new float[] {1, 2, -3, 0, 2, 1}, forward(new Minimum(), a, b));
        assertArrayEquals(new float[] {-2, 2, -5, 0, 1, 1}, forward(new Minimum(), a, b, c));
    }

    // ---- element-wise, broadcasting ----

    /** (2, 1) + (1, 3): every row value plus every column value, per sample. */
    @Test
    void addBroadcastsToAnOuterSum() {
        float[] rows = {1, 2, 3, 4};
        float[] columns = {10, 20, 30, 100, 200, 300};
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32, 103, 203, 303, 104, 204, 304},
                forward(new Add(), 2, new int[][] {{2, 1}, {1, 3}}, rows, columns));
    }

    /** (2, 2, 3) * (1, 1, 3): one factor per channel, as squeeze-and-excitation scales. */
    @Test
    void multiplyBroadcastsOverHeightAndWidth() {
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] scales = {1, 0, -2};
        assertArrayEquals(new float[] {1, 0, -6, 4, 0, -12, 7, 0, -18, 10, 0, -24},
                forward(new Multiply(), 1, new int[][] {{2, 2, 3}, {1, 1, 3}}, image, scales));
    }

    /** (2, 3) - (2, 1): each row minus its own value. */
    @Test
    void subtractBroadcastsTheSecondInput() {
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2},
                forward(new Subtract(), 1, new int[][] {{2, 3}, {2, 1}}, new float[] {1, 2, 3, 4, 5, 6},
                        new float[] {1, 4}));
    }

    /** (1, 3) and (2, 1) broadcast each other to (2, 3). */
    @Test
    void maximumBroadcastsBothInputs() {
        Maximum max = new Maximum();
        assertArrayEquals(new float[] {3, 5, 10, 7, 7, 10},
                forward(max, 1, new int[][] {{1, 3}, {2, 1}}, new float[] {0, 5, 10}, new float[] {3, 7}));
        assertArrayEquals(new int[] {2, 3}, max.outputShape());
    }

    @Test
    void theFlatPathNeedsNoScratch() {
        Add add = new Add();
        add.build(new int[][] {{4, 4, 3}, {4, 4, 3}}, new SplittableRandom(1));
        assertNull(add.createScratch(8));
    }

    // ---- element-wise backward: ties, unused gradients ----

    /** On ties the gradient goes to the first input holding the extreme value, the others get 0. */
    @Test
    void tiesSendTheGradientToTheFirstInput() {
        float[] dy = {1, 2, 3};
        float[][] dxs = backward(new Maximum(), new float[][] {{1, 2, 3}, {1, 5, 3}}, dy);
        assertArrayEquals(new float[] {1, 0, 3}, dxs[0]);
        assertArrayEquals(new float[] {0, 2, 0}, dxs[1]);
        // The smallest value, -1, held by the second and third inputs: the second takes it.
        dxs = backward(new Minimum(), new float[][] {{0, 4, 2}, {-1, 4, 2}, {-1, 4, 1}}, dy);
        assertArrayEquals(new float[] {0, 2, 0}, dxs[0]);
        assertArrayEquals(new float[] {1, 0, 0}, dxs[1]);
        assertArrayEquals(new float[] {0, 0, 3}, dxs[2]);
        // Maximum(x, x): one array for both inputs, the first takes all.
        float[] x = {1, -2, 3};
        dxs = backward(new Maximum(), new float[][] {x, x}, dy);
        assertArrayEquals(dy, dxs[0]);
        assertArrayEquals(new float[3], dxs[1]);
    }

    /** A null gradient array is skipped; the others are as when all are wanted. */
    @Test
    void unwantedGradientsAreSkipped() {
        // (1, 3) and (2, 3): Multiply broadcasts the first; Concatenate on axis 1 stacks them.
        float[][] xs = {{1, 2, 3}, {4, 5, 6, 7, 8, 9}};
        for (Layer layer : new Layer[] {new Multiply(), new Concatenate(1)}) {
            float[] y = forward(layer, 1, new int[][] {{1, 3}, {2, 3}}, xs);
            float[] dy = new float[y.length];
            for (int j = 0; j < dy.length; j++) {
                dy[j] = j + 1;
            }
            Object scratch = layer.createScratch(1);
            float[][] all = {new float[3], new float[6]};
            layer.backward(xs, y, dy, all, 1, scratch, new float[0][]);
            for (int i = 0; i < 2; i++) {
                float[][] one = new float[2][];
                one[i] = new float[xs[i].length];
                layer.backward(xs, y, dy, one, 1, scratch, new float[0][]);
                assertArrayEquals(all[i], one[i], layer + ", input " + i);
            }
        }
    }

    /** Runs forward and backward on one sample of shape (3,) per input. */
    private static float[][] backward(Layer layer, float[][] xs, float[] dy) {
        int[][] shapes = new int[xs.length][];
        float[][] dxs = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            shapes[i] = new int[] {3};
            dxs[i] = new float[] {Float.NaN, Float.NaN, Float.NaN};
        }
        float[] y = forward(layer, 1, shapes, xs);
        layer.backward(xs, y, dy, dxs, 1, null, new float[0][]);
        return dxs;
    }

    // ---- Concatenate ----

    @Test
    void concatenateOnTheLastAxis() {
        Concatenate concat = new Concatenate();
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] b = {10, 20, 30, 40};
        assertArrayEquals(new float[] {1, 2, 10, 3, 4, 20, 5, 6, 30, 7, 8, 40},
                forward(concat, 2, new int[][] {{2, 2}, {2, 1}}, a, b));
        assertArrayEquals(new int[] {2, 3}, concat.outputShape());
        assertEquals(-1, concat.axis());
    }

    @Test
    void concatenateThreeInputsOnTheLastAxis() {
        assertArrayEquals(new float[] {1, 10, 20, 100, 2, 30, 40, 200},
                forward(new Concatenate(-1), 1, new int[][] {{2, 1}, {2, 2}, {2, 1}}, new float[] {1, 2},
                        new float[] {10, 20, 30, 40}, new float[] {100, 200}));
    }

    /** Axis 1 is a sample's first axis: each sample is the first input's rows, then the second's. */
    @Test
    void concatenateOnTheFirstAxisOfASample() {
        Concatenate concat = new Concatenate(1);
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 20, 30, 40, 50, 60, 70, 80};
        assertArrayEquals(new float[] {1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80},
                forward(concat, 2, new int[][] {{1, 2}, {2, 2}}, a, b));
        assertArrayEquals(new int[] {3, 2}, concat.outputShape());
    }

    /** On axis 2 of (h, w, c) images, each image row is the first input's row, then the second's. */
    @Test
    void concatenateOnTheWidthAxis() {
        Concatenate concat = new Concatenate(2);
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 11, 12, 13, 20, 21, 22, 23};
        assertArrayEquals(new float[] {1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23},
                forward(concat, 1, new int[][] {{2, 1, 2}, {2, 2, 2}}, a, b));
        assertArrayEquals(new int[] {2, 3, 2}, concat.outputShape());
    }

    // ---- the functional API ----

    @Test
    void appliedToSymbolicTensors() {
        SymbolicTensor image = Input.of(8, 8, 16);
        SymbolicTensor scales = Input.of(1, 1, 16);
        assertArrayEquals(new int[] {8, 8, 16}, new Multiply().apply(image, scales).shape());
        assertArrayEquals(new int[] {8, 8, 16}, new Add().apply(image, image).shape());
        assertArrayEquals(new int[] {8, 8, 32}, new Concatenate().apply(image, image).shape());
        assertArrayEquals(new int[] {16, 8, 16}, new Concatenate(1).apply(image, image).shape());
    }

    // ---- errors ----

    @Test
    void incompatibleShapesAreRejected() {
        Add add = new Add();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> add.apply(Input.of(8, 8, 16), Input.of(8, 8, 32)));
        assertEquals(add.name() + " (Add): inputs have incompatible shapes (None, 8, 8, 16) and (None, 8, 8, 32)",
                e.getMessage());
        assertFalse(add.isBuilt());
        // Broadcasting (4, 1) with (1, 3) is fine; (4, 5) then conflicts with (1, 3) on the last axis.
        Multiply multiply = new Multiply();
        e = assertThrows(IllegalArgumentException.class,
                () -> multiply.build(new int[][] {{4, 1}, {1, 3}, {4, 5}}, new SplittableRandom(1)));
        assertEquals(multiply.name() + " (Multiply): inputs have incompatible shapes (None, 1, 3) and (None, 4, 5)",
                e.getMessage());
        Maximum max = new Maximum();
        e = assertThrows(IllegalArgumentException.class,
                () -> max.build(new int[][] {{4, 3}, {3}}, new SplittableRandom(1)));
        assertEquals(max.name() + " (Maximum): inputs must have the same rank, got (None, 4, 3) and (None, 3)",
                e.getMessage());
    }

    @Test
    void theNumberOfInputsIsChecked() {
        Subtract subtract = new Subtract();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> subtract.apply(Input.of(4), Input.of(4), Input.of(4)));
        assertEquals(subtract.name() + " (Subtract) needs exactly 2 inputs, got 3", e.getMessage());
        Add add = new Add();
        e = assertThrows(IllegalArgumentException.class, () -> add.build(4));
        assertEquals(add.name() + " (Add) needs at least 2 inputs, got 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> add.computeOutputShape(new int[] {4}));
        assertEquals(add.name() + " (Add) needs at least 2 inputs, got 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Subtract().computeOutputShape(new int[] {4}));
        assertTrue(e.getMessage().endsWith("(Subtract) needs exactly 2 inputs, got 1"), e.getMessage());
    }

    @Test
    void concatenateChecksTheOtherAxes() {
        Concatenate concat = new Concatenate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> concat.apply(Input.of(4, 4, 3), Input.of(5, 4, 3)));
        assertEquals(concat.name() + " (Concatenate): inputs must have matching shapes except on the concatenation"
                + " axis (axis=-1), got (None, 4, 4, 3) and (None, 5, 4, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Concatenate().apply(Input.of(4, 4, 3), Input.of(4, 3)));
        assertTrue(e.getMessage().endsWith("got (None, 4, 4, 3) and (None, 4, 3)"), e.getMessage());
        // Along axis 1 the same shapes are fine.
        assertArrayEquals(new int[] {9, 4, 3}, new Concatenate(1).apply(Input.of(4, 4, 3), Input.of(5, 4, 3)).shape());
    }

    @Test
    void concatenateRejectsTheBatchAxisAndAxesOutOfRange() {
        Concatenate batch = new Concatenate(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch.apply(Input.of(4, 3), Input.of(4, 3)));
        assertEquals(batch.name() + " (Concatenate): axis 0 is the batch axis; inputs (None, 4, 3) and (None, 4, 3)"
                + " can be joined along axis 1..2 or -2..-1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Concatenate(-3).apply(Input.of(4, 3), Input.of(4, 3)));
        assertTrue(e.getMessage().contains("axis -3 is the batch axis"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Concatenate(3).apply(Input.of(4, 3), Input.of(4, 3)));
        assertTrue(e.getMessage().contains("axis 3 is out of range"), e.getMessage());
    }

    @Test
    void aMergeLayerDoesNotRunOnOneInput() {
        Add add = new Add();
        add.build(new int[][] {{3}, {3}}, new SplittableRandom(1));
        assertThrows(IllegalStateException.class, () -> add.forward(new float[3], new float[3], 1, null, false, null));
        assertThrows(IllegalStateException.class,
                () -> add.backward(new float[3], new float[3], new float[3], new float[3], 1, null, new float[0][]));
    }

    // ---- names and configs ----

    @Test
    void kerasNamesAndConfigs() {
        List<Layer> layers = List.of(new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(),
                new Minimum(), new Concatenate());
        List<String> classes = List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate");
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            assertEquals(classes.get(i), layer.className());
            assertTrue(layer.name().matches(classes.get(i).toLowerCase() + "(_\\d+)?"), layer.name());
            List<String> keys = List.copyOf(layer.config().keySet());
            assertEquals(layer instanceof Concatenate ? List.of("name", "trainable", "dtype", "axis")
                    : List.of("name", "trainable", "dtype"), keys);
            assertTrue(layer instanceof Merge);
        }
        assertEquals(2, new Concatenate(2).config().get("axis"));
        assertEquals(-1, new Concatenate().config().get("axis"));
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }
}
