#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-scale-job.sh: the job `make bench-scale` runs inside the guest.
#
# Every figure is a line "WQSCALE {json}" on the console, with the fields
# fam, series, metric, n, unit and v (or "capped":true); harness/bench-scale.py
# collects them.  The module prints most of them (test_workqueue_bench
# scale=...); this script adds what only user space can drive, timed with
# the module's "now" parameter (the guest clock in ns, read without a fork):
#   mem      bytes per workqueue from /proc/meminfo (Slab + Percpu +
#            KernelStack) with n workqueues held, less the module with none
#   hotplug  one CPU taken off and brought back through sysfs with n unbound
#            WQ_SYSFS workqueues, first in the default affinity scope, then
#            all of them in strict per-CPU scope
#   attrs    the global unbound cpumask written (and restored), one
#            workqueue's affinity_scope written (and restored), and the
#            time per workqueue to put all n in strict per-CPU scope
#   cpus     (with WQS_MODE=cpus, and at n = 100 in main) the hotplug of
#            100 workqueues in strict per-CPU scope against the CPUs
#
# Settings (wqh.env.NAME=VALUE on the kernel command line):
#   WQS_MODE    main: every family; cpus: only the module's cpus family
#   WQS_ITEMS   largest n of inflight and delayed            [1000000]
#   WQS_WQS     largest n of wqs and mem                      [10000]
#   WQS_HP_MAX  largest n of hotplug and attrs                [1000]
#   WQS_BUDGET  the module's scale_budget_ms                  [20000]
#   WQS_REPS    repetitions of a hotplug or attrs point, median  [3]

mod=test_workqueue_bench
P=/sys/module/$mod/parameters
WQ=/sys/devices/virtual/workqueue
items=${WQS_ITEMS:-1000000}
wqs=${WQS_WQS:-10000}
hp_max=${WQS_HP_MAX:-1000}
budget=${WQS_BUDGET:-20000}
reps=${WQS_REPS:-3}

