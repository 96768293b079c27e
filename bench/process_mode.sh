#!/usr/bin/env bash
# SWOOLE_PROCESS vs SWOOLE_BASE, ours vs Swoole 6.1.7, in one run: the tutorial server with
# worker_num 1 (reactor_num 1), the whole server process tree pinned to CPU 0, the load
# generator on CPU 1, 64 B ping-pong over 100 connections. Prints req/s, p99 and server CPU
# µs per request (utime+stime of every process of the tree, all threads, over the run).
# Usage: bash bench/process_mode.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
OURS=${SWOOLE_RS_SO:-$PWD/../target/release/libswoole.so}
REF=${SWOOLE_SO:-/work/shared/reference/swoole-6.1.7/swoole.so}
secs=${1:-5}
rounds=${2:-3}
[ -x target/release/loadgen ] || cargo build --release --quiet
tree_of() { # $1 and every descendant
    local p=$1 kid
    echo "$p"
    for kid in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_of "$kid"; done
}
cpu_of_tree() { # utime+stime ticks of the tree (each /proc/PID/stat sums its threads)
    local total=0 p
    for p in $(tree_of "$1"); do
        [ -r /proc/$p/stat ] || continue
        total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
    done
    echo $total
}
run() { # name, php args...
    local name=$1; shift
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    taskset -c 0 php -n "$@" php/tutorial_server_process.php "$port" "${name##* }" >/dev/null 2>&1 &
    local pid=$!
    sleep 1.5
    local c0 c1 out
    c0=$(cpu_of_tree $pid)
    out=$(taskset -c 1 ./target/release/loadgen pingpong --port "$port" --conns 100 --size 64 --duration "$secs" --warmup 0)
    c1=$(cpu_of_tree $pid)
    kill $pid; wait $pid 2>/dev/null || true
    python3 -c "
import json,os; d=json.loads('''$out'''); t=os.sysconf('SC_CLK_TCK')
print(f'{\"$name\":<22} req/s={d[\"rps\"]:>9,.0f}  p99_us={d[\"p99_us\"]:>7,.0f}  server_cpu_us/req={($c1-$c0)/t*1e6/d[\"all_requests\"]:6.2f}')"
}
for r in $(seq "$rounds"); do
    echo "-- round $r"
    run "swoole-rs process" -d extension="$OURS"
    run "swoole-6.1.7 process" -d extension=sockets -d extension="$REF"
    run "swoole-rs base" -d extension="$OURS"
    run "swoole-6.1.7 base" -d extension=sockets -d extension="$REF"
done
