package org.tatami.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.tatami.io.Version;
import org.tatami.tensor.Shape;

/**
 * The Open Inference Protocol (KServe v2): {@code POST /v2/models/NAME/infer} with JSON tensors (name,
 * shape, datatype, data), health and model metadata.
 */
final class InferenceV2Api {
    private InferenceV2Api() {
    }

    /** A parsed infer request: the inputs of {@code samples} samples, and the request's id if it had one. */
    record Request(float[] x, int samples, String id) {
    }

    static Request parse(byte[] body, ServedModel m) {
        JsonCursor in = new JsonCursor(body);
        TensorReader t = new TensorReader();
        String id = null;
        int samples = -1;
        for (String key = in.nextKey(true, "the request"); key != null; key = in.nextKey(false, "the request")) {
            switch (key) {
                case "id" -> id = in.string("id");
                case "parameters" -> in.skipValue("parameters");
                case "inputs" -> samples = inputs(in, t, m);
                case "outputs" -> outputs(in, m);
                default -> throw HttpError.badRequest("unknown field \"" + key + "\": an infer request has \"inputs\""
                        + " and may have \"id\", \"parameters\" and \"outputs\"");
            }
        }
        in.expectEnd();
        if (samples < 0) {
            throw HttpError.badRequest("missing field \"inputs\": a list with one tensor {\"name\": \"" + m.inputName()
                    + "\", \"shape\": " + Shape.toString(ServedModel.withBatch(1, m.sampleShape()))
                    + ", \"datatype\": \"FP32\", \"data\": [...]}");
        }
        return new Request(t.data(), samples, id);
    }

    private static int inputs(JsonCursor in, TensorReader t, ServedModel m) {
        in.expect('[', "at the start of inputs (a list of tensors)");
        int samples = -1;
        int n = 0;
        if (!in.consume(']')) {
            do {
                if (n > 0) {
                    throw HttpError.badRequest("inputs has more than one tensor; model '" + m.name()
                            + "' has one input, \"" + m.inputName() + "\"");
                }
                samples = input(in, t, m, "inputs[0]");
                n++;
            } while (in.consume(','));
            in.expect(']', "or ',' in the list inputs");
        }
        if (n == 0) {
            throw HttpError.badRequest("inputs is empty: give the tensor of input \"" + m.inputName() + "\"");
        }
        return samples;
    }

    private static int input(JsonCursor in, TensorReader t, ServedModel m, String field) {
        String name = null;
        int[] shape = null;
        String datatype = null;
        boolean data = false;
        for (String key = in.nextKey(true, field); key != null; key = in.nextKey(false, field)) {
            switch (key) {
                case "name" -> name = in.string(field + ".name");
                case "datatype" -> datatype = in.string(field + ".datatype");
                case "parameters" -> in.skipValue(field + ".parameters");
                case "shape" -> shape = shape(in, field + ".shape");
                case "data" -> {
                    t.read(in, field + ".data");
                    data = true;
                }
                default -> throw HttpError.badRequest("unknown field \"" + key + "\" in " + field + ": a tensor has"
                        + " \"name\", \"shape\", \"datatype\", \"data\" and may have \"parameters\"");
            }
        }
        String expected = "{\"name\": \"" + m.inputName() + "\", \"shape\": "
                + Shape.toString(ServedModel.withBatch(1, m.sampleShape())) + ", \"datatype\": \"FP32\", \"data\": [...]}";
        for (String[] f : new String[][] {{"name", name}, {"shape", shape == null ? null : ""},
                {"datatype", datatype}, {"data", data ? "" : null}}) {
            if (f[1] == null) {
                throw HttpError.badRequest(field + " has no \"" + f[0] + "\": expected " + expected);
            }
        }
        if (!name.equals(m.inputName())) {
            throw HttpError.badRequest(field + ".name is \"" + name + "\"; model '" + m.name() + "' has one input, \""
                    + m.inputName() + "\"");
        }
        if (!datatype.equals("FP32")) {
            throw HttpError.badRequest(field + ".datatype is \"" + datatype + "\"; model '" + m.name()
                    + "' takes FP32");
        }
        int samples = TfServingApi.requireBatch(shape, field + ".shape", m);
        long expectedCount = (long) samples * m.sampleSize();
        if (t.size() != expectedCount) {
            throw HttpError.badRequest(field + ".data has " + t.size() + " values, shape " + Shape.toString(shape)
                    + " needs " + expectedCount);
        }
        return samples;
    }

