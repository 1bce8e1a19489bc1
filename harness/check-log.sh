#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-log.sh LOG: fail when a guest console log holds a kernel report:
# WARNING, BUG (KASAN, sleeping in atomic, lockups), Oops, panic, lockdep
# splats, debugobjects, hung tasks, RCU stalls, UBSAN.
#
# Two kinds of report are a test's deliberate misuse and pass:
#  - between "WQTEST: console probe on" and "... off", the KUnit suite
#    counts the WARNING, BUG and ODEBUG lines on the console and fails
#    the case that did not expect one; such a line that precedes a case's
#    "ok" line is therefore one the case expected.  One that precedes
#    "not ok", and every other kind of report, is printed.
#  - between "WQTEST: expect-warn-begin" and "WQTEST: expect-warn-end",
#    which the suite prints instead when it has no console probe.
log=$1
[ -f "$log" ] || { echo "check-log: no log $log" >&2; exit 1; }
hits=$(tr -d '\r' <"$log" | awk '
	function flush() { if (held != "") printf "%s", held; held = "" }
	/WQTEST: console probe on/ { probe = 1; next }
	/WQTEST: console probe off/ { flush(); probe = 0; next }
	probe && /^ +ok [0-9]+ / { held = ""; next }
	probe && /^ +not ok [0-9]+ / { flush(); next }
	/WQTEST: expect-warn-begin/ { expect++; next }
	/WQTEST: expect-warn-end/ { if (expect) expect--; next }
	expect { next }
	/WARNING:|BUG:|Oops|Kernel panic|general protection fault|ODEBUG:|UBSAN:|INFO: task .* blocked for more than|self-detected stall|rcu_.* detected stall|possible recursive locking|inconsistent lock state|circular locking dependency|DEBUG_LOCKS_WARN_ON|Unable to handle/ {
		if (probe && /WARNING:|BUG:|ODEBUG:/)
			held = held $0 "\n"
		else
			print
	}
	END { flush() }
')
if [ -n "$hits" ]; then
	echo "check-log: kernel reports in $log:" >&2
	printf '%s\n' "$hits" | head -n 10 | sed 's/^/    /' >&2
	exit 1
fi
exit 0
