package org.tatami.interop.keras;

import io.jhdf.api.Group;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tatami.layers.Layer;
import org.tatami.layers.Parameter;
import org.tatami.models.Model;
import org.tatami.models.NonFiniteWeightsException;
import org.tatami.tensor.Tensor;

/**
 * Reads Keras's weight layouts into a model whose architecture is already known. Every tensor is
 * read and checked (name, shape, dtype) before any weight of the model is set.
 */
final class KerasWeights {
    private KerasWeights() {
    }

    /**
     * Legacy H5 (Keras 2 and Keras 3's {@code .h5}): {@code group} is {@code model_weights}, or the
     * root of a weights-only file. Layers are listed in {@code layer_names}, each layer's tensors in
     * its group's {@code weight_names}, paths relative to that group (their depth differs between
     * Keras releases).
     */
    static void readLegacy(Group group, Model model, String where)
            throws KerasFormatException, NonFiniteWeightsException {
        Map<String, Layer> byName = new LinkedHashMap<>();
        model.layers().forEach(l -> byName.put(l.name(), l));
        Map<Layer, List<Tensor>> found = new LinkedHashMap<>();
        for (String name : Hdf5.names(group, "layer_names", where)) {
            Group layerGroup = Hdf5.group(group, name, where);
            String at = where + "/" + name;
            if (layerGroup == null) {
                throw new KerasFormatException(at + ": listed in layer_names but missing");
            }
            List<String> weightNames = Hdf5.names(layerGroup, "weight_names", at);
            Layer layer = byName.get(name);
            if (layer == null) {
                if (!weightNames.isEmpty()) {
                    throw new KerasFormatException(at + ": holds weights " + weightNames + " for a layer the model's"
                            + " config does not have");
                }
                continue;
            }
            List<Parameter> params = layer.parameters();
            checkCount(at, layer, weightNames.size(), weightNames);
            List<Tensor> tensors = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                String path = weightNames.get(i);
                // "conv2d/kernel:0" (Keras 2), "kernel" (Keras 3.1), "sequential/conv2d/kernel" (Keras 3.10+).
                String shortName = path.substring(path.lastIndexOf('/') + 1).replaceFirst(":0$", "");
                if (!shortName.equals(params.get(i).name())) {
                    throw new KerasFormatException(at + ": weight " + i + " is '" + path + "', expected "
                            + describe(layer) + "'s " + params.get(i).name());
                }
                tensors.add(Hdf5.floats(layerGroup, path, params.get(i).value().shape(), at));
            }
            found.put(layer, tensors);
        }
        apply(model, found, where);
    }

    /**
     * Keras 3's {@code model.weights.h5}: each layer's tensors at {@code layers/<key>/vars/0..n-1},
     * {@code <key>} being Keras's per-model key for the layer (see {@link KerasKeys}); a nested model's
     * layers under its own group, {@code layers/<key>/layers/<key>/vars}, as Keras writes them.
     */
    static void readKeras3(Group root, Model model, String where)
            throws KerasFormatException, NonFiniteWeightsException {
        Map<Layer, List<Tensor>> found = new LinkedHashMap<>();
        collectKeras3(root, model, where, found);
        apply(model, found, where);
    }

    /** Reads the tensors of {@code model}'s layers from {@code group} (the file's root or a nested model's group). */
    private static void collectKeras3(Group group, Model model, String where, Map<Layer, List<Tensor>> found)
            throws KerasFormatException {
        Group layersGroup = Hdf5.group(group, "layers", where);
        if (layersGroup == null) {
            throw new KerasFormatException(where + ": no group 'layers': not a Keras 3 weights file");
        }
        List<Layer> layers = model.layers();
        List<String> keys = KerasKeys.of(layers);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String at = where + "/layers/" + keys.get(i);
            Group layerGroup = Hdf5.group(layersGroup, keys.get(i), where + "/layers");
            if (layer instanceof Model nested) {
                if (layerGroup == null) {
                    throw new KerasFormatException(at + ": missing: no weights for " + describe(layer));
                }
                collectKeras3(layerGroup, nested, at, found);
                continue;
            }
            Group vars = layerGroup == null ? null : Hdf5.group(layerGroup, "vars", at);
            List<String> names = vars == null ? List.of() : Hdf5.children(vars, at + "/vars");
            List<Parameter> params = layer.parameters();
            checkCount(at + "/vars", layer, names.size(), names);
            String savedName = vars == null ? null : Hdf5.string(vars, "name", at + "/vars");
            if (savedName != null && !savedName.equals(layer.name())) {
                throw new KerasFormatException(at + "/vars: belongs to layer '" + savedName + "', but the config's "
                        + (i + 1) + ". layer is " + describe(layer));
            }
            List<Tensor> tensors = new ArrayList<>();
            for (int j = 0; j < params.size(); j++) {
                tensors.add(Hdf5.floats(vars, String.valueOf(j), params.get(j).value().shape(), at + "/vars"));
            }
            found.put(layer, tensors);
        }
        Set<String> known = new HashSet<>(keys);
        for (String key : Hdf5.children(layersGroup, where + "/layers")) {
            Group extra = Hdf5.group(layersGroup, key, where + "/layers");
            Group vars = extra == null ? null : Hdf5.group(extra, "vars", where + "/layers/" + key);
            if (!known.contains(key) && vars != null && !Hdf5.children(vars, where + "/layers/" + key).isEmpty()) {
                throw new KerasFormatException(where + "/layers/" + key + ": holds weights for a layer the model's"
                        + " config does not have");
            }
        }
    }

    private static void checkCount(String at, Layer layer, int count, List<String> names)
            throws KerasFormatException {
        List<Parameter> params = layer.parameters();
        if (count != params.size()) {
            throw new KerasFormatException(at + ": " + count + " weight tensors " + names + ", but " + describe(layer)
                    + " has " + params.size() + " " + params.stream().map(Parameter::name).toList());
        }
    }

    /**
     * Sets the weights once all are read; a layer with weights that the file lacks is an error, and so are
     * NaN or infinite values.
     */
    private static void apply(Model model, Map<Layer, List<Tensor>> found, String where)
            throws KerasFormatException, NonFiniteWeightsException {
        requireAll(model.layers(), found, where);
        found.forEach(Layer::setWeights);
        model.requireFiniteWeights(where);
    }

    /** Every layer with weights is found, or (a nested model read layer by layer) each of its layers is. */
    private static void requireAll(List<Layer> layers, Map<Layer, List<Tensor>> found, String where)
            throws KerasFormatException {
        for (Layer layer : layers) {
            if (found.containsKey(layer)) {
                continue;
            }
            if (layer instanceof Model nested) {
                requireAll(nested.layers(), found, where);
            } else if (!layer.parameters().isEmpty()) {
                throw new KerasFormatException(where + ": no weights for " + describe(layer));
            }
        }
    }

    static String describe(Layer layer) {
        return "layer '" + layer.name() + "' (" + layer.className() + ")";
    }
}
