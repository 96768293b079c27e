#!/usr/bin/env python3
"""TLS benchmark: swoole-rs vs Swoole 6.1.7 (built with OpenSSL), same script, same cert.

    python3 bench/tls.py [--rounds 3] [--duration 5] [--certs ec,rsa]

Scenarios: full TLS handshakes/s (connect + handshake + one 64 B echo + close, 50 loops, no
session resumption) and 4 KiB echo over TLS (100 persistent connections, ping-pong). Each
server runs bench/php/tls_server.php pinned to CPU 0, the rustls load generator
(bench/src/bin/tlsload.rs) to CPU 1; rounds interleave the servers; medians are reported.
Certificates (ECDSA P-256, RSA-2048) are generated with openssl into a temp dir.
"""
import argparse, json, os, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SWOOLE_SO = os.environ.get('SWOOLE_SO', os.path.join(ROOT, '..', 'shared', 'reference', 'swoole-6.1.7', 'swoole.so'))
if not os.path.exists(SWOOLE_SO):
    SWOOLE_SO = '/work/shared/reference/swoole-6.1.7/swoole.so'
OURS_SO = os.environ.get('SWOOLE_RS_SO', os.path.join(ROOT, 'target', 'release', 'libswoole.so'))
SERVERS = {
    'swoole-rs': ['php', '-n', '-d', 'extension=' + OURS_SO],
    'swoole-6.1.7': ['php', '-n', '-d', 'extension=sockets', '-d', 'extension=' + SWOOLE_SO],
}
SCENARIOS = {
    'handshake': ('full handshake + 64 B echo + close, 50 loops', ['handshake', '--conns', '50', '--size', '64']),
    'echo4k': ('4 KiB echo, 100 TLS conns', ['echo', '--conns', '100', '--size', '4096']),
}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def make_certs(d):
    def run(*a):
        subprocess.run(['openssl', *a], check=True, capture_output=True)
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', f'{d}/ec.key', '-out', f'{d}/ec.pem', '-days', '2', '-subj', '/CN=localhost')
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes',
        '-keyout', f'{d}/rsa.key', '-out', f'{d}/rsa.pem', '-days', '2', '-subj', '/CN=localhost')


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        parts = f.read().rsplit(')', 1)[1].split()
    return int(parts[11]) + int(parts[12])


def one(server, scenario, cert, d, duration):
    port = free_port()
    log = open(os.path.join(d, f'{server}-{scenario}-{cert}.log'), 'w')
    srv = subprocess.Popen(['taskset', '-c', '0', *SERVERS[server], os.path.join(HERE, 'php', 'tls_server.php'),
                            str(port), f'{d}/{cert}.pem', f'{d}/{cert}.key'], stdout=log, stderr=log)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.2)
        t0, c0 = time.time(), cpu_ticks(srv.pid)
        out = subprocess.run(['taskset', '-c', '1', os.path.join(HERE, 'target', 'release', 'tlsload'),
                              *SCENARIOS[scenario][1], '--port', str(port), '--duration', str(duration),
                              '--warmup', '0.5'], capture_output=True, text=True, timeout=duration + 30)
        c1, t1 = cpu_ticks(srv.pid), time.time()
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r['server_cpu_pct'] = 100.0 * (c1 - c0) / os.sysconf('SC_CLK_TCK') / (t1 - t0)
        cpu_s = (c1 - c0) / os.sysconf('SC_CLK_TCK')
        r['cpu_us_per_req'] = cpu_s * 1e6 / (r['rps'] * (t1 - t0)) if r['rps'] else 0
        return r
    finally:
        srv.terminate()
        try:
            srv.wait(5)
        except subprocess.TimeoutExpired:
            srv.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--duration', type=float, default=5)
    ap.add_argument('--certs', default='ec,rsa')
    a = ap.parse_args()
    subprocess.run(['cargo', 'build', '--release', '--quiet', '--bin', 'tlsload'], cwd=HERE, check=True)
    d = tempfile.mkdtemp(prefix='swrs-tlsbench-')
    make_certs(d)
    certs = a.certs.split(',')
    res = {}
    for rnd in range(a.rounds):
        for cert in certs:
            for sc in SCENARIOS:
                for srv in SERVERS:
                    r = one(srv, sc, cert, d, a.duration)
                    res.setdefault((cert, sc, srv), []).append(r)
                    print(f'round {rnd + 1} {cert} {sc} {srv}: {r["rps"]:.0f}/s p99 {r["p99_us"]} us '
                          f'cpu {r["server_cpu_pct"]:.0f}% errors {r["errors"]}', file=sys.stderr)
    names = {'ec': 'ECDSA P-256', 'rsa': 'RSA-2048'}
    print('| certificate | scenario | server | req/s (median) | p99 µs | server CPU % | server CPU µs/req | errors (all rounds) |')
    print('|---|---|---|---:|---:|---:|---:|---:|')
    for cert in certs:
        for sc, (label, _) in SCENARIOS.items():
            for srv in SERVERS:
                rs = res[(cert, sc, srv)]
                print(f'| {names[cert]} | {label} | {srv} | {statistics.median(r["rps"] for r in rs):,.0f} | '
                      f'{statistics.median(r["p99_us"] for r in rs):,.0f} | '
                      f'{statistics.median(r["server_cpu_pct"] for r in rs):.0f} | '
                      f'{statistics.median(r["cpu_us_per_req"] for r in rs):.1f} | {sum(r["errors"] for r in rs)} |')


if __name__ == '__main__':
    main()
