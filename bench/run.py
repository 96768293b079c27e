#!/usr/bin/env python3
"""One command for the swoole-rs benchmark: build, run every server x scenario in
interleaved rounds, and write bench/results.md, bench/results.json, bench/results.svg.

    python3 bench/run.py                      # full run: 3 rounds x 5 s (~15 minutes)
    python3 bench/run.py --quick              # smoke test: 1 round x 2 s, fewer scenarios
    python3 bench/run.py --servers tokio,php  # a subset of servers

Servers: the tokio echo (ceiling), plain PHP stream_select (floor), swoole-rs on each
reactor backend, and real Swoole 6.1.7 (BASE) when its swoole.so is beside the checkout.
Scenarios: closed-loop ping-pong / pipelining / churn / idle, and open loop at a fixed
40,000 req/s and a fixed 5,000 connections/s.

Each server runs pinned to CPU 0 (taskset -c 0), the load generator to CPU 1. Every
(round, scenario, server) gets a freshly started server on a free loopback port, so
peak RSS (VmHWM) is per scenario and one scenario's leftovers never leak into the
next. Rounds interleave servers (A B C, A B C, ...) so slow drift of the machine hits
every server alike; reported numbers are medians over rounds.

Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
TARGET = os.path.join(BENCH, "target", "release")
LOADGEN = os.path.join(TARGET, "loadgen")
ECHO_TOKIO = os.path.join(TARGET, "echo_tokio")
SWOOLE_SO = os.environ.get("SWOOLE_RS_SO", os.path.join(ROOT, "target", "release", "libswoole.so"))
PHP = os.environ.get("PHP", "php")
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = "0"
LOADGEN_CPU = "1"

# name -> (label, loadgen argv, in --quick)
SCENARIOS = [
    ("ping64x100", "64 B ping-pong, 100 conns", ["pingpong", "--conns", "100", "--size", "64"], True),
    ("ping64x1000", "64 B ping-pong, 1000 conns", ["pingpong", "--conns", "1000", "--size", "64"], False),
    ("ping4kx100", "4 KiB ping-pong, 100 conns", ["pingpong", "--conns", "100", "--size", "4096"], False),
    ("pipe64x100x16", "64 B pipelined, 100 conns x depth 16",
     ["pipeline", "--conns", "100", "--size", "64", "--depth", "16"], True),
    ("churn", "connect/64 B/close, 50 loops", ["churn", "--conns", "50"], True),
    ("idle10k", "10000 idle conns, then 1 ping each", ["idle", "--conns", "10000", "--size", "64", "--hold", "1"], True),
    # Open loop: the offered load is fixed, so CPU per request is compared at the same
    # (unsaturated) load, as production servers run, and p99 is not a queue's length.
    ("ping64rate40k", "64 B at a fixed 40,000 req/s, 100 conns",
     ["pingpong", "--conns", "100", "--size", "64", "--rate", "40000"], False),
    ("churnrate5k", "churn at a fixed 5,000 conn/s",
     ["churn", "--conns", "1000", "--rate", "5000"], False),
]

# Real Swoole 6.1.7, built for this PHP, beside the checkout (a baseline only: it runs in
# its own php process, never together with our extension).
SWOOLE_REF_SO = os.environ.get("SWOOLE_SO", os.path.normpath(
    os.path.join(ROOT, "..", "shared", "reference", "swoole-6.1.7", "swoole.so")))

SERVER_ORDER = ["tokio", "php", "swoole-rs", "swoole-rs-uring", "swoole"]
SERVER_DESC = {
    "tokio": "echo_tokio (Rust, tokio current_thread): the ceiling",
    "php": "stream_select_server.php (plain PHP 8.2, `php -n`): the floor",
    "swoole-rs": "tutorial_server_workers.php (worker_num 1) on swoole-rs, SWOOLE_BASE, `reactor_type` epoll (what 'auto' picks)",
    "swoole-rs-uring": "the same script on swoole-rs with `reactor_type` io_uring",
    "swoole": "the same script on real Swoole 6.1.7, SWOOLE_BASE (`" + SWOOLE_REF_SO + "`)",
}
COLORS = {"tokio": "#4c78a8", "php": "#f58518", "swoole-rs": "#54a24b",
          "swoole-rs-uring": "#2f7d32", "swoole": "#e45756"}


def log(msg):
    print(msg, flush=True)


def server_cmd(name, port):
    if name == "tokio":
        return [ECHO_TOKIO, "--port", str(port)]
    if name == "php":
        return [PHP, "-n", os.path.join(BENCH, "php", "stream_select_server.php"), str(port)]
    script = [os.path.join(BENCH, "php", "tutorial_server_workers.php"), str(port), "1"]
    if name in ("swoole-rs", "swoole-rs-uring"):
        return [PHP, "-n", "-d", "extension=" + SWOOLE_SO] + script
    if name == "swoole":
        return [PHP, "-n", "-d", "extension=sockets", "-d", "extension=" + SWOOLE_REF_SO] + script
    raise ValueError(name)


def server_env(name):
    env = dict(os.environ)
    if name == "swoole-rs":
        env["SWOOLE_RS_REACTOR_TYPE"] = "epoll"
    elif name == "swoole-rs-uring":
        env["SWOOLE_RS_REACTOR_TYPE"] = "io_uring"
    return env


def missing_prereq(name):
    """None if the server can run, else a reason to skip it."""
    if name in ("php", "swoole-rs") and shutil.which(PHP) is None:
        return f"`{PHP}` is not on PATH"
    if name == "tokio" and not os.access(ECHO_TOKIO, os.X_OK):
        return f"{ECHO_TOKIO} was not built"
    if name == "swoole":
        if not os.path.exists(SWOOLE_REF_SO):
            return f"{SWOOLE_REF_SO} is not present (set SWOOLE_SO to a Swoole build)"
        probe = subprocess.run(
            [PHP, "-n", "-d", "extension=sockets", "-d", "extension=" + SWOOLE_REF_SO, "-r",
             "exit(class_exists('Swoole\\\\Server') ? 0 : 1);"],
            capture_output=True, text=True, timeout=30)
        if probe.returncode != 0:
            return f"{SWOOLE_REF_SO} does not load: {(probe.stderr or probe.stdout).strip()[-200:]}"
    if name == "swoole-rs-uring" and os.path.exists(SWOOLE_SO):
        ri = subprocess.run([PHP, "-n", "-d", "extension=" + SWOOLE_SO, "--ri", "swoole"],
                            capture_output=True, text=True, timeout=30).stdout
        line = next((l for l in ri.splitlines() if l.startswith("io_uring =>")), "io_uring => ?")
        if line.split("=>", 1)[1].strip() != "available":
            return f"the kernel refuses io_uring here ({line.strip()})"
    if name in ("swoole-rs", "swoole-rs-uring"):
        if not os.path.exists(SWOOLE_SO):
            return f"{SWOOLE_SO} does not exist (build it with `cargo build --release` in {ROOT})"
        probe = subprocess.run(
            [PHP, "-n", "-d", "extension=" + SWOOLE_SO, "-r",
             "exit(class_exists('Swoole\\\\Server') && defined('SWOOLE_BASE') ? 0 : 1);"],
            capture_output=True, text=True, timeout=30)
        if probe.returncode != 0:
            err = (probe.stderr or probe.stdout).strip().splitlines()
            return f"{SWOOLE_SO} does not load or lacks Swoole\\Server: {err[-1] if err else 'exit ' + str(probe.returncode)}"
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        pass


def cpu_ticks(pid):
    """utime + stime of the process itself (not children), in clock ticks."""
    return sum(cpu_split(pid))


def cpu_split(pid):
    """(utime, stime) of the process itself, in clock ticks: user space vs kernel."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wait_ready(proc, port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    """Stop the server by its PID: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def run_one(server, scen, duration, warmup, logdir, rnd):
    name, _label, lg_args, _q = scen
    port = free_port()
    logpath = os.path.join(logdir, f"{server}-{name}-r{rnd}.log")
    with open(logpath, "wb") as logf:
        proc = subprocess.Popen(["taskset", "-c", SERVER_CPU] + server_cmd(server, port),
                                stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=raise_nofile, cwd=BENCH, env=server_env(server))
    rec = {"server": server, "scenario": name, "round": rnd}
    try:
        if not wait_ready(proc, port):
            rec["failed"] = f"server did not accept connections (exit {proc.poll()}); see {os.path.relpath(logpath, ROOT)}"
            return rec
        time.sleep(0.1)
        cpu0 = cpu_ticks(proc.pid)
        user0 = cpu_split(proc.pid)[0]
        cmd = ["taskset", "-c", LOADGEN_CPU, LOADGEN] + lg_args + ["--port", str(port), "--duration", str(duration)]
        if lg_args[0] != "idle":
            cmd += ["--warmup", str(warmup)]
        t0 = time.monotonic()
        lg = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + warmup + 120,
                            preexec_fn=raise_nofile)
        wall = time.monotonic() - t0
        alive = proc.poll() is None
        if alive:
            cpu1 = cpu_ticks(proc.pid)
            user1 = cpu_split(proc.pid)[0]
            rec["peak_rss_kib"] = vm_hwm_kib(proc.pid)
        if lg.returncode != 0 or not lg.stdout.strip():
            rec["failed"] = f"loadgen exit {lg.returncode}: {lg.stderr.strip()[-300:]}"
            return rec
        res = json.loads(lg.stdout.strip().splitlines()[-1])
        rec.update(res)
        if lg.stderr.strip():
            rec["loadgen_stderr"] = lg.stderr.strip()[-300:]
        if not alive:
            rec["failed"] = f"server exited (code {proc.returncode}) during the run; see {os.path.relpath(logpath, ROOT)}"
            return rec
        cpu_s = (cpu1 - cpu0) / CLK_TCK
        rec["server_cpu_s"] = cpu_s
        rec["server_cpu_pct"] = 100.0 * cpu_s / wall if wall > 0 else 0.0
        # Idle: the work is accepting and holding the connections, so per connection.
        denom = res["conns"] if res["mode"] == "idle" else res["all_requests"]
        rec["cpu_us_per_req"] = cpu_s * 1e6 / denom if denom else None
        rec["user_us_per_req"] = (user1 - user0) / CLK_TCK * 1e6 / denom if denom else None
        return rec
    finally:
        stop(proc)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarize(runs, servers, scenarios):
    summary = {}
    for scen in scenarios:
        for srv in servers:
            rs = [r for r in runs if r["server"] == srv and r["scenario"] == scen[0]]
            ok = [r for r in rs if "failed" not in r]
            summary[f"{srv}/{scen[0]}"] = {
                "server": srv, "scenario": scen[0], "rounds": len(rs), "ok_rounds": len(ok),
                "rps": median([r["rps"] for r in ok]),
                "p50_us": median([r["p50_us"] for r in ok]),
                "p99_us": median([r["p99_us"] for r in ok]),
                "p999_us": median([r["p999_us"] for r in ok]),
                "cpu_us_per_req": median([r.get("cpu_us_per_req") for r in ok]),
                "user_us_per_req": median([r.get("user_us_per_req") for r in ok]),
                "server_cpu_pct": median([r.get("server_cpu_pct") for r in ok]),
                "peak_rss_kib": max([r.get("peak_rss_kib", 0) for r in rs], default=None) or None,
                "errors": sum(r.get("errors", 0) for r in ok),
                "answered": median([r.get("answered") for r in ok]),
                "failures": [r["failed"] for r in rs if "failed" in r],
            }
    return summary


