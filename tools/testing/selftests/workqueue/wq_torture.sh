#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The workqueue torture module on its own: every kind of workqueue, every
# operation, WQ_TORTURE_SECS seconds; the module proves that no work item
# ran twice or got lost, that flush, ordering, per-CPU affinity, max_active
# and disable held, then unloads.  kernel/torture.c moves the producers
# across CPUs every 3 s (shuffle_interval) and stutters the load, 2 s on and
# 2 s off, so that pools go idle and wake up again.

. "$(dirname "$0")/wq_lib.sh"

wq_init
ktap_set_plan 3
wq_start stutter=2 || ktap_exit_fail_msg "cannot load $WQ_MOD"
ktap_print_msg "torture for ${WQ_SECS}s on $(cat /sys/devices/system/cpu/online) CPUs"
wq_finish_run torture
ktap_finished
