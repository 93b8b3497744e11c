package org.tatami.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tatami.Tatami;
import org.tatami.kernels.Interpolation;

/**
 * Keras's {@code keras.utils.image_dataset_from_directory}: a folder with one sub-folder of pictures per
 * class becomes a Dataset of (images, labels) batches, the pictures read from disk batch by batch.
 *
 * <pre>{@code
 * // main/cat/*.png, main/dog/*.jpg  ->  class_names [cat, dog], labels 0 and 1
 * List<ImageDataset> sets = ImageDirectory.of(Path.of("main"))
 *         .imageSize(180, 180).batchSize(64).validationSplit(0.2).seed(1337).loadBoth();
 * model.fit(sets.get(0), new FitOptions().epochs(10).validationData(sets.get(1)));
 * }</pre>
 *
 * <p>As Keras: class folders are taken in alphanumeric order (hidden ones skipped) and searched with their
 * sub-folders for {@code .bmp .gif .jpeg .jpg .png} files, in sorted order; with {@code shuffle} the whole
 * file list is shuffled once with the seed, the validation split takes its last fraction, and the training
 * data is shuffled again each epoch in a buffer of 8 batches. Pictures are decoded to the colour mode
 * (1, 3 or 4 channels of 0..255), resized to {@code imageSize} (bilinear by default; the aspect ratio is
 * kept only with {@code cropToAspectRatio}), and batched; a background thread reads the next batches
 * ahead. The defaults are Keras's: labels inferred, label mode "int", colour mode "rgb", batch size 32,
 * images of 256 x 256, shuffling.
 */
public final class ImageDirectory {
    /** The file name endings Keras reads, in any case. */
    public static final List<String> FORMATS = List.of(".bmp", ".gif", ".jpeg", ".jpg", ".png");
    /** Batches read ahead on the background thread. */
    private static final int PREFETCH = 2;

    private final Path directory;
    private int[] labels;
    private boolean inferred = true;
    private String labelMode = "int";
    private List<String> classNames;
    private String colorMode = "rgb";
    private Integer batchSize = 32;
    private int height = 256;
    private int width = 256;
    private boolean shuffle = true;
    private Long seed;
    private double validationSplit;
    private String subset;
    private Interpolation interpolation = Interpolation.BILINEAR;
    private boolean cropToAspectRatio;
    private boolean followLinks;
    private PrintStream verbose = System.out;

    private ImageDirectory(Path directory) {
        this.directory = directory;
    }

    /** The options for the pictures under {@code directory}, Keras's defaults to start with. */
    public static ImageDirectory of(Path directory) {
        return new ImageDirectory(directory);
    }

    /** "inferred" (the default): a picture's class is its class folder. */
    public ImageDirectory labels(String how) {
        if (!"inferred".equals(how)) {
            throw new IllegalArgumentException("labels must be \"inferred\", a list of labels, or none (labelMode"
                    + " \"none\"), got " + how);
        }
        inferred = true;
        labels = null;
        return this;
    }

    /** One class index per picture, in the sorted order of the picture files' paths under the folder. */
    public ImageDirectory labels(int... perFile) {
        inferred = false;
        labels = perFile.clone();
        return this;
    }

    /**
     * "int" (class index, the default), "categorical" (one-hot rows), "binary" (one 0/1 value, for two
     * classes), or "none" (or null: pictures only).
     */
    public ImageDirectory labelMode(String mode) {
        String m = mode == null ? "none" : mode;
        if (!List.of("int", "categorical", "binary", "none").contains(m)) {
            throw new IllegalArgumentException("label_mode must be \"int\", \"categorical\", \"binary\" or none,"
                    + " got \"" + mode + "\"");
        }
        labelMode = m;
        return this;
    }

    /** Which class folders to take and in what order (their indices are the labels); default: all, sorted. */
    public ImageDirectory classNames(List<String> names) {
        classNames = List.copyOf(names);
        return this;
    }

    /** "grayscale" (1 channel), "rgb" (3, the default) or "rgba" (4). */
    public ImageDirectory colorMode(String mode) {
        if (!List.of("grayscale", "rgb", "rgba").contains(mode)) {
            throw new IllegalArgumentException("color_mode must be \"grayscale\", \"rgb\" or \"rgba\", got \"" + mode
                    + "\"");
        }
        colorMode = mode;
        return this;
    }

    /** Pictures per batch (default 32); null gives single pictures, unbatched. */
    public ImageDirectory batchSize(Integer size) {
        if (size != null && size < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1 (or null: unbatched), got " + size);
        }
        batchSize = size;
        return this;
    }

