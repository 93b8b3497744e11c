package org.tatami.losses;

/**
 * A loss that is the mean over the last axis of a function of each prediction and its target (squared
 * and absolute error, Huber, binary cross-entropy): the loops are here, the function in each loss.
 */
abstract class ElementwiseLoss extends Loss {
    /** The loss of one prediction against its target. */
    abstract double value(float pred, float target);

    /** Its derivative in the prediction. */
    abstract double derivative(float pred, float target);

    @Override
    public final double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double row = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                row += value(yPred[i], yTrue[i]);
                if (grad != null) {
                    grad[i] = (float) (derivative(yPred[i], yTrue[i]) / width * scale);
                }
            }
            total += row / width;
        }
        return total;
    }
}
