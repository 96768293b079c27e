#!/usr/bin/env python3
"""Kernel SO_REUSEPORT spread of 200 connections over 2 listeners (evidence for the worker
accept design, see README "Processes"). Usage: python3 bench/reuseport_spread.py"""
import os, socket, sys, time
def spread(n_conns, rounds=5):
    out = []
    for r in range(rounds):
        s0 = socket.socket(); s0.bind(("127.0.0.1", 0)); port = s0.getsockname()[1]; s0.close()
        ls = []
        for w in range(2):
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            l.bind(("127.0.0.1", port)); l.listen(1024); l.setblocking(False); ls.append(l)
        cs = [socket.create_connection(("127.0.0.1", port)) for _ in range(n_conns)]
        time.sleep(0.1)
        counts = []
        for l in ls:
            c = 0
            while True:
                try: a, _ = l.accept(); a.close(); c += 1
                except BlockingIOError: break
            counts.append(c)
        out.append("/".join(map(str, counts)))
        for c in cs: c.close()
        for l in ls: l.close()
    return out
print("SO_REUSEPORT, 2 listeners, 200 connections from one client host:", ", ".join(spread(200)))
