#!/usr/bin/python3
"""PyTorch peer of tatami's ModelZoo.resnet(), the residual workload of bench/compare.sh.

  Conv2D(16,3x3,relu) -> MaxPool(2) -> block(32, 1x1 projection shortcut) -> block(32) -> MaxPool(2)
  -> block(32) -> GlobalAveragePooling -> Dense(10, softmax)
  block: Conv(3x3, same, no bias) -> BatchNorm -> ReLU -> Conv(3x3, same, no bias) -> BatchNorm,
         + shortcut, -> ReLU
52,106 trainable parameters (tatami and Keras count 52,490: the BatchNorm moving statistics too);
glorot_uniform kernels and zero biases, BatchNorm as Keras's (momentum 0.99, epsilon 1e-3, gamma 1,
beta 0), Adam(lr=1e-3, eps=1e-7), batch 128, shuffled every epoch, validation on the 10k test set.
The per-epoch lines and the final JSON line are those of the peers' convnet script, which this
script's helpers come from (bench_common.py, found beside it or in $PEERS_DIR/torch); fashion_workload.py
trains the same network through run() below.

Usage:
  flock /tmp/cpu-bench.lock /usr/bin/python3 resnet_workload.py [--epochs 1] [--threads 2]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("PEERS_DIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", "..", "..", "shared", "peers")), "torch"))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import bench_common as bc  # noqa: E402


def batch_norm(channels):
    # Keras: moving = 0.99 * moving + 0.01 * batch; PyTorch's momentum is the weight of the batch.
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class Block(nn.Module):
    def __init__(self, cin, filters):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, filters, 3, padding=1, bias=False)
        self.bn1 = batch_norm(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.bn2 = batch_norm(filters)
        self.shortcut = nn.Conv2d(cin, filters, 1) if cin != filters else nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.block1 = Block(16, 32)
        self.block2 = Block(32, 32)
        self.block3 = Block(32, 32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        x = self.pool(self.block2(self.block1(x)))
        x = self.block3(x)
        return self.fc(x.mean(dim=(2, 3)))


def parse_args(lr):
    """The command line every workload script takes; lr is the default learning rate."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    return ap.parse_args()


def load_mnist():
    """MNIST: training on the 60k training images, validation on the 10k test images, which inference reads."""
    xtr, ytr, xte, yte = bc.load_mnist()
    return (xtr, ytr), (xte, yte), xte


def run(workload, args, load, make_model, make_optimizer, params=52106):
    """Trains make_model() with make_optimizer(model, steps per epoch) on load()'s (train, validation,
    inference images), printing a line per epoch, then measures inference and prints the JSON line."""
    torch.set_num_threads(args.threads)
    bc.print_env(args.threads)
    bc.seed_everything(args.seed)

    t0 = time.perf_counter()
    (xtr, ytr), (xval, yval), xinf = load()
    load_s = time.perf_counter() - t0
    print(f"data: train {tuple(xtr.shape)} validation {tuple(xval.shape)} inference {tuple(xinf.shape)}"
          f" loaded in {load_s:.2f}s", flush=True)

    model = make_model()
    bc.keras_glorot_uniform_(model)
    nparams = bc.n_params(model)
    print(f"model: {model}\nparams: {nparams}", flush=True)
    assert nparams == params, f"{nparams} trainable parameters, expected {params}"
    opt = make_optimizer(model, -(-xtr.shape[0] // args.batch_size))
    gen = torch.Generator().manual_seed(args.seed)

    epoch_secs, train_secs, others = [], [], []
    probe = bc.CpuProbe()
    for ep in range(1, args.epochs + 1):
        e0 = time.perf_counter()
        loss, acc = bc.train_one_epoch(model, opt, xtr, ytr, args.batch_size, gen)
        e1 = time.perf_counter()
        val_loss, val_acc = bc.evaluate(model, xval, yval, args.batch_size)
        e2 = time.perf_counter()
        epoch_secs.append(e2 - e0)
        train_secs.append(e1 - e0)
        lap = probe.lap()
        others.append(lap["others"])
        print(f"epoch {ep:2d}/{args.epochs} {e2 - e0:7.3f}s train {e1 - e0:7.3f}s val {e2 - e1:6.3f}s "
              f"loss {loss:.4f} acc {acc:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f} "
              f"| cpu: own {lap['own'] * bc.NCPU:.2f} cores, others {lap['others'] * bc.NCPU:.2f} cores", flush=True)

    probe = bc.CpuProbe()
    inf = bc.inference_figures(model, xinf, batch=1000, repeats=3)
    inf["other_processes_cores_during_inference"] = round(bc.NCPU * probe.lap()["others"], 2)
    out = {
        "workload": workload,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "params": nparams,
        "total_train_seconds": round(sum(epoch_secs), 3),
        "total_train_only_seconds": round(sum(train_secs), 3),
        "epoch_seconds_all": [round(t, 3) for t in epoch_secs],
        "other_processes_cores_per_epoch": [round(bc.NCPU * o, 2) for o in others],
        "final_loss": round(loss, 4),
        "final_acc": round(acc, 4),
        "final_val_loss": round(val_loss, 4),
        "final_val_acc": round(val_acc, 4),
        **inf,
        "peak_rss_mib": round(bc.peak_rss_mib(), 1),
        "data_load_seconds": round(load_s, 3),
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": bc.blas_library(),
    }
    bc.emit_json(out)


def main():
    args = parse_args(lr=1e-3)
    run("resnet", args, load_mnist, ResNet, lambda model, steps: torch.optim.Adam(
        model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7))


if __name__ == "__main__":
    main()
