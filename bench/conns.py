#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Holds N loopback MPTCP connections open until stdin closes (for bench/b_status.sh).

The accepting and the connecting ends live in two processes, so each needs
only N descriptors (the hard limit here can be 20,000).
"""
import os, resource, socket, sys

n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
ls.bind(("127.0.0.1", 0))
ls.listen(4096)
port = ls.getsockname()[1]
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    ls.close()
    held = []
    for i in range(n):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
        c.connect(("127.0.0.1", port))
        held.append(c)
    os.write(w, b"x")
    sys.stdin.read()
    os._exit(0)
os.close(w)
held = []
for i in range(n):
    s, _ = ls.accept()
    held.append(s)
os.read(r, 1)
print("ready", flush=True)
sys.stdin.read()
os.kill(pid, 9)
