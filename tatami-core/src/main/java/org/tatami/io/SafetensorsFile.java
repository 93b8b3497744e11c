package org.tatami.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.tatami.tensor.Tensor;

/**
 * The content of a safetensors file.
 *
 * @param tensors the tensors by name, in the order of their data in the file
 * @param metadata the string pairs of the header's {@code __metadata__} entry, empty if it has none
 */
public record SafetensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
    public SafetensorsFile {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
    }
}
