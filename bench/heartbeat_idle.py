#!/usr/bin/env python3
"""Heartbeat cost with many idle connections (issue 12).

Opens N idle connections (from several loopback source addresses: one address reaches only
~28k ephemeral ports), holds them, and reads the server's CPU time (utime + stime of the
server process tree, from /proc) over the hold, with the heartbeat off and on (a check every
second). Then pings every connection once: all must answer. Same run for real Swoole 6.1.7
when its .so is present. Medians of rounds.

A process may hold at most RLIMIT_NOFILE descriptors; where the hard limit cannot be raised
(this machine: 20,000, no CAP_SYS_RESOURCE even as root), the server runs with enough workers
and the clients come from enough load-generator processes to stay under it.

System time includes softirq work the kernel charges to whichever process is on the CPU (on a
shared machine, other processes' loopback traffic): user time is the cleaner signal.

Usage: python3 bench/heartbeat_idle.py [--conns 100000] [--hold 20] [--rounds 3]
"""
import argparse, json, os, resource, socket, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
OURS = os.environ.get("SWOOLE_RS_SO", os.path.join(HERE, "..", "target", "release", "libswoole.so"))
SWOOLE = os.path.join(HERE, "..", "..", "shared", "reference", "swoole-6.1.7", "swoole.so")
LOADGEN = os.path.join(HERE, "target", "release", "loadgen")
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def tree_cpu(pid):
    """(user, system) CPU seconds of pid and its descendants."""
    user, system, todo = 0.0, 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            user += int(f[11]) / TICK
            system += int(f[12]) / TICK
            for t in os.listdir(f"/proc/{p}/task"):
                kids = open(f"/proc/{p}/task/{t}/children").read().split()
                todo += [int(k) for k in kids]
        except OSError:
            pass
    return user, system


def tree_pids(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                todo += [int(k) for k in open(f"/proc/{p}/task/{t}/children").read().split()]
        except OSError:
            pass
    return out


def tree_rss_mib(pid):
    """Resident memory of pid and its descendants (shared pages counted once per process)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS"):
                    total += int(line.split()[1]) / 1024
            for t in os.listdir(f"/proc/{p}/task"):
                todo += [int(k) for k in open(f"/proc/{p}/task/{t}/children").read().split()]
        except OSError:
            pass
    return total


PER_PROC = 16_000


RUN = [0]


def one(so, hb, conns, hold, extra):
    port = free_port()
    procs = max(1, -(-conns // PER_PROC))
    cmd = ["php", "-n", "-d", "memory_limit=-1"] + extra + ["-d", f"extension={so}", os.path.join(HERE, "php", "idle_heartbeat_server.php"),
           str(port), hb, str(procs)]
    srv = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close(); break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.5)  # every worker listening
        # One source address reaches ~28k ephemeral ports: 20k connections per address.
        sources = max(1, -(-conns // 20_000))
        # A fresh range of source addresses per run: the last run's ports are in TIME_WAIT.
        base = (RUN[0] * sources) % 240
        RUN[0] += 1
        share = [conns // procs + (1 if i < conns % procs else 0) for i in range(procs)]
        # The clients hold for a while after the last one connected; the server's CPU is read
        # over a window inside every client's hold.
        lgs = [subprocess.Popen([LOADGEN, "idle", "--port", str(port), "--conns", str(n), "--hold", str(hold + 5),
                                 "--sources", str(sources), "--source-base", str(base),
                                 "--connect-concurrency", "256"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in share]
        held = 0
        for lg in lgs:
            for line in lg.stderr:
                if line.startswith("loadgen: holding"):
                    held += int(line.split()[2])
                    break
        time.sleep(3.0)  # let the accept backlog drain before measuring
        cpu0, t0 = tree_cpu(srv.pid), time.monotonic()
        time.sleep(hold)
        cpu1, t1 = tree_cpu(srv.pid), time.monotonic()
        rss = tree_rss_mib(srv.pid)
        answered = 0
        for lg in lgs:
            out, _ = lg.communicate(timeout=120)
            answered += json.loads(out.strip().splitlines()[-1]).get("answered", 0)
        dt = t1 - t0
        return {"held": held, "answered": answered,
                "user_ms_per_s": 1000 * (cpu1[0] - cpu0[0]) / dt,
                "sys_ms_per_s": 1000 * (cpu1[1] - cpu0[1]) / dt, "rss_mib": rss}
    finally:
        # Every process of the tree, by pid, and wait until they are gone: a manager killed
        # alone leaves workers closing 100k sockets while the next run is measured.
        pids = tree_pids(srv.pid)
        for p in pids:
            try:
                os.kill(p, 9)
            except OSError:
                pass
        srv.wait()
        for _ in range(200):
            if not any(os.path.exists(f"/proc/{p}/stat") and open(f"/proc/{p}/stat").read().split()[2] != "Z" for p in pids):
                break
            time.sleep(0.05)
        time.sleep(3)  # the kernel's work on the closed sockets lands now, not in the next run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", type=int, default=100_000)
    ap.add_argument("--hold", type=float, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < PER_PROC + 1000:
        sys.exit(f"RLIMIT_NOFILE hard limit {hard} < {PER_PROC + 1000}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if not os.path.exists(LOADGEN):
        subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=HERE)
    servers = [("swoole-rs", OURS, [])]
    if os.path.exists(SWOOLE):
        servers.append(("Swoole 6.1.7", SWOOLE, ["-d", "extension=sockets"]))
    rows = {}
    for r in range(a.rounds):
        for name, so, extra in servers:
            for hb in ("off", "on"):
                m = one(so, hb, a.conns, a.hold, extra)
                print(f"round {r + 1} {name} heartbeat {hb}: {m}", file=sys.stderr)
                rows.setdefault((name, hb), []).append(m)
    print("| server | heartbeat | connections held | answered after the hold | server user CPU ms per s | server system CPU ms per s | server RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (name, hb), ms in rows.items():
        med = lambda k: statistics.median(m[k] for m in ms)
        print(f"| {name} | {hb} | {med('held'):.0f} | {med('answered'):.0f} | {med('user_ms_per_s'):.2f} | "
              f"{med('sys_ms_per_s'):.2f} | {med('rss_mib'):.0f} |")


if __name__ == "__main__":
    main()
