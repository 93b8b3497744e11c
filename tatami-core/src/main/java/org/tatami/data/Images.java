package org.tatami.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.tatami.io.AtomicFiles;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * Picture files in and out: a hand-drawn digit made into an MNIST input, and tensors saved as grey PNGs.
 *
 * <p>The digit is prepared as MNIST's were: the ink is cropped, scaled with area averaging so that its
 * longer side is 20 pixels, and placed in a black 28x28 field with its centre of mass at the centre.
 */
public final class Images {
    private static final int SIDE = 28;
    private static final int BOX = 20;
    private static final int CENTRE = SIDE / 2;
    /** Fraction of the ink's contrast below which a pixel is background: paper texture, shading, JPEG ringing. */
    private static final float INK = 0.2f;
    /** Less contrast than this between ink and background is noise on an empty page, not a digit. */
    private static final float MIN_CONTRAST = 0.1f;

    private Images() {
    }

    /** {@link #loadDigit(Path, Invert)} deciding the inversion from the picture. */
    public static Tensor loadDigit(Path file) throws IOException {
        return loadDigit(file, Invert.AUTO);
    }

    /**
     * Reads a PNG, JPEG, GIF or BMP picture of one digit as a (28, 28, 1) tensor in [0, 1], digit white on
     * black; JPEGs are turned upright by their EXIF orientation. A picture without ink gives all zeros.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if the file is not an image, or is damaged or truncated
     */
    public static Tensor loadDigit(Path file, Invert invert) throws IOException {
        return digit(decodeGray(Source.of(file)), invert);
    }

    /**
     * {@link #loadDigit(Path, Invert)} for a picture file's bytes, as Spark's {@code binaryFile} source
     * reads them; {@code name} (the file's path) names the picture in messages.
     *
     * @throws IOException if the bytes are not an image, or are damaged or truncated
     */
    public static Tensor loadDigit(byte[] bytes, String name, Invert invert) throws IOException {
        return digit(decodeGray(Source.of(bytes, name)), invert);
    }

    /**
     * A picture file's bytes as it is, without any preparation: its luminance (as {@link #loadDigit}
     * computes it, grey levels divided by 255 for an 8-bit grey picture) as an (H, W, 1) tensor in [0, 1],
     * upright by its EXIF orientation.
     *
     * @throws IOException if the bytes are not an image, or are damaged or truncated
     */
    public static Tensor loadGray(byte[] bytes, String name) throws IOException {
        Gray g = decodeGray(Source.of(bytes, name));
        return Tensor.of(g.values(), g.height(), g.width(), 1);
    }

    /** The digit in {@code image} as a (28, 28, 1) tensor in [0, 1], white on black (see {@link #loadDigit}). */
    public static Tensor toDigit(BufferedImage image, Invert invert) {
        return digit(luminance(image), invert);
    }

    /** {@link #writeGrayPng(Tensor, Path, int)} at one PNG pixel per tensor element. */
    public static void writeGrayPng(Tensor image, Path file) throws IOException {
        writeGrayPng(image, file, 1);
    }

