package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.tensor.Tensor;

/** Class probabilities from a classifier's output: softmax only for logits, and the top classes in order. */
class ClassScoresTest {
    @Test
    void logitsBecomeProbabilitiesAndSoftmaxOutputsStay() {
        Tatami.clearSession();
        Sequential logits = new Sequential(new Dense(3).inputShape(2));
        Sequential softmax = new Sequential(new Dense(3).activation("softmax").inputShape(2));
        assertFalse(ClassScores.endsInSoftmax(logits));
        assertTrue(ClassScores.endsInSoftmax(softmax));
        Tensor scores = Tensor.of(new float[] {0, 0, 0, 1, 2, 3}, 2, 3);
        ClassScores.toProbabilities(logits, scores);
        assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f}, java.util.Arrays.copyOf(scores.data(), 3), 1e-7f);
        assertEquals(1, scores.data()[3] + scores.data()[4] + scores.data()[5], 1e-6);
        Tensor probabilities = Tensor.of(new float[] {0.2f, 0.5f, 0.3f}, 1, 3);
        ClassScores.toProbabilities(softmax, probabilities);
        assertArrayEquals(new float[] {0.2f, 0.5f, 0.3f}, probabilities.data());
    }

    @Test
    void topClassesMostProbableFirst() {
        float[] p = {9, 9, 0.1f, 0.6f, 0.3f};
        List<ClassScores.Ranked> top = ClassScores.top(p, 2, 3, 2);
        assertEquals(List.of(new ClassScores.Ranked(1, 0.6f), new ClassScores.Ranked(2, 0.3f)), top);
        assertEquals(3, ClassScores.top(p, 2, 3, 10).size());
    }
}
