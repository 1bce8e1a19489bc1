#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module's selftest mode: directed cases (queue, merge, cancel,
# disable, mod_delayed, ordering, per-CPU placement, max_active,
# cancel_sync, destroy) and a short torture, all inside modprobe, which
# fails when a check fails.

. "$(dirname "$0")/wq_lib.sh"

wq_init
ktap_set_plan 3
if modprobe "$WQ_MOD" selftest=1; then
	wq_results
	ktap_test_pass "selftest: module checks pass"
	ktap_test_result "selftest: module unloads" wq_unload
else
	ktap_print_msg "modprobe $WQ_MOD selftest=1 failed: see the kernel log"
	ktap_test_fail "selftest: module checks pass"
	# loaded anyway only when work was left in flight (pinned)
	if lsmod | grep -q "^$WQ_MOD "; then
		wq_results
		ktap_test_fail "selftest: module unloads"
	else
		ktap_test_pass "selftest: module unloads"
	fi
fi
ktap_test_result "selftest: no kernel reports" wq_klog_clean
ktap_finished
