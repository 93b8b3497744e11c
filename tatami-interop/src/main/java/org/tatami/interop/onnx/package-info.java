/**
 * ONNX export and import of CNNs, chains and graphs.
 *
 * <p>{@link org.tatami.interop.onnx.OnnxExport#save} writes a Sequential or Functional model as an
 * opset-13 ONNX file that takes tatami's NHWC input. Exported layers: Conv2D, MaxPooling2D,
 * AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Flatten, Reshape, Dense, Activation
 * (relu, relu6 as Clip, sigmoid, tanh, softmax), Dropout, and the merge layers Add (Add, or Sum for
 * more than two inputs), Subtract (Sub), Multiply (Mul), Average (Mean), Maximum (Max), Minimum (Min)
 * and Concatenate (Concat).
 *
 * <p>{@link org.tatami.interop.onnx.OnnxImport#load} reads ONNX files (NCHW, as most tools write them,
 * or NHWC) into a model that takes NHWC input: a Sequential for a chain, a Functional model for any
 * other graph. Imported operators: Conv (group 1), MaxPool, AveragePool, GlobalAveragePool,
 * BatchNormalization, Relu, Clip to [0, 6] or [0, inf), Sigmoid, Tanh, Softmax, Gemm, MatMul, Add (a
 * bias, or two values), Sub, Mul, Sum, Max, Min, Mean, Concat, Pad (zeros, folded into the next Conv),
 * Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Dropout, Constant and Identity, with nodes in any
 * order.
 *
 * <p>The protobuf classes in {@code org.tatami.interop.onnx.proto} are generated at build time from
 * {@code src/main/proto/onnx.proto}, the part of the ONNX schema that tatami uses. The test models
 * under {@code src/test/resources/onnx} are written by {@code src/test/python/make_onnx_graphs.py}.
 */
package org.tatami.interop.onnx;
