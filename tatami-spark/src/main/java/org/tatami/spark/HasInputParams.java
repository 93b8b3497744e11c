package org.tatami.spark;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of a stage that reads tatami's inputs and names its outputs, as Spark ML's shared
 * {@code HasInputCol}-style traits: {@link TatamiClassifierModel} and {@link TatamiEstimator} have them.
 *
 * @param <S> the stage, which the setters return
 */
public interface HasInputParams<S extends HasInputParams<S>> extends Params {
    /** The stage's params of this kind, made with the stage as their parent. */
    InputParams inputParams();

    /** The inputs: picture files' bytes (binaryFile's content), arrays of pixel values, or ML vectors. */
    default Param<String> inputCol() {
        return inputParams().inputCol;
    }

    /** The predicted class, as a double. */
    default Param<String> outputCol() {
        return inputParams().outputCol;
    }

    /** The class probabilities, as a vector; empty for none. */
    default Param<String> probabilityCol() {
        return inputParams().probabilityCol;
    }

    /** How picture files become inputs: {@code digit} or {@code pixels}. */
    default Param<String> imagePreparation() {
        return inputParams().imagePreparation;
    }

    /** Whether digit preparation inverts a picture: {@code auto}, {@code yes} or {@code no}. */
    default Param<String> invert() {
        return inputParams().invert;
    }

    /** Pixels (0..255) are multiplied by this. */
    default DoubleParam rescale() {
        return inputParams().rescale;
    }

    /** Then this is added. */
    default DoubleParam offset() {
        return inputParams().offset;
    }

    default S setInputCol(String column) {
        set(inputCol(), column);
        return self();
    }

    default S setOutputCol(String column) {
        set(outputCol(), column);
        return self();
    }

    /** An empty name leaves the probabilities out. */
    default S setProbabilityCol(String column) {
        set(probabilityCol(), column);
        return self();
    }

    /** {@code digit} (default: MNIST-style, as {@code tatami predict}) or {@code pixels} (grey, as they are). */
    default S setImagePreparation(String mode) {
        set(imagePreparation(), mode);
        return self();
    }

    /** {@code auto} (default), {@code yes} or {@code no}: whether digit preparation inverts the picture. */
    default S setInvert(String mode) {
        set(invert(), mode);
        return self();
    }

    /** Inputs are {@code pixel * rescale + offset}, pixels 0..255 (default 1/255 and 0, as {@code tatami predict}). */
    default S setRescale(double value) {
        set(rescale(), value);
        return self();
    }

    default S setOffset(double value) {
        set(offset(), value);
        return self();
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }
}
