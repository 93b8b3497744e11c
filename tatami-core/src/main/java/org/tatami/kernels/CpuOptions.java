package org.tatami.kernels;

/**
 * The CPU backend's switches, in one place: whether the fused steps run ({@code fuse}) and how 3x3
 * one-channel convolutions run ({@code conv}: {@code auto} picks the direct kernel where it wins,
 * {@code im2col} forces im2col + GEMM). The defaults come from the system properties
 * {@code tatami.fuse} and {@code tatami.conv}, read here once; {@link #set} replaces them for models
 * built or run afterwards. Layers and the planner ask this object, never the properties.
 */
public record CpuOptions(boolean fuse, String conv) {
    private static volatile CpuOptions current = new CpuOptions(
            !"false".equals(System.getProperty("tatami.fuse")),
            System.getProperty("tatami.conv", "auto"));

    public CpuOptions {
        if (!conv.equals("auto") && !conv.equals("im2col")) {
            throw new IllegalArgumentException("conv must be auto or im2col, got '" + conv + "'");
        }
    }

    /** The options in force. */
    public static CpuOptions current() {
        return current;
    }

    /** Replaces the options for models built or run from now on. */
    public static void set(CpuOptions options) {
        current = options;
    }

    /**
     * Whether a product with {@code outputs} output channels runs transposed, with vectors along the
     * output positions: with fewer outputs than a vector has lanes, vectors along the outputs would run
     * mostly empty.
     */
    public boolean transposed(int outputs) {
        return outputs < Simd.lanes();
    }

    /** Whether a 3x3 convolution of one-channel images, stride 1, no padding, runs directly (DirectConv3x3). */
    public boolean directConv3x3(int filters, int width) {
        return conv.equals("auto") && transposed(filters) && DirectConv3x3.fits(width);
    }
}