    /**
     * Writes a (H, W) or (H, W, 1) tensor as an 8-bit grey PNG, its minimum black and its maximum white (a
     * constant tensor is all black), each element a {@code scale} x {@code scale} square. The file is
     * replaced atomically where the file system allows it, so readers never see half a picture.
     */
    public static void writeGrayPng(Tensor image, Path file, int scale) throws IOException {
        int[] shape = image.shape();
        if (!(shape.length == 2 || (shape.length == 3 && shape[2] == 1))) {
            throw new IllegalArgumentException("expected a (H, W) or (H, W, 1) tensor, got shape "
                    + Shape.toString(shape));
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        int h = shape[0];
        int w = shape[1];
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException("cannot write an empty image of shape " + Shape.toString(shape));
        }
        if ((long) h * scale * w * scale > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + Shape.toString(shape) + " image at scale " + scale
                    + " is too large for a PNG");
        }
        float[] data = image.data();
        for (float v : data) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("cannot write an image containing " + v);
            }
        }
        // Doubles: max - min of floats can overflow a float.
        double min = image.min();
        double range = image.max() - min;
        int outW = w * scale;
        BufferedImage png = new BufferedImage(outW, h * scale, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) png.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                byte g = range > 0 ? (byte) Math.round((data[y * w + x] - min) / range * 255) : 0;
                for (int dy = 0; dy < scale; dy++) {
                    int row = (y * scale + dy) * outW + x * scale;
                    Arrays.fill(pixels, row, row + scale, g);
                }
            }
        }
        writeAtomically(png, file);
    }

    private static void writeAtomically(BufferedImage png, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(png, "png", out)) {
                throw new IOException(file + ": no PNG writer available");
            }
        });
    }

    /** Luminance in [0, 1] (1 is white), row-major. */
    private record Gray(float[] values, int width, int height) {
    }

    /** Where a picture's bytes come from, and its name in messages. */
    private interface Source {
        String name();

        ImageInputStream openImage() throws IOException;

        InputStream open() throws IOException;

        static Source of(Path file) throws IOException {
            if (Files.isDirectory(file)) {
                throw new IOException(file + ": is a folder, not an image");
            }
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null, "no such file");
            }
            return new FileSource(file);
        }

        static Source of(byte[] bytes, String name) {
            return new BytesSource(bytes, name);
        }
    }

    private record FileSource(Path file) implements Source {
        @Override
        public String name() {
            return file.toString();
        }

        @Override
        public ImageInputStream openImage() throws IOException {
            return new FileImageInputStream(file.toFile());
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }
    }

    private record BytesSource(byte[] bytes, String name) implements Source {
        @Override
        public ImageInputStream openImage() {
            return new MemoryCacheImageInputStream(open());
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private record Decoded(BufferedImage image, int orientation) {
    }

    /**
     * The picture in a PNG, JPEG, GIF or BMP file, as stored (no EXIF turn), its size checked before decoding;
     * failures name the file and what is wrong with it.
     */
    static BufferedImage read(Path file) throws IOException {
        return decode(Source.of(file)).image();
    }

    /** The picture's luminance, upright. */
    private static Gray decodeGray(Source source) throws IOException {
        Decoded d = decode(source);
        return orient(luminance(d.image()), d.orientation());
    }

    private static Decoded decode(Source source) throws IOException {
        String file = source.name();
        try (ImageInputStream in = source.openImage()) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not a readable image (expected PNG, JPEG, GIF or BMP, found "
                        + describe(source) + ")");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            // The JPEG decoder only warns about truncated or corrupt data and returns a partly grey picture.
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((origin, warning) -> warnings.add(warning));
            BufferedImage image;
            try {
                image = readWithinLimit(reader, in, file, format);
            } finally {
                reader.dispose();
            }
            if (!warnings.isEmpty()) {
                throw new IOException(file + ": not a readable image (" + format + " data is damaged or truncated: "
                        + String.join("; ", warnings) + ")");
            }
            return new Decoded(image, format.equals("JPEG") ? exifOrientation(source) : 1);
        }
    }

    /**
     * Decodes the picture once its header's size is within {@link Limits#maxPixels()}: a file of a few
     * hundred kilobytes can hold a picture of gigabytes.
     */
    private static BufferedImage readWithinLimit(ImageReader reader, ImageInputStream in, String file, String format)
            throws IOException {
        int width;
        int height;
        try {
            reader.setInput(in, true, true);
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw undecodable(file, format, e);
        }
        long pixels = (long) width * height;
        if (pixels > Limits.maxPixels()) {
            throw new IOException(file + ": " + format + " picture of " + width + "x" + height + " = "
                    + String.format(Locale.ROOT, "%,d", pixels) + " pixels, more than the limit of "
                    + String.format(Locale.ROOT, "%,d", Limits.maxPixels()) + " (-D" + Limits.MAX_PIXELS
                    + "=N raises it)");
        }
        try {
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw undecodable(file, format, e);
        }
    }

    /** Decoders throw runtime exceptions too on malformed data. */
    private static IOException undecodable(String file, String format, Exception e) {
        return new IOException(file + ": not a readable image (" + format + " data cannot be decoded: " + reason(e) + ")",
                e);
    }

    /** The messages of an exception and its causes: a decoder's own message is often generic. */
    private static String reason(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = e; c != null; c = c.getCause()) {
            parts.add(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
        }
        return String.join(": ", parts);
    }

    /** What a file that no image decoder accepts looks like, for the error message. */
    private static String describe(Source source) throws IOException {
        byte[] head;
        try (InputStream in = source.open()) {
            head = in.readNBytes(64);
        }
        if (head.length == 0) {
            return "an empty file";
        }
        String ascii = new String(head, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("RIFF") && ascii.startsWith("WEBP", 8)) {
            return "a WebP image";
        }
        if (ascii.startsWith("ftyp", 4)) {
            return "an HEIC or AVIF image, or other ISO media";
        }
        if (ascii.startsWith("%PDF")) {
            return "a PDF document";
        }
        boolean text = true;
        for (byte b : head) {
            // Control characters other than line breaks and tabs mean binary data; bytes above 0x7F may be UTF-8.
            text &= (b >= 0x20 && b != 0x7F) || b == '\t' || b == '\n' || b == '\r' || b < 0;
        }
        if (text) {
            String line = new String(head, StandardCharsets.UTF_8).strip().split("[\r\n]", 2)[0];
            return "text starting \"" + (line.length() > 20 ? line.substring(0, 20) + "..." : line) + "\"";
        }
        StringBuilder sb = new StringBuilder("bytes");
        for (int i = 0; i < Math.min(8, head.length); i++) {
            sb.append(String.format(" %02x", head[i]));
        }
        return sb.append(head.length > 8 ? " ..." : "").toString();
    }

    /**
     * The EXIF orientation (1 to 8) of a JPEG, 1 if it has none. Phones often store a portrait picture
     * sideways, as the sensor saw it, and record here the turn that makes it upright.
     */
    private static int exifOrientation(Source source) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(source.open()))) {
            in.readUnsignedShort(); // start of image
            while (true) {
                int marker = in.readUnsignedShort();
                // EXIF precedes the scan; anything else where a segment should start means no EXIF.
                if (marker < 0xFFC0 || marker == 0xFFDA || marker == 0xFFD9) {
                    return 1;
                }
                int length = in.readUnsignedShort() - 2;
                if (marker != 0xFFE1 || length < 6) {
                    in.skipNBytes(Math.max(0, length));
                    continue;
                }
                byte[] segment = in.readNBytes(length);
                if (new String(segment, 0, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                    return tiffOrientation(ByteBuffer.wrap(segment, 6, segment.length - 6).slice());
                }
            }
        } catch (EOFException e) {
            return 1;
        }
    }

    /** Tag 0x0112 of the first IFD of a TIFF header; 1 if absent or malformed, as the picture itself is fine. */
    private static int tiffOrientation(ByteBuffer tiff) {
        try {
            tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            int ifd = tiff.getInt(4);
            int entries = tiff.getShort(ifd) & 0xFFFF;
            for (int k = 0; k < entries; k++) {
                int entry = ifd + 2 + 12 * k;
                if ((tiff.getShort(entry) & 0xFFFF) == 0x0112) {
                    int o = tiff.getShort(entry + 8) & 0xFFFF;
                    return o >= 1 && o <= 8 ? o : 1;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return 1;
        }
        return 1;
    }

    /** The picture as displayed: EXIF orientations 2 to 8 mirror and/or rotate the stored pixels. */
    private static Gray orient(Gray g, int orientation) {
        if (orientation == 1) {
            return g;
        }
        int w = g.width();
        int h = g.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        float[] src = g.values();
        float[] out = new float[src.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx = switch (orientation) {
                    case 2, 3 -> w - 1 - x;
                    case 5, 6 -> y;
                    case 7, 8 -> w - 1 - y;
                    default -> x;
                };
                int sy = switch (orientation) {
                    case 3, 4 -> h - 1 - y;
                    case 5, 8 -> x;
                    case 6, 7 -> h - 1 - x;
                    default -> y;
                };
                out[y * outW + x] = src[sy * w + sx];
            }
        }
        return new Gray(out, outW, outH);
    }

    /** Luma 0.299R + 0.587G + 0.114B of any colour model, transparent parts composited onto white. */
    private static Gray luminance(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] v = new float[w * h];
        ColorModel cm = image.getColorModel();
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // getRGB treats grey samples as linear light and brightens mid-greys; they are display values.
            Raster r = image.getRaster();
            float[] grey = r.getSamples(0, 0, w, h, 0, (float[]) null);
            float greyMax = maxSample(cm, 0);
            float[] alpha = cm.hasAlpha() ? r.getSamples(0, 0, w, h, 1, (float[]) null) : null;
            float alphaMax = cm.hasAlpha() ? maxSample(cm, 1) : 1;
            for (int i = 0; i < v.length; i++) {
                float c = grey[i] / greyMax;
                if (alpha != null) {
                    float a = alpha[i] / alphaMax;
                    c = (cm.isAlphaPremultiplied() ? c : a * c) + 1 - a;
                }
                v[i] = Math.min(1, Math.max(0, c));
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    float a = (p >>> 24) / 255f;
                    float luma = (0.299f * (p >> 16 & 0xFF) + 0.587f * (p >> 8 & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
                    v[y * w + x] = Math.min(1, a * luma + 1 - a);
                }
            }
        }
        return new Gray(v, w, h);
    }

    private static float maxSample(ColorModel cm, int component) {
        int type = cm.getTransferType();
        return type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE
                ? 1 : (float) ((1L << cm.getComponentSize(component)) - 1);
    }

    private static Tensor digit(Gray g, Invert invert) {
        float[] v = g.values();
        int w = g.width();
        int h = g.height();
        float edge = mean(border(v, w, h));
        boolean flip = switch (invert) {
            case YES -> true;
            case NO -> false;
            case AUTO -> edge > 0.5f;
        };
        if (flip) {
            for (int i = 0; i < v.length; i++) {
                v[i] = 1 - v[i];
            }
        }
        // Paper is rarely white nor ink black: the background (the border's level) goes to 0, the strongest
        // ink to 1, and faint specks below INK of that range to 0.
        float background = flip ? 1 - edge : edge;
        float peak = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            peak = Math.max(peak, x);
        }
        Tensor out = Tensor.zeros(SIDE, SIDE, 1);
        if (peak - background < MIN_CONTRAST) {
            return out;
        }
        float black = background + INK * (peak - background);
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float t = (v[y * w + x] - black) / (peak - black);
                v[y * w + x] = Math.max(0, t);
                if (t > 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        double s = (double) BOX / Math.max(bw, bh);
        int tw = Math.max(1, (int) Math.round(bw * s));
        int th = Math.max(1, (int) Math.round(bh * s));
        float[] small = resize(v, w, x0, y0, bw, bh, tw, th);

        // MNIST's strokes reach full white; area averaging leaves thin strokes of large pictures grey.
        float top = 0;
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                float p = small[y * tw + x];
                top = Math.max(top, p);
                mass += p;
                mx += p * x;
                my += p * y;
            }
        }
        int ox = Math.max(0, Math.min(SIDE - tw, (int) Math.round(CENTRE - mx / mass)));
        int oy = Math.max(0, Math.min(SIDE - th, (int) Math.round(CENTRE - my / mass)));
        float[] d = out.data();
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                d[(oy + y) * SIDE + ox + x] = small[y * tw + x] / top;
            }
        }
        return out;
    }

    /** The outermost pixels, each once. */
    private static float[] border(float[] v, int w, int h) {
        if (w <= 2 || h <= 2) {
            return v.clone();
        }
        float[] e = new float[2 * (w + h) - 4];
        int n = 0;
        for (int x = 0; x < w; x++) {
            e[n++] = v[x];
            e[n++] = v[(h - 1) * w + x];
        }
        for (int y = 1; y < h - 1; y++) {
            e[n++] = v[y * w];
            e[n++] = v[y * w + w - 1];
        }
        return e;
    }

    private static float mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return (float) (s / v.length);
    }

    /**
     * The box {@code (x0, y0, bw, bh)} of a row-major picture {@code width} wide, resampled to tw x th by
     * area averaging: each output pixel is the mean of the input area it covers, so nothing is lost or clipped.
     */
    private static float[] resize(float[] v, int width, int x0, int y0, int bw, int bh, int tw, int th) {
        Weights wx = Weights.of(bw, tw);
        Weights wy = Weights.of(bh, th);
        float[] rows = new float[bh * tw];
        for (int y = 0; y < bh; y++) {
            int base = (y0 + y) * width + x0;
            for (int i = 0; i < tw; i++) {
                float[] weight = wx.weight()[i];
                int from = base + wx.first()[i];
                float sum = 0;
                for (int k = 0; k < weight.length; k++) {
                    sum += weight[k] * v[from + k];
                }
                rows[y * tw + i] = sum;
            }
        }
        float[] out = new float[th * tw];
        for (int j = 0; j < th; j++) {
            float[] weight = wy.weight()[j];
            for (int k = 0; k < weight.length; k++) {
                int row = (wy.first()[j] + k) * tw;
                for (int x = 0; x < tw; x++) {
                    out[j * tw + x] += weight[k] * rows[row + x];
                }
            }
        }
        return out;
    }

    /** For each of m output pixels spanning n input pixels: the first input covered and the covered fractions. */
    private record Weights(int[] first, float[][] weight) {
        static Weights of(int n, int m) {
            int[] first = new int[m];
            float[][] weight = new float[m][];
            for (int i = 0; i < m; i++) {
                double a = (double) i * n / m;
                double b = (double) (i + 1) * n / m;
                int lo = (int) a;
                int hi = Math.min(n, (int) Math.ceil(b));
                first[i] = lo;
                weight[i] = new float[hi - lo];
                for (int j = lo; j < hi; j++) {
                    weight[i][j - lo] = (float) ((Math.min(b, j + 1) - Math.max(a, j)) * m / n);
                }
            }
            return new Weights(first, weight);
        }
    }
}
