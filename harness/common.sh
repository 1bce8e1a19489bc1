# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts: progress lines, timing, failing
# with a one-line cause.  Sourced, never run.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$REPO/build}
BASE_TAR=${BASE_TAR:-/usr/src/linux-source-6.12.tar.xz}
BASE=$BUILD/linux-source-6.12
JOBS=${JOBS:-$(nproc)}

export CCACHE_BASEDIR=$BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=time_macros

say() { printf '[wq] %s\n' "$*" >&2; }
die() { printf '[wq] error: %s\n' "$*" >&2; exit 1; }

# timed LABEL CMD...: run CMD, then report how long LABEL took.
timed() {
	local label=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	say "$label: $(( $(date +%s) - t0 ))s${rc:+$( [ "$rc" = 0 ] || echo " (failed, exit $rc)")}"
	return $rc
}

# KCFLAGS for every kernel the harness builds: -fno-peephole2 if gcc fails
# harness/cc-probe.c (GCC PR target/107404, which Debian 12's gcc-12
# miscompiles v6.12's unbound_wq_update_pwq() with; see the probe).  The
# answer is kept per compiler version in $BUILD/.cc-probe.
kcflags() {
	local dir=$BUILD/.cc-probe ver
	ver=$(gcc --version 2>/dev/null | head -n 1)
	if [ "$(cat "$dir/version" 2>/dev/null)" != "$ver" ]; then
		mkdir -p "$dir"
		if ! gcc -O2 -o "$dir/probe" "$REPO/harness/cc-probe.c" 2>"$dir/log"; then
			echo >"$dir/flags"
		elif "$dir/probe"; then
			echo >"$dir/flags"
		else
			echo -fno-peephole2 >"$dir/flags"
			say "$ver miscompiles harness/cc-probe.c (GCC PR 107404): kernels get -fno-peephole2"
		fi
		echo "$ver" >"$dir/version"
	fi
	cat "$dir/flags"
}

check_impl() {
	case "$1" in
	mainline|fixed) ;;
	ours)
		[ -f "$REPO/kernel/workqueue.c" ] ||
			die "IMPL=ours: kernel/workqueue.c does not exist in this repository yet"
		;;
	*) die "unknown IMPL '$1' (use IMPL=mainline, fixed or ours)" ;;
	esac
}

check_config() {
	case "$1" in
	qemu|debug|defconfig|rt|observe) ;;
	*) die "unknown CONFIG '$1' (use CONFIG=qemu, debug, rt, observe or defconfig)" ;;
	esac
}

# The configurations `make check` builds our files in: the ones that
# found something once, and quick to prepare (see check-matrix.sh).
CHECK_FAST=${CHECK_FAST:-qemu wq-all allnoconfig i386 rt}

tree_of() { echo "$BUILD/tree-$1"; }
obj_of() { echo "$BUILD/tree-$1/.obj-$2"; }
