#!/usr/bin/env bash
# UDP datagram ping-pong, swoole-rs vs Swoole 6.1.7: the same PHP script (bench/php/udp_server.php)
# on each, interleaved rounds (ours, Swoole, ours, …), server pinned to CPU 0 and the load
# generator to CPU 1. Prints each round and the medians: datagrams/s and server CPU µs per
# datagram (utime+stime of the server over all the datagrams it echoed).
#
#   bash bench/udp.sh [rounds=3] [seconds=5] [clients=50] [size=64]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; SECS=${2:-5}; CONNS=${3:-50}; SIZE=${4:-64}
OURS=$PWD/target/release/libswoole.so
SWOOLE=${SWOOLE_SO:-/work/shared/reference/swoole-6.1.7/swoole.so}
LOADGEN=bench/target/release/loadgen
[ -x "$LOADGEN" ] || (cd bench && cargo build --release -q)
TICK=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_one() { # name ext_args...
  local name=$1; shift
  local port; port=$(free_port)
  taskset -c 0 php -n "$@" bench/php/udp_server.php "$port" >/dev/null 2>&1 &
  local pid=$!
  sleep 0.5
  local out; out=$(taskset -c 1 "$LOADGEN" udp --port "$port" --conns "$CONNS" --size "$SIZE" --duration "$SECS" --warmup 0.5)
  local cpu; cpu=$(awk '{print $14+$15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$name" "$out" "$cpu" "$TICK" <<'PY'
import json, sys
name, out, cpu, tick = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
us = cpu / tick * 1e6 / max(out["all_requests"], 1)
print(json.dumps({"server": name, "rps": round(out["rps"]), "cpu_us": round(us, 2), "p99_us": out["p99_us"], "lost": out["errors"]}))
PY
}

results=()
for r in $(seq "$ROUNDS"); do
  results+=("$(run_one swoole-rs -d extension="$OURS")")
  echo "${results[-1]}"
  results+=("$(run_one swoole-6.1.7 -d extension=sockets -d extension="$SWOOLE")")
  echo "${results[-1]}"
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, sys, statistics
rows = [json.loads(l) for l in sys.stdin if l.strip()]
for name in ("swoole-rs", "swoole-6.1.7"):
    rs = [r for r in rows if r["server"] == name]
    med = lambda k: statistics.median(r[k] for r in rs)
    lost = sum(r["lost"] for r in rs)
    print("median %s: %.0f datagrams/s, %.2f us server CPU/datagram, p99 %.0f us, lost %d" % (name, med("rps"), med("cpu_us"), med("p99_us"), lost))
'