def fmt(v, digits=0, unit=""):
    if v is None:
        return "—"
    if digits == 0:
        return f"{v:,.0f}{unit}"
    return f"{v:,.{digits}f}{unit}"


def write_markdown(path, meta, summary, servers, scenarios, skipped):
    L = []
    L.append("## Results")
    L.append("")
    L.append(f"Run {meta['date']} on {meta['machine']}; {meta['rounds']} interleaved round(s) of "
             f"{meta['duration']} s per scenario (+{meta['warmup']} s warm-up), server on CPU {SERVER_CPU}, "
             f"load generator on CPU {LOADGEN_CPU}. Every number is the **median over rounds** "
             f"(peak RSS: the maximum). Load average at start: {meta['loadavg_at_start']}. "
             "Generated by `python3 bench/run.py"
             + (" " + meta["argv"] if meta["argv"] else "") + "`.")
    L.append("")
    for srv in servers:
        L.append(f"- **{srv}**: {SERVER_DESC[srv]}")
    for srv, why in skipped.items():
        L.append(f"- **{srv}**: skipped — {why}")
    L.append("")

    def table(title, key, digits, note="", cell=None):
        L.append(f"### {title}")
        L.append("")
        if note:
            L.append(note)
            L.append("")
        L.append("| scenario | " + " | ".join(servers) + " |")
        L.append("|---|" + "---:|" * len(servers))
        for scen in scenarios:
            cells = []
            for srv in servers:
                s = summary[f"{srv}/{scen[0]}"]
                if cell:
                    cells.append(cell(s))
                else:
                    cells.append(fmt(s[key], digits) if s["ok_rounds"] else "failed")
            L.append(f"| {scen[1]} | " + " | ".join(cells) + " |")
        L.append("")

    table("Requests per second (higher is better)", "rps", 0,
          "The load generator is a single thread on one core, so the fastest servers can all hit the "
          "same client-side ceiling here; then *server CPU per request* is what separates them. "
          "Idle: pings answered per second in the ping phase.")
    table("Server CPU µs per request (lower is better)", "cpu_us_per_req", 2,
          "utime+stime of the server process over the whole load-generator run (connect, warm-up, "
          "measurement) divided by every request it answered. Churn: per connection (connect + "
          "64 B + close). Idle: per connection opened (accept, hold, one ping).")
    ours = [x for x in ("swoole-rs", "swoole-rs-uring") if x in servers]
    refs = [x for x in ("swoole", "tokio") if x in servers]
    if ours and refs:
        L.append("### Ratios of server CPU per request (issue 15 targets: ≤ 0.85× Swoole, ≤ 1.00× tokio)")
        L.append("")
        L.append("| scenario | " + " | ".join(f"{o} / {r}" for o in ours for r in refs) + " |")
        L.append("|---|" + "---:|" * (len(ours) * len(refs)))
        for scen in scenarios:
            cells = []
            for o in ours:
                for r in refs:
                    a = summary[f"{o}/{scen[0]}"]["cpu_us_per_req"]
                    b = summary[f"{r}/{scen[0]}"]["cpu_us_per_req"]
                    cells.append(f"{a / b:.2f}×" if a and b else "—")
            L.append(f"| {scen[1]} | " + " | ".join(cells) + " |")
        L.append("")
    table("User-space CPU µs per request (lower is better)", "user_us_per_req", 2,
          "utime only (the kernel's share is the rest of the CPU per request): what the server's "
          "own code costs per request, with the same denominators as above. Resolution is one "
          "clock tick (10 ms) per round, so short rounds are coarse.")
    table("p99 latency µs (lower is better)", "p99_us", 0,
          "Closed loop: a saturated server queues requests, so p99 mostly reflects its throughput.")

    # Peak RSS is kept even for failed rounds: it is the maximum over every round.
    table("Peak RSS MiB (VmHWM of the server process)", "peak_rss_kib", 1,
          cell=lambda s: fmt(s["peak_rss_kib"] / 1024, 1) if s["peak_rss_kib"] else "—")

    L.append("### Details per scenario")
    L.append("")
    for scen in scenarios:
        L.append(f"**{scen[1]}** (`loadgen {' '.join(scen[2])}`)")
        L.append("")
        L.append("| server | req/s | p50 µs | p99 µs | p99.9 µs | CPU µs/req | server CPU % | peak RSS MiB | errors | answered | rounds ok |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for srv in servers:
            s = summary[f"{srv}/{scen[0]}"]
            rss = s["peak_rss_kib"] / 1024 if s["peak_rss_kib"] else None
            L.append(f"| {srv} | {fmt(s['rps'])} | {fmt(s['p50_us'])} | {fmt(s['p99_us'])} | {fmt(s['p999_us'])} | "
                     f"{fmt(s['cpu_us_per_req'], 2)} | {fmt(s['server_cpu_pct'])} | {fmt(rss, 1)} | {s['errors']} | "
                     f"{fmt(s['answered'])} | {s['ok_rounds']}/{s['rounds']} |")
        fails = [(srv, f) for srv in servers for f in summary[f"{srv}/{scen[0]}"]["failures"]]
        if fails:
            L.append("")
            for srv, f in fails:
                L.append(f"- {srv}: {f}")
        L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_svg(path, summary, servers, scenarios):
    """Grouped bar chart of server CPU µs/request; one group per scenario."""
    W, H = 960, 440
    left, right, top, bottom = 70, 20, 50, 110
    pw, ph = W - left - right, H - top - bottom
    vals = [summary[f"{srv}/{sc[0]}"]["cpu_us_per_req"] for sc in scenarios for srv in servers]
    vmax = max([v for v in vals if v is not None] or [1.0])
    # A "nice" axis maximum.
    mag = 10 ** len(str(int(vmax))) / 10 if vmax >= 1 else 1
    nice = next((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= vmax), vmax)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">'
           'Server CPU time per request (µs, lower is better)</text>']
    for i in range(6):
        v = nice * i / 5
        y = top + ph - ph * v / nice
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{W - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{W - right}" y2="{top + ph}" stroke="#333"/>')
    gw = pw / max(len(scenarios), 1)
    bw = gw * 0.8 / max(len(servers), 1)
    for gi, sc in enumerate(scenarios):
        gx = left + gi * gw + gw * 0.1
        for si, srv in enumerate(servers):
            v = summary[f"{srv}/{sc[0]}"]["cpu_us_per_req"]
            x = gx + si * bw
            if v is None:
                out.append(f'<text x="{x + bw / 2:.1f}" y="{top + ph - 4}" text-anchor="middle" fill="#999">n/a</text>')
                continue
            h = ph * v / nice
            out.append(f'<rect x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                       f'fill="{COLORS.get(srv, "#888")}"><title>{esc(srv)} / {esc(sc[1])}: {v:.2f} µs</title></rect>')
            label = f"{v:.1f}" if v >= 10 else f"{v:.2f}"
            out.append(f'<text x="{x + bw / 2 - 1:.1f}" y="{top + ph - h - 4:.1f}" text-anchor="middle" font-size="10">{label}</text>')
        words, line, lines = sc[1].split(), "", []
        for w in words:
            if len(line) + len(w) > 22 and line:
                lines.append(line)
                line = w
            else:
                line = (line + " " + w).strip()
        lines.append(line)
        for li, t in enumerate(lines):
            out.append(f'<text x="{gx + gw * 0.4:.1f}" y="{top + ph + 18 + 14 * li}" text-anchor="middle">{esc(t)}</text>')
    lx = left
    for srv in servers:
        out.append(f'<rect x="{lx}" y="{H - 24}" width="12" height="12" fill="{COLORS.get(srv, "#888")}"/>')
        out.append(f'<text x="{lx + 16}" y="{H - 14}">{esc(srv)}</text>')
        lx += 30 + 8 * len(srv) + 20
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def machine_info():
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        model = "?"
    php = subprocess.run([PHP, "-n", "-r", "echo PHP_VERSION;"], capture_output=True, text=True).stdout.strip() \
        if shutil.which(PHP) else "none"
    return f"{os.cpu_count()} × {model}, Linux {platform.release()}, PHP {php}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=5.0, help="measured seconds per scenario per round")
    ap.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds before each measurement")
    ap.add_argument("--quick", action="store_true", help="1 round, 2 s, fewer scenarios (smoke test)")
    ap.add_argument("--servers", default=",".join(SERVER_ORDER), help="comma list of: " + ",".join(SERVER_ORDER))
    ap.add_argument("--scenarios", default=None, help="comma list of: " + ",".join(s[0] for s in SCENARIOS))
    ap.add_argument("--out", default=os.path.join(BENCH, "results"), help="output prefix (.md/.json/.svg)")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 2.0

    if os.cpu_count() < 2:
        sys.exit("need at least 2 CPUs (server on CPU 0, load generator on CPU 1)")
    if shutil.which("taskset") is None:
        sys.exit("taskset not found (apt-get install util-linux)")

    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in wanted:
        if s not in SERVER_ORDER:
            sys.exit(f"unknown server {s!r}; choose from {','.join(SERVER_ORDER)}")
    scenarios = [s for s in SCENARIOS if s[3] or not args.quick]
    if args.scenarios:
        names = [n.strip() for n in args.scenarios.split(",")]
        unknown = set(names) - {s[0] for s in SCENARIOS}
        if unknown:
            sys.exit(f"unknown scenario(s) {sorted(unknown)}")
        scenarios = [s for s in SCENARIOS if s[0] in names]

    if not args.no_build:
        log("== building bench (release)")
        cmd = ["cargo", "build", "--release", "--manifest-path", os.path.join(BENCH, "Cargo.toml")]
        if os.path.exists(os.path.join(BENCH, "Cargo.lock")):
            cmd.append("--locked")
        subprocess.run(cmd, check=True)
        if "swoole-rs" in wanted and "SWOOLE_RS_SO" not in os.environ:
            log("== building the extension (release)")
            subprocess.run(["cargo", "build", "--release", "--locked",
                            "--manifest-path", os.path.join(ROOT, "Cargo.toml")], check=True)
    if not os.access(LOADGEN, os.X_OK):
        sys.exit(f"{LOADGEN} missing: build failed?")

    servers, skipped = [], {}
    for s in wanted:
        why = missing_prereq(s)
        if why:
            log(f"== SKIP {s}: {why}")
            skipped[s] = why
        else:
            servers.append(s)
    if not servers:
        sys.exit("no server can run")

    load = open("/proc/loadavg").read().split()[0]
    if float(load) > 0.5:
        log(f"== WARNING: load average is {load}: other work on this machine skews req/s and latency "
            "(CPU µs/request is the most robust number)")
    logdir = os.path.join(BENCH, "logs")
    os.makedirs(logdir, exist_ok=True)
    total = args.rounds * len(scenarios) * len(servers)
    log(f"== {total} runs: {args.rounds} round(s) x {len(scenarios)} scenario(s) x {len(servers)} server(s), "
        f"{args.duration} s each")
    runs, n, t_start = [], 0, time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for scen in scenarios:
            for srv in servers:
                n += 1
                rec = run_one(srv, scen, args.duration, args.warmup, logdir, rnd)
                runs.append(rec)
                if "failed" in rec:
                    log(f"[{n}/{total}] r{rnd} {scen[0]:<14} {srv:<10} FAILED: {rec['failed']}")
                else:
                    extra = f" answered={rec['answered']}" if rec.get("answered") is not None else ""
                    log(f"[{n}/{total}] r{rnd} {scen[0]:<14} {srv:<10} {rec['rps']:>11,.0f} req/s  "
                        f"p99 {rec['p99_us']:>9,.0f} µs  cpu {rec.get('cpu_us_per_req') or 0:>7.2f} µs/req  "
                        f"srv {rec.get('server_cpu_pct', 0):>3.0f}%  rss {rec.get('peak_rss_kib', 0) / 1024:>6.1f} MiB  "
                        f"err {rec['errors']}{extra}")
                time.sleep(0.2)

    meta = {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine_info(),
        "rounds": args.rounds, "duration": args.duration, "warmup": args.warmup,
        "argv": " ".join(sys.argv[1:]),
        "servers": servers, "skipped": skipped,
        "scenarios": [{"name": s[0], "label": s[1], "loadgen": s[2]} for s in scenarios],
        "elapsed_s": round(time.monotonic() - t_start, 1),
        "loadavg_at_start": float(load),
    }
    summary = summarize(runs, servers, scenarios)
    with open(args.out + ".json", "w") as f:
        json.dump({"meta": meta, "summary": list(summary.values()), "runs": runs}, f, indent=1)
    write_markdown(args.out + ".md", meta, summary, servers, scenarios, skipped)
    write_svg(args.out + ".svg", summary, servers, scenarios)
    log(f"== done in {meta['elapsed_s']} s: wrote {args.out}.md, {args.out}.json, {args.out}.svg")


if __name__ == "__main__":
    main()
