package org.tatami.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** tatami's version, from the build (written into model files and reports). */
public final class Version {
    private Version() {
    }

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("/org/tatami/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}
