#!/usr/bin/env python3
"""Accepting with several workers (issue 9): churn and a 10,000-connection flood, for
worker_num 1 and 2 of the tutorial server, the tokio echo, and real Swoole 6.1.7 with two
workers when ../shared/reference/swoole-6.1.7/swoole.so is present, in one run.

    python3 bench/accept.py                 # 3 interleaved rounds (~2 minutes)
    python3 bench/accept.py --rounds 5

Nothing is pinned: the workers need both cores (the load generator shares them).

- churn: 50 concurrent loops of connect -> 64 B -> reply -> close for 3 s; connections/s.
- flood: 10,000 connections arrive at once (1,000 connects in flight) and each pings once;
  the time until the last answer, while a canary client pings at 200 req/s on its own
  connection (opened before the flood); the canary's p99. The canary runs at nice -10 (root)
  so that it does not wait for a CPU behind the flood's own load generator.

Writes bench/accept_results.md and prints it. Python 3 standard library only; loopback only;
every run is bounded in time.
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
LOADGEN = os.path.join(BENCH, "target", "release", "loadgen")
ECHO = os.path.join(BENCH, "target", "release", "echo_tokio")
SO = os.environ.get("SWOOLE_RS_SO", os.path.join(ROOT, "target", "release", "libswoole.so"))
SWOOLE = os.path.join(ROOT, "..", "shared", "reference", "swoole-6.1.7", "swoole.so")
SCRIPT = os.path.join(BENCH, "php", "tutorial_server_workers.php")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def server_cmd(name, port):
    if name == "tokio":
        return [ECHO, "--port", str(port)]
    if name.startswith("swoole-rs"):
        return ["php", "-n", "-d", "extension=" + SO, SCRIPT, str(port), name[-1]]
    return ["php", "-n", "-d", "extension=sockets", "-d", "extension=" + SWOOLE, SCRIPT, str(port), "2"]


def start(name):
    port = free_port()
    p = subprocess.Popen(server_cmd(name, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    time.sleep(0.5)  # let every worker start
    return p, port


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    except Exception:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


def loadgen(*args):
    out = subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def churn(name):
    p, port = start(name)
    try:
        return loadgen("churn", "--port", str(port), "--conns", "50", "--duration", "3")["rps"]
    finally:
        stop(p)


def flood(name):
    p, port = start(name)
    try:
        # The canary runs at a higher priority (nice -10) so its p99 measures the server, not
        # the time the canary itself waits for a CPU behind the flood's load generator.
        canary = subprocess.Popen(["nice", "-n", "-10", LOADGEN, "pingpong", "--port", str(port), "--conns", "1", "--rate", "200",
                                   "--duration", "4"], stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        f = loadgen("flood", "--port", str(port), "--conns", "10000")
        c = json.loads(canary.communicate(timeout=60)[0].strip().splitlines()[-1])
        return f["duration"], f["answered"], c["p99_us"]
    finally:
        stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=BENCH, check=True)
    servers = ["tokio", "swoole-rs w1", "swoole-rs w2"]
    if os.path.exists(SWOOLE):
        servers.append("swoole w2")
    res = {s: {"churn": [], "flood": [], "answered": [], "canary": []} for s in servers}
    for r in range(a.rounds):
        for s in servers:
            res[s]["churn"].append(churn(s))
            d, n, c = flood(s)
            res[s]["flood"].append(d)
            res[s]["answered"].append(n)
            res[s]["canary"].append(c)
            print(f"round {r + 1} {s}: churn {res[s]['churn'][-1]:,.0f}/s, flood {d:.3f} s ({n} answered), "
                  f"canary p99 {c / 1000:.1f} ms", file=sys.stderr)
    med = {s: {k: statistics.median(v) for k, v in res[s].items()} for s in servers}
    base = med["swoole-rs w1"]
    lines = [
        f"Accepting with several workers: medians of {a.rounds} interleaved rounds, `python3 bench/accept.py`",
        "",
        "| server | churn conn/s | vs 1 worker | 10k flood: time to last answer | vs 1 worker | answered | canary p99 during the flood |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in servers:
        m = med[s]
        lines.append(f"| {s} | {m['churn']:,.0f} | {m['churn'] / base['churn']:.2f}x | {m['flood']:.3f} s | "
                     f"{m['flood'] / base['flood']:.2f}x | {m['answered']:.0f} | {m['canary'] / 1000:.1f} ms |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(BENCH, "accept_results.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
