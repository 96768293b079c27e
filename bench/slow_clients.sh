#!/usr/bin/env bash
# Memory with clients that never read (issue 12): 50 clients each ask for 16 x 1 MiB replies
# and never read; prints the server's resident memory after 3 s, for the default
# socket_buffer_size (8 MiB) and for 1M. Usage: bash bench/slow_clients.sh
set -euo pipefail
cd "$(dirname "$0")"
SO=${SWOOLE_RS_SO:-$PWD/../target/release/libswoole.so}
for sb in "" "1M"; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    php -n -d extension="$SO" php/slow_clients_server.php "$port" $sb >/dev/null 2>&1 &
    pid=$!
    sleep 0.7
    php -n php/slow_clients.php "$port" >/dev/null &
    cp=$!
    sleep 3
    echo "socket_buffer_size=${sb:-8M (default)}: $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ')"
    wait $cp
    kill $pid
    wait $pid 2>/dev/null || true
done
