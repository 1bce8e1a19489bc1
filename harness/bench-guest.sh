#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-guest.sh: the job `make bench` runs inside the guest (as /job.sh).
#
# 1. Loads test_workqueue_bench once: it prints one "WQBENCH {json}" line per
#    row on the console and returns; the module is then removed.
# 2. Memory of one alloc_workqueue() of each kind: for every kind, load the
#    module with hold=KIND hold_count=0 and then hold_count=N, read
#    count, from the kmem and percpu tracepoints, the slab and percpu bytes
#    allocated and not freed during each load (and kernel stacks from
#    /proc/meminfo), and print the difference divided by N ("WQBENCH-MEM
#    {json}", bytes per workqueue).  This runs in user space because percpu
#    memory has no counter a module could read.
#
# Settings come from the kernel command line (wqh.env.NAME=VALUE):
#   WQB_MOD       module parameters, comma separated (samples=500,only=lat)
#   WQB_MEM_N     workqueues per kind and load                [64]
#   WQB_MEM_REPS  repetitions of the memory measurement       [2]
#   WQB_SKIP      "rows", "mem" or empty: skip that part

mem_n=${WQB_MEM_N:-64}
mem_reps=${WQB_MEM_REPS:-2}
kinds="percpu percpu_reclaim highpri unbound unbound_reclaim ordered bh bh_highpri"

# The TSC replaces tsc-early a second or two after boot; do not let the
# switch fall in the middle of a row.
i=0
while [ "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" = tsc-early ] &&
      [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "WQBENCH-GUEST {\"release\":\"$(uname -r)\",\"clocksource\":\"$cs\",\"online\":\"$(cat /sys/devices/system/cpu/online)\",\"mem_n\":$mem_n}"

if [ "$WQB_SKIP" != rows ]; then
	args=$(echo "$WQB_MOD" | tr ',' ' ')
	# shellcheck disable=SC2086
	modprobe test_workqueue_bench $args || { echo "WQBENCH-GUEST-ERROR modprobe"; exit 1; }
	modprobe -r test_workqueue_bench || { echo "WQBENCH-GUEST-ERROR stuck"; exit 1; }
fi
[ "$WQB_SKIP" = mem ] && exit 0

T=/sys/kernel/tracing
trace_setup() {
	[ -d $T/events/kmem ] && [ -d $T/events/percpu ] || return 1
	echo 0 >$T/tracing_on
	echo 4096 >$T/buffer_size_kb
	for e in kmem/kmalloc kmem/kmem_cache_alloc kmem/kfree kmem/kmem_cache_free \
		 percpu/percpu_alloc_percpu percpu/percpu_free_percpu; do
		echo 1 >$T/events/$e/enable || return 1
	done
}

kstack() {
	while read -r key val _; do
		[ "$key" = KernelStack: ] && echo "$val"
	done </proc/meminfo
}

# held COUNT KIND: "slab percpu kstack", the bytes allocated and not freed
# while the module loaded with hold_count=COUNT.  Slab and percpu memory by
# object, from the allocation tracepoints (frees matched by address);
# kernel stacks from /proc/meminfo.
held() {
	k0=$(kstack)
	echo >$T/trace
	echo 1 >$T/tracing_on
	modprobe test_workqueue_bench hold="$2" hold_count="$1" >/dev/null || return 1
	echo 0 >$T/tracing_on
	k1=$(kstack)
	lost=0
	for f in $T/per_cpu/cpu*/stats; do
		while read -r key val; do
			[ "$key" = overrun: ] && lost=$((lost + val))
		done <"$f"
	done
	[ "$lost" = 0 ] || { echo "WQBENCH-GUEST-ERROR trace overrun $lost" >&2; return 1; }
	awk '
	{
		ev = ""; ptr = ""; b = 0
		for (i = 1; i <= NF; i++) {
			if ($i == "kmalloc:" || $i == "kmem_cache_alloc:") ev = "s"
			else if ($i == "kfree:" || $i == "kmem_cache_free:") ev = "sf"
			else if ($i == "percpu_alloc_percpu:") ev = "p"
			else if ($i == "percpu_free_percpu:") ev = "pf"
			else if ($i ~ /^ptr=/) ptr = substr($i, 5)
			else if ($i ~ /^bytes_alloc=/) b = substr($i, 13) + 0
		}
		if (ev == "s") s[ptr] = b
		else if (ev == "sf") delete s[ptr]
		else if (ev == "p") p[ptr] = b
		else if (ev == "pf") delete p[ptr]
	}
	END {
		for (k in s) ts += s[k]
		for (k in p) tp += p[k]
		printf "%d %d\n", ts, tp
	}' $T/trace | { read -r ts tp; echo "$ts $tp $(( (k1 - k0) * 1024 ))"; }
	modprobe -r test_workqueue_bench || return 1
	# Let deferred frees (RCU, task reaping) land before the next load.
	sleep 1
}

trace_setup || { echo "WQBENCH-GUEST-ERROR no kmem/percpu trace events"; exit 1; }
rep=0
while [ $rep -lt "$mem_reps" ]; do
	for kind in $kinds; do
		base=$(held 0 "$kind") || { echo "WQBENCH-GUEST-ERROR hold $kind"; exit 1; }
		full=$(held "$mem_n" "$kind") || { echo "WQBENCH-GUEST-ERROR hold $kind"; exit 1; }
		set -- $full $base
		echo "WQBENCH-MEM {\"kind\":\"$kind\",\"rep\":$rep,\"slab\":$((($1 - $4) / mem_n)),\"percpu\":$((($2 - $5) / mem_n)),\"kstack\":$((($3 - $6) / mem_n))}"
	done
	rep=$((rep + 1))
done
echo 0 >$T/events/enable
exit 0
