package org.tatami.data;

/** Whether {@link Images} inverts a picture to get MNIST's light digit on a dark background. */
public enum Invert {
    /** Decide from the picture's border: a light border means dark ink on light paper, so invert. */
    AUTO,
    /** Always invert: dark ink on a light background. */
    YES,
    /** Never invert: the picture already has light ink on a dark background. */
    NO
}
