package org.tatami.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The Dataset that {@link ImageDirectory} loads, with Keras's attributes {@code class_names} and
 * {@code file_paths}. Its pictures are read from disk as its passes go.
 */
public final class ImageDataset extends Dataset {
    private final Dataset pipeline;
    private final List<String> classNames;
    private final List<Path> filePaths;

    ImageDataset(Dataset pipeline, List<String> classNames, List<Path> filePaths) {
        this.pipeline = pipeline;
        this.classNames = List.copyOf(classNames);
        this.filePaths = List.copyOf(filePaths);
    }

    /** The class of each label, in label order: the class folders' names (empty without labels). */
    public List<String> classNames() {
        return classNames;
    }

    /** The picture files, in the order of the (first shuffle of the) file list. */
    public List<Path> filePaths() {
        return filePaths;
    }

    @Override
    public long cardinality() {
        return pipeline.cardinality();
    }

    @Override
    public ElementIterator iterator() {
        return pipeline.iterator();
    }
}
