#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# steps.sh ROW IMPL...: the exact instruction path of one sample of a bench
# row, per function, for each IMPL (built with `make build CONFIG=qemu`).
#
# Boots the guest under gdb (QEMU -s -S -icount), loads the bench module
# for ROW alone and single-steps three samples with harness/steps-gdb.py,
# keeping the shortest (the others may have met unrelated work), then
# counts the instructions per kernel function, in the order they ran.
# Supported rows: lat.* (a row whose item runs on another CPU than the one
# stepped ends with "no sample stepped"), op.queue_work.*, op.flush_work.*,
# op.cancel_work_sync.*.  Results in
# $BUILD/results/steps/ROW.IMPL (addresses) and ROW.txt (the table).
. "$(dirname "$0")/common.sh"

[ $# -ge 2 ] || die "usage: steps.sh ROW IMPL..."
row=$1; shift
if ! command -v gdb >/dev/null; then
	[ "$(id -u)" = 0 ] || die "gdb is needed: as root run apt-get install gdb"
	say "installing gdb"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdb; } \
		>"${TMPDIR:-/tmp}/wq-apt-gdb.log" 2>&1 ||
		die "apt-get install gdb failed; see ${TMPDIR:-/tmp}/wq-apt-gdb.log"
fi
out=$BUILD/results/steps
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root"
printf '#!/bin/sh\nmodprobe test_workqueue_bench only=%s samples=40\n' "$row" >"$tmp/root/job.sh"
chmod 755 "$tmp/root/job.sh"
(cd "$tmp/root" && echo job.sh | cpio -o -H newc --quiet | gzip -1) >"$tmp/job.cpio.gz"

maps=()
for impl in "$@"; do
	obj=$(obj_of "$impl" qemu)
	[ -f "$obj/vmlinux" ] || die "no $impl/qemu kernel built (make build IMPL=$impl)"
	cat "$obj/initramfs.cpio.gz" "$tmp/job.cpio.gz" >"$tmp/initrd"
	say "stepping $row on $impl"
	qemu-system-x86_64 -M pc -bios qboot.rom -cpu max -m 2G -smp 4 \
		-kernel "$obj/arch/x86/boot/bzImage" -initrd "$tmp/initrd" \
		-no-reboot -icount shift=0 -display none -monitor none \
		-serial file:"$out/$row.$impl.console" -s -S \
		-append "console=ttyS0 panic=-1 wqh.mode=job nokaslr" &
	STEPS_ROW=$row STEPS_MAP=$obj/System.map STEPS_OUT=$out/$row.$impl \
		timeout 600 gdb -q -batch -x "$REPO/harness/steps-gdb.py" \
		"$obj/vmlinux" >"$out/$row.$impl.gdb" 2>&1
	kill $! 2>/dev/null
	wait
	[ -s "$out/$row.$impl" ] || die "$impl: no sample stepped; see $out/$row.$impl.gdb"
	maps+=("$impl" "$obj/System.map" "$out/$row.$impl")
done
python3 "$REPO/harness/steps-report.py" "$row" "${maps[@]}" | tee "$out/$row.txt"
