#!/usr/bin/env bash
# Load test of `tatami serve` over this machine's loopback only (127.0.0.1), with wrk: single-image
# TensorFlow Serving :predict requests on the seed model at 1, 16 and 64 connections, with dynamic batching
# on and off, each for a bounded time; then 60 s at 64 connections with the server's resident memory
# sampled every second; then the start-up time (process started to model loaded and port open).
#
#   bench/serve-load.sh [--seconds 15] [--soak 60] [--model FILE] [--port 18080]
#
# Needs wrk and python3 (apt-get install wrk python3). The server runs through ./tatami (JAVA_OPTS as for
# any tatami command; TATAMI=... names another launcher). Without --model the seed model is trained once
# into a scratch folder (about 10 s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tatami="${TATAMI:-$root/tatami}"
seconds=15
soak=60
model=""
port=18080
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --soak) soak="$2"; shift 2 ;;
        --model) model="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "usage: $0 [--seconds N] [--soak N] [--model FILE] [--port P]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "serve-load: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
url="http://127.0.0.1:$port"

if [ -z "$model" ]; then
    echo "training the seed model into a scratch folder..." >&2
    $tatami train --quiet --out "$work/run"
    model="$work/run/model.tatami"
fi
python3 "$root/bench/serve-body.py" > "$work/body.json"
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

start_server() {
    $tatami serve --model "seed=$model" --port "$port" "$@" > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        if curl -sf "$url/v2/health/ready" >/dev/null 2>&1; then return; fi
        sleep 0.05
    done
    cat "$work/server.log" >&2
    echo "serve-load: the server did not start" >&2
    exit 1
}

stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

# wrk's latency figure in ms (it prints us, ms or s).
ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}

# One timed run: prints "req/s p50 p99 errors".
run_wrk() {
    local connections=$1 duration=$2 threads=2
    [ "$connections" -lt 2 ] && threads=1
    local out
    out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "$url/v1/models/seed:predict")
    local rps p50 p99 non2xx sock
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    sock=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    echo "$rps $p50 $p99 $(( ${non2xx:-0} + ${sock:-0} ))"
}

echo "| batching | connections | requests/s | p50 ms | p99 ms | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
for mode in on off; do
    if [ "$mode" = on ]; then start_server; else start_server --no-batching; fi
    run_wrk 64 5 >/dev/null   # warm-up: the JIT compiles the kernels and the request path
    for c in 1 16 64; do
        read -r rps p50 p99 errors < <(run_wrk "$c" "$seconds")
        echo "| $mode | $c | $(printf "%.0f" "$rps") | $p50 | $p99 | $errors |"
    done
    stop_server
done

start_server
run_wrk 64 5 >/dev/null
rss_log="$work/rss"
( while kill -0 "$server" 2>/dev/null; do awk '/VmRSS/ { print $2 }' "/proc/$server/status" 2>/dev/null || true; sleep 1; done ) > "$rss_log" &
sampler=$!
read -r rps p50 p99 errors < <(run_wrk 64 "$soak")
kill "$sampler" 2>/dev/null || true
echo
echo "soak: ${soak} s at 64 connections with batching: $(printf "%.0f" "$rps") requests/s, p50 $p50 ms, p99 $p99 ms," \
     "$errors errors; server RSS $(sort -n "$rss_log" | head -1 | awk '{printf "%.0f", $1/1024}')-$(sort -n "$rss_log" | tail -1 | awk '{printf "%.0f", $1/1024}') MiB"
stop_server

# Start-up: from the process's start to the model loaded and the port answering, three times.
for i in 1 2 3; do
    t0=$(date +%s.%N)
    start_server
    t1=$(date +%s.%N)
    echo "start-up $i: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s to the first answer;" \
         "the server's own figure: $(grep -o 'started in [0-9.]* s' "$work/server.log")"
    stop_server
done
