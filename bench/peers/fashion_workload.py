#!/usr/bin/python3
"""PyTorch peer of tatami's ModelZoo.fashionResnet() as the FashionResNet example trains it, the fashion
workload of bench/compare.sh.

  Fashion-MNIST; in training only, each picture flipped left-right with probability 0.5 (Keras's
  RandomFlip("horizontal")), then shifted by a uniform draw in [-0.1, 0.1] of its height and another of
  its width, bilinear, the uncovered border 0 (Keras's RandomTranslation(0.1, 0.1, fill_mode="constant"));
  then Conv2D(32,3x3,relu) -> MaxPool(2) -> block(32) -> block(32) -> MaxPool(2) -> block(64, 1x1
  projection shortcut) -> Flatten -> Dense(128, relu) -> Dense(10, softmax), with resnet_workload.py's
  blocks (391,434 trainable parameters, Keras's initialisation and BatchNormalization).
  Adam(lr=2e-3, eps=1e-7) whose rate follows Keras's CosineDecay(2e-3, epochs * steps per epoch) step by
  step (alpha 0); batch 128, shuffled every epoch; trains on the first 54,000 training pictures and
  validates on the last 6,000 (Keras's validation_split=0.1); inference figures on the 10k test set.
The per-epoch lines and the final JSON line are resnet_workload.py's (workload "fashion").

The data are the four IDX .gz files of Debian's dataset-fashion-mnist package
(/usr/share/datasets/fashion-mnist), or of the folder $FASHION_MNIST_DIR names.

Usage:
  flock /tmp/cpu-bench.lock /usr/bin/python3 fashion_workload.py [--epochs 1] [--threads 2]
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

import resnet_workload as rw
from resnet_workload import bc

FASHION_MNIST_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz")
VALIDATION_SPLIT = 0.1
SHIFT = 0.1


def load_fashion_mnist():
    """(first 90% of the training set, last 10% for validation, the test images for inference)."""
    missing = [f for f in FILES if not os.path.isfile(os.path.join(FASHION_MNIST_DIR, f))]
    if missing:
        sys.exit(f"fashion_workload.py: Fashion-MNIST is not in {FASHION_MNIST_DIR} (missing {', '.join(missing)}):"
                 " install Debian's package with 'apt-get install dataset-fashion-mnist', or set"
                 " FASHION_MNIST_DIR to a folder holding its four IDX .gz files")
    xtr, ytr, xte, _ = bc.load_mnist(FASHION_MNIST_DIR)
    split = math.floor(xtr.shape[0] * (1 - VALIDATION_SPLIT))  # Keras keeps the last samples for validation
    return (xtr[:split], ytr[:split]), (xtr[split:], ytr[split:]), xte


def augment(x, gen):
    """Random horizontal flips, then random shifts of up to SHIFT of the height and width, per sample."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    # An output point reads the input at itself minus the shift; grid coordinates span 2 over the picture,
    # so a shift of f times the width is 2 f. Column 0 of shift is x (width), column 1 is y (height).
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * SHIFT
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = 1
    theta[:, 1, 1] = 1
    theta[:, :, 2] = -2 * shift
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # 0 outside the picture: Keras's fill_mode="constant" with fill_value 0
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class FashionResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.pool = nn.MaxPool2d(2)
        self.block1 = rw.Block(32, 32)
        self.block2 = rw.Block(32, 32)
        self.block3 = rw.Block(32, 64)
        self.hidden = nn.Linear(6 * 6 * 64, 128)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        x = self.block3(self.pool(self.block2(self.block1(x))))
        return self.fc(F.relu(self.hidden(x.flatten(1))))


class Augmented(nn.Module):
    """The augmentation layers in front of a model, as in Keras: active in training, the identity in eval."""

    def __init__(self, model, seed):
        super().__init__()
        self.model = model
        self.gen = torch.Generator().manual_seed(seed)

    def forward(self, x):
        return self.model(augment(x, self.gen) if self.training else x)


class CosineDecayAdam(torch.optim.Adam):
    """Adam whose learning rate is Keras's CosineDecay(lr, decay_steps) (alpha 0) at each step: the first
    step at lr, falling along half a cosine to 0 at decay_steps."""

    def __init__(self, params, lr, decay_steps):
        super().__init__(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)
        self.initial_lr = lr
        self.decay_steps = decay_steps
        self.iterations = 0

    def step(self, closure=None):
        t = min(self.iterations, self.decay_steps) / self.decay_steps
        for group in self.param_groups:
            group["lr"] = self.initial_lr * 0.5 * (1 + math.cos(math.pi * t))
        self.iterations += 1
        return super().step(closure)


def main():
    args = rw.parse_args(lr=2e-3)
    rw.run("fashion", args, load_fashion_mnist, lambda: Augmented(FashionResNet(), args.seed + 1),
           lambda model, steps: CosineDecayAdam(model.parameters(), args.lr, args.epochs * steps), params=391434)


if __name__ == "__main__":
    main()
