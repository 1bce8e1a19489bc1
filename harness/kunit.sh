#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kunit.sh IMPL [rt]: run the workqueue KUnit suites with kunit.py under
# QEMU (x86_64, -smp 4) on tree-IMPL; with rt, on a PREEMPT_RT kernel.
# Leaves the console log and the parsed results in
# $BUILD/results/kunit-IMPL[-rt].{log,json}.
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1 config=${2:-}
check_impl "$impl"
case $config in
'') name=$impl ;;
rt) name=$impl-rt ;;
*) die "kunit.sh: unknown configuration '$config' (none or rt)" ;;
esac
"$REPO/harness/prepare-tree.sh" "$impl" || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
res=$BUILD/results
mkdir -p "$res"
log=$res/kunit-$name.log
json=$res/kunit-$name.json
rm -f "$log" "$json"

kunitconfig=$tree/lib/workqueue_kunit.kunitconfig
if [ ! -f "$kunitconfig" ]; then
	# Until our suite exists: one real in-tree suite, so the path is proven.
	kunitconfig=$BUILD/fallback.kunitconfig
	printf 'CONFIG_KUNIT=y\nCONFIG_LIST_KUNIT_TEST=y\n' >"$kunitconfig"
	say "lib/workqueue_kunit.kunitconfig missing: running the in-tree list suite instead"
fi

# The cases v6.12 is known to fail are skipped on mainline only: fixed and
# ours must pass them (see v612_bugs there).
extra=()
[ "$impl" != mainline ] && extra=(--kernel_args workqueue_kunit.v612_bugs=1)
[ "$config" = rt ] && extra+=(--kconfig_add CONFIG_EXPERT=y --kconfig_add CONFIG_PREEMPT_RT=y)
kcf=$(kcflags)
[ -n "$kcf" ] && extra+=(--make_options "KCFLAGS=$kcf")

exec 9>"$tree/.kunit.lock"
flock 9
say "KUnit on $name: building and booting (kunit.py, -smp 4)"
t0=$(date +%s)
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--build_dir=.kunit${config:+-$config} --kunitconfig="$kunitconfig" \
	--kconfig_add "CONFIG_LOCALVERSION=\"-wq-$impl\"" \
	--make_options "CC=ccache gcc" --make_options "HOSTCC=ccache gcc" \
	--qemu_args="-smp 4 -m 2G" --jobs="$JOBS" --timeout=1500 \
	--raw_output=all "${extra[@]}") >"$log" 2>&1
rc=$?
took=$(( $(date +%s) - t0 ))
if [ $rc != 0 ]; then
	grep -E -m 20 'error|Error|ERROR' "$log" >&2
	die "KUnit on $name: kunit.py failed to build or boot (exit $rc, ${took}s); see $log"
fi
(cd "$tree" && python3 tools/testing/kunit/kunit.py parse --json="$json" "$log") \
	>"$res/kunit-$name.summary" 2>&1
prc=$?
tail -n 3 "$res/kunit-$name.summary" | sed 's/^/    /' >&2
"$REPO/harness/check-log.sh" "$log" || prc=1
if [ $prc != 0 ]; then
	grep -E '\[FAILED\]|# .*FAIL|not ok' "$res/kunit-$name.summary" | head -n 20 >&2
	say "KUnit on $name: FAILED (${took}s); see $log"
	exit 1
fi
say "KUnit on $name: passed (${took}s)"
