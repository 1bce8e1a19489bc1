#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# patches-check.sh: `make patches-check`, what a maintainer does first with
# the series in out/patches/:
#  - git am every patch onto a fresh pristine tree (git am has no fuzz: each
#    hunk's context must match exactly), and compare the result with the
#    series that `make patches` committed;
#  - build the tree after the last patch (with BISECT=1, after every patch),
#    with the QEMU config plus every Kconfig symbol the series adds, as
#    modules, and check that each of those modules was built;
#  - scripts/checkpatch.pl --strict on every patch: 0 errors, 0 warnings; a
#    patch with CHECKs must explain them in its changelog (say "checkpatch");
#  - scripts/get_maintainer.pl on every patch names the WORKQUEUE entry.
# Ends with a summary; exits non-zero if any of it fails.
. "$(dirname "$0")/patches-lib.sh"
set -o pipefail

BISECT=${BISECT:-0}
identity
# checkpatch checks SPDX lines with scripts/spdxcheck.py, which needs ply
# and GitPython; without them it skips the check silently.  Debian's
# python3 comes first, where apt installs them.
export PATH=/usr/bin:/bin:$PATH
if ! python3 -c 'import ply, git' 2>/dev/null; then
	[ "$(id -u)" = 0 ] || die "python3-ply and python3-git missing (checkpatch's SPDX check); as root run: apt-get install python3-ply python3-git"
	say "installing python3-ply python3-git (for checkpatch's SPDX check)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
		python3-ply python3-git >"${TMPDIR:-/tmp}/wq-apt-ply.log" 2>&1 ||
		die "apt-get install failed; see ${TMPDIR:-/tmp}/wq-apt-ply.log"
fi
shopt -s nullglob
patches=()
cover=
for p in "$OUT"/*.patch; do
	case "$p" in
	*-cover-letter.patch) cover=$p ;;
	*) patches+=("$p") ;;
	esac
done
[ ${#patches[@]} -gt 0 ] || die "no patches in ${OUT#"$REPO"/}/; run make ${MAKE_TARGET:-patches} first"
pgit rev-parse -q --verify "refs/heads/$SERIES_REF" >/dev/null ||
	die "no $SERIES_REF in $PGIT; run make ${MAKE_TARGET:-patches} first"

mkdir -p "$PDIR"
exec 9>"$PDIR/.lock"
flock 9
ensure_base_commit

tree=$CHECK_DIR
obj=$tree/.obj
logs=$CHECK_DIR.logs
fail=0
problems=()
problem() { problems+=("$*"); fail=1; }
# Missing figures fail the check, unless ALLOW_MISSING_FIGURES=1 (a dry run
# before the test results exist): then they are only listed.
notes=()
figure_missing() {
	if [ "${ALLOW_MISSING_FIGURES:-0}" = 1 ]; then notes+=("$*"); else problem "$@"; fi
}

# A fresh tree: hard links to the pristine base, which git only ever replaces
# (it unlinks a file before writing it), and a repository that borrows the
# scratch repository's objects.
# The objects of the last check are kept, so the next build is incremental:
# the files git am writes are new, everything else keeps the base's mtimes.
say "fresh pristine tree in $tree"
rm -rf "$logs" "$tree.obj.keep"
mkdir -p "$logs"
[ -d "$obj" ] && mv "$obj" "$tree.obj.keep"
rm -rf "$tree"
cp -al "$BASE" "$tree"
[ -d "$tree.obj.keep" ] && mv "$tree.obj.keep" "$obj"
rm -f "$tree/.wq-pristine"
git -C "$tree" init -q
echo "$PGIT/objects" >"$tree/.git/objects/info/alternates"
printf '/.obj/\n' >>"$tree/.git/info/exclude"
git -C "$tree" update-ref refs/heads/master "$(pgit rev-parse refs/heads/base)"
git -C "$tree" read-tree HEAD
timed "index of the base" git -C "$tree" update-index -q --refresh ||
	die "the fresh tree does not match the pristine base"

kmake() { make -C "$tree" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

# The Kconfig symbols the series adds, from its Kconfig lines.
series_syms() {
	git -C "$tree" diff refs/heads/master HEAD -- '*Kconfig*' |
		sed -n 's/^+config \([A-Z0-9_]*\).*/\1/p'
}

