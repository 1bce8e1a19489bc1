#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job for `make observe`: the torture module's known workload on
# "wtr_observe" (observe=N: N + 3 items, a CPU hog past the CPU-intensive
# threshold, an item that sleeps with another behind it); then the
# tracepoint workload with workqueue:* events on, its trace printed between
# WQH-TRACE-BEGIN and WQH-TRACE-END; then a pool stalled on purpose for
# the workqueue watchdog (workqueue.watchdog_thresh on the command line);
# then hold still while the host dumps the guest's memory
# (harness/observe.sh), which ends the guest.
# The TSC's refined calibration switches clocksources with stop_machine()
# a second or two after boot: let it finish first (at most 30 s), so that
# it neither falls in a workload nor cuts into the trace on the console,
# and the stall below does not make it wait for the stalled CPU (which
# would stall every pool).
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
for _ in $(seq 30); do
	[ "$(cat $cs 2>/dev/null)" = tsc-early ] || break
	sleep 1
done
echo "clocksource: $(cat $cs 2>/dev/null)"

t=$(cat /sys/module/workqueue/parameters/cpu_intensive_thresh_us 2>/dev/null || echo 10000)
echo "cpu_intensive_thresh_us=$t"
modprobe test_workqueue observe=1000 observe_hog_ms=$((t * 3 / 1000 + 1)) \
	observe_stall_ms="${WQH_STALL_MS:-10000}" || exit 1
ctl=/sys/kernel/debug/test_workqueue/observe

# The test's functions exist now: filter the events on them (queue_work on
# the workqueue names as well); the host counts only these functions.
T=/sys/kernel/tracing
[ -d $T/events/workqueue ] || T=/sys/kernel/debug/tracing
ev=$T/events/workqueue
fns="wtr_trc_fn wtr_trc_bh_fn wtr_trc_delayed_fn wtr_trc_unbound_fn wtr_trc_held_fn wtr_trc_cancelled_fn wtr_trc_gate_fn"
filter=
for f in $fns; do
	filter="${filter:+$filter || }function.function == $f"
done
echo 0 >$T/tracing_on
echo >$T/trace
echo 'workqueue ~ "wtr_trc*"' >$ev/workqueue_queue_work/filter ||
	echo "WQH-TRACE-NOTE: no name filter on workqueue_queue_work"
for e in workqueue_activate_work workqueue_execute_start workqueue_execute_end; do
	echo "$filter" >$ev/$e/filter ||
		echo "WQH-TRACE-NOTE: no function filter on $e"
done
for e in workqueue_queue_work workqueue_activate_work workqueue_execute_start workqueue_execute_end; do
	echo 1 >$ev/$e/enable
done
echo 1 >$T/tracing_on
echo trace >$ctl || echo "WQH-TRACE-NOTE: the trace workload failed"
echo 0 >$T/tracing_on
# The trace shares the console with printk: hold kernel messages back
# while it is printed, so that none lands inside a trace line.
level=$(cut -f1 /proc/sys/kernel/printk)
echo 1 >/proc/sys/kernel/printk
echo "WQH-TRACE-BEGIN"
cat $T/trace
echo "WQH-TRACE-END"
echo "$level" >/proc/sys/kernel/printk
for e in workqueue_queue_work workqueue_activate_work workqueue_execute_start workqueue_execute_end; do
	echo 0 >$ev/$e/enable
done

echo "WQH-STALL-BEGIN watchdog_thresh=$(cat /sys/module/workqueue/parameters/watchdog_thresh 2>/dev/null)"
echo stall >$ctl || echo "WQH-STALL-NOTE: the stall workload failed"
sleep 2
echo "WQH-STALL-END"

echo "WQH-DUMP-READY"
sleep 900
