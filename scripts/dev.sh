#!/usr/bin/env bash
# One entry point for users and CI.
#   bash scripts/dev.sh run      install what is missing, build the release .so, run examples/tcpServer.php
#   bash scripts/dev.sh test     install what is missing, build once, run Rust tests, lints and every phpt test
#   bash scripts/dev.sh install  build and install the .so into `php-config --extension-dir` with an ini file
#   bash scripts/dev.sh deb      build the Debian package target/php8.2-swoole-rs_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SO="$ROOT/target/release/libswoole.so"

need_packages() {
    local missing=()
    command -v php >/dev/null 2>&1 || missing+=(php8.2-cli)
    command -v php-config >/dev/null 2>&1 || missing+=(php8.2-dev)
    [ -f /usr/lib/php/20220829/build/run-tests.php ] || missing+=(php8.2-dev)
    # The TLS tests make their certificates and probe protocols with the openssl tool.
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    compgen -G '/usr/lib/llvm-*/lib/libclang-[0-9]*.so*' >/dev/null || compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || missing+=(libclang-dev)
    # The PROXY protocol test (php-tests/proxy_haproxy.phpt) runs a real HAProxy.
    command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q php8.2-cli php8.2-dev libclang-dev haproxy openssl
    fi
    # The OpenMetrics test parses getMetrics() with prometheus_client's parser.
    if ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
        echo "== installing prometheus_client (PyPI) for the metrics test"
        python3 -m pip install -q prometheus_client
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo is not installed: install Rust (https://rustup.rs) and run this again" >&2
        exit 1
    fi
}

build() {
    echo "== cargo build --release"
    cargo build --release --locked
}

run_tests() {
    local failed=0
    echo "== cargo fmt --check"
    cargo fmt --all -- --check || failed=1
    echo "== cargo clippy -D warnings"
    cargo clippy --release --locked --all-targets -- -D warnings || failed=1
    echo "== cargo test (unit, property and bounded fuzz tests)"
    cargo test --release --locked 2>&1 | tee target/cargo-test.log || failed=1
    # The whole phpt suite runs once per reactor backend: SWOOLE_RS_REACTOR_TYPE=auto
    # (io_uring where the kernel allows it) and unset (the default, epoll).
    local ppass=0 pfail=0 pskip=0 pass
    # robust_idle_connections.phpt holds 2,000 connections on each side: lift the soft
    # limit of open files to the hard one (as root, to 65536 if the hard one is lower).
    local hard
    hard=$(ulimit -Hn)
    if [ "$hard" != unlimited ] && [ "$hard" -lt 65536 ] && [ "$(id -u)" = 0 ]; then
        ulimit -Hn 65536 2>/dev/null && hard=65536
    fi
    ulimit -Sn "$hard" 2>/dev/null || true
    echo "== open files limit for the tests: $(ulimit -n)"
    for pass in auto epoll; do
        echo "== phpt tests (reactor: $pass)"
        local out=target/phpt-$pass.log
        if [ "$pass" = epoll ]; then
            env -u SWOOLE_RS_REACTOR_TYPE NO_INTERACTION=1 php /usr/lib/php/20220829/build/run-tests.php -q -n -j2 \
                -d extension="$SO" -p "$(command -v php)" --show-diff php-tests 2>&1 | tee "$out" || true
        else
            SWOOLE_RS_REACTOR_TYPE=$pass NO_INTERACTION=1 php /usr/lib/php/20220829/build/run-tests.php -q -n -j2 \
                -d extension="$SO" -p "$(command -v php)" --show-diff php-tests 2>&1 | tee "$out" || true
        fi
        local f p sk
        f=$(sed -n 's/^Tests failed *: *\([0-9]*\).*/\1/p' "$out" | tail -1)
        p=$(sed -n 's/^Tests passed *: *\([0-9]*\).*/\1/p' "$out" | tail -1)
        sk=$(sed -n 's/^Tests skipped *: *\([0-9]*\).*/\1/p' "$out" | tail -1)
        f=${f:-1}; p=${p:-0}; sk=${sk:-0}
        echo "phpt ($pass): $p passed, $f failed, $sk skipped"
        tr '\r' '\n' <"$out" | sed 's/\x1b\[[0-9;]*m//g' | grep '^SKIP' || true
        pskip=$((pskip + sk))
        [ "$f" = 0 ] && [ "$p" -gt 0 ] || failed=1
        ppass=$((ppass + p)); pfail=$((pfail + f))
    done
    echo "== package test (dpkg -i, php -m, php --ri, tutorial, purge)"
    local dpass dfail
    bash scripts/deb-test.sh 2>&1 | tee target/deb-test.log || failed=1
    dpass=$(sed -n 's/^package: \([0-9]*\) passed.*/\1/p' target/deb-test.log | tail -1)
    dfail=$(sed -n 's/^package: [0-9]* passed, \([0-9]*\) failed.*/\1/p' target/deb-test.log | tail -1)
    dpass=${dpass:-0}; dfail=${dfail:-1}
    rpass=$(awk '/^test result:/ {p += $4} END {print p + 0}' target/cargo-test.log)
    rfail=$(awk '/^test result:/ {f += $6} END {print f + 0}' target/cargo-test.log)
    rpass=${rpass:-0}; rfail=${rfail:-0}
    echo
    echo "rust: $rpass passed, $rfail failed"
    echo "phpt (both backends): $ppass passed, $pfail failed, $pskip skipped"
    echo "package: $dpass passed, $dfail failed"
    echo "$((rpass + ppass + dpass)) passed, $((rfail + pfail + dfail)) failed"
    return $failed
}

case "${1:-}" in
    run)
        need_packages
        build
        echo "== php examples/tcpServer.php (Ctrl-C stops it; try: telnet 127.0.0.1 9501)"
        exec php -d extension="$SO" examples/tcpServer.php
        ;;
    test)
        need_packages
        build
        run_tests
        ;;
    deb)
        need_packages
        bash scripts/deb.sh
        ;;
    install)
        need_packages
        build
        dir=$(php-config --extension-dir)
        install -m 0755 "$SO" "$dir/swoole.so"
        ini_dir=$(php --ini | sed -n 's/^Scan for additional .ini files in: *//p')
        echo "extension=swoole.so" > "$ini_dir/20-swoole.ini"
        echo "installed $dir/swoole.so and $ini_dir/20-swoole.ini"
        php -m | grep -qx swoole && echo "php -m lists swoole: ok"
        ;;
    *)
        echo "usage: bash scripts/dev.sh run|test|install|deb" >&2
        exit 2
        ;;
esac
