"""Writes the ONNX graph models that tatami's import tests read, with PyTorch's exporter.

Run from this folder with PyTorch and onnx installed (Debian: python3-torch, python3-onnx):

    python3 make_onnx_graphs.py

Each model goes to ../resources/onnx/<name>.onnx, with a reference input and PyTorch's output for it
as raw little-endian float32 files (<name>.input.f32, <name>.output.f32; shapes in the test). The
models are small, randomly initialised with a fixed seed, and exported in eval mode at opset 13.
"""
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "onnx")


class Residual(nn.Module):
    """Conv-BN-ReLU-Conv-BN plus a strided 1x1 projection shortcut, Add, ReLU, global pool, linear.
    On 9x9 images PyTorch's padding 1 at stride 2 is Keras's same padding."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.project = nn.Conv2d(3, 8, 1, stride=2)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        y = torch.relu(y + self.project(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class Inception(nn.Module):
    """Four branches (1x1, 3x3, 5x5 and a max pool's 1x1) joined by Concat on the channels."""

    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(4, 6, 1)
        self.b3 = nn.Sequential(nn.Conv2d(4, 4, 1), nn.ReLU(), nn.Conv2d(4, 8, 3, padding=1))
        self.b5 = nn.Sequential(nn.Conv2d(4, 2, 1), nn.ReLU(), nn.Conv2d(2, 4, 5, padding=2))
        self.pool = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(4, 3, 1))
        self.fc = nn.Linear(21 * 4 * 4, 7)

    def forward(self, x):
        y = torch.cat([self.b1(x), self.b3(x), self.b5(x), self.pool(x)], 1)
        y = nn.functional.max_pool2d(torch.relu(y), 2)
        return torch.softmax(self.fc(torch.flatten(y, 1)), 1)


class MobileBlock(nn.Module):
    """MobileNetV2's inverted residual: 1x1 expansion, depthwise 3x3 (groups = channels), ReLU6 (Clip),
    1x1 projection, and a residual Add; then a global pool."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.expand = nn.Conv2d(8, 16, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.depthwise = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.project = nn.Conv2d(16, 8, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        x = nn.functional.relu6(self.stem(x))
        y = nn.functional.relu6(self.bn1(self.expand(x)))
        y = nn.functional.relu6(self.bn2(self.depthwise(y)))
        y = self.bn3(self.project(y)) + x
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


def randomize_batch_norm(model, generator):
    """Non-trivial statistics, so that their layout is checked too."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.2)


def export(name, model, shape, generator):
    randomize_batch_norm(model, generator)
    model.eval()
    x = torch.rand(shape, generator=generator)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, os.path.join(OUT, name + ".onnx"), opset_version=13,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
    x.numpy().astype("<f4").tofile(os.path.join(OUT, name + ".input.f32"))
    y.numpy().astype("<f4").tofile(os.path.join(OUT, name + ".output.f32"))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    export("residual", Residual(), (2, 3, 9, 9), generator)
    export("inception", Inception(), (2, 4, 8, 8), generator)
    export("mobile_block", MobileBlock(), (2, 3, 9, 9), generator)


if __name__ == "__main__":
    main()