# The TSC replaces tsc-early a second or two after boot; wait for it.
i=0
while [ "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" = tsc-early ] &&
      [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
online=$(cat /sys/devices/system/cpu/online)
last=${online##*-}
last=${last##*,}
ncpu=$((last + 1))
echo "WQSCALE-GUEST {\"release\":\"$(uname -r)\",\"online\":\"$online\",\"mode\":\"${WQS_MODE:-main}\"}"

fail() {
	echo "WQSCALE-GUEST-ERROR $*"
	exit 1
}

emit() {
	echo "WQSCALE {\"fam\":\"$1\",\"series\":\"$2\",\"metric\":\"$3\",\"n\":$4,\"unit\":\"$5\",\"v\":$6}"
}

fams=inflight,delayed,wqs,flush,cpus
[ "$WQS_MODE" = cpus ] && fams=cpus
modprobe $mod scale=$fams scale_items="$items" scale_wqs="$wqs" \
	scale_budget_ms="$budget" row_timeout_s=3000 || fail "modprobe scale=$fams"
modprobe -r $mod || fail "module stuck"

# ---------------------------------------------------------------- memory

memkb() {
	awk '/^(Slab|Percpu|KernelStack):/ { s += $2 } END { print s }' /proc/meminfo
}

# held KIND N: kB that loading the module with N workqueues of KIND added
held() {
	m0=$(memkb)
	modprobe $mod hold="$1" hold_count="$2" >/dev/null || return 1
	m1=$(memkb)
	modprobe -r $mod || return 1
	# Frees deferred to RCU and task reaping land before the next load;
	# this only keeps one load's frees out of the next one's figure.
	sleep 1
	echo $((m1 - m0))
}

# Below 100 workqueues meminfo's kB and the slab pages hide the figure.
kinds="percpu unbound percpu_reclaim"
[ "$WQS_MODE" = cpus ] && kinds=
for kind in $kinds; do
	series=$kind
	[ "$kind" = percpu_reclaim ] && series=reclaim
	base=$(held "$kind" 0) || fail "hold $kind 0"
	n=100
	while [ $n -le "$wqs" ]; do
		kb=$(held "$kind" "$n") || fail "hold $kind $n"
		emit mem $series bytes $n B/wq $(((kb - base) * 1024 / n))
		n=$((n * 10))
	done
done

# ---------------------------------------------------------- hotplug, attrs

# median of three or more numbers
median() {
	echo "$@" | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The workqueue's own share of a hotplug cycle: the time between the
# cpuhp_enter and cpuhp_exit events of workqueue_offline_cpu() and
# workqueue_online_cpu().  The whole cycle is mostly waits (RCU, the
# stopper, the dying CPU's idle), which under -icount pass as idle time.
T=/sys/kernel/tracing
trace_cpuhp() {
	[ -d $T/events/cpuhp ] || fail "no cpuhp trace events"
	echo 0 >$T/tracing_on
	echo 1 >$T/events/cpuhp/cpuhp_enter/enable
	echo 1 >$T/events/cpuhp/cpuhp_exit/enable
}

# "offline_ns online_ns" of the workqueue callbacks in the trace buffer
wq_steps() {
	awk '
	{
		ev = ""; ts = 0; step = -1; fn = ""
		for (i = 2; i <= NF; i++) {
			if ($i == "cpuhp_enter:" || $i == "cpuhp_exit:") {
				ev = $i; ts = $(i - 1); sub(":", "", ts)
			} else if ($i == "step:") {
				step = $(i + 1)
			} else if ($i ~ /^\(workqueue_(on|off)line_cpu\)$/) {
				fn = $i
			}
		}
		if (ev == "cpuhp_enter:" && fn != "") {
			open_fn[step] = fn; t0[step] = ts
		} else if (ev == "cpuhp_exit:" && (step in open_fn)) {
			d[open_fn[step]] += ts - t0[step]
			delete open_fn[step]
		}
	}
	END {
		printf "%d %d\n", d["(workqueue_offline_cpu)"] * 1e9 + 0.5, d["(workqueue_online_cpu)"] * 1e9 + 0.5
	}' $T/trace
}

# hotplug FAMILY SERIES N: take the last CPU off and back $reps times
hotplug() {
	offs=
	ons=
	cycles=
	cpu=/sys/devices/system/cpu/cpu$last/online
	r=0
	while [ $r -lt "$reps" ]; do
		echo >$T/trace
		echo 1 >$T/tracing_on
		read -r t0 <$P/now
		echo 0 >$cpu || fail "cpu$last offline"
		echo 1 >$cpu || fail "cpu$last online"
		read -r t1 <$P/now
		echo 0 >$T/tracing_on
		steps=$(wq_steps)
		offs="$offs ${steps% *}"
		ons="$ons ${steps#* }"
		cycles="$cycles $((t1 - t0))"
		r=$((r + 1))
	done
	off=$(median $offs)
	on=$(median $ons)
	emit "$1" "$2" wq_offline "$3" ns "$off"
	emit "$1" "$2" wq_online "$3" ns "$on"
	emit "$1" "$2" cycle "$3" ns "$(median $cycles)"
}

# emit_again FAMILY SERIES N: the last hotplug() figures under another name
emit_again() {
	emit "$1" "$2" wq_offline "$3" ns "$off"
	emit "$1" "$2" wq_online "$3" ns "$on"
}

# toggle FILE A B: write A then B to FILE $reps times; median ns per write
toggle() {
	all=
	r=0
	while [ $r -lt "$reps" ]; do
		read -r t0 <$P/now
		echo "$2" >"$1" || fail "write $2 to $1"
		echo "$3" >"$1" || fail "write $3 to $1"
		read -r t1 <$P/now
		all="$all $(((t1 - t0) / 2))"
		r=$((r + 1))
	done
	median $all
}

# strict N: put the first N held workqueues in strict per-CPU scope
strict() {
	i=0
	while [ $i -lt "$1" ]; do
		echo cpu >$WQ/wqbench_unbound_sysfs_$i/affinity_scope || fail "scope of wq $i"
		echo 1 >$WQ/wqbench_unbound_sysfs_$i/affinity_strict || fail "strict of wq $i"
		i=$((i + 1))
	done
}

# The cpus family's hotplug point: 100 workqueues in strict per-CPU scope,
# where a CPU's pod empties and refills with every cycle.
if [ "$WQS_MODE" = cpus ]; then
	[ "$ncpu" -gt 1 ] || exit 0
	trace_cpuhp
	modprobe $mod hold=unbound_sysfs hold_count=100 >/dev/null || fail "hold unbound_sysfs 100"
	strict 100
	hotplug cpus cpu_strict_100wqs "$ncpu"
	modprobe -r $mod || fail "rmmod after hold unbound_sysfs 100"
	exit 0
fi

trace_cpuhp
full=$(printf %x $(((1 << ncpu) - 1)))
part=$(printf %x $(((1 << ncpu) - 2)))
n=1
while [ $n -le "$hp_max" ]; do
	modprobe $mod hold=unbound_sysfs hold_count=$n >/dev/null || fail "hold unbound_sysfs $n"
	if [ "$ncpu" -gt 1 ]; then
		emit attrs cpumask write $n ns "$(toggle $WQ/cpumask "$part" "$full")"
	fi
	emit attrs one_wq scope $n ns "$(toggle $WQ/wqbench_unbound_sysfs_0/affinity_scope cpu default)"
	[ "$ncpu" -gt 1 ] && hotplug hotplug default $n
	read -r t0 <$P/now
	strict $n
	read -r t1 <$P/now
	emit attrs all_wqs strict $n ns/wq $(((t1 - t0) / n))
	if [ "$ncpu" -gt 1 ]; then
		hotplug hotplug cpu_strict $n
		[ $n = 100 ] && emit_again cpus cpu_strict_100wqs $ncpu
	fi
	modprobe -r $mod || fail "rmmod after hold unbound_sysfs $n"
	n=$((n * 10))
done
exit 0
