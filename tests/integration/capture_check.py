#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks one case of capture.sh: our live report (CASE.live.json), our report
of tcpdump's file (CASE.off.json), tshark's decoding of that file (CASE.tshark)
and status taken during the transfer (CASE.status*.json) against each other.

  capture_check.py CASE DIR
"""
import glob, json, sys

case, tmp = sys.argv[1], sys.argv[2]
errors = []


def need(cond, msg):
    if not cond:
        errors.append(msg)


def load(name):
    with open(f"{tmp}/{name}") as f:
        return json.load(f)


live, off = load(f"{case}.live.json"), load(f"{case}.off.json")
status = [load(p[len(tmp) + 1:]) for p in sorted(glob.glob(f"{tmp}/{case}.status*.json"))]
ifname = {}
for line in open(f"{tmp}/ifindex"):
    idx, name = line.split()[:2]
    ifname[int(idx)] = name.split("@")[0]


def key(a, pa, b, pb):
    return frozenset([(a, int(pa)), (b, int(pb))])


def sub_key(s):
    return key(s["client"]["addr"], s["client"]["port"], s["server"]["addr"], s["server"]["port"])


# tshark, one row a frame: per TCP stream its 4-tuple, bytes, MPTCP stream, tokens.
ts = {}
for line in open(f"{tmp}/{case}.tshark"):
    f = line.rstrip("\n").split("\t")
    if len(f) < 15 or not f[1]:
        continue
    ifx, st, mst, s4, s6, sp, d4, d6, dp, ln, syn, ack, sub, tok, t = f[:15]
    e = ts.setdefault(st, {"key": key(s4 or s6, sp, d4 or d6, dp), "bytes": 0, "mstream": set(),
                           "tokens": set(), "syn_mpc": None, "synack_mpc": None, "mptcp": False,
                           "ifindex": int(ifx) if ifx else None, "last": 0.0})
    e["bytes"] += int(ln or 0)
    e["last"] = max(e["last"], float(t))
    subs = sub.split(",") if sub else []
    e["mptcp"] |= bool(subs)
    if mst:
        e["mstream"].add(mst)
    for x in tok.split(",") if tok else []:
        e["tokens"].add(int(x))
    if syn in ("1", "True") and ack in ("0", "False") and e["syn_mpc"] is None:
        e["syn_mpc"] = "0" in subs
    if syn in ("1", "True") and ack in ("1", "True") and e["synack_mpc"] is None:
        e["synack_mpc"] = "0" in subs
by_key = {e["key"]: e for e in ts.values()}

# 1. Our report of the file against tshark's decoding of it.
ours = {}
for c in off["connections"]:
    for s in c["subflows"]:
        ours[sub_key(s)] = (c, s)
need(set(ours) == set(by_key), f"file: subflows differ from tshark's streams: ours {len(ours)}, "
     f"tshark {len(by_key)}: {set(ours) ^ set(by_key)}")
for k, (c, s) in ours.items():
    e = by_key.get(k)
    if not e:
        continue
    b = s["from_client"]["bytes"] + s["to_client"]["bytes"]
    need(b == e["bytes"], f"file: {set(k)}: {b} payload bytes, tshark {e['bytes']}")
    if e["ifindex"]:
        need(s["interface"] == f"if{e['ifindex']}", f"file: {set(k)} on {s['interface']}, "
             f"tshark ifindex {e['ifindex']}")
    if not e["mptcp"]:
        need(c["kind"] == "tcp", f"file: {set(k)} has no MPTCP option (tshark) but is {c['kind']}")
    elif e["syn_mpc"] and e["synack_mpc"] is False:
        need(c["kind"] == "fallback" and c["fallback"]["reason"] == "synack_no_mp_capable",
             f"file: {set(k)}: SYN/ACK without MP_CAPABLE (tshark), ours {c['kind']} {c['fallback']}")
    elif e["syn_mpc"] and e["synack_mpc"]:
        need(c["kind"] == "mptcp", f"file: {set(k)}: MPTCP both ways (tshark), ours {c['kind']}")
    if c["kind"] != "tcp":
        toks = {int(t, 16) for t in (c["client_token"], c["server_token"]) if t}
        need(e["tokens"] <= toks, f"file: {set(k)}: tshark's tokens {e['tokens']} not ours {toks}")
for c in off["connections"]:
    if c["kind"] != "mptcp":
        continue
    ms = [by_key[sub_key(s)]["mstream"] for s in c["subflows"] if sub_key(s) in by_key]
    need(all(m == ms[0] and m for m in ms), f"file: one connection of ours, tshark's MPTCP "
         f"streams {ms}")

# 1b. The bytes the receiving program got, against the data-level bytes (DSS
# mappings, each counted once) or, for TCP, the payload less retransmissions.
recv = None
try:
    recv = int(open(f"{tmp}/{case}.srv").read().split()[0])
except (OSError, ValueError, IndexError):
    pass
if case == "linkdown":
    recv = json.load(open(f"{tmp}/linkdown.failover")).get("bytes")
td_drops, td = 0, {}
for line in open(f"{tmp}/{case}.td.err"):
    w = line.split()
    if len(w) > 2 and w[0].isdigit() and w[1] == "packets":
        td[" ".join(w[2:])] = int(w[0])
# Frames the kernel dropped, or that tcpdump had not written when it was stopped.
td_drops = td.get("dropped by kernel", 0) + max(0, td.get("received by filter", 0) -
                                                td.get("captured", 0))
fdata = max(off["connections"], key=lambda c: c["bytes"])
if recv is None:
    need(False, f"{case}: the receiver's byte count is missing")
else:
    got = fdata["data_to_server"] if fdata["kind"] == "mptcp" else fdata["bytes"]
    # Frames tcpdump did not write can only lower the file's count, each by
    # at most one GSO frame (64 KiB).
    need(got <= recv and recv - got <= td_drops * 65536,
         f"file: {got} {'data-level' if fdata['kind'] == 'mptcp' else 'payload'} bytes, the "
         f"receiver got {recv} ({td_drops} frames not in the file)")

# 2. The live report against the file's.
def conns_by_first(rep):
    return {sub_key(c["subflows"][0]): c for c in rep["connections"] if c["subflows"]}


lv, of = conns_by_first(live), conns_by_first(off)
need(set(lv) == set(of), f"live and file connections differ: {set(lv) ^ set(of)}")
whole = case != "linkdown"  # there the live capture ends before the transfer
for k in set(lv) & set(of):
    a, b = lv[k], of[k]
    need(a["kind"] == b["kind"], f"live {a['kind']} vs file {b['kind']} for {set(k)}")
    need(len(a["subflows"]) == len(b["subflows"]), f"{set(k)}: live {len(a['subflows'])} "
         f"subflows, file {len(b['subflows'])}")
    if whole:
        need(abs(a["bytes"] - b["bytes"]) <= 0.01 * max(b["bytes"], 1),
             f"{set(k)}: live {a['bytes']} bytes, file {b['bytes']}")
    fs = {sub_key(s): s for s in b["subflows"]}
    for s in a["subflows"]:
        o = fs.get(sub_key(s))
        if o and o["interface"].startswith("if"):
            need(ifname.get(int(o["interface"][2:])) == s["interface"],
                 f"{sub_key(s)}: live on {s['interface']}, file on {o['interface']}")
need(all(i["dropped"] == 0 for i in live["capture"]["interfaces"]), "the kernel dropped frames")

# 3. Against status, taken during the transfer, for the connection that carried the most.
data = max(live["connections"], key=lambda c: c["bytes"])
st = [c for s in status for c in s["connections"]]
if case == "tcp":
    need(data["kind"] == "tcp", f"tcp: the transfer is {data['kind']}")
    need(not st, f"tcp: status lists {len(st)} MPTCP connections")
else:
    need(st, "status shows no connection")
    sc = st[0] if st else {}
    if case in ("off", "strip"):
        need(data["kind"] == "fallback" and data["fallback"]["reason"] == "synack_no_mp_capable",
             f"{case}: ours {data['kind']} {data.get('fallback')}")
        need(sc.get("fallback") is True, f"{case}: status says {sc.get('kind')}")
    else:
        need(data["kind"] == "mptcp", f"{case}: ours {data['kind']} {data.get('fallback')}")
        need(sc.get("mptcp") is True, f"{case}: status says {sc.get('kind')}")
        need(sc.get("token") == int(data["client_token"], 16),
             f"{case}: status token {sc.get('token')}, ours {data['client_token']}")
        est = [s for s in data["subflows"]
               if s["role"] == "initial" or (s.get("join") or {}).get("joined")]
        if case == "mptcp1":
            need(len(data["subflows"]) == 1 and len(sc.get("subflows", [])) == 1,
                 f"mptcp1: ours {len(data['subflows'])} subflows, status {len(sc.get('subflows', []))}")
        if case == "mptcp2":
            need(len(est) == len(sc["subflows"]) >= 2,
                 f"mptcp2: ours {len(est)} subflows established, status {len(sc['subflows'])}")
            share, sshare = {}, {}
            for s in data["subflows"]:
                share[s["interface"]] = share.get(s["interface"], 0) + s["share"]
            tot = sum(s["bytes_acked"] for s in sc["subflows"]) or 1
            for s in sc["subflows"]:
                sshare[s["interface"]] = sshare.get(s["interface"], 0) + s["bytes_acked"] / tot
            need(set(share) == set(sshare) == {"eno1", "eno2"},
                 f"mptcp2: interfaces ours {share}, status {sshare}")
            for i in share:
                need(share[i] > 0.2 and abs(share[i] - sshare.get(i, 0)) <= 0.15,
                     f"mptcp2: {i} share {share[i]:.2f}, status {sshare.get(i, 0):.2f}")
        if case == "linkdown":
            fo = json.load(open(f"{tmp}/linkdown.failover"))
            need(fo["ok"] and fo["bad_bytes"] == 0 and fo["wrong_bytes"] == 0,
                 f"linkdown: the transfer: {fo}")
            for s in data["subflows"]:
                if s["interface"] == "eno1":
                    need(s["state"].startswith("silent"), f"linkdown: eno1 subflow {s['state']}")
            need(any(s["interface"] == "eno2" and s["state"] == "active" for s in data["subflows"]),
                 f"linkdown: no active eno2 subflow: {[s['state'] for s in data['subflows']]}")
            a = {x["local_port"]: x for x in status[0]["connections"][0]["subflows"]}
            b = {x["local_port"]: x for x in status[1]["connections"][0]["subflows"]} \
                if status[1]["connections"] else {}
            grew = {x["interface"] for p, x in b.items() if p in a and
                    x["bytes_acked"] > a[p]["bytes_acked"]}
            need("eno1" not in grew and "eno2" in grew,
                 f"linkdown: status shows growth on {grew or 'nothing'}")

if errors:
    print(f"{case}:", *errors, sep="\n  ")
    sys.exit(1)
print(f"{case}: live, file, tshark and status agree")
