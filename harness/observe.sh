#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# observe.sh IMPL...: `make observe`.  For each implementation: build the
# qemu config with debug info (CONFIG=observe), boot it with a short
# workqueue watchdog, run the known workloads (test_workqueue observe=N and
# its "trace" and "stall" workloads, see harness/guest/observe-job.sh), dump
# the guest's memory through QMP (dump-guest-memory, with vmcoreinfo), then
# run v6.12's tools/workqueue/wq_monitor.py and our
# tools/workqueue/wq_dump.py (which reads both kernels) on the host with
# drgn against the dump and the vmlinux, and compare wq_monitor.py's
# counters for the workload's workqueue with what it did.  v6.12's own
# wq_dump.py runs too, for information only.  Then, over all kernels
# (harness/observe-check.py): the workqueue:* tracepoint counts and fields,
# and the stall dumps.  Output in $BUILD/observe/IMPL.*.txt and
# $BUILD/observe/stall.txt.
. "$(dirname "$0")/common.sh"
set -o pipefail

out=$BUILD/observe
mkdir -p "$out"
if ! command -v drgn >/dev/null; then
	[ "$(id -u)" = 0 ] || die "drgn missing; as root run: apt-get install python3-drgn"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
		python3-drgn >"${TMPDIR:-/tmp}/wq-apt-drgn.log" 2>&1 ||
		die "apt-get install failed; see ${TMPDIR:-/tmp}/wq-apt-drgn.log"
fi

# qmp SOCK JSON...: send each command, print the replies
qmp() {
	/usr/bin/python3 - "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile('rw')
json.loads(f.readline())
for cmd in ['{"execute": "qmp_capabilities"}'] + sys.argv[2:]:
    f.write(cmd + '\n')
    f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            print(json.dumps(r))
            break
PY
}

fail=0 done_impls=
for impl in "$@"; do
	check_impl "$impl"
	"$REPO/harness/build-kernel.sh" "$impl" observe || die "build of $impl/observe failed"
	obj=$(obj_of "$impl" observe)
	tree=$(tree_of "$impl")
	sock=$out/$impl.qmp log=$out/$impl.console core=$out/$impl.vmcore
	rm -f "$sock" "$log" "$core"
	"$REPO/harness/boot.sh" --timeout 900 --memory 1G --qmp "$sock" --log "$log" \
		--append "workqueue.watchdog_thresh=${WQH_WATCHDOG_THRESH:-3}" \
		--job "$REPO/harness/guest/observe-job.sh" "$impl" observe job >/dev/null 2>&1 &
	boot=$!
	for _ in $(seq 600); do
		grep -q '^WQH-DUMP-READY' "$log" 2>/dev/null && break
		kill -0 $boot 2>/dev/null || break
		sleep 1
	done
	if ! grep -q '^WQH-DUMP-READY' "$log" 2>/dev/null; then
		say "$impl: the guest never got to the dump; see $log"
		kill $boot 2>/dev/null
		fail=1
		continue
	fi
	qmp "$sock" "{\"execute\": \"dump-guest-memory\", \"arguments\": {\"paging\": true, \"protocol\": \"file:$core\"}}" \
		'{"execute": "quit"}' >"$out/$impl.qmp.log" 2>&1
	wait $boot
	[ -s "$core" ] || { say "$impl: no dump; see $out/$impl.qmp.log"; fail=1; continue; }
	# wq_monitor.py is v6.12's (it reads ours unchanged); wq_dump.py ours
	for tool in monitor monitor-json dump; do
		args=() script=$BASE/tools/workqueue/wq_monitor.py
		case $tool in
		monitor) args=(-i 0) ;;
		monitor-json) args=(-i 0 -j wtr_observe) ;;
		dump) script=$REPO/tools/workqueue/wq_dump.py ;;
		esac
		if drgn -q -c "$core" -s "$obj/vmlinux" "$script" \
			"${args[@]}" >"$out/$impl.$tool.txt" 2>&1; then
			say "$impl: ${script#"$BUILD/"} ${args[*]} ran: $out/$impl.$tool.txt"
		else
			say "$impl: ${script#"$BUILD/"} ${args[*]} failed: $(tail -n 1 "$out/$impl.$tool.txt")"
			fail=1
		fi
	done
	if drgn -q -c "$core" -s "$obj/vmlinux" "$BASE/tools/workqueue/wq_dump.py" \
		>"$out/$impl.dump-v6.12.txt" 2>&1; then
		say "$impl: (information) v6.12's own wq_dump.py runs"
	else
		say "$impl: (information) v6.12's own wq_dump.py fails: $(tail -n 1 "$out/$impl.dump-v6.12.txt")"
	fi
	# The counters of the known workload (see observe in lib/test_workqueue.c).
	/usr/bin/python3 - "$out/$impl.monitor-json.txt" "$log" <<'PY' || fail=1
import ast, re, sys
rows = [ast.literal_eval(l) for l in open(sys.argv[1]) if l.startswith('{')]
want = re.search(r'observe: wtr_observe started=(\d+)', open(sys.argv[2], errors='replace').read())
if not rows or not want:
    sys.exit('no wtr_observe row in the wq_monitor.py output, or no workload line')
r, n = rows[0], int(want.group(1))
checks = [('started', r['started'] == n), ('completed', r['completed'] == n),
          ('cpu_intensive', r['cpu_intensive'] >= 1), ('cm_wakeup', r['cm_wakeup'] >= 1)]
print('  wtr_observe: ' + ' '.join('%s=%s' % (k, r[k]) for k, _ in checks) +
      ' (expected started=completed=%d, cpu_intensive>=1, cm_wakeup>=1)' % n)
sys.exit(0 if all(ok for _, ok in checks) else 'counters do not match the workload')
PY
	[ "${KEEP_CORE:-0}" = 1 ] || rm -f "$core"
	done_impls="$done_impls $impl"
done
if [ -n "$done_impls" ]; then
	say "workqueue:* tracepoints of the trace workload:"
	/usr/bin/python3 "$REPO/harness/observe-check.py" trace "$out" $done_impls || fail=1
	say "stall dumps (side by side in $out/stall.txt):"
	/usr/bin/python3 "$REPO/harness/observe-check.py" stall "$out" $done_impls || fail=1
fi
exit $fail
