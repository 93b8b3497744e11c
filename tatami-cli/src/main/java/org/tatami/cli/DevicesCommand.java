package org.tatami.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.Devices;
import picocli.CommandLine.Command;

/** {@code tatami devices}: what the seed's device check shows. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List the compute devices: CPU, cores, SIMD width in use, JVM and memory.",
                "tatami computes on the CPU; it has no GPU backend."})
final class DevicesCommand extends BaseCommand {
    @Override
    void execute() {
        if (!json) {
            Devices.describe().forEach(out()::println);
            return;
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (String line : Devices.describe()) {
            int colon = line.indexOf(':');
            o.put(line.substring(0, colon).replace(' ', '_'), line.substring(colon + 1).trim());
        }
        printJson(o);
    }
}
