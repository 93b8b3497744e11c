package org.tatami.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.tatami.tensor.Shape;

/**
 * TensorFlow Serving's REST API: {@code POST /v1/models/NAME:predict} with {@code {"instances": [...]}} (row
 * format, answered with {@code {"predictions": [...]}}) or {@code {"inputs": ...}} (columnar format,
 * answered with {@code {"outputs": ...}}), and the model status and metadata a client reads first.
 */
final class TfServingApi {
    private TfServingApi() {
    }

    /** A parsed predict request: the inputs of {@code samples} samples, and which format asked. */
    record Request(float[] x, int samples, boolean rows) {
    }

    static Request parse(byte[] body, ServedModel m) {
        JsonCursor in = new JsonCursor(body);
        TensorReader t = new TensorReader();
        Boolean rows = null;
        int samples = 0;
        for (String key = in.nextKey(true, "the request"); key != null; key = in.nextKey(false, "the request")) {
            switch (key) {
                case "signature_name" -> {
                    String s = in.string("signature_name");
                    if (!s.isEmpty() && !s.equals("serving_default")) {
                        throw HttpError.badRequest("signature_name: model '" + m.name() + "' has one signature,"
                                + " \"serving_default\", got \"" + s + "\"");
                    }
                }
                case "instances", "inputs" -> {
                    if (rows != null) {
                        throw HttpError.badRequest("the request has both \"instances\" and \"inputs\": give one");
                    }
                    rows = key.equals("instances");
                    samples = rows ? instances(in, t, m) : inputs(in, t, m);
                }
                default -> throw HttpError.badRequest("unknown field \"" + key + "\": a predict request has"
                        + " \"instances\" (or \"inputs\") and may have \"signature_name\"");
            }
        }
        in.expectEnd();
        if (rows == null) {
            throw HttpError.badRequest("missing field \"instances\": a list of inputs of shape "
                    + Shape.toString(m.sampleShape()) + " (or \"inputs\", one tensor of shape "
                    + Shape.withBatch(m.sampleShape()) + ")");
        }
        return new Request(t.data(), samples, rows);
    }

    /** Row format: a list of tensors, or of objects naming the input. */
    private static int instances(JsonCursor in, TensorReader t, ServedModel m) {
        if (in.peek() != '[') {
            throw HttpError.badRequest("instances must be a list of inputs of shape " + Shape.toString(m.sampleShape()));
        }
        if (in.peekInside() != '{') {
            t.read(in, "instances");
            return requireBatch(t.shape(), "instances", m);
        }
        in.consume('[');
        int n = 0;
        do {
            String field = "instances[" + n + "]";
            boolean seen = false;
            for (String key = in.nextKey(true, field); key != null; key = in.nextKey(false, field)) {
                requireInputName(key, field, m);
                if (seen) {
                    throw HttpError.badRequest(field + " has \"" + key + "\" twice");
                }
                seen = true;
                t.nextTensor();
                t.read(in, field + "." + key);
                if (!Arrays.equals(t.shape(), m.sampleShape())) {
                    throw HttpError.badRequest(field + "." + key + " has shape " + Shape.toString(t.shape())
                            + ", model '" + m.name() + "' takes inputs of shape " + Shape.toString(m.sampleShape()));
                }
            }
            if (!seen) {
                throw HttpError.badRequest(field + " has no \"" + m.inputName() + "\"");
            }
            n++;
        } while (in.consume(','));
        in.expect(']', "or ',' in the list instances");
        return n;
    }

    /** Columnar format: one tensor with the batch axis, or an object naming the input. */
    private static int inputs(JsonCursor in, TensorReader t, ServedModel m) {
        if (in.peek() != '{') {
            t.read(in, "inputs");
            return requireBatch(t.shape(), "inputs", m);
        }
        int samples = -1;
        for (String key = in.nextKey(true, "inputs"); key != null; key = in.nextKey(false, "inputs")) {
            requireInputName(key, "inputs", m);
            if (samples >= 0) {
                throw HttpError.badRequest("inputs has \"" + key + "\" twice");
            }
            t.read(in, "inputs." + key);
            samples = requireBatch(t.shape(), "inputs." + key, m);
        }
        if (samples < 0) {
            throw HttpError.badRequest("inputs has no \"" + m.inputName() + "\"");
        }
        return samples;
    }

