# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the workqueue kselftests (POSIX sh, busybox ash).
# Sourced, never run.  Environment:
#   WQ_TORTURE_SECS     seconds each torture script runs the module [10]
#   WQ_TORTURE_STALL    the module's stall_timeout in seconds [60]
#   WQ_TORTURE_PARAMS   extra test_workqueue parameters, e.g. "nthreads=8"
#   WQ_ATTRS_FULL       1: wq_torture_attrs.sh runs every workqueue and
#                       operation, some of which v6.12 fails there [0]

WQ_DIR=$(cd "$(dirname "$0")" && pwd)
for _h in "$WQ_DIR/../kselftest/ktap_helpers.sh" "$WQ_DIR/ktap_helpers.sh"; do
	if [ -f "$_h" ]; then
		# shellcheck source=../kselftest/ktap_helpers.sh
		. "$_h"
		break
	fi
done
command -v ktap_print_header >/dev/null 2>&1 || {
	echo "Bail out! ktap_helpers.sh not found"
	exit 1
}

WQ_SECS=${WQ_TORTURE_SECS:-10}
WQ_STALL=${WQ_TORTURE_STALL:-60}
WQ_MOD=test_workqueue
WQ_DBG=/sys/kernel/debug/test_workqueue
# shellcheck disable=SC2034 # used by the scripts
WQ_SYSFS=/sys/devices/virtual/workqueue
WQ_TMP=${TMPDIR:-/tmp}/wq_ksft.$$
WQ_KLOG_START=0

# Kernel log lines that mean a kernel report (the harness checks the same).
WQ_REPORT_RE='WARNING:|BUG:|Oops|Kernel panic|general protection fault|ODEBUG:|UBSAN:'
WQ_REPORT_RE="$WQ_REPORT_RE|blocked for more than|detected stall|possible recursive locking"
WQ_REPORT_RE="$WQ_REPORT_RE|inconsistent lock state|circular locking dependency|DEBUG_LOCKS_WARN_ON"

wq_cleanup_tmp() {
	rm -rf "$WQ_TMP"
}

# wq_init: common preconditions; exits with skip when they are not met.
wq_init() {
	ktap_print_header
	if [ "$(id -u)" != 0 ]; then
		ktap_skip_all "must run as root"
		exit "$KSFT_SKIP"
	fi
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	if lsmod 2>/dev/null | grep -q "^$WQ_MOD "; then
		# a leftover from an earlier run: it must be idle to go
		rmmod "$WQ_MOD" 2>/dev/null
	fi
	if ! modprobe -n "$WQ_MOD" >/dev/null 2>&1 &&
	   ! modinfo "$WQ_MOD" >/dev/null 2>&1; then
		ktap_skip_all "$WQ_MOD.ko not available (CONFIG_TEST_WORKQUEUE=m)"
		exit "$KSFT_SKIP"
	fi
	mkdir -p "$WQ_TMP"
	trap wq_cleanup_tmp EXIT
	WQ_KLOG_START=$(dmesg | wc -l)
}

# wq_start PARAMS...: load the module in torture mode; it runs in the
# background for WQ_SECS seconds.
wq_start() {
	# shellcheck disable=SC2086 # WQ_TORTURE_PARAMS is a word list
	modprobe "$WQ_MOD" duration="$WQ_SECS" stall_timeout="$WQ_STALL" \
		"$@" $WQ_TORTURE_PARAMS || return 1
	[ -r "$WQ_DBG/status" ]
}

# wq_stop: end a run early (scripts that need the workqueues to stay
# around start the module with a long duration and stop it themselves).
wq_stop() {
	echo 1 >"$WQ_DBG/stop"
}

# wq_sleep SECS: sleep while the module runs.
wq_sleep() {
	t=0
	while [ $t -lt "$1" ] && wq_running; do
		sleep 1
		t=$((t + 1))
	done
}

# wq_read FILE: first line of FILE into WQ_VAL, without forking (a fork
# and exec costs most of a second on a loaded TCG guest with KASAN).
wq_read() {
	WQ_VAL=
	read -r WQ_VAL 2>/dev/null <"$1"
}

wq_status() {
	wq_read "$WQ_DBG/status" || WQ_VAL=gone
	echo "$WQ_VAL"
}

wq_running() {
	wq_read "$WQ_DBG/status" && [ "$WQ_VAL" = running ]
}

# wq_wait: wait (bounded) for the run to end; prints the final state.
wq_wait() {
	limit=$((WQ_SECS + 3 * WQ_STALL + 120))
	t=0
	while wq_running && [ $t -lt "$limit" ]; do
		sleep 1
		t=$((t + 1))
	done
	wq_status
}

# wq_results: the module's KTAP report, as a nested KTAP block.
wq_results() {
	sed -e '/^# state:/d' -e 's/^/    /' "$WQ_DBG/results" 2>/dev/null
}

# wq_total NAME: one figure from the module's "# totals:" line.
wq_total() {
	sed -n "s/.*[ :]$1=\([0-9]*\).*/\1/p" "$WQ_DBG/results" 2>/dev/null | head -n 1
}

# wq_unload: the module drops its self-reference right after the run
# ends, so allow a few tries.  A module that stays is a failure.
wq_unload() {
	i=0
	while [ $i -lt 50 ]; do
		rmmod "$WQ_MOD" 2>/dev/null && return 0
		lsmod | grep -q "^$WQ_MOD " || return 0
		sleep 0.2
		i=$((i + 1))
	done
	ktap_print_msg "rmmod $WQ_MOD refused: $(grep pinned "$WQ_DBG/results" 2>/dev/null)"
	return 1
}

# wq_klog_clean: no kernel report since wq_init.
wq_klog_clean() {
	hits=$(dmesg | tail -n +"$((WQ_KLOG_START + 1))" | grep -E "$WQ_REPORT_RE")
	[ -z "$hits" ] && return 0
	printf '%s\n' "$hits" | head -n 5 | while read -r l; do
		ktap_print_msg "kernel: $l"
	done
	return 1
}

# wq_finish_run NAME: wait for the module, print its report, unload it and
# record three results: the module's checks, the unload, the kernel log.
wq_finish_run() {
	state=$(wq_wait)
	wq_results
	ktap_print_msg "module state: $state; totals: queued=$(wq_total queued)" \
		"ran=$(wq_total ran) cancelled=$(wq_total cancelled)" \
		"rejected=$(wq_total rejected)"
	if [ "$state" = pass ]; then
		ktap_test_pass "$1: module checks pass"
	else
		ktap_test_fail "$1: module checks pass (state: $state)"
	fi
	ktap_test_result "$1: module unloads" wq_unload
	ktap_test_result "$1: no kernel reports" wq_klog_clean
}

# Background helpers: wq_bg_start CMD... runs CMD until wq_bg_stop.
wq_bg_start() {
	rm -f "$WQ_TMP/stop"
	"$@" &
	WQ_BG_PID=$!
}

wq_bg_stop() {
	touch "$WQ_TMP/stop"
	[ -n "$WQ_BG_PID" ] && wait "$WQ_BG_PID"
	WQ_BG_PID=
}

wq_bg_should_stop() {
	[ -e "$WQ_TMP/stop" ]
}

# Hotpluggable CPUs: those with an online file.
wq_hotplug_cpus() {
	for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
		[ -f "$f" ] || continue
		c=${f%/online}
		echo "${c##*/cpu}"
	done
}

wq_all_cpus_online() {
	for c in $(wq_hotplug_cpus); do
		f=/sys/devices/system/cpu/cpu$c/online
		[ "$(cat "$f")" = 1 ] || echo 1 >"$f" 2>/dev/null
	done
}
