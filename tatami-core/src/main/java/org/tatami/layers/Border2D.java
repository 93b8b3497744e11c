package org.tatami.layers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/**
 * What ZeroPadding2D and Cropping2D share: rows and columns added to or removed from each side of an
 * image. Both move one image into the other at an offset: the "outer" image is the padded output or the
 * cropped input, the "inner" one the padding's input or the cropping's output.
 */
abstract class Border2D extends Layer {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;
    private int outerH;
    private int outerW;
    private int innerH;
    private int innerW;
    private int channels;

    Border2D(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException(className() + " " + configKey() + " must not be negative, got ((" + top
                    + ", " + bottom + "), (" + left + ", " + right + "))");
        }
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /** Keras's config key for the sides: {@code padding} or {@code cropping}. */
    protected abstract String configKey();

    /** Whether the layer adds the sides (padding) rather than removes them (cropping). */
    protected abstract boolean adds();

    /**
     * Keras's forms of the sides: {@code n} for all four, {@code [h, w]} for top and bottom, left and
     * right, or {@code [[top, bottom], [left, right]]}; returned as {top, bottom, left, right}.
     */
    static int[] readSides(Fields c, String key, int[] absent) {
        if (c.isNull(key)) {
            c.take(key);
            return absent;
        }
        String expected = "a non-negative integer, two, or two pairs";
        JsonElement e = c.take(key);
        if (!e.isJsonArray()) {
            int v = nonNegative(c, key, e, expected);
            return new int[] {v, v, v, v};
        }
        JsonArray a = e.getAsJsonArray();
        if (a.size() != 2) {
            throw c.invalid(key, expected);
        }
        int[] sides = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            JsonElement part = a.get(axis);
            if (part.isJsonArray() && part.getAsJsonArray().size() == 2) {
                sides[2 * axis] = nonNegative(c, key, part.getAsJsonArray().get(0), expected);
                sides[2 * axis + 1] = nonNegative(c, key, part.getAsJsonArray().get(1), expected);
            } else {
                sides[2 * axis] = nonNegative(c, key, part, expected);
                sides[2 * axis + 1] = sides[2 * axis];
            }
        }
        return sides;
    }

    private static int nonNegative(Fields c, String key, JsonElement e, String expected) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                int v = e.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
                if (v >= 0) {
                    return v;
                }
            } catch (ArithmeticException notAnInt) {
                // reported below
            }
        }
        throw c.invalid(key, expected);
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        int sign = adds() ? 1 : -1;
        int oh = in[0] + sign * (top + bottom);
        int ow = in[1] + sign * (left + right);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(name() + " (" + className() + ") removes (" + top + ", " + bottom
                    + ") rows and (" + left + ", " + right + ") columns, more than the input " + Shape.withBatch(in)
                    + " has");
        }
        outerH = adds() ? oh : in[0];
        outerW = adds() ? ow : in[1];
        innerH = adds() ? in[0] : oh;
        innerW = adds() ? in[1] : ow;
        channels = in[2];
        return new int[] {oh, ow, channels};
    }

    /** Copies the inner image's rows out of the outer image, at the offset (top, left). */
    final void toInner(float[] outer, float[] inner, int n) {
        int run = innerW * channels;
        for (int b = 0; b < n; b++) {
            int src = ((b * outerH + top) * outerW + left) * channels;
            int dst = b * innerH * run;
            for (int r = 0; r < innerH; r++, src += outerW * channels, dst += run) {
                System.arraycopy(outer, src, inner, dst, run);
            }
        }
    }

    /** Writes the inner image into the outer one at (top, left) and zeros around it, each value once. */
    final void toOuter(float[] inner, float[] outer, int n) {
        int run = innerW * channels;
        int outerRow = outerW * channels;
        int leftRun = left * channels;
        for (int b = 0; b < n; b++) {
            int o = b * outerH * outerRow;
            Arrays.fill(outer, o, o + top * outerRow, 0f);
            o += top * outerRow;
            int src = b * innerH * run;
            for (int r = 0; r < innerH; r++, src += run, o += outerRow) {
                Arrays.fill(outer, o, o + leftRun, 0f);
                System.arraycopy(inner, src, outer, o + leftRun, run);
                Arrays.fill(outer, o + leftRun + run, o + outerRow, 0f);
            }
            Arrays.fill(outer, o, o + bottom * outerRow, 0f);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put(configKey(), List.of(List.of(top, bottom), List.of(left, right)));
        c.put("data_format", "channels_last");
        return c;
    }
}
