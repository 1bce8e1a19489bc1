#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The torture module through freezer cycles: with /sys/power/pm_test set to
# "freezer", each write to /sys/power/state freezes tasks and freezable
# workqueues, waits, and thaws.  Nothing may be lost or run twice across.

. "$(dirname "$0")/wq_lib.sh"

wq_init
if [ ! -w /sys/power/pm_test ] || [ ! -w /sys/power/state ]; then
	ktap_skip_all "no /sys/power/pm_test (CONFIG_PM_DEBUG, CONFIG_PM_SLEEP)"
	exit "$KSFT_SKIP"
fi
if grep -qw mem /sys/power/state; then state=mem; else state=freeze; fi
old_test=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/power/pm_test)
delay_f=/sys/module/suspend/parameters/pm_test_delay
old_delay=$(cat "$delay_f" 2>/dev/null)

ktap_set_plan 4
echo freezer >/sys/power/pm_test || ktap_exit_fail_msg "cannot select the freezer test"
[ -n "$old_delay" ] && echo 1 >"$delay_f"
wq_start || ktap_exit_fail_msg "cannot load $WQ_MOD"
ktap_print_msg "torture for ${WQ_SECS}s with freezer cycles (echo $state > /sys/power/state)"
cycles=0
fails=0
while wq_running; do
	if echo "$state" >/sys/power/state 2>/dev/null; then
		cycles=$((cycles + 1))
	else
		fails=$((fails + 1))
		sleep 1
	fi
done
echo "${old_test:-none}" >/sys/power/pm_test
[ -n "$old_delay" ] && echo "$old_delay" >"$delay_f"
ktap_print_msg "freezer cycles: $cycles (failed: $fails)"
wq_finish_run freezer
if [ "$cycles" -gt 0 ] && [ "$fails" = 0 ]; then
	ktap_test_pass "freezer: $cycles freeze/thaw cycles"
else
	ktap_test_fail "freezer: $cycles freeze/thaw cycles, $fails failed"
fi
ktap_finished
