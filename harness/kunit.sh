#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kunit.sh IMPL: run the workqueue KUnit suites with kunit.py under QEMU
# (x86_64, -smp 4) on tree-IMPL.  Leaves the console log and the parsed
# results in $BUILD/results/kunit-IMPL.{log,json}.
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1
check_impl "$impl"
"$REPO/harness/prepare-tree.sh" "$impl" || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
res=$BUILD/results
mkdir -p "$res"
log=$res/kunit-$impl.log
json=$res/kunit-$impl.json
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
kcf=$(kcflags)
[ -n "$kcf" ] && extra+=(--make_options "KCFLAGS=$kcf")

exec 9>"$tree/.kunit.lock"
flock 9
say "KUnit on $impl: building and booting (kunit.py, -smp 4)"
t0=$(date +%s)
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--build_dir=.kunit --kunitconfig="$kunitconfig" \
	--kconfig_add "CONFIG_LOCALVERSION=\"-wq-$impl\"" \
	--make_options "CC=ccache gcc" --make_options "HOSTCC=ccache gcc" \
	--qemu_args="-smp 4 -m 2G" --jobs="$JOBS" --timeout=1500 \
	--raw_output=all "${extra[@]}") >"$log" 2>&1
rc=$?
took=$(( $(date +%s) - t0 ))
if [ $rc != 0 ]; then
	grep -E -m 20 'error|Error|ERROR' "$log" >&2
	die "KUnit on $impl: kunit.py failed to build or boot (exit $rc, ${took}s); see $log"
fi
(cd "$tree" && python3 tools/testing/kunit/kunit.py parse --json="$json" "$log") \
	>"$res/kunit-$impl.summary" 2>&1
prc=$?
tail -n 3 "$res/kunit-$impl.summary" | sed 's/^/    /' >&2
"$REPO/harness/check-log.sh" "$log" || prc=1
if [ $prc != 0 ]; then
	grep -E '\[FAILED\]|# .*FAIL|not ok' "$res/kunit-$impl.summary" | head -n 20 >&2
	say "KUnit on $impl: FAILED (${took}s); see $log"
	exit 1
fi
say "KUnit on $impl: passed (${took}s)"
