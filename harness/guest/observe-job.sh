#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job for `make observe`: the torture module's known workload on
# "wtr_observe" (observe=N: N + 3 items, a CPU hog past the CPU-intensive
# threshold, an item that sleeps with another behind it), then hold still
# while the host dumps the guest's memory (harness/observe.sh), which ends
# the guest.
t=$(cat /sys/module/workqueue/parameters/cpu_intensive_thresh_us 2>/dev/null || echo 10000)
echo "cpu_intensive_thresh_us=$t"
modprobe test_workqueue observe=1000 observe_hog_ms=$((t * 3 / 1000 + 1)) || exit 1
echo "WQH-DUMP-READY"
sleep 900
