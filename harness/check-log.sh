#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-log.sh LOG: fail when a guest console log holds a kernel report:
# WARNING, BUG (KASAN, sleeping in atomic, lockups), Oops, panic, lockdep
# splats, debugobjects, hung tasks, RCU stalls, UBSAN.  Reports between the
# lines "WQTEST: expect-warn-begin" and "WQTEST: expect-warn-end" are a
# test's deliberate misuse and are ignored.
log=$1
[ -f "$log" ] || { echo "check-log: no log $log" >&2; exit 1; }
hits=$(tr -d '\r' <"$log" | awk '
	/WQTEST: expect-warn-begin/ { expect++; next }
	/WQTEST: expect-warn-end/ { if (expect) expect--; next }
	expect { next }
	/WARNING:|BUG:|Oops|Kernel panic|general protection fault|ODEBUG:|UBSAN:|INFO: task .* blocked for more than|self-detected stall|rcu_.* detected stall|possible recursive locking|inconsistent lock state|circular locking dependency|DEBUG_LOCKS_WARN_ON|Unable to handle/ { print }
')
if [ -n "$hits" ]; then
	echo "check-log: kernel reports in $log:" >&2
	printf '%s\n' "$hits" | head -n 10 | sed 's/^/    /' >&2
	exit 1
fi
exit 0
