#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make sure the host has what the harness needs; install it when root.
. "$(dirname "$0")/common.sh"

need_cmds="gcc make flex bison bc cpio ccache sparse python3 perl rsync xz
	   qemu-system-x86_64 patch depmod"
pkgs="build-essential flex bison bc libelf-dev libssl-dev qemu-system-x86
      busybox-static cpio ccache sparse python3 rsync xz-utils kmod patch
      linux-source-6.12 python3-matplotlib"

missing=
for c in $need_cmds; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
dpkg -s busybox-static >/dev/null 2>&1 || missing="$missing busybox-static"
[ -f /usr/include/libelf.h ] || missing="$missing libelf-dev"
[ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl-dev"
[ -f "$BASE_TAR" ] || missing="$missing linux-source-6.12"
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing="$missing python3-matplotlib"

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	die "missing:$missing; as root run: apt-get install $pkgs"
fi
say "installing missing host packages:$missing"
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq $pkgs; } >"${TMPDIR:-/tmp}/wq-apt.log" 2>&1 ||
	die "apt-get install failed; see ${TMPDIR:-/tmp}/wq-apt.log"
[ -f "$BASE_TAR" ] || die "linux-source-6.12 installed but $BASE_TAR is missing"
