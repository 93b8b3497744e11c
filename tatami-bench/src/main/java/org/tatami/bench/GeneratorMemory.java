package org.tatami.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.tatami.Tatami;
import org.tatami.data.Dataset;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * Trains one epoch on {@code N} synthetic 28x28 pictures from a generator, read through
 * {@code Dataset.fromGenerator(...).batch(128).prefetch(2)}, and prints the heap it needed: the largest
 * heap still in use after a garbage collection (what the run holds) and the sum of the heap pools' peaks
 * (an upper bound, garbage included). Run it with N and 10 x N under the same {@code -Xmx}: a pipeline
 * that never holds the data set needs the same heap for both. With {@code arrays} it trains on the same
 * pictures held in arrays instead, for comparison.
 *
 * <pre>
 * java -Xmx256m --add-modules jdk.incubator.vector -cp tatami-bench/target/benchmarks.jar \
 *     org.tatami.bench.GeneratorMemory 20000 [arrays]
 * </pre>
 */
public final class GeneratorMemory {
    private static final int SIDE = 28;
    private static final int BATCH = 128;

    private GeneratorMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("arrays"))) {
            System.err.println("usage: GeneratorMemory N [arrays]");
            System.exit(2);
        }
        int samples = Integer.parseInt(args[0]);
        boolean arrays = args.length == 2;
        Tatami.setRandomSeed(0);
        Sequential model = new Sequential(new Conv2D(8, 3).activation("relu").inputShape(SIDE, SIDE, 1),
                new MaxPool2D(2), new Flatten(), new Dense(10).activation("softmax"));
        model.compile(new Adam(0.001), new SparseCategoricalCrossentropy(), "accuracy");

        AtomicLong liveAfterGc = watchCollections();
        System.gc();
        long baseline = heapUsed();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long start = System.nanoTime();
        Map<String, Double> logs;
        if (arrays) {
            float[] x = new float[Math.multiplyExact(samples, SIDE * SIDE)];
            int[] y = new int[samples];
            for (int i = 0; i < samples; i++) {
                y[i] = picture(i, x, i * SIDE * SIDE);
            }
            logs = last(model.fit(Tensor.of(x, samples, SIDE, SIDE, 1), IntTensor.of(y, samples),
                    new FitOptions().batchSize(BATCH).shuffle(false).verbose(0)).history());
        } else {
            Dataset data = Dataset.fromGenerator(() -> generator(samples)).batch(BATCH).prefetch(2);
            logs = last(model.fit(data, new FitOptions().verbose(0)).history());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                poolPeaks += pool.getPeakUsage().getUsed();
            }
        }
        double mib = 1024.0 * 1024.0;
        System.out.printf(Locale.ROOT, "%s: %,d pictures (%.0f MiB as float32) in %.1f s, loss %.4f, accuracy %.4f%n",
                arrays ? "arrays" : "generator", samples, samples * (double) SIDE * SIDE * 4 / mib, seconds,
                logs.get("loss"), logs.get("accuracy"));
        System.out.printf(Locale.ROOT, "heap: -Xmx %.0f MiB, before training %.1f MiB, largest in use after a"
                + " collection %.1f MiB, sum of the pools' peaks %.1f MiB%n", Runtime.getRuntime().maxMemory() / mib,
                baseline / mib, liveAfterGc.get() / mib, poolPeaks / mib);
    }

    private static Map<String, Double> last(Map<String, java.util.List<Double>> history) {
        return Map.of("loss", history.get("loss").get(0), "accuracy", history.get("accuracy").get(0));
    }

    /** N pictures made one at a time, each a new tensor, as a reader of files or a simulator would. */
    private static Iterator<Dataset.Element> generator(int samples) {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < samples;
            }

            @Override
            public Dataset.Element next() {
                float[] x = new float[SIDE * SIDE];
                int label = picture(i++, x, 0);
                return Dataset.Element.of(Tensor.of(x, SIDE, SIDE, 1), label);
            }
        };
    }

    /** Picture {@code i}: noise, and a bright 6x6 square whose place is the class; returns the class. */
    private static int picture(int i, float[] out, int offset) {
        SplittableRandom random = new SplittableRandom(i);
        int label = random.nextInt(10);
        int top = 3 + (label / 5) * 12;
        int left = 1 + (label % 5) * 5;
        for (int p = 0; p < SIDE * SIDE; p++) {
            int y = p / SIDE;
            int x = p % SIDE;
            boolean square = y >= top && y < top + 6 && x >= left && x < left + 6;
            out[offset + p] = (float) (random.nextDouble() * 0.3 + (square ? 0.7 : 0));
        }
        return label;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The largest heap in use after any collection from now on. */
    private static AtomicLong watchCollections() {
        AtomicLong max = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (isHeap(pool.getKey())) {
                        used += pool.getValue().getUsed();
                    }
                }
                max.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        return max;
    }

    private static boolean isHeap(String poolName) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals(poolName)) {
                return pool.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }
}
