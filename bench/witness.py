# SPDX-License-Identifier: GPL-2.0-or-later
# An independent byte check: not mptcpctl's code. The sender sends a 64 MiB
# random block over and over for T seconds on an MPTCP socket (IPPROTO_MPTCP);
# both ends hash what they sent / received with SHA-256 and print it.
import hashlib, os, socket, sys, time
IPPROTO_MPTCP = 262
role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if role == "server":
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((host, port)); l.listen(1)
    c, _ = l.accept()
    h = hashlib.sha256(); n = 0
    buf = bytearray(1 << 20); mv = memoryview(buf)
    seed = c.recv(32, socket.MSG_WAITALL)
    while True:
        k = c.recv_into(buf)
        if not k: break
        h.update(mv[:k]); n += k
    print("recv", n, h.hexdigest(), flush=True)
else:
    secs = float(sys.argv[4])
    rnd = os.urandom(64 << 20)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.connect((host, port))
    s.sendall(b"S" * 32)
    h = hashlib.sha256(); n = 0
    mv = memoryview(rnd); step = 1 << 20; off = 0
    end = time.time() + secs
    while time.time() < end:
        chunk = mv[off:off + step]
        s.sendall(chunk); h.update(chunk); n += len(chunk)
        off = (off + step) % len(rnd)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print("sent", n, h.hexdigest(), flush=True)
