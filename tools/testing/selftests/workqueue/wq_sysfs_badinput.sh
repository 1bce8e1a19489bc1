#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Garbage written to the workqueue sysfs files must be refused with an
# error and change nothing: the value read before and after must match.
# Covers the attributes of unbound WQ_SYSFS workqueues, max_active, the
# read-only files and the global unbound cpumask, while the torture module
# keeps the workqueues busy.

. "$(dirname "$0")/wq_lib.sh"

# bad FILE VALUE...: each write must fail and leave FILE unchanged.
bad() {
	f=$1
	shift
	ok=0
	for v in "$@"; do
		wq_read "$f"
		before=$WQ_VAL
		if printf '%s\n' "$v" 2>/dev/null >"$f"; then
			ktap_print_msg "$f: writing '$v' succeeded"
			ok=1
		fi
		wq_read "$f"
		after=$WQ_VAL
		if [ "$before" != "$after" ]; then
			ktap_print_msg "$f: '$before' became '$after' after writing '$v'"
			ok=1
		fi
	done
	return $ok
}

# good FILE VALUE EXPECTED: the write must succeed and read back as
# EXPECTED; FILE gets its old value back afterwards.
good() {
	wq_read "$1"
	_old=$WQ_VAL
	_ok=0
	if ! printf '%s\n' "$2" 2>/dev/null >"$1"; then
		ktap_print_msg "$1: writing '$2' failed"
		_ok=1
	else
		wq_read "$1"
		if [ "$WQ_VAL" != "$3" ]; then
			ktap_print_msg "$1: '$2' read back as '$WQ_VAL', not '$3'"
			_ok=1
		fi
	fi
	printf '%s\n' "$_old" >"$1"
	return $_ok
}

WQ=$WQ_SYSFS/wqtest_unbound
WQ2=$WQ_SYSFS/wqtest_mem_reclaim
# (an empty mask, e.g. "" or ",,", is valid for a workqueue: it falls back
# to the global unbound cpumask)
CPUMASK_LONG=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
CPUMASK_BAD="garbage zz 0x -1 1,,2 g0 $CPUMASK_LONG"

# check NAME FILE VALUE...: one KTAP result for bad() (ktap_test_result
# would drop empty arguments).
check() {
	name=$1
	shift
	if bad "$@"; then
		ktap_test_pass "badinput: $name"
	else
		ktap_test_fail "badinput: $name"
	fi
}

wq_init
ktap_set_plan 14
# keep the workqueues until we are done with them
wq_start duration=86400 nthreads=1 || ktap_exit_fail_msg "cannot load $WQ_MOD"
[ -d "$WQ" ] || ktap_exit_fail_msg "$WQ missing"

# shellcheck disable=SC2086 # CPUMASK_BAD is a word list
check cpumask "$WQ/cpumask" $CPUMASK_BAD
check nice "$WQ/nice" garbage -21 20 100 -100 x5 ""
check affinity_scope "$WQ/affinity_scope" garbage bogus "" 7 -1 xcpu
check affinity_strict "$WQ/affinity_strict" garbage x ""
check max_active "$WQ/max_active" garbage 0 -1 -512 ""
check "per_cpu (read-only)" "$WQ/per_cpu" 0 1 garbage
# shellcheck disable=SC2086
check "global cpumask" "$WQ_SYSFS/cpumask" $CPUMASK_BAD 0 00000000 ,, ""
check "cpumask_requested (read-only)" "$WQ_SYSFS/cpumask_requested" 1 garbage
check "cpumask_isolated (read-only)" "$WQ_SYSFS/cpumask_isolated" 1 garbage
check "mem_reclaim workqueue nice" "$WQ2/nice" garbage 99 ""
# numbers are decimal, leading zeros or not
if good "$WQ/max_active" 010 10 && good "$WQ/nice" -010 -10; then
	ktap_test_pass "decimal numbers"
else
	ktap_test_fail "decimal numbers"
fi
wq_stop
wq_finish_run badinput
ktap_finished
