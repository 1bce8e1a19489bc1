#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# patches.sh: `make patches`.  Commit the pristine base once to a scratch
# repository ($BUILD/patches/base.git), lay our overlay on it in the steps
# of harness/patches/series, one commit each, and write the series with a
# cover letter into out/patches/.  See harness/patches/README.
. "$(dirname "$0")/patches-lib.sh"
set -e -o pipefail

identity
mkdir -p "$PDIR"
exec 9>"$PDIR/.lock"
flock 9
ensure_base_commit

# Every commit carries the date of the repository's last commit, so the same
# sources give the same series.
PATCH_DATE=$(git -C "$REPO" log -1 --format=%ad --date=raw 2>/dev/null || date +'%s %z')
BASE_VERSION=$(base_version)
BASE_PACKAGE=$(base_package)
export REPO BASE PGIT OUT PATCH_DATE BASE_VERSION BASE_PACKAGE

say "writing the series against Linux $BASE_VERSION ($BASE_PACKAGE) to ${OUT#"$REPO"/}/"
python3 "$REPO/harness/patches.py"
say "diffstat of the series:"
pgit diff -B --stat=72 --summary base series | sed 's/^/  /' >&2
say "done; next: make patches-check"
