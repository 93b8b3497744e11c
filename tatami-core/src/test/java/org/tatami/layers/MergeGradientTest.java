package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every merge layer's backward against central finite differences ({@link MergeGradientCheck}), on
 * batches of 2 samples, with equal shapes, broadcast shapes, several inputs and one array fed to two
 * inputs; and broken backwards that the check must reject.
 */
class MergeGradientTest {
    private static final int[] TWO = {0, 1};
    private static final int[] THREE = {0, 1, 2};
    /** One source fed to both inputs. */
    private static final int[] SAME = {0, 0};

    static Stream<Arguments> cases() {
        Supplier<Layer> add = Add::new;
        Supplier<Layer> subtract = Subtract::new;
        Supplier<Layer> multiply = Multiply::new;
        Supplier<Layer> average = Average::new;
        Supplier<Layer> maximum = Maximum::new;
        Supplier<Layer> minimum = Minimum::new;
        int[] image = {2, 3, 4};
        return Stream.of(
                // name, layer, wiring, source shapes
                Arguments.of("Add", add, TWO, new int[][] {image, image}),
                Arguments.of("Add, 3 inputs", add, THREE, new int[][] {image, image, image}),
                Arguments.of("Add, outer sum (3, 1) + (1, 4)", add, TWO, new int[][] {{3, 1}, {1, 4}}),
                Arguments.of("Add(x, x)", add, SAME, new int[][] {image}),
                Arguments.of("Subtract", subtract, TWO, new int[][] {image, image}),
                Arguments.of("Subtract, (2, 3, 4) - (1, 3, 1)", subtract, TWO, new int[][] {image, {1, 3, 1}}),
                Arguments.of("Subtract(x, x)", subtract, SAME, new int[][] {image}),
                Arguments.of("Multiply", multiply, TWO, new int[][] {image, image}),
                Arguments.of("Multiply, 3 inputs", multiply, THREE, new int[][] {image, image, image}),
                // Channel scaling as in squeeze-and-excitation, and a third input broadcast another way.
                Arguments.of("Multiply, (2, 3, 4) * (1, 1, 4) * (2, 1, 1)", multiply, THREE,
                        new int[][] {image, {1, 1, 4}, {2, 1, 1}}),
                Arguments.of("Multiply(x, x)", multiply, SAME, new int[][] {image}),
                Arguments.of("Average", average, TWO, new int[][] {image, image}),
                Arguments.of("Average, 3 inputs, broadcast", average, THREE,
                        new int[][] {{1, 3, 4}, image, {2, 3, 1}}),
                Arguments.of("Average(x, x)", average, SAME, new int[][] {image}),
                Arguments.of("Maximum", maximum, TWO, new int[][] {image, image}),
                Arguments.of("Maximum, 3 inputs, broadcast", maximum, THREE,
                        new int[][] {image, {1, 3, 1}, {2, 1, 4}}),
                // Ties everywhere, but the tied values move together: the first input takes all.
                Arguments.of("Maximum(x, x)", maximum, SAME, new int[][] {image}),
                Arguments.of("Minimum", minimum, TWO, new int[][] {image, image}),
                Arguments.of("Minimum, 3 inputs, broadcast", minimum, THREE,
                        new int[][] {{2, 1, 4}, image, {1, 1, 1}}),
                Arguments.of("Minimum(x, x)", minimum, SAME, new int[][] {image}));
    }

    /** All values drawn 0.05 apart (no two within 2h), so Maximum and Minimum have no tie within reach. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void elementWise(String name, Supplier<Layer> layer, int[] wiring, int[][] sources) {
        assertPasses(setUp(layer.get(), wiring, sources, 2, 11).run());
    }

    static Stream<Arguments> concatenations() {
        return Stream.of(
                // name, axis, wiring, source shapes
                Arguments.of("axis -1", -1, TWO, new int[][] {{2, 3, 4}, {2, 3, 1}}),
                Arguments.of("axis 1, 3 inputs", 1, THREE, new int[][] {{1, 3, 2}, {2, 3, 2}, {3, 3, 2}}),
                Arguments.of("axis 2", 2, TWO, new int[][] {{2, 1, 3}, {2, 4, 3}}),
                Arguments.of("axis -2 on vectors of rows", -2, TWO, new int[][] {{2, 5}, {3, 5}}),
                Arguments.of("Concatenate(x, x), axis 1", 1, SAME, new int[][] {{2, 3, 2}}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("concatenations")
    void concatenate(String name, int axis, int[] wiring, int[][] sources) {
        assertPasses(setUp(new Concatenate(axis), wiring, sources, 2, 12).run());
    }

    // ---- the check itself: mistakes must fail it ----

    /** The check passes the real backward and rejects {@code broken}: it can tell them apart. */
    private static void assertTellsApart(MergeGradientCheck check, MergeGradientCheck.Backward broken) {
        assertPasses(check.run());
        GradientCheck.Result result = check.run(broken);
        assertFalse(result.passed(), () -> "a wrong gradient passed; closest: " + result.where());
    }

