#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# patches.sh [fixes]: `make patches`.  Commit the pristine base once to a
# scratch repository ($BUILD/patches/base.git), lay our overlay on it in the
# steps of harness/patches/series, one commit each, and write the series
# with a cover letter into out/patches/.  See harness/patches/README.
#
# With "fixes": `make fixes`, the fixes series for v6.12's workqueue.c
# (harness/fixes/, refs/heads/fixes) into out/fixes/.  See
# harness/fixes/README.
. "$(dirname "$0")/patches-lib.sh"
set -e -o pipefail

what=series script=patches.py next=patches-check dates=.
if [ "${1:-}" = fixes ]; then
	what=fixes script=fixes.py next=fixes-check dates=harness/fixes
	OUT=$REPO/out/fixes
fi

identity
mkdir -p "$PDIR"
exec 9>"$PDIR/.lock"
flock 9
ensure_base_commit

# Every commit carries the date of the last commit of what it is made of,
# so the same sources give the same series.
PATCH_DATE=$(git -C "$REPO" log -1 --format=%ad --date=raw -- "$dates" 2>/dev/null)
PATCH_DATE=${PATCH_DATE:-$(date +'%s %z')}
BASE_VERSION=$(base_version)
BASE_PACKAGE=$(base_package)
export REPO BASE PGIT OUT PATCH_DATE BASE_VERSION BASE_PACKAGE

say "writing the $what against Linux $BASE_VERSION ($BASE_PACKAGE) to ${OUT#"$REPO"/}/"
python3 "$REPO/harness/$script"
say "diffstat of the $what:"
pgit diff -B --stat=72 --summary base "$what" | sed 's/^/  /' >&2
say "done; next: make $next"
