package org.tatami.kernels;

/**
 * Whether the SIMD kernels run: the Vector API module must be in the JVM ({@code --add-modules
 * jdk.incubator.vector}), and {@code -Dtatami.simd=false} turns them off to compare with the scalar
 * path. Vector classes are only loaded when this is true, so tatami also runs without the module.
 */
public final class Simd {
    public static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("tatami.simd"));

    private Simd() {
    }

    /** Floats per vector register in use, or 1 on the scalar path. */
    public static int lanes() {
        return ENABLED ? VectorGemm.lanes() : 1;
    }
}
