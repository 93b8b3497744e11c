package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import java.util.List;
import org.tatami.layers.Add;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Input;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.Loss;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.Tensor;

class SummaryTest {
    @Test
    void seedModelSummaryMatchesKeras() {
        Tatami.clearSession();
        Sequential model = SeedModel.create();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String expected = String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #   ",
                "=================================================================",
                "conv2d (Conv2D)              (None, 26, 26, 3)         30        ",
                "_________________________________________________________________",
                "max_pooling2d (MaxPooling2D) (None, 13, 13, 3)         0         ",
                "_________________________________________________________________",
                "flatten (Flatten)            (None, 507)               0         ",
                "_________________________________________________________________",
                "dense (Dense)                (None, 100)               50800     ",
                "_________________________________________________________________",
                "dense_1 (Dense)              (None, 10)                1010      ",
                "=================================================================",
                "Total params: 51,840",
                "Trainable params: 51,840",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                "");
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
        assertEquals(51_840, model.countParams());
    }

    @Test
    void longNamesAreCutAtTheColumnAsKerasDoes() {
        Tatami.clearSession();
        SeedModel.create();
        Sequential second = SeedModel.create();
        String text = Summary.of(second);
        // "max_pooling2d_1 (MaxPooling2D)" is 30 characters: Keras shows the first 28.
        assertEquals(true, text.contains("\nmax_pooling2d_1 (MaxPooling2 (None, 13, 13, 3)"), text);
        assertEquals(true, text.startsWith("Model: \"sequential_1\""), text);
    }

    /*
     * The expected tables of graph models follow Keras 2's print_summary (the releases whose print_row
     * cuts fields instead of wrapping them): a graph that is not a chain gets line length 98 and columns
     * ending at int(98 * p) for p in (.33, .55, .67, 1.0), that is 32, 53, 65 and 98; each field starts
     * where the previous one ends, the last character before it replaced by a space. A layer's row gives
     * its first inbound tensor as name[node index][tensor index]; every further inbound tensor, of every
     * node of the layer in this model, gets a row of its own with only the Connected to field. An
     * InputLayer's output shape is a list, [(None, 6, 6, 1)], and it has no connections. Layers come in
     * Keras's model.layers order, which for these graphs is the order of model.layers().
     */

    private static String summaryOf(Model model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** A residual connection: the Add's second input is listed on a row of its own. */
    @Test
    void residualModelShowsWhatEachLayerIsConnectedTo() {
        Tatami.clearSession();
        SymbolicTensor in = Input.of(6, 6, 1);
        SymbolicTensor a = new Conv2D(2, 3).apply(in);
        SymbolicTensor b = new Conv2D(2, 3).padding("same").apply(a);
        SymbolicTensor sum = new Add().apply(b, a);
        SymbolicTensor out = new Dense(3).apply(new Flatten().apply(sum));
        Model model = new Model("residual", List.of(in), List.of(out));
        String expected = String.join("\n",
                "Model: \"residual\"",
                "__________________________________________________________________________________________________",
                "Layer (type)                    Output Shape         Param #     Connected to                     ",
                "==================================================================================================",
                "input_layer (InputLayer)        [(None, 6, 6, 1)]    0                                            ",
                "__________________________________________________________________________________________________",
                "conv2d (Conv2D)                 (None, 4, 4, 2)      20          input_layer[0][0]                ",
                "__________________________________________________________________________________________________",
                "conv2d_1 (Conv2D)               (None, 4, 4, 2)      38          conv2d[0][0]                     ",
                "__________________________________________________________________________________________________",
                "add (Add)                       (None, 4, 4, 2)      0           conv2d_1[0][0]                   ",
                "                                                                 conv2d[0][0]                     ",
                "__________________________________________________________________________________________________",
                "flatten (Flatten)               (None, 32)           0           add[0][0]                        ",
                "__________________________________________________________________________________________________",
                "dense (Dense)                   (None, 3)            99          flatten[0][0]                    ",
                "==================================================================================================",
                "Total params: 157",
                "Trainable params: 157",
                "Non-trainable params: 0",
                "__________________________________________________________________________________________________",
                "");
        assertEquals(expected, summaryOf(model));
    }

    /** Two inputs merged by a Concatenate; a frozen layer's weights count as non-trainable. */
    @Test
    void twoInputModelCountsFrozenWeightsAsNonTrainable() {
        Tatami.clearSession();
        SymbolicTensor image = Input.of("image", 4, 4, 1);
        SymbolicTensor extra = Input.of("extra", 3);
        Dense frozen = new Dense(2);
        frozen.trainable(false);
        SymbolicTensor joined = new Concatenate().apply(new Flatten().apply(image), frozen.apply(extra));
        Model model = new Model("two_inputs", List.of(image, extra), List.of(new Dense(1).apply(joined)));
        String expected = String.join("\n",
                "Model: \"two_inputs\"",
                "__________________________________________________________________________________________________",
                "Layer (type)                    Output Shape         Param #     Connected to                     ",
                "==================================================================================================",
                "image (InputLayer)              [(None, 4, 4, 1)]    0                                            ",
                "__________________________________________________________________________________________________",
                "extra (InputLayer)              [(None, 3)]          0                                            ",
                "__________________________________________________________________________________________________",
                "flatten (Flatten)               (None, 16)           0           image[0][0]                      ",
                "__________________________________________________________________________________________________",
                "dense (Dense)                   (None, 2)            8           extra[0][0]                      ",
                "__________________________________________________________________________________________________",
                "concatenate (Concatenate)       (None, 18)           0           flatten[0][0]                    ",
                "                                                                 dense[0][0]                      ",
                "__________________________________________________________________________________________________",
                "dense_1 (Dense)                 (None, 1)            19          concatenate[0][0]                ",
                "==================================================================================================",
                "Total params: 27",
                "Trainable params: 19",
                "Non-trainable params: 8",
                "__________________________________________________________________________________________________",
                "");
        assertEquals(expected, summaryOf(model));
    }

    /**
     * Shared layers have one row listing the inbound tensors of all their nodes; the n-th application
     * of a layer is its node n, except that a nested Functional model counts from 1 (Keras gives such a
     * model a node of its own when it is built). The nested model is one row with all its weights.
     */
    @Test
    void sharedLayersAndNestedModelsAreListedByNode() {
        Tatami.clearSession();
        SymbolicTensor x = Input.of(4);
        Model encoder = new Model("encoder", List.of(x), List.of(new Dense(3).name("embed").apply(x)));
        SymbolicTensor left = Input.of("left", 4);
        SymbolicTensor right = Input.of("right", 4);
        SymbolicTensor joined = new Concatenate().apply(encoder.apply(left), encoder.apply(right));
        Dense shared = new Dense(6);
        shared.name("shared");
        SymbolicTensor twice = shared.apply(shared.apply(joined));
        SymbolicTensor out = new Dense(1).name("score").apply(twice);
        Model model = new Model("siamese", List.of(left, right), List.of(out));
        String expected = String.join("\n",
                "Model: \"siamese\"",
                "__________________________________________________________________________________________________",
                "Layer (type)                    Output Shape         Param #     Connected to                     ",
                "==================================================================================================",
                "left (InputLayer)               [(None, 4)]          0                                            ",
                "__________________________________________________________________________________________________",
                "right (InputLayer)              [(None, 4)]          0                                            ",
                "__________________________________________________________________________________________________",
                "encoder (Functional)            (None, 3)            15          left[0][0]                       ",
                "                                                                 right[0][0]                      ",
                "__________________________________________________________________________________________________",
                "concatenate (Concatenate)       (None, 6)            0           encoder[1][0]                    ",
                "                                                                 encoder[2][0]                    ",
                "__________________________________________________________________________________________________",
                "shared (Dense)                  (None, 6)            42          concatenate[0][0]                ",
                "                                                                 shared[0][0]                     ",
                "__________________________________________________________________________________________________",
                "score (Dense)                   (None, 1)            7           shared[1][0]                     ",
                "==================================================================================================",
                "Total params: 64",
                "Trainable params: 64",
                "Non-trainable params: 0",
                "__________________________________________________________________________________________________",
                "");
        assertEquals(expected, summaryOf(model));
    }

    /** Keras 2 prints a Functional chain in the short table, its InputLayer included. */
    @Test
    void functionalChainGetsTheShortTable() {
        Tatami.clearSession();
        SymbolicTensor in = Input.of(4);
        Model model = new Model("chain", List.of(in), List.of(new Dense(2).apply(in)));
        String expected = String.join("\n",
                "Model: \"chain\"",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #   ",
                "=================================================================",
                "input_layer (InputLayer)     [(None, 4)]               0         ",
                "_________________________________________________________________",
                "dense (Dense)                (None, 2)                 10        ",
                "=================================================================",
                "Total params: 10",
                "Trainable params: 10",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                "");
        assertEquals(expected, summaryOf(model));
    }

    /** BatchNormalization's moving mean and variance count as non-trainable, as in Keras. */
    @Test
    void movingStatisticsAreNonTrainableParams() {
        Tatami.clearSession();
        Sequential model = new Sequential(new Dense(4).inputShape(3), new BatchNormalization());
        String text = Summary.of(model);
        assertEquals(true, text.contains("\nTotal params: 32\nTrainable params: 24\nNon-trainable params: 8\n"), text);
        assertEquals(24, model.countTrainableParams());
    }

    /**
     * One training step: the optimizer moves the trainable weights only; the moving statistics move
     * by the momentum formula alone, towards the batch's mean 2 and biased variance 2/3.
     */
    @Test
    void trainingMovesStatisticsByMomentumAndTheOptimizerLeavesThemAlone() {
        Tatami.clearSession();
        BatchNormalization bn = new BatchNormalization();
        bn.inputShape(1);
        Sequential model = new Sequential(bn, new Dense(1));
        model.compile(new SGD(0.1), Loss.of("mse"));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        model.fit(x, Tensor.of(new float[] {0, 1, 0}, 3, 1), new FitOptions().epochs(1).batchSize(3).verbose(0));
        assertEquals(0.01f * 2, bn.getWeights().get(2).data()[0], 1e-7f);
        assertEquals(0.99f + 0.01f * (2f / 3), bn.getWeights().get(3).data()[0], 1e-6f);
        float gamma = bn.getWeights().get(0).data()[0];
        assertEquals(true, gamma != 1f, "gamma is trained");
    }
}
