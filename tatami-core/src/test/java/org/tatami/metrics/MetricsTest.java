package org.tatami.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tatami.tensor.Tensor;

/**
 * Each metric against Keras's documented examples (the numbers in its docstrings) and hand-computed
 * cases, through Keras's stateful API: updateState, result, resetState.
 */
class MetricsTest {
    private static Tensor v(float... values) {
        return Tensor.vector(values);
    }

    private static Tensor rows(int width, float... values) {
        return Tensor.of(values, values.length / width, width);
    }

    @Test
    void mean() {
        Mean m = new Mean();
        m.updateState(v(1, 3, 5, 7));
        assertEquals(4.0, m.result());
        m.resetState();
        m.updateState(v(1, 3, 5, 7), v(1, 1, 0, 0));
        assertEquals(2.0, m.result());
        // A sample of several values counts as their mean: (2 + 4) / 2 and 6, weighted 1 and 3.
        m.resetState();
        m.updateState(rows(2, 2, 4, 6, 6), v(1, 3));
        assertEquals((3 + 3 * 6) / 4.0, m.result());
        assertEquals(0.0, new Mean().result(), "nothing seen: 0, as Keras's divide_no_nan");
    }

    @Test
    void accuracies() {
        SparseCategoricalAccuracy sparse = new SparseCategoricalAccuracy();
        sparse.updateState(rows(1, 2, 1), rows(3, 0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0));
        assertEquals(0.5, sparse.result());
        sparse.resetState();
        sparse.updateState(rows(1, 2, 1), rows(3, 0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0), v(0.7f, 0.3f));
        assertEquals(0.3, sparse.result(), 1e-7);

        CategoricalAccuracy categorical = new CategoricalAccuracy();
        categorical.updateState(rows(3, 0, 0, 1, 0, 1, 0), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0));
        assertEquals(0.5, categorical.result());
        categorical.resetState();
        categorical.updateState(rows(3, 0, 0, 1, 0, 1, 0), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0), v(0.7f, 0.3f));
        assertEquals(0.3, categorical.result(), 1e-7);

        BinaryAccuracy binary = new BinaryAccuracy();
        binary.updateState(rows(1, 1, 1, 0, 0), rows(1, 0.98f, 1, 0, 0.6f));
        assertEquals(0.75, binary.result());
        binary.resetState();
        binary.updateState(rows(1, 1, 1, 0, 0), rows(1, 0.98f, 1, 0, 0.6f), v(1, 0, 0, 1));
        assertEquals(0.5, binary.result());
        // Each output of a row counts: a row of 2 with one right is 0.5; threshold 0.7 moves 0.6 below.
        BinaryAccuracy high = new BinaryAccuracy(0.7);
        high.updateState(rows(2, 1, 0), rows(2, 0.6f, 0.2f));
        assertEquals(0.5, high.result());
        assertThrows(IllegalArgumentException.class, () -> new BinaryAccuracy().updateState(v(1), rows(2, 0.5f, 0.5f)));
    }

    @Test
    void topK() {
        SparseTopKCategoricalAccuracy sparse = new SparseTopKCategoricalAccuracy(1);
        sparse.updateState(v(2, 1), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0));
        assertEquals(0.5, sparse.result());
        sparse.resetState();
        sparse.updateState(v(2, 1), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0), v(0.7f, 0.3f));
        assertEquals(0.3, sparse.result(), 1e-7);
        // k = 2: class 2 is second (0.8, in), then third (0, out), then tied for second (0.2, in: a class
        // tied with the k-th largest counts, as in_top_k).
        SparseTopKCategoricalAccuracy two = new SparseTopKCategoricalAccuracy(2);
        two.updateState(v(2, 2, 2), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0, 0.5f, 0.2f, 0.2f));
        assertEquals(2 / 3.0, two.result(), 1e-12);
        SparseTopKCategoricalAccuracy tie = new SparseTopKCategoricalAccuracy(1);
        tie.updateState(v(1), rows(3, 0.4f, 0.4f, 0.2f));
        assertEquals(1.0, tie.result());
        assertEquals("sparse_top_k_categorical_accuracy", new SparseTopKCategoricalAccuracy().name());

        TopKCategoricalAccuracy dense = new TopKCategoricalAccuracy(1);
        dense.updateState(rows(3, 0, 0, 1, 0, 1, 0), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0));
        assertEquals(0.5, dense.result());
        dense.resetState();
        dense.updateState(rows(3, 0, 0, 1, 0, 1, 0), rows(3, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0), v(0.7f, 0.3f));
        assertEquals(0.3, dense.result(), 1e-7);
    }

    @Test
    void precisionAndRecall() {
        Precision p = new Precision();
        p.updateState(v(0, 1, 1, 1), v(1, 0, 1, 1));
        assertEquals(2 / 3.0, p.result(), 1e-12);
        p.resetState();
        p.updateState(v(0, 1, 1, 1), v(1, 0, 1, 1), v(0, 0, 1, 0));
        assertEquals(1.0, p.result());
        // top_k over a row of 4: the first two of four equal predictions (ties to the lower index).
        Precision top2 = new Precision().topK(2);
        top2.updateState(rows(4, 0, 0, 1, 1), rows(4, 1, 1, 1, 1));
        assertEquals(0.0, top2.result());
        Precision top4 = new Precision().topK(4);
        top4.updateState(rows(4, 0, 0, 1, 1), rows(4, 1, 1, 1, 1));
        assertEquals(0.5, top4.result());

        Recall r = new Recall();
        r.updateState(v(0, 1, 1, 1), v(1, 0, 1, 1));
        assertEquals(2 / 3.0, r.result(), 1e-12);
        r.resetState();
        r.updateState(v(0, 1, 1, 1), v(1, 0, 1, 1), v(0, 0, 1, 0));
        assertEquals(1.0, r.result());

        // By hand, column 1 (class_id 1) of these rows: targets 0, 1, 0, 1 and predictions 0.9 (fp), 0.7 (tp),
        // 0.4, 0.5 (fn: the threshold is strict).
        float[] yTrue = {1, 0, 0, 1, 1, 0, 0, 1};
        float[] yPred = {0.2f, 0.9f, 0.9f, 0.7f, 0.4f, 0.4f, 0.1f, 0.5f};
        Precision byClass = new Precision().classId(1);
        byClass.updateState(rows(2, yTrue), rows(2, yPred));
        assertEquals(0.5, byClass.result());
        Recall recallByClass = new Recall().classId(1);
        recallByClass.updateState(rows(2, yTrue), rows(2, yPred));
        assertEquals(0.5, recallByClass.result());
        // Every element: the positive targets' predictions are 0.2, 0.7, 0.4, 0.5; three are above 0.3.
        Recall low = new Recall().thresholds(0.3);
        low.updateState(rows(2, yTrue), rows(2, yPred));
        assertEquals(0.75, low.result());
        assertEquals(0.0, new Precision().result());
        assertThrows(IllegalArgumentException.class, () -> new Precision().thresholds(1.5));
    }

    @Test
    void aucRocAndPr() {
        // Keras's example: thresholds [-1e-7, 0.5, 1 + 1e-7]; tp [2, 1, 0], fp [2, 0, 0]; recall [1, 0.5, 0],
        // fp rate [1, 0, 0]; area (1 + 0.5) / 2 * 1 = 0.75.
        AUC auc = new AUC(3);
        auc.updateState(v(0, 0, 1, 1), v(0, 0.5f, 0.3f, 0.9f));
        assertEquals(0.75, auc.result(), 1e-12);
        auc.resetState();
        auc.updateState(v(0, 0, 1, 1), v(0, 0.5f, 0.3f, 0.9f), v(1, 0, 0, 1));
        assertEquals(1.0, auc.result(), 1e-12);

        // A perfect ranking is 1 and a reversed one 0 at 200 thresholds; a prediction of 1 or 0 is counted.
        AUC perfect = new AUC();
        perfect.updateState(v(0, 0, 1, 1), v(0, 0.2f, 0.8f, 1));
        assertEquals(1.0, perfect.result(), 1e-12);
        AUC reversed = new AUC();
        reversed.updateState(v(1, 1, 0, 0), v(0, 0.2f, 0.8f, 1));
        assertEquals(0.0, reversed.result(), 1e-12);

        // PR with 3 thresholds, by hand from Keras's interpolation: tp [2, 1, 0], p = tp + fp [4, 1, 0].
        // Interval 0: dtp 1, dp 3, slope 1/3, intercept 1 - 1/3 = 2/3, ratio 4: (1/3)(1 + (2/3) ln 4) / 2.
        // Interval 1: dtp 1, dp 1, slope 1, intercept 0, p_B = 0 so ratio 1: 1 * 1 / 2.
        AUC pr = new AUC(3).curve("PR");
        pr.updateState(v(0, 0, 1, 1), v(0, 0.5f, 0.3f, 0.9f));
        assertEquals((1 + 2.0 / 3 * Math.log(4)) / 6 + 0.5, pr.result(), 1e-12);
        // Minoring and majoring on the ROC points above: min heights (0.5, 0), max (1, 0.5), widths (1, 0).
        AUC minoring = new AUC(3).summationMethod("minoring");
        minoring.updateState(v(0, 0, 1, 1), v(0, 0.5f, 0.3f, 0.9f));
        assertEquals(0.5, minoring.result(), 1e-12);
        AUC majoring = new AUC(3).summationMethod("majoring");
        majoring.updateState(v(0, 0, 1, 1), v(0, 0.5f, 0.3f, 0.9f));
        assertEquals(1.0, majoring.result(), 1e-12);
        // from_logits: sigmoid first; logits of the example's probabilities give the same area.
        AUC logits = new AUC(3).fromLogits(true);
        logits.updateState(v(0, 0, 1, 1), v(-20, 0, -0.8472979f, 2.1972246f));
        assertEquals(0.75, logits.result(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new AUC(1));
        assertThrows(IllegalArgumentException.class, () -> new AUC().curve("PRGAIN"));
    }

    @Test
    void customMetricAndNames() {
        Metric absError = new MeanMetricWrapper("abs_error", (t, p) -> Math.abs(t[0] - p[0]));
        absError.updateState(v(1, 2, 3), v(1.5f, 2, 1), v(1, 1, 2));
        assertEquals((0.5 + 0 + 2 * 2) / 4, absError.result(), 1e-12);
        assertEquals("pr_auc", new AUC().curve("PR").name("pr_auc").name());
        assertEquals("accuracy", Metric.of("acc").name());
        for (String name : new String[] {"sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy",
                "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy", "precision", "recall", "auc"}) {
            assertEquals(name, Metric.of(name).name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metric.of("f1"));
        assertTrue(e.getMessage().contains("auc"), e.getMessage());
    }
}
