#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh IMPL: the checks every reviewer runs first, on our files only:
# checkpatch --strict, kernel-doc, sparse (C=2) and W=1.
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1
check_impl "$impl"
"$REPO/harness/build-kernel.sh" "$impl" qemu >/dev/null || die "build failed; run make build"
tree=$(tree_of "$impl")
obj=$(obj_of "$impl" qemu)
cd "$REPO"
files=$(ls kernel/workqueue.c kernel/workqueue_internal.h lib/workqueue_kunit.c \
	   lib/test_workqueue.c lib/test_workqueue_bench.c 2>/dev/null)
[ "$impl" = mainline ] && files=$(printf '%s\n' $files | grep -v '^kernel/')
fail=0

say "checkpatch --strict"
for f in $files; do
	out=$(perl "$tree/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES -f "$f" 2>&1 | grep -E 'ERROR|WARNING|CHECK')
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		fail=1
	else
		echo "  $f: clean"
	fi
done

say "kernel-doc -none"
out=$(perl "$tree/scripts/kernel-doc" -none $files 2>&1)
if [ -n "$out" ]; then printf '%s\n' "$out"; fail=1; else echo "  clean"; fi

say "sparse (C=2) and W=1"
objs=$(printf '%s\n' $files | grep '\.c$' | sed 's/\.c$/.o/')
log=$obj/check.log
make -C "$tree" O="$obj" ARCH=x86_64 CC="ccache gcc" KCFLAGS="$(kcflags)" C=2 W=1 $objs >"$log" 2>&1 ||
	{ echo "  build of $objs failed"; fail=1; }
out=$(grep -E 'warning:|error:' "$log" | grep -E "$(printf '%s\n' $files | paste -sd'|')")
if [ -n "$out" ]; then printf '%s\n' "$out"; fail=1; else echo "  clean"; fi
# Put the objects back to the normal flags for the next incremental build.
make -C "$tree" O="$obj" ARCH=x86_64 CC="ccache gcc" KCFLAGS="$(kcflags)" $objs >/dev/null 2>&1

if [ "$impl" = ours ]; then
	say "exports: ours against v6.12"
	exports() { grep -o '^EXPORT_SYMBOL[_A-Z]*([a-z_0-9]*)' "$1" | sort; }
	out=$(diff <(exports "$BASE/kernel/workqueue.c") <(exports kernel/workqueue.c))
	if [ -n "$out" ]; then
		printf '%s\n' "$out" | sed 's/^</  missing:/; s/^>/  extra:/' | grep -v '^[0-9]'
		fail=1
	else
		echo "  the same $(exports kernel/workqueue.c | wc -l) exports"
	fi
fi

[ $fail = 0 ] && say "check: all clean" || die "check: problems above"