# build LABEL: configure (again: a patch may add a symbol) and build.
build() {
	local label=$1 syms s t0
	t0=$(date +%s)
	mkdir -p "$obj"
	syms=$(series_syms)
	{
		kmake allnoconfig &&
		KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
			-m -O "$obj" "$obj/.config" "$REPO/harness/configs/qemu.config" &&
		"$tree/scripts/config" --file "$obj/.config" --set-str LOCALVERSION -wq-series \
			--disable LOCALVERSION_AUTO $(for s in $syms; do echo "--module $s"; done) &&
		kmake olddefconfig
	} >"$logs/config-$label.log" 2>&1 || {
		problem "$label: configuring failed; see $logs/config-$label.log"
		return 1
	}
	for s in $syms; do
		grep -qx "CONFIG_$s=m" "$obj/.config" || problem "$label: CONFIG_$s=m does not stick"
	done
	say "building after $label (-j$JOBS)"
	if ! kmake -j"$JOBS" bzImage modules >"$logs/build-$label.log" 2>&1; then
		grep -E -m 10 'error|Error|undefined' "$logs/build-$label.log" >&2
		problem "$label: the tree does not build; see $logs/build-$label.log"
		return 1
	fi
	# New warnings in the files the series touches.
	local touched
	touched=$(git -C "$tree" diff --name-only refs/heads/master HEAD | paste -sd'|')
	if [ -n "$touched" ] &&
	   grep -E ': warning:' "$logs/build-$label.log" | grep -E "$touched" \
		>"$logs/warnings-$label.txt"; then
		problem "$label: the build warns in our files; see $logs/warnings-$label.txt"
	fi
	for s in $syms; do
		local o
		o=$(grep -h "CONFIG_$s)" "$tree"/lib/Makefile "$tree"/*/Makefile 2>/dev/null |
			sed -n 's/.*+= *\([a-z0-9_-]*\)\.o.*/\1/p' | head -1)
		[ -z "$o" ] || [ -n "$(find "$obj" -name "$o.ko" -print -quit)" ] ||
			problem "$label: CONFIG_$s=m but $o.ko was not built"
	done
	say "built after $label in $(( $(date +%s) - t0 ))s"
}

# Apply, one patch at a time.
applied=0
for p in "${patches[@]}"; do
	n=$(basename "$p" .patch)
	if ! git -C "$tree" am -q --whitespace=error-all "$p" >"$logs/am-$n.log" 2>&1; then
		cat "$logs/am-$n.log" >&2
		problem "$n: git am failed on the pristine tree plus the patches before it"
		git -C "$tree" am --abort >/dev/null 2>&1
		break
	fi
	applied=$((applied + 1))
	if [ "$BISECT" = 1 ]; then
		build "${n%%-*}" || break
	fi
done
say "git am: $applied of ${#patches[@]} patches applied"
if [ "$applied" = ${#patches[@]} ]; then
	if [ "$(git -C "$tree" rev-parse 'HEAD^{tree}')" != "$(pgit rev-parse "$SERIES_REF^{tree}")" ]; then
		problem "the tree after git am differs from the series make patches committed"
	fi
	[ "$BISECT" = 1 ] || build last
fi

# checkpatch --strict and get_maintainer on every patch, in the final tree.
declare -A cp_e cp_w cp_c gm
for p in "${patches[@]}"; do
	n=$(basename "$p" .patch)
	(cd "$tree" && perl scripts/checkpatch.pl --strict --show-types $CHECKPATCH_FLAGS "$p") \
		>"$logs/checkpatch-$n.log" 2>&1
	read -r e w c < <(sed -n \
		's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p' \
		"$logs/checkpatch-$n.log")
	cp_e[$n]=${e:-?} cp_w[$n]=${w:-?} cp_c[$n]=${c:-?}
	if [ "${e:-1}" != 0 ] || [ "${w:-1}" != 0 ]; then
		problem "$n: checkpatch: ${e:-?} errors, ${w:-?} warnings; see $logs/checkpatch-$n.log"
	elif [ "${c:-0}" != 0 ] && ! sed '/^---$/q' "$p" | grep -qi checkpatch; then
		problem "$n: $c checkpatch CHECKs that its changelog does not explain"
	fi
	(cd "$tree" && perl scripts/get_maintainer.pl --no-git --no-git-fallback "$p") \
		>"$logs/get_maintainer-$n.log" 2>&1
	if grep -q 'WORKQUEUE' "$logs/get_maintainer-$n.log"; then
		gm[$n]=yes
	else
		gm[$n]=no
		problem "$n: get_maintainer.pl does not name the WORKQUEUE entry"
	fi
	# Signed off by the user who ran make patches.
	grep -q "^Signed-off-by: $AUTHOR_NAME <$AUTHOR_EMAIL>\$" "$p" ||
		problem "$n: no Signed-off-by: $AUTHOR_NAME <$AUTHOR_EMAIL>"
	if grep -q '(not filled in yet)' "$p"; then
		figure_missing "$n: figures missing (\"not filled in yet\"); fill harness/patches/figures.txt"
	fi
done

if [ -n "$cover" ] && grep -q '(not filled in yet)' "$cover"; then
	figure_missing "cover letter: figures missing (\"not filled in yet\"); fill harness/patches/figures.txt"
fi

# Summary.
echo
printf '%-52s %8s %6s %6s %6s  %s\n' patch +/- errors warn checks WORKQUEUE
for p in "${patches[@]}"; do
	n=$(basename "$p" .patch)
	st=$(git apply --numstat "$p" | awk '{a += $1; d += $2} END {printf "+%d/-%d", a, d}')
	printf '%-52s %8s %6s %6s %6s  %s\n' "${n:0:52}" "$st" "${cp_e[$n]}" "${cp_w[$n]}" \
		"${cp_c[$n]}" "${gm[$n]}"
done
echo
echo "base: Linux $(base_version) ($(base_package)); logs: $logs"
[ -z "$CHECKPATCH_FLAGS" ] || echo "checkpatch.pl --strict $CHECKPATCH_FLAGS"
echo "get_maintainer.pl for the series:"
(cd "$tree" && perl scripts/get_maintainer.pl --no-git --no-git-fallback "${patches[@]}") |
	sed 's/^/  /'
for p in "${notes[@]}"; do echo "note (ALLOW_MISSING_FIGURES=1): $p"; done
if [ "$applied" = ${#patches[@]} ] && [ "$fail" = 0 ]; then
	echo "patches-check: ${#patches[@]} patches apply with git am, the tree builds$(
		[ "$BISECT" = 1 ] && echo ' after each')," \
		"checkpatch --strict has 0 errors and 0 warnings, get_maintainer names WORKQUEUE"
	exit 0
fi
for p in "${problems[@]}"; do echo "problem: $p"; done
echo "patches-check: FAILED"
exit 1
