#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Misbehaving iperf3 clients for tests/integration/bench.sh (raw TCP sockets).

  bench_raw.py CASE HOST PORT

CASE:
  oversize   a valid cookie, then a JSON length prefix of 0x7fffffff
  truncated  a valid cookie, then 10 of the 100 announced JSON bytes, then close
  badcookie  36 bytes that are not [a-z2-7] (plus the NUL)
  silent     connects and sends nothing
  garbage    200 bytes that are no iperf3 at all
  second     a valid cookie while another test runs (expects ACCESS_DENIED)

Prints one line "CASE first=<state bytes seen, as signed ints> closed=<how>
secs=<time from connect to close>" and exits 0; the shell asserts on it.
Exits 3 when the server keeps the connection open for 10 s (a hang).
"""
import random
import socket
import sys
import time

COOKIE_CHARS = "abcdefghijklmnopqrstuvwxyz234567"


def cookie():
    return ("".join(random.choice(COOKIE_CHARS) for _ in range(36)) + "\0").encode()


def signed(b):
    return b - 256 if b > 127 else b


def read_until_closed(s, t0, limit=10.0):
    """Reads until EOF or reset; returns (bytes seen, 'eof'|'reset', seconds)."""
    seen = b""
    s.settimeout(0.05)
    while time.monotonic() - t0 < limit:
        try:
            b = s.recv(4096)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return seen, "reset", time.monotonic() - t0
        if not b:
            return seen, "eof", time.monotonic() - t0
        seen += b
    print(f"{sys.argv[1]} hang: the server kept the connection open for {limit} s, saw {list(seen)}")
    sys.exit(3)


def expect_state(s, want):
    s.settimeout(5)
    b = s.recv(1)
    if not b or signed(b[0]) != want:
        print(f"{sys.argv[1]}: expected state {want}, got {list(b)}")
        sys.exit(4)


def main():
    case, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.create_connection((host, port), timeout=5)
    t0 = time.monotonic()
    if case == "oversize":
        s.sendall(cookie())
        expect_state(s, 9)  # PARAM_EXCHANGE
        s.sendall(b"\x7f\xff\xff\xff" + b"{" * 64)
    elif case == "truncated":
        s.sendall(cookie())
        expect_state(s, 9)
        s.sendall((100).to_bytes(4, "big") + b'{"tcp":tru')
        s.shutdown(socket.SHUT_WR)
    elif case == "badcookie":
        s.sendall(b"A" * 18 + b"!" * 18 + b"\0")
    elif case == "silent":
        pass
    elif case == "garbage":
        s.sendall(bytes((i * 37 + 11) % 256 for i in range(200)))
    elif case == "second":
        s.sendall(cookie())
    else:
        print(f"unknown case {case}")
        sys.exit(2)
    seen, how, secs = read_until_closed(s, t0)
    print(f"{case} first={','.join(str(signed(b)) for b in seen[:4])} closed={how} secs={secs:.2f}")


if __name__ == "__main__":
    main()
