package org.tatami.optimizers;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Updates parameters from their gradients, one step per batch, as Keras 3's optimizers. State (momenta)
 * is kept per parameter array. Each step, as Keras's {@code apply}: the learning rate is taken (a
 * schedule's value at {@link #iterations()}), the gradients are clipped ({@code clipnorm},
 * {@code global_clipnorm} or {@code clipvalue}), the parameters decay ({@code weight_decay}), the
 * optimizer's own rule moves them, with {@code use_ema} their moving average follows, and the step count
 * goes up by one.
 */
public abstract class Optimizer {
    private float learningRate;
    /** Replaces {@link #learningRate} when set. */
    private LearningRateSchedule schedule;
    private Float weightDecay;
    private Float clipnorm;
    private Float clipvalue;
    private Float globalClipnorm;
    private boolean useEma;
    private float emaMomentum = 0.99f;
    private Integer emaOverwriteFrequency;
    private long iterations;
    /** State per parameter array, so that freezing or unfreezing layers between fits keeps each one's. */
    private final Map<float[], float[][]> slots = new IdentityHashMap<>();
    /** With use_ema, each parameter array's moving average (Keras's "average" variables). */
    private final Map<float[], float[]> averages = new IdentityHashMap<>();

    protected Optimizer(float learningRate) {
        setLearningRate(learningRate);
    }

    /** The learning rate of the next update: the schedule's value at {@link #iterations()}, or the set rate. */
    public float learningRate() {
        return schedule != null ? schedule.call(iterations) : learningRate;
    }

    /** The learning rate schedule, or null when the rate is a number. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Sets a fixed learning rate; as in Keras, an optimizer made with a schedule refuses one. */
    public void setLearningRate(float rate) {
        if (schedule != null) {
            throw new IllegalStateException("This optimizer was created with a LearningRateSchedule ("
                    + schedule.className() + ") as its learning rate, hence its learning rate is not settable;"
                    + " create it with a number as learning rate to change the rate during training");
        }
        if (!(rate > 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + rate);
        }
        this.learningRate = rate;
    }

    /** Uses a schedule, evaluated at the step count before each update, as Keras's {@code learning_rate}. */
    public void setLearningRate(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /** Steps taken so far. */
    public long iterations() {
        return iterations;
    }

    /** Sets the step count, as a checkpoint restores it: schedules and bias corrections go on from there. */
    public void setIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
        this.iterations = iterations;
    }

    /** Keras's {@code weight_decay}: before each update, {@code p -= p * weight_decay * learning_rate}. */
    public Optimizer weightDecay(double decay) {
        this.weightDecay = finite("weight_decay", decay);
        return this;
    }

    /** Keras's {@code clipnorm}: each gradient array is scaled down to an L2 norm of at most this. */
    public Optimizer clipnorm(double norm) {
        this.clipnorm = clipOption("clipnorm", norm);
        return this;
    }

    /** Keras's {@code global_clipnorm}: all gradients together are scaled down to an L2 norm of at most this. */
    public Optimizer globalClipnorm(double norm) {
        this.globalClipnorm = clipOption("global_clipnorm", norm);
        return this;
    }

    /** Keras's {@code clipvalue}: each gradient value is clipped to {@code [-clipvalue, clipvalue]}. */
    public Optimizer clipvalue(double value) {
        this.clipvalue = clipOption("clipvalue", value);
        return this;
    }

    /**
     * Keras's {@code use_ema}: keeps an exponential moving average of the weights, which {@code fit} puts in
     * place of the weights when it ends ({@link #finalizeVariableValues}).
     */
    public Optimizer useEma(boolean on) {
        this.useEma = on;
        return this;
    }

