package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix product behind {@link Gemm}, blocked for the vector registers of the machine: a tile
 * of {@value #ROWS} rows by up to {@link #VECTORS} vectors of C stays in registers while k runs, with A
 * values broadcast and B rows loaded as vectors.
 *
 * <p>Operands are first copied ("packed") into per-thread buffers laid out in the order the tile reads
 * them: a panel of B (at most {@link #DEPTH} steps of k by one tile's columns, zero-padded to whole
 * vectors) and a sliver of A ({@value #ROWS} rows, zero-padded, interleaved step by step). The tile's
 * loop then reads both at constant strides, which lets the JIT drop its bounds checks and keeps the
 * loop to loads, broadcasts and fused multiply-adds, whatever the strides and layout (A or A^T) of the
 * caller's arrays. When C has few columns ({@link #A_IN_PLACE_COLUMNS}), whole slivers of A are read
 * where they lie instead. A tile at the bottom or right edge of C runs on a copy of C padded to a
 * whole tile.
 *
 * <p>Every element of C is the same chain of fused multiply-adds over k in ascending order, started
 * from 0 or from C, however the product is blocked: k runs in passes of at most {@link #DEPTH} steps
 * ({@link #LONG_DEPTH} for a row-major A read in place),
 * and each pass resumes from the partial sums the previous one stored in C (storing a float loses
 * nothing), and padding only adds columns and rows that are dropped. Results are therefore the same
 * bits for any blocking, any split of the rows, and any vector width.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Vector registers the JIT allocates: 32 with AVX-512 (16 lanes) and on AArch64 (NEON, SVE), 16 with
     * AVX2 and narrower x86 vectors. (An AVX-512 machine capped to fewer lanes is counted as 16: correct,
     * slightly less blocked.) {@code -Dtatami.vectorRegisters=32} picks the wider tiles on any machine,
     * so that the build tests them where they are not the default.
     */
    static final int REGISTERS = "32".equals(System.getProperty("tatami.vectorRegisters"))
            || L >= 16 || "aarch64".equals(System.getProperty("os.arch")) ? 32 : 16;
    /**
     * Rows of C per tile. With 16 registers the JIT needs a spare register or two beside the
     * accumulators: 6 rows of 2 vectors spilled one to memory on every step.
     */
    static final int ROWS = 5;
    /**
     * Floats per step of k in a packed sliver of A: its 5 values and 3 of padding, so that the JIT sees the
     * index as a shift of the loop counter and drops the bounds checks (a multiple of 5 it does not).
     */
    private static final int STEP = 8;
    /**
     * Vectors of C per tile: 5 x 4 accumulators, 4 vectors of B and a broadcast A value take 25 of 32
     * registers; with 16, 5 x 2 + 2 + 1 = 13 (6 x 4 blocks, as for 32 registers, spilled and ran at a
     * third of the FMA peak on AVX2).
     */
    static final int VECTORS = REGISTERS == 32 ? 4 : 2;
    /** Columns of C per whole tile. */
    static final int COLS = VECTORS * L;
    /** Steps of k per pass: a packed B panel of DEPTH x COLS floats (16-32 KB) stays in L1 during the pass. */
    static final int DEPTH = COLS > 16 ? 128 : 256;
    /** Columns of B packed at once: DEPTH x WIDTH floats (128-256 KB) stay in L2 while every row of A uses them. */
    static final int WIDTH = 256;

    private VectorGemm() {
    }

    static int lanes() {
        return L;
    }

    /**
     * The most columns of C for which a sliver of A may be read where it lies ({@link #inPlaceTile})
     * rather than packed, here and in {@link ImplicitConv}: packing a sliver costs about as much as one
     * tile's multiply-adds, so for products with few columns (the forward product and kernel gradient
     * of a convolution with 16-64 filters) it took a third of the time; with more columns it pays for
     * itself.
     */
    static final int IN_PLACE_COLUMNS = 64;

    /**
     * Up to this many columns a product reads A in place. At 4 lanes a tile is 8 columns and 64 columns
     * make 8 tiles, over which the packing is spread well enough: one thread, a 165-row block of a
     * Conv2D(64)'s im2col matrix, 31.3 GFLOP/s packed against 29.3 in place forward (30.3 against 28.9
     * for the kernel gradient); the two are even at 48 columns, and in place is ahead at 32 and 16 (28.9
     * against 27.2, 28.6 against 22.1). At 8 lanes in place stays ahead at 64 (68.3 against 59.4). At 16
     * lanes, where a tile is 64 columns, it is ahead up to two tiles: a 64-row chunk of Dense(100) on 507
     * inputs, 137 -> 150 GFLOP/s forward and 136 -> 168 for the kernel gradient; Dense(128) 163 -> 176
     * and 165 -> 211.
     */
    private static final int A_IN_PLACE_COLUMNS = L <= 4 ? 48 : L >= 16 ? 2 * IN_PLACE_COLUMNS : IN_PLACE_COLUMNS;

    /**
     * Steps of k per pass for a row-major A and at most {@link #IN_PLACE_COLUMNS} columns (packed or
     * read in place): one pass over the whole patch of a convolution (up to this long) keeps each
     * tile's sums in registers from start to end, 10-20% faster than passes of {@link #DEPTH} for
     * patches of 288 and 576. The packed B panels of a pass,
     * LONG_DEPTH x {@link #IN_PLACE_COLUMNS} floats, fit the buffer of DEPTH x WIDTH. B packed beforehand
     * ({@link #packAll}) has no buffer to fit, so its products run so up to {@link #A_IN_PLACE_COLUMNS}
     * columns: Dense(100)'s forward on 507 inputs at 16 lanes, one pass instead of four, 141-146 -> 166-172
     * GFLOP/s (a 64-row chunk, one thread).
     */
    static final int LONG_DEPTH = DEPTH * WIDTH / IN_PLACE_COLUMNS;

    /** One thread's packing buffers. */
    private static final class Packs {
        final float[] b = new float[DEPTH * WIDTH];
        final float[] a = new float[LONG_DEPTH * STEP];
        final float[] tile = new float[ROWS * COLS];
    }

    private static final ThreadLocal<Packs> PACKS = ThreadLocal.withInitial(Packs::new);

    static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                         int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, null, c, cOff, ldc, accumulate);
    }

    /** {@code C (+)= A * B} for a row-major A, with B's panels as {@link #packAll} wrote them. */
    static void multiplyPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] panels, float[] c, int cOff,
                               int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOff, lda, 1, null, 0, 0, panels, c, cOff, ldc, accumulate);
    }

    /** Floats {@link #packAll} writes for a (k, n) B. */
    static int packedSize(int k, int n) {
        return (n + COLS - 1) / COLS * COLS * k;
    }

    /**
     * B's panels for every pass of a product with a row-major A, one after another in the order
     * {@link #multiply} uses them: packed once, read by any number of products with the same B.
     */
    static void packAll(int k, int n, float[] b, int bOff, int ldb, float[] panels) {
        int depth = depth(n, 1, true);
        int o = 0;
        for (int j0 = 0; j0 < n; j0 += WIDTH) {
            int nc = Math.min(WIDTH, n - j0);
            for (int p0 = 0; p0 < k; p0 += depth) {
                int kc = Math.min(depth, k - p0);
                packB(kc, nc, b, bOff + p0 * ldb + j0, ldb, panels, o);
                o += packedSize(kc, nc);
            }
        }
    }

    /** Steps of k per pass: {@link #LONG_DEPTH} or {@link #DEPTH}, the same for {@link #packAll} and the products on its panels. */
    private static int depth(int n, int aCol, boolean prepacked) {
        return aCol == 1 && (n <= IN_PLACE_COLUMNS || prepacked && n <= A_IN_PLACE_COLUMNS) ? LONG_DEPTH : DEPTH;
    }

    /** The product, packing B pass by pass, or with {@code panels} from {@link #packAll} when not null. */
    private static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                                 int ldb, float[] panels, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        Packs packs = PACKS.get();
        int depth = depth(n, aCol, panels != null);
        int next = 0;
        for (int j0 = 0; j0 < n; j0 += WIDTH) {
            int nc = Math.min(WIDTH, n - j0);
            int p0 = 0;
            do {
                int kc = Math.min(depth, k - p0);
                boolean fromC = accumulate || p0 > 0;
                float[] pb = packs.b;
                int base = 0;
                if (panels == null) {
                    packB(kc, nc, b, bOff + p0 * ldb + j0, ldb, pb, 0);
                } else {
                    pb = panels;
                    base = next;
                    next += packedSize(kc, nc);
                }
                for (int i0 = 0; i0 < m; i0 += ROWS) {
                    int rows = Math.min(ROWS, m - i0);
                    int ai = aOff + i0 * aRow + p0 * aCol;
                    // A is row-major (aCol 1) or transposed (aRow 1): Gemm gives no other layout.
                    boolean inPlace = rows == ROWS && nc <= A_IN_PLACE_COLUMNS;
                    boolean packed = false;
                    for (int q = 0; q * COLS < nc; q++) {
                        int cols = Math.min(COLS, nc - q * COLS);
                        int ci = cOff + i0 * ldc + j0 + q * COLS;
                        int bi = base + q * kc * COLS;
                        if (inPlace && readsInPlace(cols)) {
                            if (cols % L == 0) {
                                inPlaceTile(cols / L, kc, a, ai, aRow, aCol, pb, bi, c, ci, ldc, fromC);
                            } else {
                                inPlaceEdgeTile(cols, kc, a, ai, aRow, aCol, packs, pb, bi, c, ci, ldc, fromC);
                            }
                            continue;
                        }
                        if (!packed) {
                            packA(kc, rows, a, ai, aRow, aCol, packs.a);
                            packed = true;
                        }
                        if (rows == ROWS && cols % L == 0) {
                            // Whole vectors (a narrower last tile included) need no padded copy of C.
                            tile(cols / L, kc, packs.a, pb, bi, c, ci, ldc, fromC);
                        } else {
                            edgeTile(rows, cols, kc, packs, pb, bi, c, ci, ldc, fromC);
                        }
                    }
                }
                p0 += kc;
            } while (p0 < k);
        }
    }

    /** A tile with fewer rows or columns than a whole one, computed on a padded copy of its part of C. */
    private static void edgeTile(int rows, int cols, int kc, Packs packs, float[] b, int bOff, float[] c, int ci,
                                 int ldc, boolean fromC) {
        float[] t = packs.tile;
        if (fromC) {
            toTile(rows, cols, c, ci, ldc, t);
        }
        tile((cols + L - 1) / L, kc, packs.a, b, bOff, t, 0, COLS, fromC);
        fromTile(rows, cols, t, c, ci, ldc);
    }

    /**
     * A tile of five rows whose columns end inside a vector, reading A in place, computed on a padded copy
     * of its part of C.
     */
    private static void inPlaceEdgeTile(int cols, int kc, float[] a, int aOff, int aRow, int aCol, Packs packs,
                                        float[] b, int bOff, float[] c, int ci, int ldc, boolean fromC) {
        float[] t = packs.tile;
        if (fromC) {
            toTile(ROWS, cols, c, ci, ldc, t);
        }
        inPlaceTile((cols + L - 1) / L, kc, a, aOff, aRow, aCol, b, bOff, t, 0, COLS, fromC);
        fromTile(ROWS, cols, t, c, ci, ldc);
    }

    /** Rows x cols of C from ci (ldc apart) into the padded tile t, its rows COLS apart. */
    private static void toTile(int rows, int cols, float[] c, int ci, int ldc, float[] t) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, ci + r * ldc, t, r * COLS, cols);
        }
    }

    /** The padded tile t's rows x cols back into C from ci. */
    private static void fromTile(int rows, int cols, float[] t, float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * COLS, c, ci + r * ldc, cols);
        }
    }

    /**
     * B[p0.., j0..] (kc x nc) as panels of COLS columns, each kc rows of COLS floats (the last panel as
     * wide as its whole vectors), columns past nc zero.
     */
    private static void packB(int kc, int nc, float[] b, int bOff, int ldb, float[] pack, int packOff) {
        for (int q = 0; q * COLS < nc; q++) {
            int cols = Math.min(COLS, nc - q * COLS);
            int width = (cols + L - 1) / L * L;
            int o = packOff + q * kc * COLS;
            int src = bOff + q * COLS;
            int whole = cols / L * L;
            for (int p = 0; p < kc; p++, o += width, src += ldb) {
                // Rows this short copy faster as vectors than through System.arraycopy.
                for (int j = 0; j < whole; j += L) {
                    FloatVector.fromArray(S, b, src + j).intoArray(pack, o + j);
                }
                for (int j = whole; j < width; j++) {
                    pack[o + j] = j < cols ? b[src + j] : 0f;
                }
            }
        }
    }

    /** A's rows i0.. (rows of them) over kc steps of k, step by step: pack[p * STEP + r], missing rows zero. */
    private static void packA(int kc, int rows, float[] a, int aOff, int aRow, int aCol, float[] pack) {
        if (aRow == 1 && rows == ROWS && L <= STEP && aOff + (kc - 1) * aCol + L <= a.length) {
            // A transposed: a step's five values are adjacent, so one vector copies them (at 4 lanes, four
            // of them), with whatever follows them into the step's padding, never read.
            for (int p = 0, src = aOff; p < kc; p++, src += aCol) {
                FloatVector.fromArray(S, a, src).intoArray(pack, p * STEP);
                for (int r = L; r < ROWS; r++) {
                    pack[p * STEP + r] = a[src + r];
                }
            }
            return;
        }
        if (aCol == 1 && rows == ROWS) {
            packRows(kc, a, aOff, aOff + aRow, aOff + 2 * aRow, aOff + 3 * aRow, aOff + 4 * aRow, pack, 0);
            return;
        }
        for (int r = 0; r < ROWS; r++) {
            if (r < rows) {
                for (int p = 0, src = aOff + r * aRow; p < kc; p++, src += aCol) {
                    pack[p * STEP + r] = a[src];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    pack[p * STEP + r] = 0f;
                }
            }
        }
    }

    /**
     * Five rows of A of kc floats each, at a0..a4, into a packed sliver from step {@code step0}: step by
     * step, the five rows' values in turn, so that a step's stores are adjacent (row by row they land a
     * step apart; the Conv2D(64) forward product at 4 lanes, packing included: 32.0 GFLOP/s this way,
     * 30.3 row by row).
     */
    private static void packRows(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, float[] pack,
                                 int step0) {
        for (int p = 0; p < kc; p++) {
            int o = (step0 + p) * STEP;
            pack[o] = a[a0 + p];
            pack[o + 1] = a[a1 + p];
            pack[o + 2] = a[a2 + p];
            pack[o + 3] = a[a3 + p];
            pack[o + 4] = a[a4 + p];
        }
    }

    /** Whether a product with this many columns of C reads whole slivers of A in place rather than packed. */
    static boolean readsAInPlace(int columns) {
        return columns <= A_IN_PLACE_COLUMNS;
    }

    /**
     * Whether a tile this many columns wide has a kernel that reads A in place: one of 2, 3 or 4 vectors
     * (its last vector perhaps partly past the columns), as many as a tile has or fewer: with 32
     * registers a last tile narrower than 64 columns at 16 lanes, such as a whole Conv2D(32) or the
     * last 36 of Dense(100)'s columns.
     */
    private static boolean readsInPlace(int cols) {
        int vectors = (cols + L - 1) / L;
        return vectors >= 2 && vectors <= VECTORS;
    }

    /**
     * Whether every tile of a product with this many columns reads A in place ({@link #readsInPlace})
     * and writes whole vectors of C, as {@link ImplicitConv} needs: whole tiles, and perhaps a last one
     * of whole vectors.
     */
    static boolean inPlaceTiles(int columns) {
        return columns % COLS == 0 || columns % L == 0 && readsInPlace(columns % COLS);
    }

    /**
     * Five rows of C (at yOff, ldc apart) from five rows of A that are windows of an image, as {@link
     * ImplicitConv} reads them: row r is kh runs of {@code run} floats, at ar + ky * down. The windows are
     * packed once into a sliver (no im2col matrix in between), then every tile of the {@code columns}
     * (whole vectors, the last tile perhaps narrower) runs over the whole patch in one pass, on B's panels as {@link #packAll} wrote them
     * for one pass: the multiply-adds of {@link #multiply}, in the same order.
     */
    static void windowTiles(int kh, int run, int down, float[] x, int a0, int a1, int a2, int a3, int a4,
                            float[] panels, int columns, float[] c, int cOff, int ldc) {
        float[] pack = PACKS.get().a;
        for (int ky = 0, o = 0; ky < kh; ky++, o += down) {
            packRows(run, x, a0 + o, a1 + o, a2 + o, a3 + o, a4 + o, pack, ky * run);
        }
        int patch = kh * run;
        for (int q = 0; q < columns; q += COLS) {
            tile(Math.min(COLS, columns - q) / L, patch, pack, panels, q * patch, c, cOff + q, ldc, false);
        }
    }

    private static void tile(int vectors, int kc, float[] a, float[] b, int bOff, float[] c, int cOff, int ldc,
                             boolean fromC) {
        switch (vectors) {
            case 4 -> tile5x4(kc, a, b, bOff, c, cOff, ldc, fromC);
            case 3 -> tile5x3(kc, a, b, bOff, c, cOff, ldc, fromC);
            case 2 -> tile5x2(kc, a, b, bOff, c, cOff, ldc, fromC);
            default -> tile5x1(kc, a, b, bOff, c, cOff, ldc, fromC);
        }
    }

    // One kernel per tile width: 5 rows by 4, 3, 2 or 1 vectors of C, over a packed sliver of A
    // (a[p * STEP + r]) and a packed panel of B as wide as the tile (b[bOff + p * width + j]).
    // `fromC` starts the sums from C instead of 0.

    private static void tile5x4(int kc, float[] a, float[] b, int bOff, float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s03 = load(c, c0 + 3 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s13 = load(c, c1 + 3 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s23 = load(c, c2 + 3 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s33 = load(c, c3 + 3 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        FloatVector s43 = load(c, c4 + 3 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (4 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            int ap = p * STEP;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
    }

    private static void tile5x3(int kc, float[] a, float[] b, int bOff, float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (3 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            int ap = p * STEP;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
    }

    private static void tile5x2(int kc, float[] a, float[] b, int bOff, float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = p * STEP;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
    }

    private static void tile5x1(int kc, float[] a, float[] b, int bOff, float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s0 = load(c, c0, fromC);
        FloatVector s1 = load(c, c1, fromC);
        FloatVector s2 = load(c, c2, fromC);
        FloatVector s3 = load(c, c3, fromC);
        FloatVector s4 = load(c, c4, fromC);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * L);
            int ap = p * STEP;
            s0 = FloatVector.broadcast(S, a[ap]).fma(b0, s0);
            s1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, s1);
            s2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, s2);
            s3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, s3);
            s4 = FloatVector.broadcast(S, a[ap + 4]).fma(b0, s4);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
        s4.intoArray(c, c4);
    }

    /**
     * A tile of 4, 3 or 2 vectors ({@link #readsInPlace}) over a sliver of A read where it lies, element (r, p)
     * at {@code a[aOff + r * aRow + p * aCol]}: row-major (aCol 1) or transposed (aRow 1). The same
     * multiply-adds in the same order as {@link #tile}. Kernels of their own because the packed
     * ones, given a stride instead of the constant {@link #STEP}, ran a tenth slower.
     */
    private static void inPlaceTile(int vectors, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                                    float[] c, int cOff, int ldc, boolean fromC) {
        if (aRow == 1) {
            switch (vectors) {
                case 4 -> columnMajorTile5x4(kc, a, aOff, aCol, b, bOff, c, cOff, ldc, fromC);
                case 3 -> columnMajorTile5x3(kc, a, aOff, aCol, b, bOff, c, cOff, ldc, fromC);
                default -> columnMajorTile5x2(kc, a, aOff, aCol, b, bOff, c, cOff, ldc, fromC);
            }
        } else {
            rowsTile(vectors, kc, a, aOff, aOff + aRow, aOff + 2 * aRow, aOff + 3 * aRow, aOff + 4 * aRow, b, bOff, c,
                    cOff, ldc, fromC);
        }
    }

    /**
     * A tile of 4, 3 or 2 vectors ({@link #readsInPlace}) of five rows of C whose rows of A start anywhere:
     * at a0..a4 (kc floats each), as the windows of a convolution lie in its image ({@link ImplicitConv}).
     * The multiply-adds of {@link #tile}, in the same order.
     */
    static void rowsTile(int vectors, int kc, float[] a, int a0, int a1, int a2, int a3, int a4, float[] b, int bOff,
                         float[] c, int cOff, int ldc, boolean fromC) {
        switch (vectors) {
            case 4 -> rowMajorTile5x4(kc, a, a0, a1, a2, a3, a4, b, bOff, c, cOff, ldc, fromC);
            case 3 -> rowMajorTile5x3(kc, a, a0, a1, a2, a3, a4, b, bOff, c, cOff, ldc, fromC);
            default -> rowMajorTile5x2(kc, a, a0, a1, a2, a3, a4, b, bOff, c, cOff, ldc, fromC);
        }
    }

    // The whole-width kernels again for A read in place: row-major, row r at a[ar + p], and
    // transposed, a[aOff + p * aCol + r].

    private static void rowMajorTile5x4(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, float[] b, int bOff,
                                        float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s03 = load(c, c0 + 3 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s13 = load(c, c1 + 3 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s23 = load(c, c2 + 3 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s33 = load(c, c3 + 3 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        FloatVector s43 = load(c, c4 + 3 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (4 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[a4 + p]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
    }

    private static void columnMajorTile5x4(int kc, float[] a, int aOff, int aCol, float[] b, int bOff, float[] c,
                                           int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s03 = load(c, c0 + 3 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s13 = load(c, c1 + 3 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s23 = load(c, c2 + 3 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s33 = load(c, c3 + 3 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        FloatVector s43 = load(c, c4 + 3 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (4 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            int ap = aOff + p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
    }

    private static void rowMajorTile5x3(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, float[] b, int bOff,
                                        float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (3 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            x = FloatVector.broadcast(S, a[a4 + p]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
    }

    private static void columnMajorTile5x3(int kc, float[] a, int aOff, int aCol, float[] b, int bOff, float[] c,
                                           int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (3 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            int ap = aOff + p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
    }

    private static void rowMajorTile5x2(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, float[] b, int bOff,
                                        float[] c, int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
    }

    private static void columnMajorTile5x2(int kc, float[] a, int aOff, int aCol, float[] b, int bOff, float[] c,
                                           int cOff, int ldc, boolean fromC) {
        int c0 = cOff;
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        int c4 = cOff + 4 * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = aOff + p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
    }

    /**
     * Products of a dot product are summed in {@value #SPLIT} partial sums, the product at p going to
     * sum p mod {@value #SPLIT}, whatever the vector width (one lane of one of 32 / L vectors); then the
     * partial sums are added in order and the last k mod {@value #SPLIT} products after them, one by
     * one. So the result has the same bits at 4, 8 and 16 lanes, and on every JDK.
     */
    static final int SPLIT = 32;

    /** A dot product of k floats, in the fixed order described at {@link #SPLIT}. */
    static float dot(int k, float[] a, int aOff, float[] b, int bOff) {
        int whole = k - k % SPLIT;
        float s = switch (L) {
            case 4 -> dot8(whole, a, aOff, b, bOff);
            case 8 -> dot4(whole, a, aOff, b, bOff);
            case 16 -> dot2(whole, a, aOff, b, bOff);
            default -> ScalarGemm.splitDot(whole, a, aOff, b, bOff);
        };
        for (int p = whole; p < k; p++) {
            s = Math.fma(a[aOff + p], b[bOff + p], s);
        }
        return s;
    }

    private static float dot2(int whole, float[] a, int aOff, float[] b, int bOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        for (int p = 0; p < whole; p += SPLIT) {
            s0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), s0);
            s1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), s1);
        }
        return Lanes.sum(s1, Lanes.sum(s0, 0f));
    }

    private static float dot4(int whole, float[] a, int aOff, float[] b, int bOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0; p < whole; p += SPLIT) {
            s0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), s0);
            s1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), s1);
            s2 = FloatVector.fromArray(S, a, aOff + p + 2 * L).fma(FloatVector.fromArray(S, b, bOff + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, aOff + p + 3 * L).fma(FloatVector.fromArray(S, b, bOff + p + 3 * L), s3);
        }
        return Lanes.sum(s3, Lanes.sum(s2, Lanes.sum(s1, Lanes.sum(s0, 0f))));
    }

    private static float dot8(int whole, float[] a, int aOff, float[] b, int bOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        for (int p = 0; p < whole; p += SPLIT) {
            s0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), s0);
            s1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), s1);
            s2 = FloatVector.fromArray(S, a, aOff + p + 2 * L).fma(FloatVector.fromArray(S, b, bOff + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, aOff + p + 3 * L).fma(FloatVector.fromArray(S, b, bOff + p + 3 * L), s3);
            s4 = FloatVector.fromArray(S, a, aOff + p + 4 * L).fma(FloatVector.fromArray(S, b, bOff + p + 4 * L), s4);
            s5 = FloatVector.fromArray(S, a, aOff + p + 5 * L).fma(FloatVector.fromArray(S, b, bOff + p + 5 * L), s5);
            s6 = FloatVector.fromArray(S, a, aOff + p + 6 * L).fma(FloatVector.fromArray(S, b, bOff + p + 6 * L), s6);
            s7 = FloatVector.fromArray(S, a, aOff + p + 7 * L).fma(FloatVector.fromArray(S, b, bOff + p + 7 * L), s7);
        }
        float s = Lanes.sum(s3, Lanes.sum(s2, Lanes.sum(s1, Lanes.sum(s0, 0f))));
        return Lanes.sum(s7, Lanes.sum(s6, Lanes.sum(s5, Lanes.sum(s4, s))));
    }

    private static FloatVector load(float[] c, int off, boolean fromC) {
        return fromC ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }
}
