package org.tatami.interop.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.tatami.tensor.Tensor;

/** Runs an ONNX file in ONNX Runtime, the independent reference for what a file computes. */
final class OnnxRuntime {
    private OnnxRuntime() {
    }

    /** The first output of the model in {@code file} for {@code x} given to the input {@code input}. */
    static Tensor run(Path file, String input, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[x.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = x.shape(i);
        }
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
             OrtSession.Result result = session.run(Map.of(input, in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            long[] s = out.getInfo().getShape();
            int[] dims = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                dims[i] = (int) s[i];
            }
            return Tensor.of(values, dims);
        }
    }
}