    /** Keras's {@code ema_momentum}, 0.99 by default: {@code average = momentum * average + (1 - momentum) * weight}. */
    public Optimizer emaMomentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("`ema_momentum` must be in the range [0, 1]. Received: ema_momentum="
                    + momentum);
        }
        this.emaMomentum = (float) momentum;
        return this;
    }

    /**
     * Keras's {@code ema_overwrite_frequency}: every this many steps the weights are replaced by their
     * moving average; null (the default) only at the end of {@code fit}.
     */
    public Optimizer emaOverwriteFrequency(Integer steps) {
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("`ema_overwrite_frequency` must be an integer >= 1 or None. Received:"
                    + " ema_overwrite_frequency=" + steps);
        }
        this.emaOverwriteFrequency = steps;
        return this;
    }

    public boolean useEma() {
        return useEma;
    }

    public float emaMomentum() {
        return emaMomentum;
    }

    public Integer emaOverwriteFrequency() {
        return emaOverwriteFrequency;
    }

    /** Null when not set, as Keras's None. */
    public Float weightDecay() {
        return weightDecay;
    }

    public Float clipnorm() {
        return clipnorm;
    }

    public Float globalClipnorm() {
        return globalClipnorm;
    }

    public Float clipvalue() {
        return clipvalue;
    }

    private static Float finite(String what, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(what + " must be a number >= 0, got " + value);
        }
        return (float) value;
    }

    private Float clipOption(String what, double value) {
        Float v = finite(what, value);
        oneClip(what.equals("clipnorm") ? v : clipnorm, what.equals("clipvalue") ? v : clipvalue,
                what.equals("global_clipnorm") ? v : globalClipnorm);
        return v;
    }

    private static void oneClip(Float clipnorm, Float clipvalue, Float globalClipnorm) {
        if ((clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0) + (globalClipnorm != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set."
                    + " Received: clipnorm=" + clipnorm + ", clipvalue=" + clipvalue + ", global_clipnorm="
                    + globalClipnorm);
        }
    }

    /**
     * One update: {@code params.get(i)} moves along {@code grads.get(i)}. Clipping scales the gradient
     * arrays in place.
     */
    public void apply(List<float[]> params, List<float[]> grads) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        float lr = learningRate();
        clip(grads);
        if (weightDecay != null) {
            float wd = weightDecay;
            for (float[] p : params) {
                for (int i = 0; i < p.length; i++) {
                    p[i] -= p[i] * wd * lr;
                }
            }
        }
        long step = iterations + 1;
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i);
            update(p, grads.get(i), slots.computeIfAbsent(p, k -> newSlots(k.length)), lr, step);
        }
        if (useEma) {
            updateAverages(params);
            if (emaOverwriteFrequency != null && step % emaOverwriteFrequency == 0) {
                finalizeVariableValues(params);
            }
        }
        iterations = step;
    }

    /** Keras's moving average: at the first step the weights themselves (momentum 0), then the blend. */
    private void updateAverages(List<float[]> params) {
        float momentum = iterations == 0 ? 0f : emaMomentum;
        float rest = 1 - momentum;
        for (float[] p : params) {
            float[] average = averages.computeIfAbsent(p, k -> new float[k.length]);
            for (int i = 0; i < p.length; i++) {
                average[i] = momentum * average[i] + rest * p[i];
            }
        }
    }

    /**
     * Keras's {@code finalize_variable_values}: with use_ema, the weights become their moving averages
     * ({@code fit} calls it when it ends); without, nothing happens.
     */
    public void finalizeVariableValues(List<float[]> params) {
        if (!useEma) {
            return;
        }
        for (float[] p : params) {
            float[] average = averages.get(p);
            if (average != null) {
                System.arraycopy(average, 0, p, 0, p.length);
            }
        }
    }

    /** Keras's {@code _clip_gradients}: at most one of the three is set. */
    private void clip(List<float[]> grads) {
        if (clipnorm != null && clipnorm > 0) {
            for (float[] g : grads) {
                scale(g, clipnorm, Math.sqrt(sumOfSquares(g)));
            }
        } else if (globalClipnorm != null && globalClipnorm > 0) {
            double sum = 0;
            for (float[] g : grads) {
                sum += sumOfSquares(g);
            }
            double norm = Math.sqrt(sum);
            for (float[] g : grads) {
                scale(g, globalClipnorm, norm);
            }
        } else if (clipvalue != null && clipvalue > 0) {
            float v = clipvalue;
            for (float[] g : grads) {
                for (int i = 0; i < g.length; i++) {
                    g[i] = Math.max(-v, Math.min(v, g[i]));
                }
            }
        }
    }

    private static double sumOfSquares(float[] g) {
        double sum = 0;
        for (float x : g) {
            sum += (double) x * x;
        }
        return sum;
    }

    /** {@code g * max_norm / max(norm, max_norm)}; a NaN or infinite norm spreads as in Keras. */
    private static void scale(float[] g, float maxNorm, double norm) {
        if (norm <= maxNorm) {
            return;
        }
        float s = (float) (maxNorm / Math.max(norm, maxNorm));
        for (int i = 0; i < g.length; i++) {
            g[i] *= s;
        }
    }

    /** Keras's names of the per-parameter state arrays, in order: {@code momentum}, {@code velocity}, ... */
    public abstract List<String> slotNames();

    /** Per-parameter state arrays, zero at the start. */
    protected float[][] newSlots(int size) {
        return new float[slotNames().size()][size];
    }

    /** Updates {@code param} in place with learning rate {@code lr}; {@code step} counts from 1. */
    protected abstract void update(float[] param, float[] grad, float[][] state, float lr, long step);

    /** The names of {@link #state} arrays: the slots, then {@code average} with use_ema. */
    public List<String> stateNames() {
        List<String> names = new ArrayList<>(slotNames());
        if (useEma) {
            names.add("average");
        }
        return names;
    }

    /**
     * A copy of the state of {@code param}, one array per {@link #stateNames()} (the slots, then the moving
     * average with use_ema), or null before its first update.
     */
    public float[][] state(float[] param) {
        float[][] s = slots.get(param);
        if (s == null) {
            return null;
        }
        float[][] copy = new float[stateNames().size()][];
        for (int i = 0; i < s.length; i++) {
            copy[i] = s[i].clone();
        }
        if (useEma) {
            float[] average = averages.get(param);
            copy[s.length] = average == null ? new float[param.length] : average.clone();
        }
        return copy;
    }

    /** Sets the state of {@code param}, as a checkpoint restores it: one array per {@link #stateNames()}, each its size. */
    public void setState(float[] param, float[][] state) {
        List<String> names = stateNames();
        if (state.length != names.size()) {
            throw new IllegalArgumentException(className() + " keeps " + names + " per parameter, got "
                    + state.length + " array(s)");
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i].length != param.length) {
                throw new IllegalArgumentException(names.get(i) + " has " + state[i].length
                        + " values for a parameter of " + param.length);
            }
        }
        int own = slotNames().size();
        float[][] s = new float[own][];
        for (int i = 0; i < own; i++) {
            s[i] = state[i].clone();
        }
        slots.put(param, s);
        if (useEma) {
            averages.put(param, state[own].clone());
        }
    }

    /** Keras's class name: {@code Adam}, {@code SGD}, {@code RMSprop}, ... */
    public abstract String className();

    /** Keras's default {@code name}: the class name in lower case (SGD keeps its capitals). */
    protected String name() {
        return className().toLowerCase(Locale.ROOT);
    }

    /** Keras's config of this optimizer: the base optimizer's keys, then the class's own. */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("learning_rate", schedule != null ? schedule.serialize() : decimal(learningRate));
        c.put("weight_decay", decimal(weightDecay));
        c.put("clipnorm", decimal(clipnorm));
        c.put("global_clipnorm", decimal(globalClipnorm));
        c.put("clipvalue", decimal(clipvalue));
        c.put("use_ema", useEma);
        c.put("ema_momentum", decimal(emaMomentum));
        c.put("ema_overwrite_frequency", emaOverwriteFrequency);
        c.put("loss_scale_factor", null);
        c.put("gradient_accumulation_steps", null);
        return c;
    }

    /** A float as the shortest decimal that reads back to it: 0.01, not 0.009999999776482582. */
    protected static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    private static Double decimal(Float value) {
        return value == null ? null : decimal((float) value);
    }

    /**
     * An optimizer from Keras's class name and config (as {@link #config()} writes it, or Keras 3's
     * {@code get_config()}). An option tatami does not implement is an error naming it.
     */
    public static Optimizer fromConfig(String className, Fields config) {
        Optimizer o = switch (className) {
            case "Adam" -> Adam.fromConfig(config, false);
            case "AdamW" -> Adam.fromConfig(config, true);
            case "SGD" -> SGD.fromConfig(config);
            case "RMSprop" -> RMSprop.fromConfig(config);
            case "Nadam" -> Nadam.fromConfig(config);
            case "Adamax" -> Adamax.fromConfig(config);
            case "Adagrad" -> Adagrad.fromConfig(config);
            case "Adadelta" -> Adadelta.fromConfig(config);
            default -> throw new ModelConfigException(config.where() + ": unknown optimizer '" + className
                    + "': expected one of " + NAMES);
        };
        o.readBaseConfig(config);
        config.finish();
        return o;
    }

    private void readBaseConfig(Fields c) {
        // The name only labels the optimizer (Keras's name scope): checked, then not kept.
        c.string("name", name());
        if (c.has("learning_rate") && c.take("learning_rate").isJsonObject()) {
            setLearningRate(LearningRateSchedule.deserialize(c.object("learning_rate")));
        } else {
            setLearningRate((float) c.number("learning_rate", learningRate));
        }
        weightDecay = optional(c, "weight_decay");
        if (weightDecay == null && this instanceof AdamW) {
            throw c.invalid("weight_decay", "a number for AdamW");
        }
        clipnorm = optional(c, "clipnorm");
        clipvalue = optional(c, "clipvalue");
        globalClipnorm = optional(c, "global_clipnorm");
        oneClip(clipnorm, clipvalue, globalClipnorm);
        useEma(c.bool("use_ema", false));
        emaMomentum(c.number("ema_momentum", 0.99));
        emaOverwriteFrequency(c.isNull("ema_overwrite_frequency") ? null : c.integer("ema_overwrite_frequency"));
        c.take("ema_overwrite_frequency");
        c.expectNull("loss_scale_factor", "tatami trains in float32, without loss scaling");
        c.expectNull("gradient_accumulation_steps", "tatami updates after every batch");
    }

    private static Float optional(Fields c, String key) {
        Float v = c.isNull(key) ? null : finite(key, c.number(key));
        c.take(key);
        return v;
    }

    private static final String NAMES = "Adam, AdamW, SGD, RMSprop, Nadam, Adamax, Adagrad, Adadelta";

    /** The optimizers Keras names by string, with Keras's default settings. */
    public static Optimizer of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adam" -> new Adam();
            case "adamw" -> new AdamW();
            case "sgd" -> new SGD();
            case "rmsprop" -> new RMSprop();
            case "nadam" -> new Nadam();
            case "adamax" -> new Adamax();
            case "adagrad" -> new Adagrad();
            case "adadelta" -> new Adadelta();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name
                    + "': expected one of " + NAMES.toLowerCase(Locale.ROOT));
        };
    }
}
