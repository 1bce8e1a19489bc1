#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fixes.sh: `make fixes`.  The fixes series, harness/fixes/NN-*.diff with
# their changelogs, committed onto the pristine base in the scratch
# repository (refs/heads/fixes) and written with a cover letter into
# out/fixes/.  See harness/fixes/README.
. "$(dirname "$0")/patches-lib.sh"
set -e -o pipefail

identity
mkdir -p "$PDIR"
exec 9>"$PDIR/.lock"
flock 9
ensure_base_commit

PATCH_DATE=$(git -C "$REPO" log -1 --format=%ad --date=raw -- harness/fixes 2>/dev/null)
PATCH_DATE=${PATCH_DATE:-$(date +'%s %z')}
BASE_VERSION=$(base_version)
BASE_PACKAGE=$(base_package)
OUT=$REPO/out/fixes
export REPO BASE PGIT OUT PATCH_DATE BASE_VERSION BASE_PACKAGE

say "writing the fixes against Linux $BASE_VERSION ($BASE_PACKAGE) to out/fixes/"
python3 "$REPO/harness/fixes.py"
say "diffstat of the fixes:"
pgit diff --stat=72 base fixes | sed 's/^/  /' >&2
say "done; next: make fixes-check"
