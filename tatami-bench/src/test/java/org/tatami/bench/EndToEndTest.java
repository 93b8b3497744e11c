package org.tatami.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndTest {
    @Test
    void workloadsMatchThePeersParameterCounts() {
        assertEquals(51_840, EndToEnd.model("seed").countParams());
        assertEquals(34_826, EndToEnd.model("convnet").countParams());
        assertEquals(52_490, EndToEnd.model("resnet").countParams());
        assertEquals(391_946, EndToEnd.model("fashion").countParams());
        assertEquals("fashion_resnet", EndToEnd.model("fashion").name());
    }

    @Test
    void options() {
        EndToEnd.Options o = EndToEnd.Options.parse(new String[] {"--workload", "convnet", "--epochs", "2",
                "--threads", "1"});
        assertEquals(new EndToEnd.Options("convnet", 2, 1, 0), o);
        assertEquals(new EndToEnd.Options("fashion", 1, 2, 0),
                EndToEnd.Options.parse(new String[] {"--workload", "fashion", "--threads", "2"}));
        assertEquals(0, EndToEnd.Options.parse(new String[] {"--workload", "inference", "--epochs", "0"}).epochs());
        assertThrows(IllegalArgumentException.class, () -> EndToEnd.Options.parse(new String[] {"--workload", "x"}));
        assertThrows(IllegalArgumentException.class, () -> EndToEnd.Options.parse(new String[] {"--epochs"}));
        assertThrows(IllegalArgumentException.class, () -> EndToEnd.Options.parse(new String[] {"--epochs", "0"}));
    }

    @Test
    void medianSkipsTheFirstEpoch() {
        assertEquals(2.0, EndToEnd.medianAfterFirst(List.of(9.0, 1.0, 2.0, 3.0)));
        assertEquals(1.5, EndToEnd.medianAfterFirst(List.of(9.0, 1.0, 2.0)));
        assertEquals(9.0, EndToEnd.medianAfterFirst(List.of(9.0)));
    }
}
