#!/usr/bin/env bash
# Server CPU per request of each reactor backend (issue 15): the tutorial server (one worker,
# SWOOLE_BASE) pinned to CPU 0, the load generator on CPU 1, closed-loop ping-pong; rounds
# alternate the backends. Prints one line per run and the medians.
#   bash bench/reactor_backends.sh [ROUNDS=3] [CONNS=100] [SIZES="64 4096"] [SECONDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; CONNS=${2:-100}; SIZES=${3:-"64 4096"}; SECS=${4:-3}
SO=${SWOOLE_RS_SO:-$PWD/target/release/libswoole.so}
LOADGEN=${LOADGEN:-$PWD/bench/target/release/loadgen}
[ -x "$LOADGEN" ] || (cd bench && cargo build --release --quiet)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for r in $(seq "$ROUNDS"); do
    for size in $SIZES; do
        for rt in epoll io_uring; do
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
            SWOOLE_RS_REACTOR_TYPE=$rt taskset -c 0 php -n -d extension="$SO" bench/php/tutorial_server_workers.php "$port" 1 >/dev/null 2>&1 &
            spid=$!
            for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
            a=$(awk '{print $14+$15}' "/proc/$spid/stat")
            out=$(taskset -c 1 "$LOADGEN" pingpong --port "$port" --conns "$CONNS" --size "$size" --duration "$SECS" | tail -1)
            b=$(awk '{print $14+$15}' "/proc/$spid/stat")
            kill "$spid"; wait "$spid" 2>/dev/null || true
            tck=$(getconf CLK_TCK)
            python3 - "$rt" "$size" "$a" "$b" "$tck" "$out" <<'PY' | tee -a "$results"
import json, sys
rt, size, a, b, tck, out = sys.argv[1:]
d = json.loads(out)
cpu = (int(b) - int(a)) / int(tck) * 1e6 / max(1, d["all_requests"])
print(f"{rt} {size} {d['rps']:.0f} {cpu:.2f} {d['p99_us']:.0f}")
PY
        done
    done
done
python3 - "$results" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    rt, size, rps, cpu, p99 = line.split()
    rows[(int(size), rt)].append((float(rps), float(cpu), float(p99)))
print("| size | backend | req/s | server CPU µs/request | p99 µs |")
print("|---:|---|---:|---:|---:|")
for (size, rt), v in sorted(rows.items()):
    med = [statistics.median(x[i] for x in v) for i in range(3)]
    print(f"| {size} B | {rt} | {med[0]:,.0f} | {med[1]:.2f} | {med[2]:.0f} |")
PY
