#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The torture module while the attributes of its unbound WQ_SYSFS
# workqueues (cpumask, nice, affinity_scope, affinity_strict) and the
# global unbound cpumask change under it.  Every valid write must succeed
# and read back as written; everything is restored at the end.

. "$(dirname "$0")/wq_lib.sh"

WQS="wqtest_unbound wqtest_mem_reclaim"
SCOPES="default cpu smt cache numa system"

# a random non-empty subset of the possible CPUs, in hex
rand_mask() {
	n=$(($(nproc --all 2>/dev/null || grep -c ^processor /proc/cpuinfo)))
	[ "$n" -gt 30 ] && n=30
	m=$(( (RANDOM * 32768 + RANDOM) % ((1 << n) - 1) + 1 ))
	printf '%x' "$m"
}

rand_word() {
	# shellcheck disable=SC2086 # split the word list
	set -- $1
	shift $((RANDOM % $#))
	echo "$1"
}

# set_attr FILE VALUE: write, then read back (scope "default" reads as
# "default (x)").
set_attr() {
	if ! echo "$2" >"$1" 2>/dev/null; then
		echo "write '$2' > $1 failed" >>"$WQ_TMP/attr_errors"
		return 1
	fi
	got=$(cat "$1")
	case "$got" in
	"$2" | "$2 ("*) return 0 ;;
	esac
	echo "wrote '$2' to $1, read back '$got'" >>"$WQ_TMP/attr_errors"
	return 1
}

churn() {
	n=0
	while ! wq_bg_should_stop; do
		for w in $WQS; do
			d=$WQ_SYSFS/$w
			case $((RANDOM % 4)) in
			0) set_attr "$d/cpumask" "$(rand_mask)" ;;
			1) set_attr "$d/nice" "$((RANDOM % 40 - 20))" ;;
			2) set_attr "$d/affinity_scope" "$(rand_word "$SCOPES")" ;;
			3) set_attr "$d/affinity_strict" "$((RANDOM % 2))" ;;
			esac
			n=$((n + 1))
		done
		if [ $((RANDOM % 4)) = 0 ]; then
			set_attr "$WQ_SYSFS/cpumask" "$(rand_mask)"
			n=$((n + 1))
		fi
		echo "$n" >"$WQ_TMP/attrs"
	done
	echo "$n" >"$WQ_TMP/attrs"
}

save() {
	for w in $WQS; do
		for a in cpumask nice affinity_scope affinity_strict; do
			v=$(cat "$WQ_SYSFS/$w/$a")
			echo "$w $a ${v%% (*}"
		done
	done >"$WQ_TMP/saved"
	cat "$WQ_SYSFS/cpumask" >"$WQ_TMP/saved_global"
}

restore() {
	ok=0
	set_attr "$WQ_SYSFS/cpumask" "$(cat "$WQ_TMP/saved_global")" || ok=1
	while read -r w a v; do
		set_attr "$WQ_SYSFS/$w/$a" "$v" || ok=1
	done <"$WQ_TMP/saved"
	return $ok
}

wq_init
ktap_set_plan 6
: >"$WQ_TMP/attr_errors"
# the module runs until stopped: the workqueues must outlive the restore
wq_start duration=86400 || ktap_exit_fail_msg "cannot load $WQ_MOD"
for w in $WQS; do
	[ -d "$WQ_SYSFS/$w" ] || ktap_exit_fail_msg "$WQ_SYSFS/$w missing"
done
save
global=$(cat "$WQ_SYSFS/cpumask")
ktap_print_msg "torture for ${WQ_SECS}s, attribute churn on $WQS and the global cpumask ($global)"
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
