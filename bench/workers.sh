#!/usr/bin/env bash
# Worker scaling: worker_num 1 vs 2 on the tutorial server, 64 B ping-pong with 100 connections,
# nothing pinned (2 cores shared by server and load generator). Prints req/s, server CPU µs per
# request (manager + workers) and the connection spread. Usage: bash bench/workers.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")"
SO=${SWOOLE_RS_SO:-$PWD/../target/release/libswoole.so}
secs=${1:-5}
cpu_of_tree() { # utime+stime ticks of $1 and its children
    local total=0 p
    for p in $1 $(grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
        [ -r /proc/$p/stat ] || continue
        total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
    done
    echo $total
}
for n in 1 2 1 2 1 2; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    php -n -d extension="$SO" php/tutorial_server_workers.php "$port" "$n" >/dev/null 2>&1 &
    pid=$!
    sleep 1
    c0=$(cpu_of_tree $pid)
    out=$(./target/release/loadgen pingpong --port "$port" --conns 100 --size 64 --duration "$secs" --warmup 0)
    c1=$(cpu_of_tree $pid)
    kill $pid; wait $pid 2>/dev/null || true
    python3 -c "
import json,os; d=json.loads('''$out'''); t=os.sysconf('SC_CLK_TCK')
print(f'worker_num=$n req/s={d[\"rps\"]:,.0f} server_cpu_us/req={($c1-$c0)/t*1e6/d[\"all_requests\"]:.2f} p99_us={d[\"p99_us\"]:,.0f}')"
done
