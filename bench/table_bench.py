#!/usr/bin/env python3
"""Swoole\\Table set/get/incr ops/s, one process and two at once, swoole-rs vs Swoole 6.1.7.

    python3 bench/table_bench.py [runs] [ops per process]

Each cell is the median of `runs` runs (default 5) of bench/table_bench.php; the two
extensions are run alternately, never loaded together. Prints a Markdown table.
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OURS = os.path.join(ROOT, "target/release/libswoole.so")
SWOOLE = os.path.normpath(os.path.join(ROOT, "../shared/reference/swoole-6.1.7/swoole.so"))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ops = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000


def once(ext, op, procs):
    cmd = ["php", "-n", "-d", "extension=sockets", "-d", f"extension={ext}",
           os.path.join(HERE, "table_bench.php"), op, str(ops), str(procs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


print(f"| operation | processes | swoole-rs ops/s | Swoole 6.1.7 ops/s | ratio |")
print("|---|---|---|---|---|")
for op in ("set", "get", "incr"):
    for procs in (1, 2):
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(once(OURS, op, procs))
            theirs.append(once(SWOOLE, op, procs))
        o, t = statistics.median(ours), statistics.median(theirs)
        print(f"| {op} | {procs} | {o:,.0f} | {t:,.0f} | {o / t:.2f} |", flush=True)
