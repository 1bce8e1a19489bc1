#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test.sh IMPL...: the README's test command.  For each implementation:
# KUnit through kunit.py, then the kselftests on the plain and the debug
# config; then KUnit and the kselftests again on PREEMPT_RT (TEST_RT=0
# leaves that out).  Every stage runs even when an earlier one failed; the end is a
# table per suite and implementation and the line "N passed, N failed".
. "$(dirname "$0")/common.sh"

res=$BUILD/results
mkdir -p "$res"
status=$res/status
: >"$status"
t_all=$(date +%s)
say "base $(make -s -C "$BASE" kernelversion 2>/dev/null || echo '(not unpacked yet)'), implementations: $*"

stage() {	# stage NAME IMPL CMD...: run CMD, record its outcome
	local name=$1 impl=$2 t0 rc
	shift 2
	t0=$(date +%s)
	"$@"
	rc=$?
	echo "$name $impl $([ $rc = 0 ] && echo ok || echo failed) $(( $(date +%s) - t0 ))" >>"$status"
	return $rc
}

for impl in "$@"; do
	check_impl "$impl"
	# wq_torture_attrs.sh leaves out what v6.12 fails under attribute
	# churn (see the script); fixed and ours run all of it.
	extra=
	[ "$impl" != mainline ] && extra=wqh.env.WQ_ATTRS_FULL=1
	stage kunit "$impl" "$REPO/harness/kunit.sh" "$impl"
	[ "${TEST_RT:-1}" = 1 ] && stage kunit-rt "$impl" "$REPO/harness/kunit.sh" "$impl" rt
	for config in qemu debug $([ "${TEST_RT:-1}" = 1 ] && echo rt); do
		rm -f "$res/kselftest-$impl-$config.log"
		stage "build-$config" "$impl" "$REPO/harness/build-kernel.sh" "$impl" "$config" &&
		stage "kselftest-$config" "$impl" "$REPO/harness/boot.sh" \
			--timeout "${TIMEOUT:-900}" --log "$res/kselftest-$impl-$config.log" \
			--append "$extra" \
			"$impl" "$config" kselftest
	done
done

say "all stages: $(( $(date +%s) - t_all ))s"
python3 "$REPO/harness/summary.py" "$res" "$@"
