# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the namespace tests. Source it; then use LAB (a unique
# lab name), ok/fail/skip, and the snapshot of the root namespace that the
# EXIT trap compares after cleaning up.
set -euo pipefail

MPTCPCTL=${MPTCPCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/mptcpctl}
TEST_NAME=$(basename "$0" .sh)
LAB="t$$${RANDOM}"
LAB=${LAB:0:12}
CHECKS=0

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}
ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok $CHECKS - $*"
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
[ -x "$MPTCPCTL" ] || fail "no mptcpctl at $MPTCPCTL"
command -v ip >/dev/null || skip "iproute2 (the witness) is not installed"

# The root namespace as it was: links (names, no counters) and namespaces.
root_links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
# Only this test's namespaces: other tests may run at the same time on a
# developer's machine; .ci/run checks that none at all is left at the end.
netns_names() { ip netns list | awk '{print $1}' | grep "^$LAB" | sort || true; }
ROOT_LINKS_BEFORE=$(root_links)
NETNS_BEFORE=$(netns_names)
EXTRA_CLEANUP=()

cleanup() {
	local rc=$?
	set +e
	for c in "${EXTRA_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1; done
	"$MPTCPCTL" lab down "$LAB" >/dev/null 2>&1
	for ns in "$LAB-cli" "$LAB-srv"; do ip netns del "$ns" 2>/dev/null; done
	rm -f "/run/mptcpctl/lab/$LAB.state"
	if [ "$(root_links)" != "$ROOT_LINKS_BEFORE" ]; then
		echo "FAIL: $TEST_NAME: the root namespace's links changed" >&2
		diff <(echo "$ROOT_LINKS_BEFORE") <(root_links) >&2
		rc=1
	fi
	if [ "$(netns_names)" != "$NETNS_BEFORE" ]; then
		echo "FAIL: $TEST_NAME: network namespaces left behind or removed" >&2
		diff <(echo "$NETNS_BEFORE") <(netns_names) >&2
		rc=1
	fi
	[ $rc -eq 0 ] && echo "PASS: $TEST_NAME ($CHECKS checks)"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command, expecting exit status $1; stderr+stdout in $OUT.
expect_rc() {
	local want=$1 got=0
	shift
	OUT=$("$@" 2>&1) || got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $OUT"
}

# Polls (no sleeping for a fixed time) until a TCP listener on port $2 exists in netns $1.
wait_listen() {
	local ns=$1 port=$2 i
	for i in $(seq 1 200); do
		ip netns exec "$ns" ss -Htln "sport = :$port" | grep -q . && return 0
		sleep 0.02
	done
	fail "nothing listens on port $port in $ns"
}

# iperf3 (a witness) from the client to $1 for $2 seconds; prints received bit/s.
iperf_bps() {
	local dst=$1 secs=$2 port=${3:-5201} json
	ip netns exec "$LAB-srv" iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
	EXTRA_CLEANUP+=("kill $!")
	wait_listen "$LAB-srv" "$port"
	json=$(ip netns exec "$LAB-cli" iperf3 -c "$dst" -p "$port" -t "$secs" -J)
	python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' <<<"$json"
}
