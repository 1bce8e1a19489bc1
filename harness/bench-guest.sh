#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-guest.sh: the job `make bench` runs inside the guest (as /job.sh).
#
# 1. Loads test_workqueue_bench once: it prints one "WQBENCH {json}" line per
#    row on the console and returns; the module is then removed.
# 2. Memory of one alloc_workqueue() of each kind: for every kind, load the
#    module with hold=KIND hold_count=0 and then hold_count=N, read
#    /proc/meminfo before and after each load, and print the difference of
#    the two deltas divided by N ("WQBENCH-MEM {json}", bytes per workqueue).
#    Percpu memory has no counter a module could read, hence user space.
#
# Settings come from the kernel command line (wqh.env.NAME=VALUE):
#   WQB_MOD       module parameters, comma separated (samples=500,only=lat)
#   WQB_MEM_N     workqueues per kind and load                [64]
#   WQB_MEM_REPS  repetitions of the memory measurement       [3]
#   WQB_SKIP      "rows", "mem" or empty: skip that part

mem_n=${WQB_MEM_N:-64}
mem_reps=${WQB_MEM_REPS:-3}
kinds="percpu percpu_reclaim highpri unbound unbound_reclaim ordered bh bh_highpri"

cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "WQBENCH-GUEST {\"release\":\"$(uname -r)\",\"clocksource\":\"$cs\",\"online\":\"$(cat /sys/devices/system/cpu/online)\",\"mem_n\":$mem_n}"

if [ "$WQB_SKIP" != rows ]; then
	args=$(echo "$WQB_MOD" | tr ',' ' ')
	# shellcheck disable=SC2086
	modprobe test_workqueue_bench $args || { echo "WQBENCH-GUEST-ERROR modprobe"; exit 1; }
	modprobe -r test_workqueue_bench || { echo "WQBENCH-GUEST-ERROR stuck"; exit 1; }
fi
[ "$WQB_SKIP" = mem ] && exit 0

# snap: MemFree, Slab, Percpu, KernelStack and VmallocUsed, in kB.
snap() {
	while read -r key val _; do
		case "$key" in
		MemFree:) free=$val ;;
		Slab:) slab=$val ;;
		Percpu:) pcpu=$val ;;
		KernelStack:) kstack=$val ;;
		VmallocUsed:) vmalloc=$val ;;
		esac
	done </proc/meminfo
	echo "$free $slab $pcpu $kstack $vmalloc"
}

# delta COUNT KIND: print "dfree dslab dpcpu dkstack dvmalloc" for one load.
delta() {
	set -- $(snap) "$1" "$2"
	f0=$1 s0=$2 p0=$3 k0=$4 v0=$5 n=$6 kind=$7
	modprobe test_workqueue_bench hold="$kind" hold_count="$n" >/dev/null || return 1
	set -- $(snap)
	echo "$((f0 - $1)) $(($2 - s0)) $(($3 - p0)) $(($4 - k0)) $(($5 - v0))"
	modprobe -r test_workqueue_bench || return 1
	# Let RCU-deferred frees land before the next reading.
	sleep 1
}

rep=0
while [ $rep -lt "$mem_reps" ]; do
	for kind in $kinds; do
		base=$(delta 0 "$kind") || { echo "WQBENCH-GUEST-ERROR hold $kind"; exit 1; }
		full=$(delta "$mem_n" "$kind") || { echo "WQBENCH-GUEST-ERROR hold $kind"; exit 1; }
		set -- $full $base
		# bytes per workqueue: (delta(N) - delta(0)) * 1024 / N
		b() { echo $(( ($1 - $2) * 1024 / mem_n )); }
		echo "WQBENCH-MEM {\"kind\":\"$kind\",\"rep\":$rep,\"free\":$(b "$1" "$6"),\"slab\":$(b "$2" "$7"),\"percpu\":$(b "$3" "$8"),\"kstack\":$(b "$4" "$9"),\"vmalloc\":$(b "$5" "${10}")}"
	done
	rep=$((rep + 1))
done
exit 0
