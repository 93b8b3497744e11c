package org.tatami.cli;

import org.tatami.io.Version;
import picocli.CommandLine;

/** {@code tatami --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"tatami " + Version.get() + " (Java " + System.getProperty("java.version") + ")"};
    }
}
