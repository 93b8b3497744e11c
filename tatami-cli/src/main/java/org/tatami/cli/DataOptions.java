package org.tatami.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Which data a command reads: a built-in data set ({@code --dataset}), or its files from a folder ({@code --data}). */
final class DataOptions {
    private static final List<String> NAMES = List.of("mnist", "fashion-mnist");

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME", converter = Name.class,
            description = {"mnist (bundled) or fashion-mnist (from Debian's dataset-fashion-mnist package,"
                    + " or from --data) (default: ${DEFAULT-VALUE})."})
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder of IDX files named as MNIST's (.gz or plain): the --dataset's files, or with the"
                    + " default mnist any data set in that layout. Default: the --dataset's own files.")
    Path data;

    Datasets.Data load() throws IOException {
        return Datasets.load(dataset, data);
    }

    /** Refuses an unknown name while the command line is read, before a run folder is made. */
    static final class Name implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!NAMES.contains(value)) {
                throw new TypeConversionException("expected one of " + String.join(", ", NAMES) + ", got '"
                        + value + "'");
            }
            return value;
        }
    }

    /** What was read, for run folders' settings. */
    String describe() {
        return switch (dataset) {
            case "fashion-mnist" -> "Fashion-MNIST (" + (data == null ? "Debian's package" : data) + ")";
            default -> data == null ? "MNIST (bundled)" : data.toString();
        };
    }
}
