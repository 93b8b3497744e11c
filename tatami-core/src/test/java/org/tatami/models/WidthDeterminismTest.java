package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.kernels.Simd;
import org.tatami.layers.Activation;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.losses.MeanSquaredError;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.Tensor;

/**
 * What the README promises across vector widths, checked against fixed fingerprints (CRC-32 of the
 * raw float bits). The build runs this class at 4 and 8 lanes and at the machine's widest
 * (surefire executions 4-lanes, 8-lanes and the default), so each width must give the same bits.
 *
 * <p>The models use only arithmetic whose result IEEE 754 fixes (no exp, log or pow: linear outputs,
 * mean squared error, SGD), so the fingerprints hold on any JDK and CPU. Should a deliberate change of
 * the arithmetic move them, the new values are the ones the 4-lanes and 8-lanes executions agree on.
 */
class WidthDeterminismTest {
    private static final int SAMPLES = 160;

    /**
     * Inference: the seed's architecture (its first layer convolved directly and pooled in one pass of
     * vectors) with a linear output gives the same predictions at every width.
     */
    @Test
    void seedPredictionsAreTheSameBitsAtEveryWidth() {
        assumeTrue(Simd.ENABLED, "the plain-Java path rounds differently (no fused multiply-add)");
        Tatami.setRandomSeed(1);
        Sequential model = new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10));
        Tensor out = model.predict(images(28, 28, 2));
        assertEquals(1462422124L, crc(out.data()), "predictions at " + Simd.lanes() + " lanes");
    }

    /**
     * Training: convolutions of at least 16 filters (the same layout at every width), BatchNormalization,
     * pooling, dropout and dense layers, three SGD steps of a batch cut into a whole and a partial chunk:
     * the same weights at every width.
     */
    @Test
    void trainingIsTheSameBitsAtEveryWidth() {
        assumeTrue(Simd.ENABLED, "the plain-Java path rounds differently (no fused multiply-add)");
        Tatami.setRandomSeed(2);
        Sequential model = new Sequential(
                new Conv2D(16, 3).activation("relu").inputShape(14, 14, 1),
                new MaxPool2D(2),
                new Conv2D(16, 3).padding("same").useBias(false),
                new BatchNormalization(),
                new Activation("relu"),
                new Flatten(),
                new Dropout(0.25),
                new Dense(10));
        model.compile(new SGD(0.05, 0.9, false), new MeanSquaredError());
        Tensor x = images(14, 14, 1);
        Tensor y = images(10, 1, 1).reshape(SAMPLES, 10);
        model.fit(x, y, new FitOptions().batchSize(96).epochs(3).shuffle(false).verbose(0));
        CRC32 crc = new CRC32();
        for (Tensor w : model.getWeights()) {
            update(crc, w.data());
        }
        assertEquals(460614517L, crc.getValue(), "weights after training at " + Simd.lanes() + " lanes");
    }

    private static Tensor images(int h, int w, int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[SAMPLES * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble();
        }
        return Tensor.of(v, SAMPLES, h, w, 1);
    }

    private static long crc(float[] values) {
        CRC32 crc = new CRC32();
        update(crc, values);
        return crc.getValue();
    }

    private static void update(CRC32 crc, float[] values) {
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            crc.update(bits);
            crc.update(bits >>> 8);
            crc.update(bits >>> 16);
            crc.update(bits >>> 24);
        }
    }
}
