#!/usr/bin/env bash
# Measures tatami against the PyTorch peer on the same workloads. The two run alternately, so that
# load from other processes on a shared machine falls on both alike, and the table gives medians.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench/compare.sh [options]

Runs tatami's EndToEnd and the PyTorch peer alternately (tatami, torch, tatami, torch, ...) on each
workload, every run under `flock /tmp/cpu-bench.lock`, then prints per workload the median over the
rounds of each engine's seconds per epoch, inference images/s (batches of 1000), single-image latency
and peak RSS, with the ratios tatami/torch, and this machine's FMA peak.

options:
  --epochs N        training epochs per training run (default 2); seconds per epoch is the
                    median over the epochs after the first when there are several
  --rounds N        runs of each engine per workload (default 2)
  --workloads LIST  comma-separated, from seed,convnet,inference,resnet,fashion (default: seed,
                    convnet,inference); inference trains the seed model for 1 epoch, then measures
                    inference only; resnet is ModelZoo.resnet() against bench/peers/resnet_workload.py;
                    fashion is the FashionResNet example's training (ModelZoo.fashionResnet() with
                    flips and shifts, CosineDecay, validation_split 0.1 on Fashion-MNIST) against
                    bench/peers/fashion_workload.py
  --peer-blas B     the BLAS under the PyTorch peer: reference (default, Debian's python3-torch as
                    installed) or openblas (Debian's libopenblas0-openmp and libtcmalloc-minimal4
                    unpacked into a cache folder with apt-get download, once; OpenBLAS put in front
                    with LD_LIBRARY_PATH and tcmalloc preloaded: the fastest PyTorch set-up found
                    for these machines)
  --lanes L         cap both engines' vectors at L floats, 4 (SSE, as wide as ARM's NEON) or 8 (AVX2),
                    to measure a narrower CPU on a wider one with neither engine using more: tatami
                    with -XX:MaxVectorSize, the peer with ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA and
                    (with openblas) OPENBLAS_CORETYPE (default: no cap, each engine as it starts)
  --threads T       threads of both engines (default: all processors)
  --out DIR         folder for the runs' logs (default: a new temporary folder)
  --no-build        use tatami-bench/target/benchmarks.jar as it is instead of building it
  -h, --help        this help

environment:
  PEERS_DIR     the peer scripts (default: ../shared/peers beside the repository)
  MNIST_DIR     the MNIST folder the peer reads (default: the copy bundled in tatami-core)
  FASHION_MNIST_DIR  the Fashion-MNIST folder both engines read for fashion (default: Debian's
                dataset-fashion-mnist, /usr/share/datasets/fashion-mnist)
  TORCH_PYTHON  a Python with torch (default: /usr/bin/python3, for Debian's python3-torch)
  JAVA_OPTS     extra JVM options for tatami's runs (which get ./tatami's -XX:+UseSerialGC
                -XX:MaxNewSize=64m unless these choose a collector)
  OPENBLAS_DIR  where --peer-blas openblas unpacks OpenBLAS (default: ${XDG_CACHE_HOME:-~/.cache}/tatami-openblas)
  BENCH_LOCK    the lock file shared by timed runs (default: /tmp/cpu-bench.lock)

exit status: 0 done; 1 a run failed; 2 bad option, or the peer scripts, torch or Fashion-MNIST are missing
(Debian's python3-torch is installed with apt-get when it is missing and the script runs as root).
USAGE
}

die() {
  echo "compare.sh: $1" >&2
  exit "${2:-2}"
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EPOCHS=2
ROUNDS=2
WORKLOADS=seed,convnet,inference
PEER_BLAS=reference
LANES=
THREADS=$(nproc)
OUT=
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS=${2:?--epochs needs a value}; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a value}; shift 2 ;;
    --workloads) WORKLOADS=${2:?--workloads needs a value}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
    --peer-blas) PEER_BLAS=${2:?--peer-blas needs a value}; shift 2 ;;
    --lanes) LANES=${2:?--lanes needs a value}; shift 2 ;;
    --out) OUT=${2:?--out needs a value}; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
for n in "$EPOCHS" "$ROUNDS" "$THREADS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "epochs, rounds and threads must be positive integers, got '$n'"
done
IFS=, read -r -a WORKLOAD_LIST <<< "$WORKLOADS"
for w in "${WORKLOAD_LIST[@]}"; do
  case "$w" in seed|convnet|inference|resnet|fashion) ;; *) die "unknown workload '$w' (expected seed, convnet, inference, resnet, fashion)" ;; esac
