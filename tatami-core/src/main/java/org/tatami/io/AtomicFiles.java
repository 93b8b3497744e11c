package org.tatami.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that readers, and the file system after a crash, see either the old content or
 * the complete new content, never a partial file: the data goes to a temporary file in the same
 * folder, is forced to disk, and is then renamed over the target. A target that is a symbolic link
 * is written through: the file it points to gets the new content and the link stays a link (as
 * {@code cp} and a shell's {@code >} do), rather than the rename replacing the link with a file.
 *
 * <p>No temporary file outlives its writer: a failed write deletes its own, the JVM's shutdown (Ctrl-C,
 * SIGTERM, {@code System.exit}) deletes those of writes still running, and a process killed outright
 * (SIGKILL, power loss) leaves ones that the next write to the same target deletes. A temporary file's
 * name carries its writer's process id, so that only files of processes no longer running are taken.
 */
public final class AtomicFiles {
    /** Links followed before giving up, as Linux's own limit for a path (ELOOP). */
    private static final int MAX_LINKS = 40;
    private static final long PID = ProcessHandle.current().pid();

    private AtomicFiles() {
    }

    /** Temporary files being written now, deleted at shutdown if still there. */
    private static final class Pending {
        static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(Pending::deleteAll, "tatami-temp-files"));
            } catch (IllegalStateException shuttingDown) {
                // First used while the JVM shuts down: each write still deletes its own file if it fails.
            }
        }

        private static void deleteAll() {
            for (Path temp : FILES) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // Nothing to report to at shutdown; the next write to the target takes it.
                }
            }
        }
    }

    /** Produces the content of a file. */
    @FunctionalInterface
    public interface IoWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically with the content {@code writer} produces, creating missing
     * parent folders. If the writer or any step fails, the temporary file is deleted and the target
     * is left as it was. The writer may close the stream it is given (as zip streams do). A failure
     * that names no file (the system's "No space left on device") is reported as a
     * {@link FileSystemException} naming {@code target}, with the original as its cause.
     */
    public static void write(Path target, IoWriter writer) throws IOException {
        try {
            replace(linkTarget(target), writer);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The system's write errors are plain IOExceptions; format exceptions and the like (subclasses) say
            // where they are already.
            if (e.getClass() != IOException.class) {
                throw e;
            }
            FileSystemException named = new FileSystemException(target.toString(), null, e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    /** The file that {@code target} names, following symbolic links (a dangling one to where it points). */
    private static Path linkTarget(Path target) throws IOException {
        Path file = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(file); hops++) {
            if (hops == MAX_LINKS) {
                throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
            }
            file = file.resolveSibling(Files.readSymbolicLink(file));
        }
        return file;
    }

    private static void replace(Path absolute, IoWriter writer) throws IOException {
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String name = absolute.getFileName().toString();
        deleteStale(dir, name);
        // Same folder, so the rename stays on one file system and can be atomic; created by hand
        // rather than with Files.createTempFile so the file gets the usual permissions, not 0600.
        Path temp = dir.resolve("." + name + "." + PID + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        Pending.FILES.add(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        // The channel must stay open until it has been forced to disk.
                        out.flush();
                    }
                });
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            Pending.FILES.remove(temp);
        }
        syncDirectory(dir);
    }

    /**
     * Deletes temporary files for {@code name} left in {@code dir} by processes that no longer run. Best
     * effort: leftovers that cannot be listed or deleted must not stop the write itself.
     */
    private static void deleteStale(Path dir, String name) {
        Pattern temp = Pattern.compile("\\." + Pattern.quote(name) + "\\.(\\d{1,18})\\.[0-9a-f]{1,16}\\.tmp");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                f -> temp.matcher(f.getFileName().toString()).matches())) {
            for (Path file : files) {
                Matcher m = temp.matcher(file.getFileName().toString());
                if (m.matches() && gone(Long.parseLong(m.group(1)))) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // Left for a later write; this one does not depend on it.
        }
    }

    private static boolean gone(long pid) {
        return pid != PID && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes the rename itself durable where the platform allows opening a folder (not on Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // The new content is complete either way; only its survival across a power loss is weaker.
        }
    }
}
