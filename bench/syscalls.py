#!/usr/bin/env python3
"""Syscalls per request for each server (64 B ping-pong, 100 connections).

Attaches `strace -c -f` to the running server, drives a fixed load with the load generator,
detaches, and divides each syscall's count by the requests answered. strace slows the server a
lot, so this reports counts only, never times. Usage: python3 bench/syscalls.py [--seconds 3]
"""
import argparse, json, os, re, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.abspath(__file__))
SO = os.environ.get("SWOOLE_RS_SO", os.path.join(ROOT, "..", "target", "release", "libswoole.so"))
LOADGEN = os.environ.get("LOADGEN", os.path.join(ROOT, "target", "release", "loadgen"))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def servers(port):
    return {
        "tokio": [os.path.join(ROOT, "target", "release", "echo_tokio"), "--port", str(port)],
        "php": ["php", "-n", os.path.join(ROOT, "php", "stream_select_server.php"), str(port)],
        "swoole-rs": ["php", "-n", "-d", f"extension={SO}", os.path.join(ROOT, "php", "tutorial_server.php"), str(port)],
        # The same server on each reactor backend (reactor_type's default, see README).
        "swoole-rs io_uring": ["env", "SWOOLE_RS_REACTOR_TYPE=io_uring", "php", "-n", "-d", f"extension={SO}",
                               os.path.join(ROOT, "php", "tutorial_server.php"), str(port)],
        "swoole-rs epoll": ["env", "SWOOLE_RS_REACTOR_TYPE=epoll", "php", "-n", "-d", f"extension={SO}",
                            os.path.join(ROOT, "php", "tutorial_server.php"), str(port)],
    }


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); return True
        except OSError:
            time.sleep(0.05)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--conns", type=int, default=100)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--servers", default="", help="comma-separated names (default: all)")
    a = ap.parse_args()
    print(f"| server | requests | syscalls/request | per request: top calls |")
    print(f"|---|---:|---:|---|")
    for name, cmd in servers(0).items():
        if a.servers and name not in a.servers.split(","):
            continue
        port = free_port()
        cmd = servers(port)[name]
        srv = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not wait_port(port):
                print(f"| {name} | server did not start | | |"); continue
            out = tempfile.mktemp()
            st = subprocess.Popen(["strace", "-c", "-f", "-p", str(srv.pid), "-o", out],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            lg = subprocess.run([LOADGEN, "pingpong", "--port", str(port), "--conns", str(a.conns),
                                 "--size", str(a.size), "--duration", str(a.seconds), "--warmup", "0"],
                                capture_output=True, text=True)
            time.sleep(0.2)
            st.send_signal(signal.SIGINT); st.wait(10)
            res = json.loads(lg.stdout.strip().splitlines()[-1])
            reqs = res["all_requests"]
            calls = {}
            for line in open(out):
                m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
                if m and m.group(2) != "total":
                    calls[m.group(2)] = int(m.group(1))
            os.unlink(out)
            total = sum(calls.values())
            top = ", ".join(f"{k} {v / reqs:.3f}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1])[:4])
            print(f"| {name} | {reqs} | {total / reqs:.3f} | {top} |")
        finally:
            srv.send_signal(signal.SIGTERM)
            try:
                srv.wait(5)
            except subprocess.TimeoutExpired:
                srv.kill()


if __name__ == "__main__":
    sys.exit(main())