done
FASHION_DIR=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
if [[ ",$WORKLOADS," == *,fashion,* ]] && [ ! -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ]; then
  die "the fashion workload needs Fashion-MNIST in $FASHION_DIR: apt-get install dataset-fashion-mnist (Debian's package), or set FASHION_MNIST_DIR to a folder of its four IDX .gz files"
fi
case "$PEER_BLAS" in reference|openblas) ;; *) die "unknown --peer-blas '$PEER_BLAS' (expected reference or openblas)" ;; esac
# The instruction sets of each width, for the peer's three kernel libraries: PyTorch's own kernels,
# oneDNN's (its convolutions) and OpenBLAS's (its matrix products).
case "$LANES" in
  '') ;;
  4) aten=default onednn=SSE41 openblas_core=Nehalem aten_shown='NO AVX' ;;
  8) aten=avx2 onednn=AVX2 openblas_core=Haswell aten_shown=AVX2 ;;
  *) die "unknown --lanes '$LANES' (expected 4 or 8)" ;;
esac

export PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/peers}
if [ ! -f "$PEERS_DIR/torch/seed_workload.py" ] || [ ! -f "$PEERS_DIR/torch/convnet_workload.py" ]; then
  die "the PyTorch peer scripts are not there: expected $PEERS_DIR/torch/seed_workload.py and convnet_workload.py; set PEERS_DIR to the peers folder"
fi
TORCH_PYTHON=${TORCH_PYTHON:-/usr/bin/python3}
# Debian's python3-torch is the PyTorch peer; install it when it is missing and apt-get can.
if ! "$TORCH_PYTHON" -c 'import torch' 2>/dev/null && [ "$TORCH_PYTHON" = /usr/bin/python3 ] \
    && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "compare.sh: installing Debian's python3-torch (once)..." >&2
  { apt-get update -qq && apt-get install -y -qq python3-torch python3-numpy; } >&2 \
    || die "could not install python3-torch with apt-get"
fi
"$TORCH_PYTHON" -c 'import torch' 2>/dev/null \
  || die "$TORCH_PYTHON cannot import torch: on Debian, apt-get install -y python3-torch python3-numpy (or set TORCH_PYTHON)"
export MNIST_DIR=${MNIST_DIR:-$ROOT/tatami-core/src/main/resources/org/tatami/data/mnist}
# The peer's environment: with --peer-blas openblas, OpenBLAS's libblas.so.3 found before the reference
# one, and tcmalloc instead of glibc's malloc. PyTorch allocates its large tensors afresh on every batch;
# glibc maps and unmaps each one, and where page faults are dear (4 us a page on some virtual machines)
# that made the seed's epoch 9.4 s instead of 0.8 s. Raising glibc's mmap threshold cannot help there:
# it stops at 32 MiB, below a batch's activations.
torch_env=()
if [ "$PEER_BLAS" = openblas ]; then
  OPENBLAS_DIR=${OPENBLAS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tatami-openblas}
  # Finds a library of a Debian package in the cache folder, fetching and unpacking the package once.
  cached_library() {
    local package=$1 name=$2 found
    found=$(find "$OPENBLAS_DIR" -name "$name" -path "${3:-*}" 2>/dev/null | head -n 1 || true)
    if [ -z "$found" ]; then
      command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
        || die "--peer-blas openblas needs apt-get and dpkg-deb (Debian or Ubuntu) to fetch $package"
      echo "compare.sh: fetching Debian's $package into $OPENBLAS_DIR (once)..." >&2
      mkdir -p "$OPENBLAS_DIR"
      (cd "$OPENBLAS_DIR" && apt-get download "$package" && dpkg-deb -x "$package"_*.deb .) >&2 \
        || die "could not fetch $package with apt-get download (run apt-get update first?)"
      found=$(find "$OPENBLAS_DIR" -name "$name" -path "${3:-*}" | head -n 1)
      [ -n "$found" ] || die "$package in $OPENBLAS_DIR holds no $name"
    fi
    echo "$found"
  }
  blas=$(cached_library libopenblas0-openmp libblas.so.3 '*openblas-openmp*')
  tcmalloc=$(cached_library libtcmalloc-minimal4 libtcmalloc_minimal.so.4)
  torch_env=(env "LD_LIBRARY_PATH=$(dirname "$blas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    "LD_PRELOAD=$tcmalloc${LD_PRELOAD:+:$LD_PRELOAD}")
