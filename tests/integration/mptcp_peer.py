#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny MPTCP (or TCP) peer for the namespace tests.

  mptcp_peer.py server ADDR PORT [tcp]        accept one connection, read to EOF
  mptcp_peer.py client ADDR PORT SECS [tcp] [rate BYTES_PER_S]   send for SECS
"""
import socket, sys, time

IPPROTO_MPTCP = 262


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rest = sys.argv[4:]
    proto = 0 if "tcp" in rest else IPPROTO_MPTCP
    if mode == "server":
        ls = socket.socket(family(addr), socket.SOCK_STREAM, proto)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, port))
        ls.listen(8)
        ls.settimeout(60)
        c, _ = ls.accept()
        c.settimeout(60)
        total = 0
        while True:
            b = c.recv(1 << 20)
            if not b:
                break
            total += len(b)
        print(total)
        return 0
    secs = float(rest[0])
    rate = float(rest[rest.index("rate") + 1]) if "rate" in rest else 0
    s = socket.socket(family(addr), socket.SOCK_STREAM, proto)
    s.settimeout(30)
    s.connect((addr, port))
    buf = b"\0" * (64 * 1024)
    end = time.monotonic() + secs
    sent = 0
    start = time.monotonic()
    while time.monotonic() < end:
        if rate and sent > rate * (time.monotonic() - start):
            time.sleep(0.005)
            continue
        s.sendall(buf)
        sent += len(buf)
    s.close()
    return 0


sys.exit(main())