    private static void requireInputName(String key, String field, ServedModel m) {
        if (!key.equals(m.inputName())) {
            throw HttpError.badRequest(field + " has \"" + key + "\"; model '" + m.name() + "' has one input, \""
                    + m.inputName() + "\"");
        }
    }

    /** The samples of a tensor that must be a batch of the model's inputs. */
    static int requireBatch(int[] shape, String field, ServedModel m) {
        int[] sample = m.sampleShape();
        if (shape.length != sample.length + 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), sample)) {
            throw HttpError.badRequest(field + " has shape " + Shape.toString(shape) + ", model '" + m.name()
                    + "' takes " + Shape.withBatch(sample) + ": a list of inputs of shape " + Shape.toString(sample));
        }
        if (shape[0] == 0) {
            throw HttpError.badRequest(field + " is empty: give at least one input of shape " + Shape.toString(sample));
        }
        return shape[0];
    }

    static byte[] answer(Request r, float[] y, ServedModel m) {
        return new JsonOut().raw(r.rows() ? "{\"predictions\":" : "{\"outputs\":")
                .tensor(y, 0, ServedModel.withBatch(r.samples(), m.outputShape())).raw("}").bytes();
    }

    /** GET /v1/models/NAME: the version served and its state. */
    static JsonObject status(ServedModel m) {
        JsonObject status = new JsonObject();
        status.addProperty("error_code", "OK");
        status.addProperty("error_message", "");
        JsonObject version = new JsonObject();
        version.addProperty("version", String.valueOf(m.version()));
        version.addProperty("state", "AVAILABLE");
        version.add("status", status);
        JsonArray versions = new JsonArray();
        versions.add(version);
        JsonObject o = new JsonObject();
        o.add("model_version_status", versions);
        return o;
    }

    /** GET /v1/models/NAME/metadata: the serving_default signature, as TensorFlow Serving describes it. */
    static JsonObject metadata(ServedModel m) {
        JsonObject signature = new JsonObject();
        signature.add("inputs", tensorInfo(m.inputName(), m.sampleShape(), "serving_default_" + m.inputName() + ":0"));
        signature.add("outputs", tensorInfo(m.outputName(), m.outputShape(), "StatefulPartitionedCall:0"));
        signature.addProperty("method_name", "tensorflow/serving/predict");
        signature.add("defaults", new JsonObject());
        JsonObject defs = new JsonObject();
        defs.add("serving_default", signature);
        JsonObject signatureDef = new JsonObject();
        signatureDef.add("signature_def", defs);
        JsonObject metadata = new JsonObject();
        metadata.add("signature_def", signatureDef);
        JsonObject spec = new JsonObject();
        spec.addProperty("name", m.name());
        spec.addProperty("signature_name", "");
        spec.addProperty("version", String.valueOf(m.version()));
        JsonObject o = new JsonObject();
        o.add("model_spec", spec);
        o.add("metadata", metadata);
        return o;
    }

    private static JsonObject tensorInfo(String name, int[] sample, String tensorName) {
        JsonArray dims = new JsonArray();
        for (int d : ServedModel.withBatch(-1, sample)) {
            JsonObject dim = new JsonObject();
            dim.addProperty("size", String.valueOf(d));
            dim.addProperty("name", "");
            dims.add(dim);
        }
        JsonObject shape = new JsonObject();
        shape.add("dim", dims);
        shape.addProperty("unknown_rank", false);
        JsonObject info = new JsonObject();
        info.addProperty("dtype", "DT_FLOAT");
        info.add("tensor_shape", shape);
        info.addProperty("name", tensorName);
        JsonObject o = new JsonObject();
        o.add(name, info);
        return o;
    }
}
