package org.tatami.models;

import java.util.List;
import java.util.Map;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/** The per-sample loss weights of a {@code fit}: Keras's {@code sample_weight}, or made from {@code class_weight}. */
final class SampleWeights {
    private SampleWeights() {
    }

    /**
     * One weight per sample: {@code sampleWeight}'s, or the weights of the samples' classes in {@code y}; null
     * when neither is given.
     */
    static float[] of(Map<Integer, Double> classWeight, Tensor sampleWeight, List<Tensor> y, int samples) {
        if (classWeight != null && sampleWeight != null) {
            throw new IllegalArgumentException("give class_weight or sample_weight, not both");
        }
        if (sampleWeight != null) {
            return given(sampleWeight, samples);
        }
        if (classWeight != null) {
            if (y.size() != 1) {
                throw new IllegalArgumentException("class_weight is only supported for models with one output, this"
                        + " one has " + y.size());
            }
            return ofClasses(classWeight, y.get(0), samples);
        }
        return null;
    }

    private static float[] given(Tensor weights, int samples) {
        int[] s = weights.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1)) || s[0] != samples) {
            throw new IllegalArgumentException("sample_weight has shape " + Shape.toString(s) + ": expected one"
                    + " weight per sample, shape (" + samples + ",)");
        }
        float[] w = weights.data();
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException("sample_weight of sample " + i + " is " + w[i]
                        + ": weights must be finite");
            }
        }
        return w;
    }

    /** Each sample's class (its label, or the argmax of its one-hot row) to its weight; 1 if not in the map. */
    private static float[] ofClasses(Map<Integer, Double> classWeight, Tensor y, int samples) {
        float[] t = y.data();
        int width = samples == 0 ? 1 : t.length / samples;
        float[] w = new float[samples];
        for (int i = 0; i < samples; i++) {
            int label;
            if (width == 1) {
                label = Math.round(t[i]);
            } else {
                label = 0;
                for (int j = 1; j < width; j++) {
                    if (t[i * width + j] > t[i * width + label]) {
                        label = j;
                    }
                }
            }
            w[i] = classWeight.getOrDefault(label, 1.0).floatValue();
        }
        return w;
    }
}
