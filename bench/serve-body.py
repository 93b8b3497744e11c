#!/usr/bin/env python3
"""Writes the body of one TensorFlow Serving :predict request: MNIST test image N (default 0), its pixels
scaled to [0, 1] as float32 values written the way numpy's tolist() and json.dumps write them.
With --v2 INPUT, an Open Inference Protocol v2 infer request for the model input named INPUT instead."""
import gzip
import json
import os
import struct
import sys

args = sys.argv[1:]
v2 = None
if "--v2" in args:
    at = args.index("--v2")
    v2 = args[at + 1]
    del args[at:at + 2]
n = int(args[0]) if args else 0
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.path.join(root, "tatami-core/src/main/resources/org/tatami/data/mnist/t10k-images-idx3-ubyte.gz")
with gzip.open(path) as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    f.seek(16 + n * rows * cols)
    pixels = f.read(rows * cols)
# float32(p / 255) widened to a double, as numpy writes it: up to 17 significant digits.
values = [struct.unpack("f", struct.pack("f", p / 255))[0] for p in pixels]
if v2:
    print(json.dumps({"inputs": [{"name": v2, "shape": [1, rows, cols, 1], "datatype": "FP32", "data": values}]},
                     separators=(",", ":")))
else:
    image = [[[values[y * cols + x]] for x in range(cols)] for y in range(rows)]
    print(json.dumps({"instances": [image]}, separators=(",", ":")))
