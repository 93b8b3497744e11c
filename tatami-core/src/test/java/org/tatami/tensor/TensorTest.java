package org.tatami.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TensorTest {
    private static Tensor range(int... shape) {
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.of(v, shape);
    }

    private static IntTensor intRange(int... shape) {
        int[] v = new int[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return IntTensor.of(v, shape);
    }

    // ---- shapes ----

    @Test
    void reshapeIsAViewAndInfersMinusOne() {
        Tensor t = range(2, 3, 4);
        Tensor r = t.reshape(4, -1);
        assertArrayEquals(new int[] {4, 6}, r.shape());
        assertArrayEquals(new int[] {24}, t.reshape(-1).shape());
        assertArrayEquals(new int[] {2, 12}, t.reshape(2, -1).shape());
        assertArrayEquals(new int[] {1, 24, 1}, t.reshape(1, -1, 1).shape());
        r.set(-5f, 3, 5);
        assertEquals(-5f, t.get(1, 2, 3), "a reshape shares the data");
        assertEquals(3, t.rank());
        assertEquals(24, t.size());
        assertEquals(4, t.shape(-1));
    }

    @Test
    void badReshapes() {
        Tensor t = range(2, 3, 4);
        assertMessage(IllegalArgumentException.class, "cannot reshape array of size 24 into shape (5, 5)",
                () -> t.reshape(5, 5));
        assertMessage(IllegalArgumentException.class, "cannot reshape array of size 24 into shape (5, -1)",
                () -> t.reshape(5, -1));
        assertMessage(IllegalArgumentException.class, "can only specify one unknown dimension (-1), got (-1, -1)",
                () -> t.reshape(-1, -1));
        assertMessage(IllegalArgumentException.class, "negative dimension in shape (-2, 12)", () -> t.reshape(-2, 12));
        assertMessage(IllegalArgumentException.class, "cannot reshape array of size 24 into shape (0, -1)",
                () -> t.reshape(0, -1));
        assertMessage(IllegalArgumentException.class, "shape (2, 2) needs 4 elements, data has 3",
                () -> Tensor.of(new float[3], 2, 2));
    }

    @Test
    void expandDims() {
        Tensor t = range(28, 28);
        assertArrayEquals(new int[] {1, 28, 28}, t.expandDims(0).shape());
        assertArrayEquals(new int[] {28, 1, 28}, t.expandDims(1).shape());
        assertArrayEquals(new int[] {28, 28, 1}, t.expandDims(2).shape());
        assertArrayEquals(new int[] {28, 28, 1}, t.expandDims(-1).shape());
        assertArrayEquals(new int[] {1, 28, 28}, t.expandDims(-3).shape());
        assertEquals(t.get(27, 27), t.expandDims(0).get(0, 27, 27));
        assertMessage(IllegalArgumentException.class, "axis 3 is out of range for rank 2", () -> t.expandDims(3));
        assertMessage(IllegalArgumentException.class, "axis -4 is out of range for rank 2", () -> t.expandDims(-4));
    }

    // ---- indexing ----

    @Test
    void sliceGetAndTakeCopy() {
        Tensor t = range(5, 2);
        Tensor s = t.slice(1, 3);
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new float[] {2, 3, 4, 5}, s.data());
        assertArrayEquals(new int[] {0, 2}, t.slice(2, 2).shape());
        Tensor row = t.get(4);
        assertArrayEquals(new int[] {2}, row.shape());
        assertArrayEquals(new float[] {8, 9}, row.data());
        Tensor taken = t.take(new int[] {4, 0, 4});
        assertArrayEquals(new int[] {3, 2}, taken.shape());
        assertArrayEquals(new float[] {8, 9, 0, 1, 8, 9}, taken.data());
        t.data()[2] = 100;
        assertEquals(2f, s.data()[0], "slices are copies");
        assertEquals(7f, t.get(3, 1));
    }

    @Test
    void indexingOutOfBounds() {
        Tensor t = range(5, 2);
        assertMessage(IndexOutOfBoundsException.class, "slice [3:6] is out of bounds for axis 0 with size 5",
                () -> t.slice(3, 6));
        assertMessage(IndexOutOfBoundsException.class, "slice [-1:2] is out of bounds for axis 0 with size 5",
                () -> t.slice(-1, 2));
        assertMessage(IndexOutOfBoundsException.class, "slice [3:2] is out of bounds for axis 0 with size 5",
                () -> t.slice(3, 2));
        assertMessage(IndexOutOfBoundsException.class, "index 5 is out of bounds for axis 0 with size 5",
                () -> t.get(5));
        assertMessage(IndexOutOfBoundsException.class, "index -1 is out of bounds for axis 0 with size 5",
                () -> t.get(-1));
        assertMessage(IndexOutOfBoundsException.class, "index 2 is out of bounds for axis 1 with size 2",
                () -> t.get(0, 2));
        assertMessage(IllegalArgumentException.class, "index [1] has 1 axes, tensor of shape (5, 2) has 2",
                () -> t.get(new int[] {1}));
        assertMessage(IndexOutOfBoundsException.class, "index 5 is out of bounds for axis 0 with size 5",
                () -> t.take(new int[] {0, 5}));
        assertMessage(IndexOutOfBoundsException.class, "index -2 is out of bounds for axis 0 with size 5",
                () -> t.take(new int[] {-2}));
    }

    // ---- arithmetic and reductions ----

    /**
     * div is a true division, correctly rounded like NumPy's float32 {@code x / 255}: equal to the
     * double quotient rounded once to float. Multiplying by the reciprocal 1/255f is not the same,
     * as the second assertion shows for some pixel values.
     */
    @Test
    void divInPlaceGivesDivsValuesInTheSameArray() {
        Tensor pixels = range(256);
        Tensor reshaped = pixels.reshape(16, 16);
        float[] expected = pixels.div(255f).data();
        assertSame(reshaped, reshaped.divInPlace(255f));
        assertArrayEquals(expected, pixels.data(), 0f);
    }

    @Test
    void divIsExactlyRoundedDivision() {
        Tensor pixels = range(256);
        Tensor scaled = pixels.div(255f);
        int reciprocalDiffers = 0;
        for (int v = 0; v < 256; v++) {
            assertEquals((float) (v / 255.0), scaled.data()[v], "pixel " + v);
            if (v * (1f / 255f) != scaled.data()[v]) {
                reciprocalDiffers++;
            }
        }
        assertTrue(reciprocalDiffers > 0);
        assertEquals(1f, scaled.max());
        assertEquals(0f, pixels.data()[0], "the source is unchanged");
        assertArrayEquals(new float[] {0, 2, 4}, range(3).mul(2f).data());
        assertArrayEquals(new float[] {1, 2, 3}, range(3).add(1f).data());
    }

    @Test
    void minMaxSumArgmax() {
        Tensor t = Tensor.of(new float[] {3, -1, 7, 7, 0, 2, -4, 5, 1}, 3, 3);
        assertEquals(-4f, t.min());
        assertEquals(7f, t.max());
        assertEquals(20.0, t.sum());
        // Along the last axis; ties go to the first.
        assertEquals(IntTensor.vector(2, 0, 1), t.argmax());
        assertArrayEquals(new int[] {3}, t.argmax().shape());
        assertArrayEquals(new int[] {}, Tensor.vector(1, 5, 2).argmax().shape());
        assertEquals(1, Tensor.vector(1, 5, 2).argmax().get(0));
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(0).min());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(0, 3).max());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(3, 0).argmax());
    }

    @Test
    void equalityIsBitwise() {
        assertEquals(range(2, 3), range(2, 3));
        assertEquals(range(2, 3).hashCode(), range(2, 3).hashCode());
        assertNotEquals(range(2, 3), range(3, 2));
        assertNotEquals(Tensor.vector(0f), Tensor.vector(-0f));
        Tensor c = range(4).copy();
        c.data()[0] = 9;
        assertEquals(0f, range(4).data()[0]);
        assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 2).data());
    }

    // ---- text, as NumPy's str() ----

    @Test
    void smallTensorsPrintInFull() {
        assertEquals("[[1. 2.]\n [3. 4.]]", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]", intRange(2, 2, 2).toString());
    }

    /** The text must not depend on the default locale (a German one writes 0,5). */
    @Test
    void textIgnoresTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertEquals("[0.5 1.5]", Tensor.vector(0.5f, 1.5f).toString());
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void largeTensorsAreAbbreviatedAsNumPyDoes() {
        assertEquals("[   0    1    2 ...  998  999 1000]", intRange(1001).toString());
        assertEquals("[[[   0    1    2 ... 1197 1198 1199]]]", intRange(1, 1, 1200).toString());
        assertEquals(String.join("\n",
                "[[[   0    1    2 ...   97   98   99]",
                "  [ 100  101  102 ...  197  198  199]]",
                "",
                " [[ 200  201  202 ...  297  298  299]",
                "  [ 300  301  302 ...  397  398  399]]",
                "",
                " [[ 400  401  402 ...  497  498  499]",
                "  [ 500  501  502 ...  597  598  599]]",
                "",
                " ...",
                "",
                " [[ 800  801  802 ...  897  898  899]",
                "  [ 900  901  902 ...  997  998  999]]",
                "",
                " [[1000 1001 1002 ... 1097 1098 1099]",
                "  [1100 1101 1102 ... 1197 1198 1199]]",
                "",
                " [[1200 1201 1202 ... 1297 1298 1299]",
                "  [1300 1301 1302 ... 1397 1398 1399]]]"), intRange(7, 2, 100).toString());
        // 1000 elements is NumPy's threshold: still printed in full.
        assertTrue(!range(1000).toString().contains("..."));
    }

    /** print(np.zeros((60000, 28, 28), np.float32)): three items at each end of every axis. */
    @Test
    void mnistSizedTensorPrintsShort() {
        String text = Tensor.zeros(60000, 28, 28).toString();
        String row = "[0. 0. 0. ... 0. 0. 0.]";
        String rows = String.join("\n  ", row, row, row, "...", row, row, row);
        String block = "[" + rows + "]";
        String expected = "[" + String.join("\n\n ", block, block, block, "...", block, block, block) + "]";
        assertEquals(expected, text);
        assertTrue(text.length() < 1200, "length " + text.length());
    }

    // ---- IntTensor ----

    @Test
    void intTensorBasics() {
        IntTensor labels = IntTensor.vector(5, 0, 4, 1, 9);
        assertEquals(5, labels.size());
        assertEquals(1, labels.rank());
        assertEquals(4, labels.get(2));
        assertEquals(0, labels.min());
        assertEquals(9, labels.max());
        assertEquals(IntTensor.vector(0, 4), labels.slice(1, 3));
        assertEquals(IntTensor.vector(9, 5), labels.take(new int[] {4, 0}));
        assertEquals(Tensor.vector(5, 0, 4, 1, 9), labels.toFloat());
        assertEquals("[5 0 4 1 9]", labels.toString());

        IntTensor grid = intRange(2, 3);
        assertArrayEquals(new int[] {3, 2}, grid.reshape(-1, 2).shape());
        assertEquals(3, grid.shape(-1));
        assertArrayEquals(new int[] {1, 3}, grid.slice(1, 2).shape());
        assertArrayEquals(new int[] {3, 4, 5}, grid.take(new int[] {1}).data());
        assertEquals(intRange(2, 3), grid);
        assertNotEquals(intRange(3, 2), grid);

        assertMessage(IllegalArgumentException.class, "shape (3,) needs 3 elements, data has 2",
                () -> IntTensor.of(new int[2], 3));
        assertMessage(IndexOutOfBoundsException.class, "slice [4:6] is out of bounds for shape (5,)",
                () -> labels.slice(4, 6));
        assertMessage(IndexOutOfBoundsException.class, "index 5 is out of bounds for axis 0 with size 5",
                () -> labels.take(new int[] {5}));
        assertMessage(IllegalArgumentException.class, "cannot reshape array of size 6 into shape (4, -1)",
                () -> grid.reshape(4, -1));
        assertThrows(IllegalStateException.class, () -> IntTensor.of(new int[0], 0).max());
    }

    /** keras.utils.to_categorical: one-hot rows, a last axis of 1 dropped, classes from the largest label. */
    @Test
    void toCategoricalIsKerasToCategorical() {
        Tensor oneHot = IntTensor.vector(2, 0, 1).toCategorical(4);
        assertArrayEquals(new int[] {3, 4}, oneHot.shape());
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}, oneHot.data());
        assertEquals(oneHot, IntTensor.of(new int[] {2, 0, 1}, 3, 1).toCategorical(4));
        Tensor inferred = IntTensor.vector(2, 0, 1).toCategorical();
        assertArrayEquals(new int[] {3, 3}, inferred.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, inferred.data());
        Tensor grid = IntTensor.of(new int[] {0, 1, 1, 0}, 2, 2).toCategorical(2);
        assertArrayEquals(new int[] {2, 2, 2}, grid.shape());
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, grid.data());
        assertMessage(IllegalArgumentException.class, "label 3 at index 1 is not a class in [0, 3)",
                () -> IntTensor.vector(0, 3).toCategorical(3));
        assertMessage(IllegalArgumentException.class, "label -1 at index 0 is not a class in [0, 3)",
                () -> IntTensor.vector(-1).toCategorical(3));
        assertMessage(IllegalArgumentException.class, "num_classes must be at least 1, got 0",
                () -> IntTensor.vector(0).toCategorical(0));
    }

    @Test
    void shapeText() {
        assertEquals("(60000, 28, 28)", Shape.toString(new int[] {60000, 28, 28}));
        assertEquals("(3,)", Shape.toString(new int[] {3}));
        assertEquals("()", Shape.toString(new int[] {}));
        assertEquals("(None, 26, 26, 3)", Shape.withBatch(new int[] {26, 26, 3}));
        assertThrows(IllegalArgumentException.class, () -> Shape.size(60000, 60000, 28));
    }

    private static void assertMessage(Class<? extends Throwable> type, String message, Executable call) {
        Throwable e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
    }
}
