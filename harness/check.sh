#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh IMPL: the checks every reviewer runs first, on our files only:
# checkpatch --strict, kernel-doc, the exports against v6.12's, then W=1,
# sparse and -Werror in the configurations of CHECK_CONFIGS (default
# CHECK_FAST; `make check-matrix` builds them all, see check-matrix.sh).
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1
check_impl "$impl"
"$REPO/harness/prepare-tree.sh" "$impl" >/dev/null || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
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

say "W=1, sparse, -Werror: ${CHECK_CONFIGS:-$CHECK_FAST}"
IMPL=$impl "$REPO/harness/check-matrix.sh" ${CHECK_CONFIGS:-$CHECK_FAST} || fail=1

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
