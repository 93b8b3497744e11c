package org.tatami.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.Tatami;
import org.tatami.callbacks.Callback;
import org.tatami.data.FashionMnist;
import org.tatami.data.Mnist;
import org.tatami.kernels.Simd;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.ModelZoo;
import org.tatami.models.Model;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.schedules.CosineDecay;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * Trains a workload on the bundled MNIST (Fashion-MNIST for {@code fashion}) and measures it as the peers
 * do, so that the figures compare line by line: a line per epoch (seconds, train part, validation part, loss,
 * accuracy, and how busy the machine was), then inference throughput and latency, and a final line
 * {@code JSON {...}}.
 *
 * <ul>
 *   <li>{@code seed}: Conv2D(3,3x3,relu) > MaxPool2D(2) > Flatten > Dense(100,relu) > Dense(10,softmax),
 *       Adam(0.01), batch 4096, validation on the 10k test images after every epoch;</li>
 *   <li>{@code convnet}: Conv2D(32,3,relu) > MaxPool2D(2) > Conv2D(64,3,relu) > MaxPool2D(2) > Flatten >
 *       Dropout(0.5) > Dense(10,softmax), Adam(0.001), batch 128, the same validation;</li>
 *   <li>{@code resnet}: {@code ModelZoo.resnet()}, a graph of three residual blocks with
 *       BatchNormalization, Adam(0.001), batch 128, the same validation;</li>
 *   <li>{@code fashion}: {@code ModelZoo.fashionResnet()} (random flips and shifts in front of a
 *       ResNet of the same blocks, wider, flattened into Dense(128)) on Fashion-MNIST, Adam with CosineDecay(0.002, epochs x steps per epoch), batch 128,
 *       validation_split 0.1 (trains on the first 54,000 images, validates on the last 6,000), as the
 *       FashionResNet example trains it;</li>
 *   <li>{@code inference}: the seed model trained for {@code --epochs} epochs (1 by default; 0 keeps the
 *       initial weights), then only the inference figures.</li>
 * </ul>
 */
public final class EndToEnd {
    private static final String USAGE = "usage: EndToEnd [--workload seed|convnet|resnet|fashion|inference]"
            + " [--epochs N] [--threads T] [--seed S]";
    /** The fashion workload's validation_split, as the FashionResNet example's. */
    private static final double VALIDATION_SPLIT = 0.1;
    private static final int INFER_BATCH = 1000;
    // Passes over the test set before the timed ones, at least this many and for at least this long: the
    // JIT compiles the inference path (which skips what training keeps for backward) only after some
    // dozens of batches. 2 passes measured it half compiled, 20% below its steady rate; after one epoch
    // of training at 8 lanes, passes ran at half the steady rate for up to 20 passes (0.7 s), so 10
    // passes were sometimes not enough. The peers' single warm-up pass is all they need.
    private static final int INFER_WARMUP_PASSES = 10;
    private static final long INFER_WARMUP_NANOS = 3_000_000_000L;
    private static final int INFER_PASSES = 3;
    // The JIT needs more calls than the peers' 100 before single-image inference runs compiled code.
    private static final int LATENCY_WARMUP = 2000;
    private static final int LATENCY_CALLS = 1000;

    private EndToEnd() {
    }

