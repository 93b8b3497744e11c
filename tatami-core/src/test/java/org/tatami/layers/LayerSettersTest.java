package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tatami.activations.ActivationFunction;

/** Keras-style chained settings: inputShape and name keep the layer's own type, so more setters follow. */
class LayerSettersTest {
    @Test
    void settersChainAfterInputShapeAndName() {
        Dense dense = new Dense(10).inputShape(784).activation("relu");
        Conv2D conv = new Conv2D(3, 3).name("first").padding("same").activation("relu");
        MaxPool2D pool = new MaxPool2D(2).name("pool").strides(1, 1);
        DepthwiseConv2D depthwise = new DepthwiseConv2D(3, 3).inputShape(8, 8, 4).depthMultiplier(2);
        assertArrayEquals(new int[] {784}, dense.declaredInputShape());
        assertEquals(ActivationFunction.RELU, dense.activation());
        assertEquals("first", conv.name());
        assertEquals("pool", pool.name());
        assertArrayEquals(new int[] {8, 8, 4}, depthwise.declaredInputShape());
    }
}
