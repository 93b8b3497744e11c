package org.tatami.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.initializers.Initializer;
import org.tatami.initializers.RandomUniform;
import org.tatami.tensor.Shape;

/**
 * Maps integer ids in [0, input_dim) to rows of a trainable (input_dim, output_dim) matrix, as Keras's
 * Embedding: input (..., ) of ids, output (..., output_dim). The ids arrive as floats and are truncated
 * to integers, as Keras casts them to int32; an id outside the table is an error, not a silent row.
 * The ids get no gradient (their derivative is zero wherever it exists).
 */
public final class Embedding extends ChainedLayer<Embedding> {
    private final int inputDim;
    private final int outputDim;
    private Initializer embeddingsInitializer = new RandomUniform();
    private Parameter embeddings;
    private int ids;

    public Embedding(int inputDim, int outputDim) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("Embedding input_dim and output_dim must be positive, got input_dim="
                    + inputDim + ", output_dim=" + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    public Embedding embeddingsInitializer(String name) {
        return embeddingsInitializer(Initializer.of(name));
    }

    public Embedding embeddingsInitializer(Initializer init) {
        if (isBuilt()) {
            throw new IllegalStateException(name() + " is already built: set its options before building it");
        }
        this.embeddingsInitializer = init;
        return this;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Embedding fromConfig(Fields c) {
        Embedding e = new Embedding(c.integer("input_dim"), c.integer("output_dim"))
                .embeddingsInitializer(KerasValues.initializer(c, "embeddings_initializer", new RandomUniform()));
        c.expectNull("embeddings_regularizer", "tatami has no weight regularizers");
        c.expectNull("embeddings_constraint", "tatami has no weight constraints");
        if (c.bool("mask_zero", false)) {
            throw c.unsupported("mask_zero", "tatami has no masks");
        }
        c.expectNull("lora_rank", "tatami has no LoRA");
        // Keras 2's input_length only restates the input shape, which the model's input gives.
        c.take("input_length");
        return e;
    }

    @Override
    public String className() {
        return "Embedding";
    }

    @Override
    protected String baseName() {
        return "embedding";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        ids = Shape.size(in);
        int[] out = Arrays.copyOf(in, in.length + 1);
        out[in.length] = outputDim;
        return out;
    }

    @Override
    protected void createParameters(SplittableRandom random) {
        embeddings = addParameter("embeddings", new int[] {inputDim, outputDim}, embeddingsInitializer, random);
    }

    private int row(float id) {
        int i = (int) id;
        if (i < 0 || i >= inputDim || Float.isNaN(id)) {
            throw new IllegalArgumentException(name() + " (Embedding): id " + id + " is outside [0, " + inputDim
                    + "), the input_dim");
        }
        return i;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        float[] table = embeddings.value().data();
        for (int i = 0; i < n * ids; i++) {
            System.arraycopy(table, row(x[i]) * outputDim, y, i * outputDim, outputDim);
        }
    }

    /** Each id's row of the gradient is the sum of dy over the positions holding that id, in order. */
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        float[] g = grads[0];
        Arrays.fill(g, 0f);
        for (int i = 0; i < n * ids; i++) {
            int o = row(x[i]) * outputDim;
            int d = i * outputDim;
            for (int j = 0; j < outputDim; j++) {
                g[o + j] += dy[d + j];
            }
        }
        if (dx != null) {
            Arrays.fill(dx, 0, n * ids, 0f);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("input_dim", inputDim);
        c.put("output_dim", outputDim);
        c.put("embeddings_initializer", initializerConfig(embeddingsInitializer));
        c.put("embeddings_regularizer", null);
        c.put("activity_regularizer", null);
        c.put("embeddings_constraint", null);
        c.put("mask_zero", false);
        return c;
    }
}