    record Options(String workload, int epochs, int threads, long seed) {
        static Options parse(String[] args) {
            String workload = "seed";
            Integer epochs = null;
            int threads = Runtime.getRuntime().availableProcessors();
            long seed = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a + "; " + USAGE);
                }
                String v = args[++i];
                switch (a) {
                    case "--workload" -> workload = v;
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown argument " + a + "; " + USAGE);
                }
            }
            if (!List.of("seed", "convnet", "resnet", "fashion", "inference").contains(workload)) {
                throw new IllegalArgumentException("unknown workload " + workload + "; " + USAGE);
            }
            int n = epochs != null ? epochs : workload.equals("seed") ? 3 : 1;
            if (n < (workload.equals("inference") ? 0 : 1) || threads < 1) {
                throw new IllegalArgumentException("epochs and threads out of range; " + USAGE);
            }
            return new Options(workload, n, threads, seed);
        }
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Tatami.setThreads(o.threads());
        Tatami.setRandomSeed(o.seed());
        System.out.printf(Locale.ROOT, "%s | %s | simd lanes %d | threads %d of %d processors | max heap %.0f MiB%n",
                Env.jdk(), Env.cpu(), Simd.lanes(), o.threads(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));

        long t0 = System.nanoTime();
        boolean fashion = o.workload().equals("fashion");
        Dataset data = fashion ? Dataset.fashionMnist() : Dataset.mnist();
        Tensor xTrain = data.xTrain();
        IntTensor yTrain = data.yTrain();
        Tensor xTest = data.xTest();
        IntTensor yTest = data.yTest();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        // fit's validation_split keeps the first floor(n (1 - split)) samples for training, as Keras does.
        int trainSamples = fashion ? (int) Math.floor(xTrain.shape(0) * (1.0 - VALIDATION_SPLIT)) : xTrain.shape(0);
        System.out.printf(Locale.ROOT, "data: train %dx28x28x1%s, test 10000x28x28x1, loaded in %.2fs%n", trainSamples,
                fashion ? ", validation the last " + (xTrain.shape(0) - trainSamples) : "", loadSeconds);

        boolean convnet = o.workload().equals("convnet");
        boolean resnet = o.workload().equals("resnet");
        Model model = model(o.workload());
        int expectedParams = convnet ? 34_826 : resnet ? 52_490 : fashion ? 391_946 : 51_840;
        if (model.countParams() != expectedParams) {
            throw new IllegalStateException("the " + o.workload() + " model has " + model.countParams()
                    + " parameters, the peers' model has " + expectedParams);
        }
        int batch = convnet || resnet || fashion ? 128 : 4096;
        double steps = (double) o.epochs() * Math.ceil((double) trainSamples / batch);
        Adam adam = fashion ? new Adam(new CosineDecay(2e-3, steps)) : new Adam(convnet || resnet ? 1e-3 : 0.01);
        model.compile(adam, new SparseCategoricalCrossentropy(), "accuracy");
        boolean inferenceOnly = o.workload().equals("inference");

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", o.workload());
        out.put("epochs", o.epochs());
        out.put("batch_size", batch);
        out.put("params", model.countParams());
        out.put("threads", o.threads());
        out.put("jdk", Env.jdk());
        out.put("cpu", Env.cpu());
        out.put("simd_lanes", Simd.lanes());

        EpochTimer timer = new EpochTimer(o.epochs());
        FitOptions fit = new FitOptions().batchSize(batch).epochs(o.epochs()).verbose(0).callbacks(timer);
        if (!inferenceOnly) {
            if (fashion) {
                fit.validationSplit(VALIDATION_SPLIT);
            } else {
                fit.validationData(xTest, yTest);
            }
            System.out.println("epoch seconds train_s val_s loss acc val_loss val_acc");
        }
        model.fit(xTrain, yTrain, fit);
        if (inferenceOnly) {
            Map<String, Double> val = model.evaluate(xTest, yTest);
            out.put("val_loss", Env.round(val.get("loss"), 4));
            out.put("val_accuracy", Env.round(val.get("accuracy"), 4));
        } else {
            double perEpoch = medianAfterFirst(timer.epochSeconds);
            out.put("seconds_per_epoch", Env.round(perEpoch, 3));
            out.put("seconds_per_epoch_note", "median over the epochs after the first (the only one if just one);"
                    + " train + validation, data loading excluded");
            out.put("train_samples_per_second", Env.round(trainSamples / medianAfterFirst(timer.trainSeconds), 1));
            out.put("epoch_seconds_all", rounded(timer.epochSeconds, 3));
            out.put("train_seconds_all", rounded(timer.trainSeconds, 3));
            out.put("other_processes_cores_per_epoch", rounded(timer.others, 2));
            Map<String, Double> last = timer.lastLogs;
            out.put("loss", Env.round(last.get("loss"), 4));
            out.put("accuracy", Env.round(last.get("accuracy"), 4));
            out.put("val_loss", Env.round(last.get("val_loss"), 4));
            out.put("val_accuracy", Env.round(last.get("val_accuracy"), 4));
        }

        CpuProbe probe = new CpuProbe();
        out.putAll(inference(model, xTest));
        out.put("other_processes_cores_during_inference", Env.round(probe.lap().others(), 2));
        out.put("peak_heap_mib", Env.round(Env.peakHeapMib(), 1));
        out.put("heap_committed_mib", Env.round(Env.heapCommittedMib(), 1));
        out.put("peak_rss_mib", Env.peakRssMib() == null ? null : Env.round(Env.peakRssMib(), 1));
        out.put("data_load_seconds", Env.round(loadSeconds, 3));
        System.out.println("JSON " + Env.json(out));
    }

    /**
     * MNIST or Fashion-MNIST as the seed tutorial prepares it: images (N, 28, 28, 1) in [0, 1], scaled in
     * place. Only this float copy of the images outlives loading, as in the peers, so that peak memory
     * compares.
     */
    private record Dataset(Tensor xTrain, IntTensor yTrain, Tensor xTest, IntTensor yTest) {
        static Dataset mnist() throws java.io.IOException {
            return of(Mnist.load());
        }

        /** From Debian's dataset-fashion-mnist, or the folder {@code -Dtatami.fashionMnist} names. */
        static Dataset fashionMnist() throws java.io.IOException {
            return of(FashionMnist.load());
        }

        private static Dataset of(Mnist.Data data) {
            return new Dataset(scaled(data.train()), data.train().labels(), scaled(data.test()), data.test().labels());
        }

        private static Tensor scaled(Mnist.Split split) {
            return split.images().reshape(split.images().shape(0), 28, 28, 1).divInPlace(255f);
        }
    }

    /** The workload's model: the seed's for seed and inference. */
    static Model model(String workload) {
        return switch (workload) {
            case "convnet" -> ModelZoo.mnistConvnet();
            case "resnet" -> ModelZoo.resnet();
            case "fashion" -> ModelZoo.fashionResnet();
            default -> ModelZoo.seedCnn();
        };
    }

    /**
     * Throughput (images/s, best of {@value #INFER_PASSES} passes over the test set in batches of
     * {@value #INFER_BATCH}, after at least {@value #INFER_WARMUP_PASSES} warm-up passes and 3 s of them)
     * and single-image latency (median, p10 and p90 of {@value #LATENCY_CALLS} calls of predict on a
     * (1, 28, 28, 1) tensor), as the peers measure them.
     */
    private static Map<String, Object> inference(Model model, Tensor x) {
        int n = x.shape(0);
        List<Tensor> batches = new ArrayList<>();
        for (int i = 0; i < n; i += INFER_BATCH) {
            batches.add(x.slice(i, Math.min(n, i + INFER_BATCH)));
        }
        long warmUpStart = System.nanoTime();
        for (int p = 0; p < INFER_WARMUP_PASSES || System.nanoTime() - warmUpStart < INFER_WARMUP_NANOS; p++) {
            batches.forEach(model::predict);
        }
        List<Double> passes = new ArrayList<>();
        for (int p = 0; p < INFER_PASSES; p++) {
            long t0 = System.nanoTime();
            batches.forEach(model::predict);
            passes.add((System.nanoTime() - t0) / 1e9);
        }
        Tensor one = x.slice(0, 1);
        for (int i = 0; i < LATENCY_WARMUP; i++) {
            model.predict(one);
        }
        long[] ns = new long[LATENCY_CALLS];
        for (int i = 0; i < LATENCY_CALLS; i++) {
            long t0 = System.nanoTime();
            model.predict(one);
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("infer_batch", INFER_BATCH);
        out.put("infer_images", n);
        out.put("infer_pass_seconds_all", rounded(passes, 4));
        out.put("inference_images_per_second", Env.round(n / passes.stream().min(Double::compare).orElseThrow(), 1));
        out.put("latency_single_image_median_us", Env.round(ns[LATENCY_CALLS / 2] / 1e3, 1));
        out.put("latency_single_image_p10_us", Env.round(ns[LATENCY_CALLS / 10] / 1e3, 1));
        out.put("latency_single_image_p90_us", Env.round(ns[LATENCY_CALLS * 9 / 10] / 1e3, 1));
        out.put("latency_calls", LATENCY_CALLS);
        return out;
    }

    /** The median of the epochs after the first, which pays for the JIT; the first if there is no other. */
    static double medianAfterFirst(List<Double> values) {
        List<Double> v = new ArrayList<>(values.size() > 1 ? values.subList(1, values.size()) : values);
        v.sort(Double::compare);
        int m = v.size() / 2;
        return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
    }

    private static List<Double> rounded(List<Double> values, int digits) {
        return values.stream().map(v -> Env.round(v, digits)).toList();
    }

    /** Times each epoch's training and validation parts from fit's callbacks, and prints the epoch's line. */
    private static final class EpochTimer implements Callback {
        private final int epochs;
        final List<Double> epochSeconds = new ArrayList<>();
        final List<Double> trainSeconds = new ArrayList<>();
        final List<Double> others = new ArrayList<>();
        Map<String, Double> lastLogs = Map.of();
        private int steps;
        private long start;
        private long trainEnd;
        private CpuProbe probe;

        EpochTimer(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void onTrainBegin(int epochCount, int stepsPerEpoch, int samples) {
            steps = stepsPerEpoch;
            probe = new CpuProbe();
        }

        @Override
        public void onEpochBegin(int epoch) {
            start = System.nanoTime();
        }

        @Override
        public void onBatchEnd(int step, Map<String, Double> logs) {
            if (step == steps) {
                trainEnd = System.nanoTime();
            }
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            long end = System.nanoTime();
            double total = (end - start) / 1e9;
            double train = (trainEnd - start) / 1e9;
            CpuProbe.Lap lap = probe.lap();
            epochSeconds.add(total);
            trainSeconds.add(train);
            others.add(lap.others());
            lastLogs = Map.copyOf(logs);
            String val = logs.containsKey("val_loss") ? String.format(Locale.ROOT, " val_loss %.4f val_acc %.4f",
                    logs.get("val_loss"), logs.get("val_accuracy")) : "";
            System.out.printf(Locale.ROOT, "epoch %2d/%d %7.3fs train %7.3fs val %6.3fs loss %.4f acc %.4f%s"
                            + " | cpu: own %.2f cores, others %.2f cores%n",
                    epoch + 1, epochs, total, train, total - train, logs.get("loss"), logs.get("accuracy"), val,
                    lap.own(), lap.others());
        }
    }
}
