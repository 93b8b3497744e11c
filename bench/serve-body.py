#!/usr/bin/env python3
"""Writes the body of one TensorFlow Serving :predict request: MNIST test image N (default 0), its pixels
scaled to [0, 1] as float32 values written the way numpy's tolist() and json.dumps write them."""
import gzip
import json
import os
import struct
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.path.join(root, "tatami-core/src/main/resources/org/tatami/data/mnist/t10k-images-idx3-ubyte.gz")
with gzip.open(path) as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    f.seek(16 + n * rows * cols)
    pixels = f.read(rows * cols)
# float32(p / 255) widened to a double, as numpy writes it: up to 17 significant digits.
values = [struct.unpack("f", struct.pack("f", p / 255))[0] for p in pixels]
image = [[[values[y * cols + x]] for x in range(cols)] for y in range(rows)]
print(json.dumps({"instances": [image]}, separators=(",", ":")))
