# SPDX-License-Identifier: GPL-2.0
# Shared by patches.sh and patches-check.sh: the scratch git repository that
# holds the pristine base, the series table and the user's identity.
# Sourced, never run.
#
# $BUILD/patches/base.git  bare repository; refs/heads/base is the pristine
#                          base (Debian's linux-source-6.12 as unpacked by
#                          prepare-tree.sh), refs/heads/series our series.
#                          refs/heads/fixes the fixes series (patches.sh fixes).
# $BUILD/patches/check     a fresh tree for patches-check (hard links),
#                          check-fixes the same for fixes-check.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PDIR=$BUILD/patches
PGIT=$PDIR/base.git
PSRC=$REPO/harness/patches
OUT=${OUT:-$REPO/out/patches}
# patches-check.sh also checks the fixes series: its ref and its own tree.
SERIES_REF=${SERIES_REF:-series}
CHECK_DIR=${CHECK_DIR:-$PDIR/check}

pgit() { git --git-dir="$PGIT" "$@"; }

# The identity that signs the series: the user's own, never made up.
identity() {
	AUTHOR_NAME=$(git -C "$REPO" config user.name || true)
	AUTHOR_EMAIL=$(git -C "$REPO" config user.email || true)
	if [ -z "$AUTHOR_NAME" ] || [ -z "$AUTHOR_EMAIL" ]; then
		die "no git identity to sign the series with; set yours first:
	git config --global user.name 'Your Name'
	git config --global user.email you@example.org"
	fi
	export GIT_AUTHOR_NAME=$AUTHOR_NAME GIT_AUTHOR_EMAIL=$AUTHOR_EMAIL
	export GIT_COMMITTER_NAME=$AUTHOR_NAME GIT_COMMITTER_EMAIL=$AUTHOR_EMAIL
}

base_version() { cat "$BASE/.wq-pristine"; }

base_package() {
	dpkg-query -W -f='linux-source-6.12 ${Version}' linux-source-6.12 2>/dev/null ||
		echo linux-source-6.12
}

# Unpack the base if needed and commit it, once, to the scratch repository.
# git reads the pristine tree in place (--work-tree), so nothing is copied.
ensure_base_commit() {
	if [ ! -f "$BASE/.wq-pristine" ]; then
		"$REPO/harness/prepare-tree.sh" mainline >/dev/null ||
			die "could not unpack the base"
	fi
	local ver
	ver=$(base_version)
	if pgit rev-parse -q --verify "refs/tags/base-$ver" >/dev/null 2>&1; then
		return 0
	fi
	say "committing the pristine base $ver to $PGIT (once; about a minute)"
	[ -d "$PGIT" ] || git init -q --bare "$PGIT"
	pgit config core.bigFileThreshold 16m
	pgit config gc.auto 0
	local idx=$PDIR/base.index
	rm -f "$idx"
	timed "base commit" env GIT_INDEX_FILE="$idx" \
		git --git-dir="$PGIT" --work-tree="$BASE" add -A -f . ||
		die "git add of the base failed"
	GIT_INDEX_FILE=$idx pgit rm -q --cached .wq-pristine
	local tree commit date
	date=$(date -r "$BASE/Makefile" +'%s +0000')
	tree=$(GIT_INDEX_FILE=$idx pgit write-tree)
	commit=$(echo "Linux $ver ($(base_package)), pristine" |
		GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
		GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
		GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
		pgit commit-tree "$tree")
	rm -f "$idx"
	pgit update-ref refs/heads/base "$commit"
	pgit tag "base-$ver" "$commit"
}

# series_steps: the non-comment lines of harness/patches/series.
series_steps() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$PSRC/series"; }
