package org.tatami.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.callbacks.BackupAndRestore;
import org.tatami.io.AtomicFiles;

/**
 * The backup folder of a run ({@code <out>/backup}): BackupAndRestore's backup, and the settings the run
 * was started with, so that {@code --resume} can tell a run started with other options from the one
 * interrupted. Settings that do not change the result (threads, how often to back up) and {@code --epochs}
 * (which may be raised to train longer) are not compared.
 */
final class RunBackup {
    static final String DIR = "backup";
    static final String SETTINGS = "settings.json";
    private static final List<String> FREE = List.of("threads", "epochs");

    private final Path dir;

    RunBackup(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(BackupAndRestore.FILE));
    }

    /** A new run: forgets an earlier run's backup and keeps the settings of this one. */
    void start(Map<String, Object> settings) throws IOException {
        Files.deleteIfExists(dir.resolve(BackupAndRestore.FILE));
        AtomicFiles.writeString(dir.resolve(SETTINGS), BaseCommand.JSON.toJson(compared(settings)));
    }

    /** The first setting that differs from the backed-up run's, said as an option would say it; or null. */
    String differences(Map<String, Object> settings) throws IOException {
        JsonObject saved;
        try {
            saved = JsonParser.parseString(Files.readString(dir.resolve(SETTINGS))).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            return "the backup's " + SETTINGS + " cannot be read (" + Errors.oneLine(e) + ")";
        }
        JsonObject now = BaseCommand.JSON.toJsonTree(compared(settings)).getAsJsonObject();
        for (String key : now.keySet()) {
            JsonElement was = saved.get(key);
            if (!now.get(key).equals(was)) {
                return key + " is " + now.get(key) + " here, " + was + " in the interrupted run";
            }
        }
        return null;
    }

    private static Map<String, Object> compared(Map<String, Object> settings) {
        Map<String, Object> out = new LinkedHashMap<>(settings);
        FREE.forEach(out::remove);
        return out;
    }

    /** Removes the backup and the folder. */
    void delete() throws IOException {
        Files.deleteIfExists(dir.resolve(BackupAndRestore.FILE));
        Files.deleteIfExists(dir.resolve(SETTINGS));
        Files.deleteIfExists(dir);
    }
}
