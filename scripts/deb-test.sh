#!/usr/bin/env bash
# Package test (run as root by `bash scripts/dev.sh test`): builds the .deb, installs it with
# dpkg, checks `php -m`, `php --ri swoole` and the unchanged tutorial server with plain `php`
# (no flags), then purges it and checks nothing of it is left. Prints "package: N passed,
# M failed" and exits non-zero on any failure. The package is purged even if a check fails.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
check() { # name, command...
    local name=$1
    shift
    if "$@"; then
        echo "ok - $name"
        pass=$((pass + 1))
    else
        echo "not ok - $name"
        fail=$((fail + 1))
    fi
}
if [ "$(id -u)" != 0 ]; then
    echo "package test needs root (dpkg -i); skipped"
    echo "package: 0 passed, 0 failed"
    exit 0
fi
deb=$(bash scripts/deb.sh) || { echo "not ok - build the package"; echo "package: 0 passed, 1 failed"; exit 1; }
pkg=$(dpkg-deb -f "$deb" Package)
extdir=$(php-config --extension-dir)
purge() { dpkg --purge "$pkg" >/dev/null 2>&1 || true; }
trap purge EXIT
server_pid=
# A swoole.so installed by hand (`dev.sh install`) would hide what the package does.
if [ -e "$extdir/swoole.so" ] && ! dpkg -S "$extdir/swoole.so" >/dev/null 2>&1; then
    echo "not ok - $extdir/swoole.so exists and belongs to no package: remove it (and its conf.d ini) first"
    echo "package: 0 passed, 1 failed"
    exit 1
fi
check "dpkg -i $deb" dpkg -i "$deb"
check "php -m lists swoole" bash -c 'php -m | grep -qx swoole'
check "php --ri swoole shows the build" bash -c 'php --ri swoole | grep -q "swoole-rs version"'
check "the module is enabled by phpenmod" bash -c "ls /etc/php/*/cli/conf.d/ | grep -q 'swoole.ini'"
check "stubs are installed" test -f /usr/share/php/swoole-rs/swoole.php
tutorial() {
    if (exec 3<>/dev/tcp/127.0.0.1/9501) 2>/dev/null; then
        echo "port 9501 is in use: the tutorial server binds it" >&2
        return 1
    fi
    local out
    out=$(mktemp)
    php examples/tcpServer.php >"$out" 2>&1 &
    server_pid=$!
    local reply=""
    for _ in $(seq 1 100); do
        reply=$(php -r '$c = @stream_socket_client("tcp://127.0.0.1:9501", $e, $s, 1); if (!$c) exit(1); fwrite($c, "hello"); stream_set_timeout($c, 2); echo fread($c, 100);' 2>/dev/null) && break
        sleep 0.1
    done
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    local printed
    printed=$(cat "$out")
    rm -f "$out"
    [ "$reply" = "Server: hello" ] && echo "$printed" | grep -q "Client: Connect."
}
check "the tutorial server runs with plain php" tutorial
check "dpkg --purge" dpkg --purge "$pkg"
leftovers() {
    local left
    left=$(find /etc/php /var/lib/php /usr/share/php "$extdir" -name '*swoole*' 2>/dev/null)
    if [ -n "$left" ]; then
        echo "left after purge: $left" >&2
        return 1
    fi
    ! php -m | grep -qx swoole
}
check "nothing is left after purge" leftovers
trap - EXIT
echo "package: $pass passed, $fail failed"
[ "$fail" = 0 ]