    private static int[] shape(JsonCursor in, String field) {
        in.expect('[', "at the start of " + field + " (a list of whole numbers)");
        int[] s = new int[8];
        int n = 0;
        if (!in.consume(']')) {
            do {
                long d = in.integer(field + "[" + n + "]");
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw HttpError.badRequest(field + "[" + n + "] is " + d + ": a dimension is at least 0");
                }
                if (n == s.length) {
                    s = Arrays.copyOf(s, n * 2);
                }
                s[n++] = (int) d;
            } while (in.consume(','));
            in.expect(']', "or ',' in the list " + field);
        }
        return Arrays.copyOf(s, n);
    }

    /** Requested outputs: each must be the model's output. */
    private static void outputs(JsonCursor in, ServedModel m) {
        in.expect('[', "at the start of outputs (a list of {\"name\": ...})");
        int n = 0;
        if (!in.consume(']')) {
            do {
                String field = "outputs[" + n + "]";
                for (String key = in.nextKey(true, field); key != null; key = in.nextKey(false, field)) {
                    if (key.equals("name")) {
                        String name = in.string(field + ".name");
                        if (!name.equals(m.outputName())) {
                            throw HttpError.badRequest(field + ".name is \"" + name + "\"; model '" + m.name()
                                    + "' has one output, \"" + m.outputName() + "\"");
                        }
                    } else {
                        in.skipValue(field + "." + key);
                    }
                }
                n++;
            } while (in.consume(','));
            in.expect(']', "or ',' in the list outputs");
        }
    }

    static byte[] answer(Request r, float[] y, ServedModel m) {
        JsonOut o = new JsonOut().raw("{\"model_name\":").string(m.name())
                .raw(",\"model_version\":").string(String.valueOf(m.version()));
        if (r.id() != null) {
            o.raw(",\"id\":").string(r.id());
        }
        o.raw(",\"outputs\":[{\"name\":").string(m.outputName())
                .raw(",\"datatype\":\"FP32\",\"shape\":").shape(ServedModel.withBatch(r.samples(), m.outputShape()))
                .raw(",\"data\":").flat(y, 0, r.samples() * m.outputSize()).raw("}]}");
        return o.bytes();
    }

    /** GET /v2: the server's name, version and protocol extensions. */
    static JsonObject server() {
        JsonObject o = new JsonObject();
        o.addProperty("name", "tatami");
        o.addProperty("version", Version.get());
        o.add("extensions", new JsonArray());
        return o;
    }

    /** GET /v2/models/NAME: the model's name, versions, platform, inputs and outputs. */
    static JsonObject metadata(ServedModel m) {
        JsonObject o = new JsonObject();
        o.addProperty("name", m.name());
        JsonArray versions = new JsonArray();
        versions.add(String.valueOf(m.version()));
        o.add("versions", versions);
        o.addProperty("platform", "tatami");
        o.add("inputs", tensors(m.inputName(), m.sampleShape()));
        o.add("outputs", tensors(m.outputName(), m.outputShape()));
        return o;
    }

    private static JsonArray tensors(String name, int[] sample) {
        JsonArray shape = new JsonArray();
        for (int d : ServedModel.withBatch(-1, sample)) {
            shape.add(d);
        }
        JsonObject t = new JsonObject();
        t.addProperty("name", name);
        t.addProperty("datatype", "FP32");
        t.add("shape", shape);
        JsonArray a = new JsonArray();
        a.add(t);
        return a;
    }
}
