/**
 * ONNX export and import of CNN classifiers.
 *
 * <p>{@link org.tatami.interop.onnx.OnnxExport#save} writes a Sequential model as an opset-13 ONNX file
 * that takes tatami's NHWC input; {@link org.tatami.interop.onnx.OnnxImport#load} reads ONNX CNN
 * classifiers (NCHW, as most tools write them, or NHWC) into a Sequential model that takes NHWC input.
 * The protobuf classes in {@code org.tatami.interop.onnx.proto} are generated at build time from
 * {@code src/main/proto/onnx.proto}, the part of the ONNX schema that tatami uses.
 */
package org.tatami.interop.onnx;
