"""Reads the JSON lines of tatami's EndToEnd and Peak and of the PyTorch peer, for compare.sh.

  results.py summary LOG                          one line about one run
  results.py table OUT ROUNDS EPOCHS THREADS W..  the comparison table of the runs in folder OUT
"""
import json
import os
import statistics
import sys


def result(path):
    """The last result line of a log: 'JSON {...}' (EndToEnd, the peers) or a bare '{...}' (Peak)."""
    lines = [l for l in open(path) if l.startswith("JSON ") or l.startswith("{")]
    if not lines:
        sys.exit(f"results.py: no JSON line in {path}")
    line = lines[-1]
    return json.loads(line[5:] if line.startswith("JSON ") else line)


def figures(d):
    """The compared figures of one run, named alike for both engines (None where a run has none)."""
    epochs = d.get("epoch_seconds_all") or []
    images = d.get("inference_images_per_second")
    if images is None:  # the peers name it after how many passes it is the best of
        images = next(v for k, v in d.items() if k.startswith("infer_images_per_s"))
    others = d.get("other_processes_cores_per_epoch")
    return {
        # the first epoch pays for warm-up (the JIT, allocations): left out when there are others
        "seconds per epoch": statistics.median(epochs[1:] or epochs) if epochs else None,
        "inference images/s": images,
        "latency, 1 image (us)": d["latency_single_image_median_us"],
        "peak RSS (MiB)": d.get("peak_rss_mib"),
        "val accuracy": d.get("val_accuracy", d.get("final_val_acc")),
        "others' cores (noise)": statistics.mean(others) if others else None,
    }


def fmt(v):
    if v is None:
        return "-"
    if v >= 1000:
        return f"{v:,.0f}"
    return f"{v:.1f}" if v >= 100 else f"{v:.2f}" if v >= 1 else f"{v:.3g}"


def summary(log):
    f = figures(result(log))
    parts = [f"{f['seconds per epoch']:.2f} s/epoch"] if f["seconds per epoch"] is not None else []
    parts += [f"{f['inference images/s']:,.0f} images/s", f"{f['latency, 1 image (us)']} us/image"]
    print(", ".join(parts))


def table(out, rounds, epochs, threads, workloads):
    peak = result(os.path.join(out, "peak.log"))
    print(f"FMA peak, Vector API {peak['species']}: 1 thread {peak['single_core_gflops']} GFLOP/s, "
          f"{peak['threads']} threads {peak['all_core_gflops']} GFLOP/s ({peak['cpu']})")
    first = result(os.path.join(out, f"{workloads[0]}.tatami.1.log"))
    print(f"tatami: {first['simd_lanes']} float lanes per vector (1: the plain-Java path); "
          f"PyTorch peer's BLAS: {os.environ.get('PEER_BLAS', 'reference')}"
          + (f"; both capped at {os.environ['PEER_LANES']} lanes" if os.environ.get('PEER_LANES') else ""))
    training = f", {epochs} epoch(s) per training run" if set(workloads) - {"inference"} else ""
    print(f"{rounds} round(s) per workload{training}, {threads} thread(s); logs in {out}")
    print()
    header = (f"{'workload':<10} {'figure':<24} {'tatami':>10} {'torch':>10} {'tatami/torch':>13}"
              "   runs (tatami | torch)")
    print(header)
    print("-" * len(header))
    for w in workloads:
        runs = {eng: [figures(result(os.path.join(out, f"{w}.{eng}.{r}.log"))) for r in range(1, rounds + 1)]
                for eng in ("tatami", "torch")}
        names = ["inference images/s", "latency, 1 image (us)", "peak RSS (MiB)"]
        if w != "inference":
            names = ["seconds per epoch"] + names + ["val accuracy", "others' cores (noise)"]
        for name in names:
            values = {eng: [f[name] for f in runs[eng] if f[name] is not None] for eng in runs}
            med = {eng: statistics.median(v) if v else None for eng, v in values.items()}
            ratio = ""
            if med["tatami"] is not None and med["torch"] and name not in ("val accuracy", "others' cores (noise)"):
                ratio = f"{med['tatami'] / med['torch']:.2f}"
            spread = " ".join(map(fmt, values["tatami"])) + " | " + " ".join(map(fmt, values["torch"]))
            print(f"{w:<10} {name:<24} {fmt(med['tatami']):>10} {fmt(med['torch']):>10} {ratio:>13}   {spread}")
    print()
    print("Medians over the rounds. tatami/torch below 1: tatami takes less time or memory; above 1 on")
    print("images/s: tatami is faster. others' cores: cores used by other processes while training, mean")
    print("over the epochs; well above 0 means the machine was busy and the figures are noisy.")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) >= 7 and sys.argv[1] == "table":
        table(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:])
    else:
        sys.exit(__doc__)
