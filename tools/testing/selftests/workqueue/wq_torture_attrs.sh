#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The torture module while the attributes of its unbound WQ_SYSFS
# workqueues (cpumask, nice, affinity_scope, affinity_strict) and the
# global unbound cpumask change under it.  Every valid write must succeed
# and read back as written; everything is restored at the end.

. "$(dirname "$0")/wq_lib.sh"

WQS="wqtest_unbound wqtest_mem_reclaim"

# By default, three things v6.12 (6.12.117) fails under this churn are
# left out, because these tests must pass on v6.12:
# - flush_work: a cancel that takes an inactive item off its pwq moves the
#   flush barrier queued behind it to the pool's worklist without waking
#   the pool; once the attributes changed no new item comes to that pool,
#   so the flush never returns;
# - shortlived: destroy_workqueue() of a WQ_MEM_RECLAIM workqueue whose
#   rescuer never ran leaves its pwq on the mayday list (pools of one CPU
#   are slow to get workers) and warns "has the following busy pwq";
# - the ordered workqueue, whose pwq the global cpumask replaces: v6.12
#   stalled it behind a lost barrier and, in another run, ran two of its
#   items out of queueing order (queueing reads the per-CPU pwq slots,
#   which an attribute change replaces one at a time).
# WQ_ATTRS_FULL=1 runs every workqueue and every operation; a v6.12 with
# fixes for those bugs must pass it.
OPS=queue,queue_on,delayed,mod_delayed,cancel,cancel_sync,flush_wq,disable
OPS=$OPS,requeue
TYPES=percpu,unbound,highpri,bh,bh_highpri,freezable,mem_reclaim
if [ "${WQ_ATTRS_FULL:-0}" = 1 ]; then
	OPS=all
	TYPES=all
fi

# Possible CPUs ("0-N" or "0"), at most 30 for the shell's arithmetic.
wq_read /sys/devices/system/cpu/possible
NCPUS=$((${WQ_VAL##*-} + 1))
[ "$NCPUS" -gt 30 ] && NCPUS=30

# The helpers below set a variable instead of printing: a command
# substitution forks, which is slow on a loaded guest.  Their own
# variables start with "_": sh has no locals.

# MASK: a random non-empty subset of the possible CPUs, in hex
rand_mask() {
	_v=$(( (RANDOM * 32768 + RANDOM) % ((1 << NCPUS) - 1) + 1 ))
	MASK=
	while :; do
		_d=$((_v % 16))
		case $_d in
		10) _d=a ;; 11) _d=b ;; 12) _d=c ;; 13) _d=d ;; 14) _d=e ;; 15) _d=f ;;
		esac
		MASK=$_d$MASK
		_v=$((_v / 16))
		[ $_v = 0 ] && break
	done
}

# SCOPE: a random affinity scope
rand_scope() {
	case $((RANDOM % 6)) in
	0) SCOPE=default ;; 1) SCOPE=cpu ;; 2) SCOPE=smt ;;
	3) SCOPE=cache ;; 4) SCOPE=numa ;; 5) SCOPE=system ;;
	esac
}

# set_attr FILE VALUE: write, then read back (scope "default" reads as
# "default (x)").
set_attr() {
	if ! echo "$2" 2>/dev/null >"$1"; then
		echo "write '$2' > $1 failed" >>"$WQ_TMP/attr_errors"
		return 1
	fi
	wq_read "$1"
	case "$WQ_VAL" in
	"$2" | "$2 ("*) return 0 ;;
	esac
	echo "wrote '$2' to $1, read back '$WQ_VAL'" >>"$WQ_TMP/attr_errors"
	return 1
}

churn() {
	n=0
	while ! wq_bg_should_stop; do
		for w in $WQS; do
			d=$WQ_SYSFS/$w
			case $((RANDOM % 4)) in
			0) rand_mask; set_attr "$d/cpumask" "$MASK" ;;
			1) set_attr "$d/nice" "$((RANDOM % 40 - 20))" ;;
			2) rand_scope; set_attr "$d/affinity_scope" "$SCOPE" ;;
			3) set_attr "$d/affinity_strict" "$((RANDOM % 2))" ;;
			esac
			n=$((n + 1))
		done
		if [ $((RANDOM % 4)) = 0 ]; then
			rand_mask
			set_attr "$WQ_SYSFS/cpumask" "$MASK"
			n=$((n + 1))
		fi
		echo "$n" >"$WQ_TMP/attrs"
	done
	echo "$n" >"$WQ_TMP/attrs"
}

save() {
	for w in $WQS; do
		for a in cpumask nice affinity_scope affinity_strict; do
			wq_read "$WQ_SYSFS/$w/$a"
			echo "$w $a ${WQ_VAL%% (*}"
		done
	done >"$WQ_TMP/saved"
	cat "$WQ_SYSFS/cpumask" >"$WQ_TMP/saved_global"
}

restore() {
	ok=0
	wq_read "$WQ_TMP/saved_global"
	set_attr "$WQ_SYSFS/cpumask" "$WQ_VAL" || ok=1
	while read -r w a v; do
		set_attr "$WQ_SYSFS/$w/$a" "$v" || ok=1
	done <"$WQ_TMP/saved"
	return $ok
}

wq_init
ktap_set_plan 6
: >"$WQ_TMP/attr_errors"
# the module runs until stopped: the workqueues must outlive the restore
wq_start duration=86400 types="$TYPES" ops="$OPS" || ktap_exit_fail_msg "cannot load $WQ_MOD"
for w in $WQS; do
	[ -d "$WQ_SYSFS/$w" ] || ktap_exit_fail_msg "$WQ_SYSFS/$w missing"
done
save
global=$(cat "$WQ_SYSFS/cpumask")
ktap_print_msg "torture for ${WQ_SECS}s: types $TYPES, ops $OPS"
ktap_print_msg "attribute churn on $WQS and the global cpumask ($global)"
wq_bg_start churn
wq_sleep "$WQ_SECS"
wq_bg_stop
writes=$(cat "$WQ_TMP/attrs")
errors=$(wc -l <"$WQ_TMP/attr_errors")
ktap_print_msg "attribute writes: $writes, errors: $errors"
head -n 5 "$WQ_TMP/attr_errors" | while read -r l; do ktap_print_msg "$l"; done
ktap_test_result "attrs: original attributes restored" restore
if [ "$(cat "$WQ_SYSFS/cpumask")" = "$global" ]; then
	ktap_test_pass "attrs: global cpumask back to $global"
else
	ktap_test_fail "attrs: global cpumask back to $global"
fi
if [ "$writes" -gt 0 ] && [ "$errors" = 0 ]; then
	ktap_test_pass "attrs: $writes attribute writes took effect"
else
	ktap_test_fail "attrs: $writes attribute writes, $errors failed"
fi
wq_stop
wq_finish_run attrs
ktap_finished
