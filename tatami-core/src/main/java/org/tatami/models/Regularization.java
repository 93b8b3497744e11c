package org.tatami.models;

import java.util.List;
import org.tatami.constraints.Constraint;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;
import org.tatami.regularizers.Regularizer;

/**
 * The weights' regularizers and constraints in training, as Keras applies them: the penalties of the
 * trained weights join the loss (and the reported loss) and their gradients the weights' gradients;
 * after each optimizer step every trained weight with a constraint is projected. A frozen weight has
 * neither, as in Keras 3, where only trainable weights are regularized.
 */
final class Regularization {
    private Regularization() {
    }

    /** The summed penalties of the layers' trained parameters, in parameter order. */
    static double penalty(List<Layer> layers) {
        double sum = 0;
        for (Layer l : layers) {
            for (Parameter p : l.parameters()) {
                Regularizer r = p.regularizer();
                if (r != null && l.trains(p)) {
                    sum += r.penalty(p.value().data());
                }
            }
        }
        return sum;
    }

    /**
     * Adds each trained parameter's penalty gradient to its gradient ({@code gradients} holds one array
     * per parameter of the layers, in order) and returns the summed penalty.
     */
    static double addGradients(List<Layer> layers, List<float[]> gradients) {
        int i = 0;
        for (Layer l : layers) {
            for (Parameter p : l.parameters()) {
                Regularizer r = p.regularizer();
                if (r != null && l.trains(p)) {
                    r.addGradient(p.value().data(), gradients.get(i));
                }
                i++;
            }
        }
        return penalty(layers);
    }

    /** Projects each trained parameter that has a constraint. */
    static void constrain(List<Layer> layers) {
        for (Layer l : layers) {
            for (Parameter p : l.parameters()) {
                Constraint c = p.constraint();
                if (c != null && l.trains(p)) {
                    c.apply(p.value().data(), p.value().shape());
                }
            }
        }
    }
}