    /** Multiply's gradient taken as dy times the input itself instead of times the other input. */
    @Test
    void multiplyingByTheWrongInputFails() {
        MergeGradientCheck check = setUp(new Multiply(), TWO, new int[][] {{3, 4}, {3, 4}}, 2, 21);
        assertTellsApart(check, (xs, y, dy, dxs, n, scratch) -> {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < dy.length; j++) {
                    dxs[i][j] = dy[j] * xs[i][j];
                }
            }
        });
    }

    /** The gradient of a broadcast input averaged over the axis it was repeated along, not summed. */
    @Test
    void aBroadcastGradientNotSummedFails() {
        Add add = new Add();
        MergeGradientCheck check = setUp(add, TWO, new int[][] {{3, 4}, {1, 4}}, 2, 22);
        assertTellsApart(check, (xs, y, dy, dxs, n, scratch) -> {
            add.backward(xs, y, dy, dxs, n, scratch, new float[0][]);
            scale(dxs[1], 1f / 3);
        });
    }

    /** Add(x, x) or Multiply(x, x) with the second input's share of the gradient lost. */
    @Test
    void droppingOneOfTwoUsesOfTheSameArrayFails() {
        for (Layer layer : new Layer[] {new Add(), new Multiply()}) {
            MergeGradientCheck check = setUp(layer, SAME, new int[][] {{3, 4}}, 2, 23);
            assertTellsApart(check, (xs, y, dy, dxs, n, scratch) -> {
                layer.backward(xs, y, dy, dxs, n, scratch, new float[0][]);
                Arrays.fill(dxs[1], 0f);
            });
        }
    }

    /** Maximum's gradient sent to the smaller input instead of the larger. */
    @Test
    void maximumRoutingToTheLoserFails() {
        Maximum max = new Maximum();
        MergeGradientCheck check = setUp(max, TWO, new int[][] {{3, 4}, {3, 4}}, 2, 24);
        assertTellsApart(check, (xs, y, dy, dxs, n, scratch) -> {
            max.backward(xs, y, dy, new float[][] {dxs[1], dxs[0]}, n, scratch, new float[0][]);
        });
    }

    /** Gradients added to what the arrays held (NaN here) instead of overwriting it. */
    @Test
    void accumulatingIntoTheGradientArraysFails() {
        Concatenate concat = new Concatenate();
        MergeGradientCheck check = setUp(concat, TWO, new int[][] {{3, 2}, {3, 1}}, 2, 25);
        assertTellsApart(check, (xs, y, dy, dxs, n, scratch) -> {
            float[][] fresh = {new float[dxs[0].length], new float[dxs[1].length]};
            concat.backward(xs, y, dy, fresh, n, scratch, new float[0][]);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < fresh[i].length; j++) {
                    dxs[i][j] += fresh[i][j];
                }
            }
        });
    }

    // ---- helpers ----

    /**
     * Builds {@code layer} for the sources as {@code wiring} feeds them, with the sources' values drawn
     * 0.05 apart in random order and a random functional.
     */
    private static MergeGradientCheck setUp(Layer layer, int[] wiring, int[][] shapes, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] inputShapes = new int[wiring.length][];
        for (int i = 0; i < wiring.length; i++) {
            inputShapes[i] = shapes[wiring[i]];
        }
        layer.build(inputShapes, rnd);
        int total = 0;
        for (int[] s : shapes) {
            total += n * size(s);
        }
        float[] values = GradientCheckTest.distinct(rnd, total);
        float[][] sources = new float[shapes.length][];
        for (int s = 0, at = 0; s < shapes.length; at += sources[s].length, s++) {
            sources[s] = Arrays.copyOfRange(values, at, at + n * size(shapes[s]));
        }
        float[] r = GradientCheckTest.uniform(rnd, n * size(layer.outputShape()), -1, 1);
        return new MergeGradientCheck(layer, n, sources, wiring, r);
    }

    private static void assertPasses(GradientCheck.Result result) {
        assertTrue(result.checked() > 0, "nothing checked");
        assertTrue(result.passed(), () -> "worst at " + result.where() + " (error / tolerance = " + result.ratio()
                + ")");
    }

    private static int size(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private static void scale(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
    }
}
