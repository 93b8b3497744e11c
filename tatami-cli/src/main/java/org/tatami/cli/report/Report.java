package org.tatami.cli.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tatami.models.History;

/**
 * Everything {@link HtmlReport} puts on the page of a training run. File names are relative to the
 * run folder, '/'-separated.
 *
 * @param title  the page heading
 * @param summary  the model summary table ({@code model.summary()}), shown as preformatted text
 * @param settings  the run's settings in display order (epochs, batch size, optimizer, ...)
 * @param finalMetrics  the figures after training in display order (loss, accuracy, val_loss, ...)
 * @param wallSeconds  training time
 * @param samplesPerSecond  training throughput
 * @param history  the per-epoch figures
 * @param pictures  the pictures of the run
 * @param featureMapsDir  the folder {@link FeatureMaps#write} wrote into; null if there are no feature maps
 * @param featureMaps  what {@link FeatureMaps#write} returned; empty if there are none
 */
public record Report(String title, String summary, Map<String, Object> settings, Map<String, Double> finalMetrics,
                     double wallSeconds, double samplesPerSecond, History history, Pictures pictures,
                     String featureMapsDir, List<FeatureMaps.LayerOutput> featureMaps) {

    /**
     * The pictures' file names, each null when the run did not produce it (its section is then left out).
     *
     * @param loss  {@link HistoryPlot} of loss and val_loss
     * @param accuracy  {@link HistoryPlot} of accuracy and val_accuracy
     * @param model  {@link ModelDiagram}, SVG or PNG
     * @param confusionMatrix  {@link ConfusionMatrix#writePng}
     * @param misclassified  {@link DigitGrid#writeMisclassified}
     */
    public record Pictures(String loss, String accuracy, String model, String confusionMatrix, String misclassified) {
    }

    public Report {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(pictures, "pictures");
        // Copies that keep the caller's order, which is the order on the page; settings may hold nulls.
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(settings, "settings")));
        finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(finalMetrics, "finalMetrics")));
        featureMaps = List.copyOf(Objects.requireNonNull(featureMaps, "featureMaps"));
        if (featureMapsDir == null && featureMaps.stream().anyMatch(m -> !m.files().isEmpty())) {
            throw new IllegalArgumentException("featureMapsDir is needed to link the feature map pictures");
        }
    }
}
