package org.tatami.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.interop.keras.KerasExport;
import org.tatami.interop.onnx.OnnxExport;
import org.tatami.models.Model;
import org.tatami.models.ModelZoo;
import org.tatami.tensor.Tensor;

class ModelFormatsTest {
    @Test
    void loadsEachFormatByItsExtension(@TempDir Path dir) throws Exception {
        Tatami.setRandomSeed(1);
        Model model = ModelZoo.seedCnn();
        Tensor x = Tensor.zeros(2, 28, 28, 1).add(0.5f);
        float[] expected = model.predict(x).data();
        model.save(dir.resolve("m.tatami"));
        KerasExport.save(model, dir.resolve("m.keras"));
        OnnxExport.save(model, dir.resolve("M.ONNX"));
        for (String name : new String[] {"m.tatami", "m.keras", "M.ONNX"}) {
            assertTrue(ModelFormats.readable(name));
            assertArrayEquals(expected, ModelFormats.load(dir.resolve(name)).predict(x).data(), 1e-6f, name);
        }
    }

    @Test
    void refusesOtherFiles(@TempDir Path dir) throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertFalse(ModelFormats.readable("notes.txt"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFormats.load(notes));
        assertEquals(notes + ": unknown model file type: expected .tatami (written by 'tatami train' or Model.save),"
                + " .h5 or .keras (Keras), .onnx", e.getMessage());
    }
}
