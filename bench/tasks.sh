#!/usr/bin/env bash
# Task round trips/s and taskwait p50/p99, swoole-rs against Swoole 6.1.7, same script and machine.
#   bash bench/tasks.sh [task_workers=2] [seconds=3] [window=64] [taskwaits=5000] [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
TW=${1:-2}; SECS=${2:-3}; WIN=${3:-64}; WAITS=${4:-5000}; RUNS=${5:-3}
SWOOLE_SO=${SWOOLE_SO:-/work/shared/reference/swoole-6.1.7/swoole.so}
for i in $(seq "$RUNS"); do
    php -n -d extension="$PWD/target/release/libswoole.so" bench/php/tasks_server.php "$TW" "$SECS" "$WIN" "$WAITS"
    php -n -d extension=sockets -d extension="$SWOOLE_SO" bench/php/tasks_server.php "$TW" "$SECS" "$WIN" "$WAITS"
done
