#!/usr/bin/env python3
"""Accepting with several workers (issue 9): churn and a 10,000-connection flood, for
worker_num 1 and 2 of the tutorial server, the tokio echo, and real Swoole 6.1.7 with two
workers when ../shared/reference/swoole-6.1.7/swoole.so is present, in one run.

    python3 bench/accept.py                 # 3 interleaved rounds (~2 minutes)
    python3 bench/accept.py --rounds 5

Nothing is pinned: the workers need both cores (the load generator shares them).

- churn: 50 concurrent loops of connect -> 64 B -> reply -> close for 3 s; connections/s.
- flood: 10,000 connections arrive at once (1,000 connects in flight) and each pings once;
  the time until the last answer, while a canary client pings at 1,000 req/s on its own
  connection (opened before the flood); the canary's p99 during the flood (its requests sent
  between the flood's start and its last answer), and apart from it the p99 in the second
  after, when the flood's 10,000 clients disconnect together (its load generator exits). The
  canary runs at nice -10 (root) so that it does not wait for a CPU behind the flood's own
  load generator.

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


def percentile(values, q):
    """The q-quantile (nearest rank) of values; None when there are none."""
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q * len(v) + 0.5)) - 1))]


CANARY_RATE = 1000


def ms(us):
    """A latency in µs as text in ms; "n/a" when the canary sent nothing in that window."""
    if us is None:
        return "n/a"
    if us == float("inf"):
        return "unanswered"
    return f"{us / 1000:.1f} ms"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def flood(name):
    """(time to last answer, answered, canary p99 during the flood, canary p99 in the second
    after it) -- the flood's load generator exits at its last answer, so its 10,000 clients
    disconnect together right after the flood: a different event, measured on its own."""
    p, port = start(name)
    samples = f"/tmp/accept-canary-{os.getpid()}.txt"
    try:
        # The canary runs at a higher priority (nice -10) so its p99 measures the server, not
        # the time the canary itself waits for a CPU behind the flood's load generator. It
        # pings 1,000 times a second so that a 0.3 s flood holds ~300 of its requests.
        canary = subprocess.Popen(["nice", "-n", "-10", LOADGEN, "pingpong", "--port", str(port), "--conns", "1", "--rate", str(CANARY_RATE),
                                   "--duration", "6", "--samples", samples], stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        f = loadgen("flood", "--port", str(port), "--conns", "10000")
        canary.communicate(timeout=60)
        t0, t1 = f["start_unix"], f["start_unix"] + f["duration"]
        during, after = [], []
        with open(samples) as fh:
            for line in fh:
                t, us = line.split()
                t, us = float(t), float(us)
                if t0 <= t <= t1:
                    during.append(us)
                elif t1 < t <= t1 + 1.0:
                    after.append(us)
        # A request the server never answered leaves no sample: count the canary's missing
        # requests in each window as unanswered (infinite latency), or a server that stalls
        # the canary would look fast.
        for window, lo, hi in ((during, t0, t1), (after, t1, t1 + 1.0)):
            missing = int(CANARY_RATE * (hi - lo)) - len(window) - 1
            window.extend([float("inf")] * max(0, missing))
        return f["duration"], f["answered"], percentile(during, 0.99), percentile(after, 0.99)
    finally:
        stop(p)
        try:
            os.unlink(samples)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=BENCH, check=True)
    servers = ["tokio", "swoole-rs w1", "swoole-rs w2"]
    if os.path.exists(SWOOLE):
        servers.append("swoole w2")
    res = {s: {"churn": [], "flood": [], "answered": [], "canary": [], "after": []} for s in servers}
    for r in range(a.rounds):
        for s in servers:
            res[s]["churn"].append(churn(s))
            d, n, c, after = flood(s)
            res[s]["flood"].append(d)
            res[s]["answered"].append(n)
            res[s]["canary"].append(c)
            res[s]["after"].append(after)
            print(f"round {r + 1} {s}: churn {res[s]['churn'][-1]:,.0f}/s, flood {d:.3f} s ({n} answered), "
                  f"canary p99 {ms(c)} during, {ms(after)} in the disconnect after", file=sys.stderr)
    med = {s: {k: median(v) for k, v in res[s].items()} for s in servers}
    base = med["swoole-rs w1"]
    lines = [
        f"Accepting with several workers: medians of {a.rounds} interleaved rounds, `python3 bench/accept.py`",
        "",
        "| server | churn conn/s | vs 1 worker | 10k flood: time to last answer | vs 1 worker | answered | canary p99 during the flood | canary p99 in the 1 s after (10k clients disconnect at once) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in servers:
        m = med[s]
        lines.append(f"| {s} | {m['churn']:,.0f} | {m['churn'] / base['churn']:.2f}x | {m['flood']:.3f} s | "
                     f"{m['flood'] / base['flood']:.2f}x | {m['answered']:.0f} | {ms(m['canary'])} | "
                     f"{ms(m['after'])} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(BENCH, "accept_results.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
