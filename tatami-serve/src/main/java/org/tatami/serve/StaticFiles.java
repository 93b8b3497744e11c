package org.tatami.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The pages, styles and scripts bundled in the jar, read once: no CDN, everything works offline. */
final class StaticFiles {
    private static final String BASE = "/org/tatami/serve/web/";

    private final Map<String, byte[]> files = new HashMap<>();

    StaticFiles(String... names) {
        for (String name : names) {
            try (InputStream in = StaticFiles.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + BASE + name);
                }
                files.put("/" + name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Answers {@code path} if it is one of the files ("/" is the first), else returns false. */
    boolean serve(String path, Exchange x) {
        byte[] body = files.get(path);
        if (body == null) {
            return false;
        }
        x.endpoint = "page";
        x.header(org.eclipse.jetty.http.HttpHeader.CACHE_CONTROL, "no-cache");
        x.send(200, contentType(path), body);
        return true;
    }

    static String contentType(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (n.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (n.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (n.endsWith(".svg")) {
            return "image/svg+xml";
        } else if (n.endsWith(".png")) {
            return "image/png";
        } else if (n.endsWith(".csv") || n.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        } else if (n.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }
}
