package org.tatami.kernels;

/**
 * A convolution of stride 1 as the matrix product of its im2col matrix and the kernel, without
 * writing that matrix: the row of an output position, its window, is read where it lies in the
 * (padded) image. In NHWC the kw pixels of a window row are adjacent, one run of {@code kw * c}
 * floats, so each of the kh window rows is one pass of the product's five-row tile
 * ({@code VectorGemm.rowsTile}), the rows of A starting at five windows. The tile's sums continue
 * from one window row to the next in the patch's order: the multiply-adds of im2col + {@link Gemm#nn}
 * with the same packed kernel, in the same order, so the same bits.
 *
 * <p>The image is padded beforehand ({@link #pad}), so every window lies inside it. Callers check
 * {@link #fits} first.
 */
public final class ImplicitConv {
    private static final int ROWS = VectorGemm.ROWS;

    private final int hp;
    private final int wp;
    private final int c;
    private final int kh;
    private final int kw;
    private final int dh;
    private final int oh;
    private final int ow;

    /**
     * Windows of kh x kw (rows dh apart, columns adjacent) over padded images of hp x wp x c, giving
     * oh x ow outputs (stride 1).
     */
    public ImplicitConv(int hp, int wp, int c, int kh, int kw, int dh, int oh, int ow) {
        this.hp = hp;
        this.wp = wp;
        this.c = c;
        this.kh = kh;
        this.kw = kw;
        this.dh = dh;
        this.oh = oh;
        this.ow = ow;
    }

    /** Floats of a window row below which its passes are too short to run well (3x3 on one channel: 3). */
    private static final int MIN_RUN = 16;

    /**
     * Whether a product with windows rows of {@code run} floats, this patch, outputs and rows per image
     * runs here: SIMD on, window rows long enough, the outputs in tiles that can read A in place, the
     * whole patch in one pass, at least one tile of rows.
     */
    public static boolean fits(int run, int patch, int outputs, int rowsPerImage) {
        return Simd.ENABLED && run >= MIN_RUN && VectorGemm.inPlaceTiles(outputs)
                && outputs <= VectorGemm.IN_PLACE_COLUMNS && patch <= VectorGemm.LONG_DEPTH && rowsPerImage >= ROWS;
    }

    /**
     * Whether the windows of a product with this many outputs are packed (one pass of the tiles, as after
     * im2col but without that matrix) rather than read in place (a pass per window row).
     */
    public static boolean packs(int outputs) {
        return !VectorGemm.readsAInPlace(outputs);
    }

    /**
     * Rows [r0, r1) of the output (position r at {@code y[r * outputs]}, r1 - r0 at least five): the
     * windows of xp times the kernel (patch, outputs) packed by {@link Gemm#pack}. The last tile
     * overlaps the one before it and writes the same values again where they overlap.
     */
    public void multiply(float[] xp, int r0, int r1, Gemm.PackedB kernel, int outputs, float[] y) {
        float[] panels = kernel.panels();
        Walk walk = new Walk(r0);
        for (int r = r0; r < r1; r += ROWS) {
            if (r + ROWS > r1) {
                r = r1 - ROWS;
                walk = new Walk(r);
            }
            int a0 = walk.next();
            int a1 = walk.next();
            int a2 = walk.next();
            int a3 = walk.next();
            int a4 = walk.next();
            tiles(xp, a0, a1, a2, a3, a4, panels, outputs, y, r * outputs);
        }
    }

    /**
     * The five rows' tiles across the outputs: where the product reads A in place, window row by window
     * row, each a pass of the tile continuing the sums; otherwise the windows packed, in one pass.
     */
    private void tiles(float[] xp, int a0, int a1, int a2, int a3, int a4, float[] panels, int outputs, float[] y,
                       int yOff) {
        int run = kw * c;
        int patch = kh * run;
        int down = dh * wp * c;
        if (packs(outputs)) {
            VectorGemm.windowTiles(kh, run, down, xp, a0, a1, a2, a3, a4, panels, outputs, y, yOff, outputs);
            return;
        }
        for (int q = 0; q < outputs; q += VectorGemm.COLS) {
            int panel = q * patch;
            // The last panel is as wide as its tile: 2 vectors for 32 outputs at 16 lanes.
            int width = Math.min(VectorGemm.COLS, outputs - q);
            for (int ky = 0, o = 0; ky < kh; ky++, o += down) {
                VectorGemm.rowsTile(width / VectorGemm.lanes(), run, xp, a0 + o, a1 + o, a2 + o, a3 + o, a4 + o, panels,
                        panel + ky * run * width, y, yOff + q, outputs, ky > 0);
            }
        }
    }

    /** Output positions in NHWC order and where each one's window starts in the padded images. */
    private final class Walk {
        private int ox;
        private int oy;
        private int at;

        Walk(int r) {
            int b = r / (oh * ow);
            oy = r / ow % oh;
            ox = r % ow;
            at = ((b * hp + oy) * wp + ox) * c;
        }

        /** The current position's window start; then steps to the next position. */
        int next() {
            int start = at;
            at += c;
            if (++ox == ow) {
                ox = 0;
                at += (wp - ow) * c;
                if (++oy == oh) {
                    oy = 0;
                    at += (hp - oh) * wp * c;
                }
            }
            return start;
        }
    }

    /**
     * n images of h x w x c placed at (top, left) in images of hp x wp x c with zeros around: the
     * rows and columns that do not fit are left out.
     */
    public static void pad(float[] x, int n, int h, int w, int c, int top, int left, int hp, int wp, float[] xp) {
        int rows = Math.min(h, hp - top);
        int cols = Math.min(w, wp - left) * c;
        int line = wp * c;
        for (int b = 0; b < n; b++) {
            int image = b * hp * line;
            java.util.Arrays.fill(xp, image, image + top * line, 0f);
            for (int iy = 0; iy < rows; iy++) {
                int o = image + (top + iy) * line;
                java.util.Arrays.fill(xp, o, o + left * c, 0f);
                System.arraycopy(x, (b * h + iy) * w * c, xp, o + left * c, cols);
                java.util.Arrays.fill(xp, o + left * c + cols, o + line, 0f);
            }
            java.util.Arrays.fill(xp, image + (top + rows) * line, image + hp * line, 0f);
        }
    }
}