    /** The size every picture is resized to (default 256 x 256). */
    public ImageDirectory imageSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image_size must be positive, got (" + height + ", " + width + ")");
        }
        this.height = height;
        this.width = width;
        return this;
    }

    /** Whether to shuffle (default true). */
    public ImageDirectory shuffle(boolean on) {
        shuffle = on;
        return this;
    }

    /** The seed of the shuffles (default: drawn from the session's, {@code Tatami.setRandomSeed}). */
    public ImageDirectory seed(long value) {
        seed = value;
        return this;
    }

    /** The fraction of the pictures kept for validation, in (0, 1); {@link #subset} says which part to load. */
    public ImageDirectory validationSplit(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split must be between 0 and 1, got " + fraction);
        }
        validationSplit = fraction;
        return this;
    }

    /** "training" or "validation": which part of the split {@link #load} gives ({@link #loadBoth} gives both). */
    public ImageDirectory subset(String part) {
        if (!List.of("training", "validation", "both").contains(part)) {
            throw new IllegalArgumentException("subset must be \"training\", \"validation\" or \"both\", got \""
                    + part + "\"");
        }
        subset = part;
        return this;
    }

    /** "bilinear" (the default) or "nearest". */
    public ImageDirectory interpolation(String how) {
        interpolation = Interpolation.of(how);
        return this;
    }

    /**
     * Whether to resize the largest centred window of the image size's aspect ratio rather than the whole
     * picture (default false: the picture is stretched).
     */
    public ImageDirectory cropToAspectRatio(boolean on) {
        cropToAspectRatio = on;
        return this;
    }

    /** Whether to search sub-folders that are symbolic links (default false). */
    public ImageDirectory followLinks(boolean on) {
        followLinks = on;
        return this;
    }

    /** Whether to print what was found ("Found 120 files belonging to 3 classes."), as Keras does by default. */
    public ImageDirectory verbose(boolean on) {
        verbose = on ? System.out : null;
        return this;
    }

    /**
     * The data set, or with a validation split the subset asked for.
     *
     * @throws NoSuchFileException if the folder does not exist
     * @throws IllegalArgumentException if it holds no picture, or the options disagree (as Keras's errors)
     */
    public ImageDataset load() throws IOException {
        if ("both".equals(subset)) {
            throw new IllegalArgumentException("subset \"both\" gives two data sets: use loadBoth()");
        }
        Index index = index(subset != null);
        return dataset(index, split(index, subset), shuffle);
    }

    /** The training and the validation data sets of the validation split, as Keras's {@code subset="both"}. */
    public List<ImageDataset> loadBoth() throws IOException {
        Index index = index(true);
        ImageDataset train = dataset(index, split(index, "training"), shuffle);
        // As Keras: the validation subset is never shuffled beyond the file list's one shuffle.
        ImageDataset validation = dataset(index, split(index, "validation"), false);
        return List.of(train, validation);
    }

    /** The files found, their labels (or null), the class names, and the seed the shuffles use. */
    private record Index(List<Path> files, int[] labels, List<String> classNames, long seed) {
    }

    private Index index(boolean subsetAsked) throws IOException {
        if ((validationSplit > 0) != subsetAsked) {
            throw new IllegalArgumentException("if subset is set, validation_split must be set, and inversely");
        }
        if (validationSplit > 0 && shuffle && seed == null) {
            throw new IllegalArgumentException("with validation_split and shuffling, give a seed, so that the training"
                    + " and validation subsets do not overlap");
        }
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such folder");
        }
        List<String> names = List.of();
        List<Path> files = new ArrayList<>();
        int[] found = null;
        if (labelMode.equals("none")) {
            // As Keras without labels: every picture under the folder, class folders or not.
            if (classNames != null) {
                throw new IllegalArgumentException("without labels, class_names cannot be given");
            }
            files.addAll(pictures(directory));
        } else if (inferred) {
            List<String> folders = classFolders();
            if (classNames != null && !Set.copyOf(folders).containsAll(classNames)) {
                throw new IllegalArgumentException("class_names " + classNames + " are not sub-folders of " + directory
                        + ": expected some of " + folders);
            }
            names = classNames != null ? classNames : folders;
            List<Integer> classOf = new ArrayList<>();
            for (int c = 0; c < names.size(); c++) {
                for (Path f : pictures(directory.resolve(names.get(c)))) {
                    files.add(f);
                    classOf.add(c);
                }
            }
            found = classOf.stream().mapToInt(Integer::intValue).toArray();
        } else {
            if (classNames != null) {
                throw new IllegalArgumentException("with explicit labels, class_names cannot be given (they are the"
                        + " sorted labels)");
            }
            files.addAll(pictures(directory));
            if (labels.length != files.size()) {
                throw new IllegalArgumentException("labels holds " + labels.length + " labels but " + directory
                        + " holds " + files.size() + " pictures: expected one label per picture");
            }
            found = labels.clone();
            names = Arrays.stream(found).boxed().collect(Collectors.toCollection(TreeSet::new)).stream()
                    .map(String::valueOf).toList();
            for (int i = 0; i < found.length; i++) {
                if (found[i] < 0 || found[i] >= names.size()) {
                    throw new IllegalArgumentException("label " + found[i] + " of " + files.get(i) + " is not a class"
                            + " index in [0, " + names.size() + ")");
                }
            }
        }
        if (labelMode.equals("binary") && names.size() != 2) {
            throw new IllegalArgumentException("label_mode \"binary\" needs exactly 2 classes, got " + names.size()
                    + ": " + names);
        }
        if (verbose != null) {
            verbose.println(found != null ? String.format(Locale.ROOT, "Found %d files belonging to %d classes.",
                    files.size(), names.size()) : String.format(Locale.ROOT, "Found %d files.", files.size()));
        }
        long s = seed != null ? seed : Tatami.newRandom().nextLong();
        if (shuffle) {
            // One permutation of files and labels together, as Keras's two shuffles with one seed.
            SplittableRandom random = new SplittableRandom(s);
            for (int i = files.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                files.set(j, files.set(i, files.get(j)));
                if (found != null) {
                    int t = found[i];
                    found[i] = found[j];
                    found[j] = t;
                }
            }
        }
        return new Index(files, found, names, s);
    }

    /** The class folders: the sub-folders, sorted, hidden ones skipped. */
    private List<String> classFolders() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** The pictures under {@code folder} and its sub-folders, by sorted folder, then sorted name. */
    private List<Path> pictures(Path folder) throws IOException {
        FileVisitOption[] options = followLinks ? new FileVisitOption[] {FileVisitOption.FOLLOW_LINKS}
                : new FileVisitOption[0];
        // A class folder that is a link is searched all the same (links below it only with followLinks).
        Path start = Files.isSymbolicLink(folder) ? folder.toRealPath() : folder;
        Map<Path, List<Path>> byFolder = new HashMap<>();
        try (Stream<Path> all = Files.walk(start, options)) {
            all.filter(p -> !Files.isDirectory(p) && isPicture(p)).map(p -> folder.resolve(start.relativize(p)))
                    .forEach(p -> byFolder.computeIfAbsent(p.getParent(), k -> new ArrayList<>()).add(p));
        }
        List<Path> out = new ArrayList<>();
        byFolder.keySet().stream().sorted((a, b) -> a.toString().compareTo(b.toString())).forEach(dir -> {
            List<Path> files = byFolder.get(dir);
            files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            out.addAll(files);
        });
        return out;
    }

    private static boolean isPicture(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return FORMATS.stream().anyMatch(name::endsWith);
    }

    /** The positions in the index of a subset: all, or the validation split's first or last part. */
    private List<Integer> split(Index index, String part) {
        int n = index.files().size();
        int validation = (int) (validationSplit * n);
        int from = 0;
        int to = n;
        if (part != null) {
            if (part.equals("training")) {
                to = n - validation;
            } else {
                from = n - validation;
            }
            if (verbose != null) {
                verbose.printf(Locale.ROOT, "Using %d files for %s.%n", to - from, part);
            }
        }
        if (from == to) {
            throw new IllegalArgumentException("no " + (part == null ? "" : part + " ") + "images found in "
                    + directory + ": allowed formats are " + String.join(", ", FORMATS));
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = from; i < to; i++) {
            positions.add(i);
        }
        return positions;
    }

    private ImageDataset dataset(Index index, List<Integer> part, boolean shuffled) {
        List<Path> files = part.stream().map(index.files()::get).toList();
        int[] partLabels = index.labels() == null ? null : part.stream().mapToInt(i -> index.labels()[i]).toArray();
        int channels = switch (colorMode) {
            case "grayscale" -> 1;
            case "rgba" -> 4;
            default -> 3;
        };
        Dataset d = new RowDataset(new ImageFiles(files, partLabels, labelMode, index.classNames().size(), height,
                width, channels, interpolation, cropToAspectRatio));
        if (shuffled) {
            d = d.shuffle(batchSize != null ? batchSize * 8 : 1024, index.seed());
        }
        if (batchSize != null) {
            d = d.batch(batchSize);
        }
        return new ImageDataset(d.prefetch(PREFETCH), index.classNames(), files);
    }
}
