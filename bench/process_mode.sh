#!/usr/bin/env bash
# SWOOLE_PROCESS vs SWOOLE_BASE, ours vs Swoole 6.1.7, in one run: the tutorial server, the
# load generator on CPU 1 and (by default) the whole server process tree pinned to CPU 0.
# Prints req/s, p99 and server CPU µs per request (utime+stime of every process of the tree,
# all threads, over the run). Rounds interleave the servers; take medians.
# Usage: bash bench/process_mode.sh [seconds] [rounds]
# Environment:
#   SCENARIO  ping64 (default: 64 B ping-pong x 100 conns), ping4k (4 KiB x 100 conns),
#             pipe64 (64 B pipelined, depth 16 x 100 conns)
#   WORKERS   worker_num (default 1); REACTORS reactor_num (default 1; 0: the server's default)
#   PIN       1 (default): server tree on CPU 0, loadgen on CPU 1; 0: nothing pinned
#   SERVERS   which runs, in order (default "ours-process ref-process ours-base ref-base";
#             also "ours-func": ours PROCESS with a dispatch_func, and "ref-func";
#             "ours-lenfunc"/"ref-lenfunc": PROCESS framing each request with a
#             package_length_func, "ours-eof"/"ref-eof": the same framing by open_eof_split,
#             "ours-base_lenfunc"/"ref-base_lenfunc": BASE with that package_length_func)
set -euo pipefail
cd "$(dirname "$0")"
OURS=${SWOOLE_RS_SO:-$PWD/../target/release/libswoole.so}
REF=${SWOOLE_SO:-/work/shared/reference/swoole-6.1.7/swoole.so}
secs=${1:-5}
rounds=${2:-3}
SCENARIO=${SCENARIO:-ping64}
WORKERS=${WORKERS:-1}
REACTORS=${REACTORS:-1}
PIN=${PIN:-1}
SERVERS=${SERVERS:-ours-process ref-process ours-base ref-base}
case $SCENARIO in
    ping64) load=(pingpong --conns 100 --size 64) ;;
    ping4k) load=(pingpong --conns 100 --size 4096) ;;
    pipe64) load=(pipeline --conns 100 --size 64 --depth 16) ;;
    *) echo "unknown SCENARIO $SCENARIO" >&2; exit 2 ;;
esac
if [ "$PIN" = 1 ]; then srv_pin=(taskset -c 0); gen_pin=(taskset -c 1); else srv_pin=(); gen_pin=(); fi
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
run() { # name: ours-process, ref-base, ...
    local name=$1 ext mode port
    case ${name%%-*} in
        ours) ext=(-d extension="$OURS") ;;
        ref) ext=(-d extension=sockets -d extension="$REF") ;;
    esac
    mode=${name#*-}
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "${srv_pin[@]}" php -n "${ext[@]}" php/tutorial_server_process.php "$port" "$mode" "$WORKERS" "$REACTORS" >/dev/null 2>&1 &
    local pid=$!
    sleep 1.5
    local c0 c1 out
    c0=$(cpu_of_tree $pid)
    out=$("${gen_pin[@]}" ./target/release/loadgen "${load[@]}" --port "$port" --duration "$secs" --warmup 0)
    c1=$(cpu_of_tree $pid)
    kill $pid; wait $pid 2>/dev/null || true
    python3 -c "
import json,os; d=json.loads('''$out'''); t=os.sysconf('SC_CLK_TCK')
print(f'{\"$name\":<14} req/s={d[\"rps\"]:>9,.0f}  p99_us={d[\"p99_us\"]:>7,.0f}  server_cpu_us/req={($c1-$c0)/t*1e6/d[\"all_requests\"]:6.2f}')"
}
echo "# scenario=$SCENARIO workers=$WORKERS reactors=$REACTORS pin=$PIN ${secs}s x $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
    echo "-- round $r"
    for s in $SERVERS; do run "$s"; done
done
