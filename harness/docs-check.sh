#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs-check.sh IMPL: `make docs-check`.  scripts/kernel-doc -none on the
# files workqueue.rst pulls kernel-doc from, and `make SPHINXDIRS=core-api
# htmldocs` on tree-IMPL and on a pristine copy of the base; the warnings
# that name workqueue files are compared.  Writes $BUILD/docs/summary.txt,
# which `make patches` quotes as @htmldocs@.
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1
check_impl "$impl"
if ! command -v sphinx-build >/dev/null || ! dpkg -s python3-sphinx-rtd-theme >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die "Sphinx missing; as root run: apt-get install python3-sphinx python3-sphinx-rtd-theme"
	say "installing python3-sphinx python3-sphinx-rtd-theme"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
		python3-sphinx python3-sphinx-rtd-theme >"${TMPDIR:-/tmp}/wq-apt-docs.log" 2>&1 ||
		die "apt-get install failed; see ${TMPDIR:-/tmp}/wq-apt-docs.log"
fi
"$REPO/harness/prepare-tree.sh" "$impl" || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
out=$BUILD/docs
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
fail=0

say "kernel-doc -none (tree-$impl)"
kd=$(cd "$tree" && perl scripts/kernel-doc -none include/linux/workqueue.h kernel/workqueue.c 2>&1)
if [ -n "$kd" ]; then printf '%s\n' "$kd"; fail=1; else echo "  clean"; fi

# htmldocs DIR NAME: build the core-api book of the tree in DIR.
htmldocs() {
	local t0=$(date +%s)
	rm -rf "$out/$2"
	make -C "$1" O="$out/$2" SPHINXDIRS=core-api htmldocs >"$out/$2.log" 2>&1 || {
		tail -n 20 "$out/$2.log" >&2
		die "htmldocs failed on $2; see $out/$2.log"
	}
	say "htmldocs $2: $(( $(date +%s) - t0 ))s"
}

# A pristine copy of the base (hard links; nothing is written into it).
if [ ! -f "$out/pristine/.wq-docs" ]; then
	rm -rf "$out/pristine"
	cp -al "$BASE" "$out/pristine"
	touch "$out/pristine/.wq-docs"
fi
say "make SPHINXDIRS=core-api htmldocs on the base and on tree-$impl ($(sphinx-build --version))"
# The base's warnings only change with the base and Sphinx.
key="$(cat "$BASE/.wq-pristine") $(sphinx-build --version)"
if [ "$(cat "$out/base.key" 2>/dev/null)" != "$key" ] || [ ! -f "$out/base.log" ]; then
	htmldocs "$out/pristine" base
	echo "$key" >"$out/base.key"
fi
htmldocs "$tree" "$impl"

# Warnings about our files, with the tree's path taken out.
ours_warn() {
	grep -E 'WARNING|ERROR|CRITICAL' "$out/$1.log" |
		grep -E 'workqueue(\.rst|\.h|\.c)' | sed -e "s|$2/||g" -e "s|$out/$1/||g" | sort -u
}
ours_warn base "$out/pristine" >"$out/warnings-base.txt"
ours_warn "$impl" "$tree" >"$out/warnings-$impl.txt"
new=$(comm -13 "$out/warnings-base.txt" "$out/warnings-$impl.txt")
total=$(grep -c -E 'WARNING|ERROR|CRITICAL' "$out/$impl.log")
{
	echo "  scripts/kernel-doc -none include/linux/workqueue.h kernel/workqueue.c:"
	echo "    $( [ -z "$kd" ] && echo 'no warnings' || echo "$(printf '%s\n' "$kd" | wc -l) warnings")"
	echo "  make SPHINXDIRS=core-api htmldocs ($(sphinx-build --version)):"
	echo "    $(wc -l <"$out/warnings-$impl.txt") warnings about workqueue files" \
		"(v6.12: $(wc -l <"$out/warnings-base.txt")), $(printf '%s' "$new" | grep -c .) new;"
	echo "    $total warnings in the whole core-api book"
} >"$out/summary.txt"
cat "$out/summary.txt"
if [ -n "$new" ]; then
	echo "new warnings:"
	printf '%s\n' "$new"
	fail=1
fi
echo "HTML: $out/$impl/Documentation/output/core-api/workqueue.html"
[ $fail = 0 ] || die "docs-check: problems above"
say "docs-check: clean"