fi
if [ -n "$LANES" ]; then
  torch_env=(env "ATEN_CPU_CAPABILITY=$aten" "ONEDNN_MAX_CPU_ISA=$onednn" "${torch_env[@]:1}")
  if [ "$PEER_BLAS" = openblas ]; then torch_env+=("OPENBLAS_CORETYPE=$openblas_core"); fi
  JAVA_OPTS="-XX:MaxVectorSize=$((LANES * 4)) ${JAVA_OPTS:-}"
fi
LOCK=${BENCH_LOCK:-/tmp/cpu-bench.lock}
JAR=$ROOT/tatami-bench/target/benchmarks.jar
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tatami-compare.XXXXXX")}
mkdir -p "$OUT"
echo "logs in $OUT" >&2

if [ "$BUILD" = 1 ]; then
  echo "building tatami-bench ..." >&2
  if ! (cd "$ROOT" && mvn -B -q -DskipTests package -pl tatami-bench -am) > "$OUT/build.log" 2>&1; then
    tail -30 "$OUT/build.log" >&2
    die "the build failed (log: $OUT/build.log)" 1
  fi
fi
[ -f "$JAR" ] || die "$JAR is missing: build it with mvn -B package -pl tatami-bench -am" 1

# Runs a command under the lock with its output in a log; on failure shows the log's end.
run() {
  local log=$1
  shift
  if ! flock "$LOCK" "$@" > "$log" 2>&1; then
    tail -20 "$log" >&2
    die "failed: $* (log: $log)" 1
  fi
}

# The collector and young generation that ./tatami gives every command, so that the RSS column is what a
# user of the launcher sees; a collector chosen in JAVA_OPTS replaces them (the JVM refuses two).
gc_flags=(-XX:+UseSerialGC -XX:MaxNewSize=64m)
if [[ " ${JAVA_OPTS:-} " == *" -XX:+Use"*"GC "* ]]; then gc_flags=(); fi
java_cmd=(java --add-modules jdk.incubator.vector "${gc_flags[@]}" ${JAVA_OPTS:-} ${FASHION_MNIST_DIR:+"-Dtatami.fashionMnist=$FASHION_MNIST_DIR"} -cp "$JAR")
run "$OUT/peak.log" "${java_cmd[@]}" org.tatami.bench.Peak --threads "$THREADS"
for w in "${WORKLOAD_LIST[@]}"; do
  case "$w" in
    seed) tatami_args=(--workload seed --epochs "$EPOCHS"); torch_args=(seed_workload.py --epochs "$EPOCHS") ;;
    convnet) tatami_args=(--workload convnet --epochs "$EPOCHS"); torch_args=(convnet_workload.py --epochs "$EPOCHS") ;;
    inference) tatami_args=(--workload inference --epochs 1); torch_args=(seed_workload.py --epochs 1) ;;
    resnet) tatami_args=(--workload resnet --epochs "$EPOCHS"); torch_args=(resnet_workload.py --epochs "$EPOCHS") ;;
    fashion) tatami_args=(--workload fashion --epochs "$EPOCHS"); torch_args=(fashion_workload.py --epochs "$EPOCHS") ;;
  esac
  script=$PEERS_DIR/torch/${torch_args[0]}
  case "$w" in resnet|fashion) script=$ROOT/bench/peers/${torch_args[0]} ;; esac
  for r in $(seq 1 "$ROUNDS"); do
    log=$OUT/$w.tatami.$r.log
    run "$log" "${java_cmd[@]}" org.tatami.bench.EndToEnd "${tatami_args[@]}" --threads "$THREADS"
    echo "$w round $r/$ROUNDS tatami: $(python3 "$ROOT/bench/results.py" summary "$log")" >&2
    log=$OUT/$w.torch.$r.log
    run "$log" "${torch_env[@]}" "$TORCH_PYTHON" "$script" "${torch_args[@]:1}" --threads "$THREADS"
    if [ "$PEER_BLAS" = openblas ] && ! grep -q 'openblas' "$log"; then
      die "the PyTorch peer did not load OpenBLAS (its mapped libraries, in $log, name none)" 1
    fi
    if [ -n "$LANES" ] && ! grep -q "CPU capability usage: $aten_shown\$" "$log"; then
      die "the PyTorch peer did not take the $LANES-lane cap (its log, $log, names another CPU capability)" 1
    fi
    echo "$w round $r/$ROUNDS torch:  $(python3 "$ROOT/bench/results.py" summary "$log")" >&2
  done
done

PEER_BLAS=$PEER_BLAS PEER_LANES=$LANES python3 "$ROOT/bench/results.py" table "$OUT" "$ROUNDS" "$EPOCHS" "$THREADS" "${WORKLOAD_LIST[@]}"
