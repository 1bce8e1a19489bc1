#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# prepare-tree.sh IMPL: make $BUILD/tree-IMPL, the base with our overlay.
#
# The base is unpacked once, pristine, into $BUILD/linux-source-6.12.  Each
# implementation gets a hard-linked copy of it; files we change are always
# replaced (never written through a link), so the base stays pristine.
# Files are only replaced when their content changed, which keeps mtimes and
# therefore incremental builds.  IMPL=mainline gets everything but our
# kernel/workqueue.c and kernel/workqueue_internal.h; IMPL=fixed is
# mainline plus our fixes to v6.12's kernel/workqueue.c (harness/fixes/).
. "$(dirname "$0")/common.sh"
set -e -o pipefail

impl=$1
check_impl "$impl"
tree=$(tree_of "$impl")

if [ ! -f "$BASE/.wq-pristine" ]; then
	[ -f "$BASE_TAR" ] || die "base package missing: $BASE_TAR (apt-get install linux-source-6.12)"
	say "unpacking $BASE_TAR"
	rm -rf "$BUILD/.unpack"
	mkdir -p "$BUILD/.unpack"
	timed "unpack" tar -xJf "$BASE_TAR" -C "$BUILD/.unpack"
	rm -rf "$BASE"
	mv "$BUILD/.unpack/linux-source-6.12" "$BASE"
	rmdir "$BUILD/.unpack"
	make -s -C "$BASE" kernelversion >"$BASE/.wq-pristine"
fi

if [ ! -f "$tree/.wq-tree" ]; then
	say "creating tree-$impl (hard links to the base)"
	rm -rf "$tree" "$tree.tmp"
	cp -al "$BASE" "$tree.tmp"
	rm -f "$tree.tmp/.wq-pristine"
	echo "$impl" >"$tree.tmp/.wq-tree"
	mv "$tree.tmp" "$tree"
fi

# install SRC DST: replace DST by a private copy of SRC unless identical.
install_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp --remove-destination "$1" "$2"
		echo "  overlay ${2#"$tree"/}" >&2
	fi
}

# Our files, straight from the work tree (uncommitted edits included).
cd "$REPO"
list=$(find kernel lib include tools/testing/selftests/workqueue Documentation/core-api \
	    -type f 2>/dev/null | grep -v -e '~$' -e '\.orig$' -e '\.rej$' -e '/\.' | sort || true)
if [ "$impl" != ours ]; then
	list=$(printf '%s\n' "$list" | grep -v -x -e kernel/workqueue.c -e kernel/workqueue_internal.h || true)
fi

# Base files changed by small build-time diffs, and for IMPL=fixed by the
# fixes series (in order, after them): patch a scratch copy of the pristine
# file, then install the result.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
patched=
diffs=$(ls "$REPO"/harness/diffs/*.diff 2>/dev/null || true)
[ "$impl" = fixed ] && diffs="$diffs $(ls "$REPO"/harness/fixes/[0-9]*.diff)"
for d in $diffs; do
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$d"); do
		if [ ! -f "$scratch/$f" ]; then
			mkdir -p "$(dirname "$scratch/$f")"
			cp "$BASE/$f" "$scratch/$f"
			patched="$patched $f"
		fi
	done
	patch -s -p1 -d "$scratch" --no-backup-if-mismatch <"$d" ||
		die "$(basename "$d") does not apply to the base (plus the diffs before it)"
done

# MAINTAINERS: our F: lines go into the existing WORKQUEUE entry.
if [ -f "$REPO/MAINTAINERS" ]; then
	"$REPO/harness/maintainers.py" "$BASE/MAINTAINERS" "$REPO/MAINTAINERS" >"$scratch/MAINTAINERS"
	patched="$patched MAINTAINERS"
fi

for f in $patched; do
	install_file "$scratch/$f" "$tree/$f"
done
for f in $list; do
	install_file "$REPO/$f" "$tree/$f"
done

# Whatever an earlier run overlaid and is no longer ours goes back to pristine.
new=$(printf '%s\n' $list $patched | sort -u)
if [ -f "$tree/.wq-overlay" ]; then
	for f in $(comm -23 "$tree/.wq-overlay" <(printf '%s\n' "$new")); do
		rm -f "$tree/$f"
		# A fresh copy, not a link: its new mtime makes kbuild rebuild.
		if [ -f "$BASE/$f" ]; then
			cp "$BASE/$f" "$tree/$f"
		fi
		echo "  restored ${f}" >&2
	done
fi
printf '%s\n' "$new" >"$tree/.wq-overlay"
