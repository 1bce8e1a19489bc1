#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh [options] IMPL CONFIG MODE: boot a built kernel in QEMU (TCG).
#   --timeout S   give up after S seconds (a hang is a failure)  [600]
#   --log FILE    where the console goes     [$obj/MODE.log]
#   --job FILE    add FILE to the initramfs as /job.sh (runs instead of MODE)
#   --append ARGS extra kernel command line
#   --smp N       CPUs [4]
#   --memory M    guest memory [2G]
#   --show        copy the console to stdout as well
#   --icount      -icount shift=0: the guest clock counts instructions
#                 (1 ns each), one host thread runs all vCPUs in turn
#   --qmp SOCK    a QMP socket at SOCK and a vmcoreinfo device, so that
#                 the host can dump the guest's memory (observe.sh)
# Exits 0 only when the guest finished with "WQH-RESULT: PASS" and its log
# holds no kernel report (see check-log.sh).  MODE=shell on a terminal is
# interactive.
. "$(dirname "$0")/common.sh"
set -o pipefail

timeout=600 log= job= append= smp=4 mem=2G show= icount= qmp=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--job) job=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--memory) mem=$2; shift 2 ;;
	--show) show=1; shift ;;
	--icount) icount=1; shift ;;
	--qmp) qmp=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# = 3 ] || die "usage: boot.sh [options] IMPL CONFIG MODE"
impl=$1 config=$2 mode=$3
obj=$(obj_of "$impl" "$config")
kernel=$obj/arch/x86/boot/bzImage
initrd=$obj/initramfs.cpio.gz
[ -f "$kernel" ] && [ -f "$initrd" ] || die "no $impl/$config kernel built (make build IMPL=$impl CONFIG=$config)"
log=${log:-$obj/$mode.log}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$job" ]; then
	mkdir "$tmp/root"
	cp "$job" "$tmp/root/job.sh"
	chmod 755 "$tmp/root/job.sh"
	(cd "$tmp/root" && echo job.sh | cpio -o -H newc --quiet | gzip -1) >"$tmp/job.cpio.gz"
	cat "$initrd" "$tmp/job.cpio.gz" >"$tmp/initrd"
	initrd=$tmp/initrd
fi

qemu=(qemu-system-x86_64 -M pc -bios qboot.rom -cpu max -m "$mem" -smp "$smp"
      -kernel "$kernel" -initrd "$initrd" -no-reboot
      -append "console=ttyS0 panic=-1 wqh.mode=$mode $append")
[ -n "$icount" ] && qemu+=(-icount shift=0)
[ -n "$qmp" ] && qemu+=(-qmp "unix:$qmp,server=on,wait=off" -device vmcoreinfo)

if [ "$mode" = shell ] && [ -t 0 ] && [ -t 1 ]; then
	say "booting $impl/$config interactively (Ctrl-A X quits QEMU)"
	"${qemu[@]}" -nographic -serial mon:stdio | tee "$log"
	exit 0
fi

say "booting $impl/$config ($mode, -smp $smp, timeout ${timeout}s), console in $log"
t0=$(date +%s)
timeout -k 10 "$timeout" "${qemu[@]}" -display none -monitor none -serial stdio \
	</dev/null 2>&1 | if [ -n "$show" ]; then tee "$log"; else cat >"$log"; fi
rc=${PIPESTATUS[0]}
took=$(( $(date +%s) - t0 ))
if [ $rc = 124 ] || [ $rc = 137 ]; then
	tail -n 15 "$log" >&2
	say "$impl/$config $mode: guest did not finish within ${timeout}s (hang); see $log"
	exit 1
fi
"$REPO/harness/check-log.sh" "$log" || { say "$impl/$config $mode: kernel reports in $log (${took}s)"; exit 1; }
if ! grep -q '^WQH-RESULT: PASS' "$log"; then
	grep -a 'WQH-RESULT' "$log" >&2 || tail -n 15 "$log" >&2
	say "$impl/$config $mode: failed (${took}s); see $log"
	exit 1
fi
say "$impl/$config $mode: passed (${took}s)"
