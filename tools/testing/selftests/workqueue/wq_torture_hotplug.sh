#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The torture module while CPUs 1..N-1 go offline and online through
# /sys/devices/system/cpu/cpuN/online in a loop: per-CPU items must still
# run exactly once, on their CPU whenever it stayed online.  The unbound
# workqueues use one pod per CPU (the mem_reclaim one strictly), so that
# CPUs going and coming also empty and refill pods.

. "$(dirname "$0")/wq_lib.sh"

churn() {
	n=0
	fail=0
	cpus=$(wq_hotplug_cpus)
	while ! wq_bg_should_stop; do
		# one CPU at a time, then (every 4th round) all but the boot CPU
		for c in $cpus; do
			f=/sys/devices/system/cpu/cpu$c/online
			if echo 0 >"$f" 2>/dev/null; then n=$((n + 1)); else fail=$((fail + 1)); fi
			if echo 1 >"$f" 2>/dev/null; then n=$((n + 1)); else fail=$((fail + 1)); fi
			wq_bg_should_stop && break
		done
		if [ $((RANDOM % 4)) = 0 ]; then
			for c in $cpus; do
				echo 0 >/sys/devices/system/cpu/cpu"$c"/online 2>/dev/null &&
					n=$((n + 1))
			done
			for c in $cpus; do
				echo 1 >/sys/devices/system/cpu/cpu"$c"/online 2>/dev/null &&
					n=$((n + 1))
			done
		fi
		echo "$n $fail" >"$WQ_TMP/hotplug"
	done
	wq_all_cpus_online
	echo "$n $fail" >"$WQ_TMP/hotplug"
}

wq_init
if [ -z "$(wq_hotplug_cpus)" ]; then
	ktap_skip_all "no hotpluggable CPU"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 5
wq_start || ktap_exit_fail_msg "cannot load $WQ_MOD"
for f in wqtest_unbound/affinity_scope wqtest_mem_reclaim/affinity_scope; do
	echo cpu >"$WQ_SYSFS/$f" || ktap_print_msg "cannot write cpu to $f"
done
echo 1 >"$WQ_SYSFS/wqtest_mem_reclaim/affinity_strict" ||
	ktap_print_msg "cannot make wqtest_mem_reclaim strict"
hp_cpus=$(wq_hotplug_cpus | tr '\n' ' ')
ktap_print_msg "torture for ${WQ_SECS}s, CPUs ${hp_cpus}going offline and online"
wq_bg_start churn
wq_wait >/dev/null
wq_bg_stop
read -r transitions failures <"$WQ_TMP/hotplug"
ktap_print_msg "hotplug transitions: $transitions (failed writes: $failures)," \
	"module saw $(sed -n 's/.*hotplug_events=\([0-9]*\).*/\1/p' "$WQ_DBG/results") events"
wq_finish_run hotplug
if [ "$transitions" -gt 0 ]; then
	ktap_test_pass "hotplug: CPUs went offline and online"
else
	ktap_test_fail "hotplug: CPUs went offline and online"
fi
online=$(cat /sys/devices/system/cpu/online)
wq_all_cpus_online
if [ "$(cat /sys/devices/system/cpu/online)" = "$online" ]; then
	ktap_test_pass "hotplug: all CPUs back online ($online)"
else
	ktap_test_fail "hotplug: all CPUs back online ($online)"
fi
ktap_finished
