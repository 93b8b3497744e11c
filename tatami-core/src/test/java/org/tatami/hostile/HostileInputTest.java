package org.tatami.hostile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.config.ModelConfigException;
import org.tatami.data.Images;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.models.ModelConfig;
import org.tatami.models.ModelFile;
import org.tatami.models.ModelFileException;
import org.tatami.models.Sequential;

/**
 * Small files that declare huge sizes, and values of megabytes: each is refused with one line that
 * names the file and the numbers, before the memory is allocated. The fixtures are made here.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    @Test
    void aConfigWithAHugeLayerIsRefusedBeforeBuilding() throws IOException {
        Tatami.clearSession();
        Path file = Files.writeString(dir.resolve("big.json"), "{\"class_name\": \"Sequential\", \"config\": {"
                + "\"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 28, 28, 1]}},"
                + " {\"class_name\": \"Flatten\", \"config\": {}},"
                + " {\"class_name\": \"Dense\", \"config\": {\"units\": 100}},"
                + " {\"class_name\": \"Dense\", \"config\": {\"units\": 4000000}}]}}");
        String m = assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage();
        assertTrue(m.startsWith("big.json: layer #3 (Dense): dense_1/kernel (100, 4000000) has 400,000,000"
                + " values, more than the limit of 268,435,456"), m);
    }

    @Test
    void aModelConfigLargerThanTheCapIsNotRead() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(17L << 20);
        }
        String m = assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage();
        assertTrue(m.equals("huge.json: 17.0 MiB, more than the limit of 16.0 MiB for a model config"
                + " (-Dtatami.maxJsonBytes=N raises it)"), m);
    }

    @Test
    void weightsThatInflatePastWhatTheConfigImpliesAreCutOff() throws IOException {
        Path model = savedModel("m.tatami");
        Path bomb = dir.resolve("bomb.tatami");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(model));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(in.readAllBytes());
                if (e.getName().equals(ModelFile.WEIGHTS)) {
                    out.write(new byte[64 << 20]);
                }
            }
        }
        assertTrue(Files.size(bomb) < 1 << 20);
        String m = assertThrows(ModelFileException.class, () -> ModelFile.load(bomb)).getMessage();
        assertTrue(m.startsWith("bomb.tatami/model.safetensors: larger than the size config.json implies (2 tensors,"
                + " 40 weights) of "), m);
    }

    @Test
    void anEntryNameThatIsNotUtf8IsACorruptedArchive() throws IOException {
        byte[] zip = Files.readAllBytes(savedModel("m.tatami"));
        zip[30] = (byte) 0xC3; // the first entry's name starts at byte 30 of its local header
        zip[31] = (byte) 0x28; // no valid UTF-8 continues 0xC3 with 0x28
        Path bad = Files.write(dir.resolve("bad.tatami"), zip);
        String m = assertThrows(ModelFileException.class, () -> ModelFile.load(bad)).getMessage();
        assertTrue(m.equals("bad.tatami: corrupted zip archive: an entry name is not valid UTF-8"), m);
    }

    @Test
    void aPictureOfTooManyPixelsIsRefusedFromItsHeader() throws IOException {
        Path png = Files.write(dir.resolve("huge.png"), pngHeader(20000, 20000));
        String m = assertThrows(IOException.class, () -> Images.loadDigit(png)).getMessage();
        assertTrue(m.endsWith("huge.png: PNG picture of 20000x20000 = 400,000,000 pixels, more than the limit of"
                + " 50,000,000 (-Dtatami.maxPixels=N raises it)"), m);
    }

    @Test
    void threadsAreCappedAtEightPerCore() {
        int max = 8 * Runtime.getRuntime().availableProcessors();
        int before = Tatami.threads();
        String m = assertThrows(IllegalArgumentException.class, () -> Tatami.setThreads(max + 1)).getMessage();
        assertTrue(m.startsWith("threads must be between 1 and " + max + " (8 per core, "), m);
        assertTrue(before == Tatami.threads());
    }

    @Test
    void aValueOfAMegabyteIsQuotedByItsStartAndLength() throws IOException {
        String units = "9".repeat(1 << 20);
        Path file = Files.writeString(dir.resolve("long.json"), "{\"class_name\": \"Sequential\", \"config\": {"
                + "\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"" + "n".repeat(1 << 20)
                + "\", \"units\": \"" + units + "\"}}]}}");
        String m = assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage();
        assertTrue(m.length() < 600, () -> m.length() + " characters: " + m.substring(0, 300));
        assertTrue(m.contains("'" + "n".repeat(200) + "... (1048576 characters)' (Dense): units must be an integer,"
                + " got \"" + "9".repeat(199) + "... (1048578 characters)"), m);
    }

    private Path savedModel(String name) throws IOException {
        Tatami.clearSession();
        Sequential model = new Sequential(new Flatten().inputShape(3, 3, 1), new Dense(4));
        Path file = dir.resolve(name);
        ModelFile.save(model, file);
        return file;
    }

    /** A PNG's signature and header chunk for a grey picture of this size, and no pixel data. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(header);
        h.writeBytes("IHDR");
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey, deflate, no filter, no interlace
        out.writeInt(13);
        out.write(header.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(header.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
