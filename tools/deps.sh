#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages the build, the tests and the witnesses need, if missing.
set -euo pipefail
pkgs=(build-essential meson ninja-build pkg-config libmnl-dev libcmocka-dev libcjson-dev
      libinih-dev libpcap-dev clang clang-format iproute2 nftables iperf3 mptcpd mptcpize tshark tcpdump
      iputils-ping python3 scdoc strace curl dpkg-dev debhelper fakeroot)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
