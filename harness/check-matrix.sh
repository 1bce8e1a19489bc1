#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-matrix.sh [NAME...]: build every C file of ours with W=1, sparse
# (C=1) and -Werror in the configurations the kernel test robot builds, and
# say which failed.  With no NAME or "all", all of them (`make
# check-matrix`); `make check` runs CHECK_FAST (harness/common.sh).
#
# Each configuration has its own object directory in the tree of ours
# (build/tree-ours/.obj-check-NAME): `make prepare`, then only our objects.
# A second run rebuilds what changed.  Nothing is linked, so a module's
# unresolved symbol shows in the qemu and debug builds of `make test`, not
# here.
. "$(dirname "$0")/common.sh"
set -o pipefail

ALL="qemu debug defconfig wq-all allnoconfig tiny i386 rt debian debian-rt clang arm64"
names=${*:-all}
[ "$names" = all ] && names=$ALL
impl=${IMPL:-ours}
check_impl "$impl"
"$REPO/harness/prepare-tree.sh" "$impl" >/dev/null || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
debconf=/usr/src/linux-config-6.12

# The host packages the matrix needs beyond `make deps`.
need=
command -v aarch64-linux-gnu-gcc >/dev/null || need="$need gcc-aarch64-linux-gnu"
command -v clang >/dev/null || need="$need clang"
command -v ld.lld >/dev/null || need="$need lld"
command -v llvm-ar >/dev/null || need="$need llvm"
[ -d "$debconf" ] || need="$need linux-config-6.12"
if [ -n "$need" ] && [[ " $names " =~ \ (arm64|clang|debian|debian-rt)\  ]]; then
	[ "$(id -u)" = 0 ] || die "missing:$need; as root run: apt-get install$need"
	say "installing$need"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
		$need >"${TMPDIR:-/tmp}/wq-apt-matrix.log" 2>&1 ||
		die "apt-get install failed; see ${TMPDIR:-/tmp}/wq-apt-matrix.log"
fi

# Fragments, written where the objects go so a change is seen.
frag_tests='CONFIG_DEBUG_KERNEL=y
CONFIG_RUNTIME_TESTING_MENU=y
CONFIG_MODULES=y
CONFIG_KUNIT=y
CONFIG_WORKQUEUE_KUNIT_TEST=m
CONFIG_TEST_WORKQUEUE=m
CONFIG_TEST_WORKQUEUE_BENCH=m'
# Every option workqueue.c has code for.
frag_wq="$frag_tests
CONFIG_WQ_WATCHDOG=y
CONFIG_WQ_CPU_INTENSIVE_REPORT=y
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_PROVE_LOCKING=y
CONFIG_NUMA=y
CONFIG_PM=y
CONFIG_PM_SLEEP=y
CONFIG_FREEZER=y
CONFIG_SMP=y
CONFIG_HOTPLUG_CPU=y
CONFIG_SYSFS=y
CONFIG_DEBUG_FS=y"
frag_rt="$frag_tests
CONFIG_EXPERT=y
CONFIG_PREEMPT_RT=y"

# setup NAME: sets arch, tc (toolchain make arguments), base, frag and
# files (the objects to build, from which the .config keeps y or m).
setup() {
	arch=x86_64 tc=(CC="ccache gcc" HOSTCC="ccache gcc") kcf=$(kcflags)
	base=defconfig frag=$frag_tests
	local q=$REPO/harness/configs
	case $1 in
	qemu) base=allnoconfig frag="$(cat "$q/qemu.config")" ;;
	debug) base=allnoconfig frag="$(cat "$q/qemu.config" "$q/debug.config")" ;;
	defconfig) frag="$(cat "$q/qemu.config")" ;;
	wq-all) frag=$frag_wq ;;
	allnoconfig) base=allnoconfig frag= ;;
	tiny) base=allnoconfig ;;
	i386) arch=i386 frag=$frag_wq ;;
	rt) frag=$frag_rt ;;
	debian) base=$debconf/config.amd64_none_amd64.xz ;;
	debian-rt) base=$debconf/config.amd64_rt_amd64.xz ;;
	clang) tc=(LLVM=1 CC="ccache clang" HOSTCC="ccache clang") kcf= frag=$frag_wq ;;
	arm64) arch=arm64 frag=$frag_wq kcf=
		tc=(CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc"
		    HOSTCC="ccache gcc") ;;
	*) die "unknown configuration '$1' (known: $ALL)" ;;
	esac
}

# configure NAME OBJ: the .config, remade only when its inputs changed.
configure() {
	local name=$1 obj=$2 want
	want=$( (echo "$arch ${tc[*]}"; [ -f "$base" ] && md5sum <"$base" || echo "$base";
		 echo "$frag") | md5sum | cut -d' ' -f1)
	[ -f "$obj/.config" ] && [ "$(cat "$obj/.wq-check" 2>/dev/null)" = "$want" ] && return 0
	rm -f "$obj/.wq-check"
	printf '%s\n' "$frag" >"$obj/wq.config"
	{
		if [ -f "$base" ]; then
			xz -dc "$base" >"$obj/.config"
		else
			kmake "$base"
		fi &&
		KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
			-m -O "$obj" "$obj/.config" "$obj/wq.config" &&
		# Debian signs modules with keys it does not ship.
		"$tree/scripts/config" --file "$obj/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --set-str LOCALVERSION "-wq-check" &&
		kmake olddefconfig &&
		kmake prepare
	} >"$obj/config.log" 2>&1 || return 1
	echo "$want" >"$obj/.wq-check"
}

kmake() { make -C "$tree" O="$obj" ARCH="$arch" "${tc[@]}" KCFLAGS="$kcf" "$@"; }

# The object of each file of ours and the option that builds it.
objects() {
	local sym
	for sym in WORKQUEUE_KUNIT_TEST:lib/workqueue_kunit TEST_WORKQUEUE:lib/test_workqueue \
		   TEST_WORKQUEUE_BENCH:lib/test_workqueue_bench; do
		[ -f "$REPO/${sym#*:}.c" ] &&
			grep -q "^CONFIG_${sym%%:*}=[ym]" "$obj/.config" && echo "${sym#*:}.o"
	done
	# kernel/workqueue.c is always built; v6.12's is not ours to check.
	[ "$impl" = mainline ] || echo kernel/workqueue.o
}

fail=0
rows=()
for name in $names; do
	setup "$name"
	obj=$tree/.obj-check-$name
	mkdir -p "$obj"
	exec 9>"$obj.lock"
	flock 9
	t0=$(date +%s)
	if ! configure "$name" "$obj"; then
		rows+=("$(printf '%-12s %-7s %5ss  configure failed: %s' "$name" "$arch" \
			$(( $(date +%s) - t0 )) "${obj#"$REPO"/}/config.log")")
		fail=1
		continue
	fi
	objs=$(objects | sort)
	# Rebuild ours every time: a warning is only printed when the file is
	# compiled.
	for o in $objs; do rm -f "$obj/$o"; done
	kmake -j"$JOBS" W=1 C=1 KCFLAGS="$kcf -Werror" $objs >"$obj/check.log" 2>&1
	rc=$?
	srcs=$(printf '%s\n' $objs | sed 's/\.o$/.c/' | paste -sd'|')
	warn=$(grep -E "($srcs):[0-9]+(:[0-9]+)?: (warning|error)" "$obj/check.log" | sort -u)
	took=$(( $(date +%s) - t0 ))
	what=$(printf '%s\n' $objs | sed 's,.*/,,; s/\.o$//' | paste -sd' ')
	# What the fragment asked for and the architecture or the base left out.
	lost=$(printf '%s\n' "$frag" | grep '^CONFIG_.*=[ym]$' | while read -r l; do
		grep -q "^${l%=*}=[ym]$" "$obj/.config" || echo "${l%%=*}"
	done | sed 's/^CONFIG_//' | paste -sd' ')
	[ -n "$lost" ] && what="$what (without $lost)"
	if [ $rc != 0 ] || [ -n "$warn" ]; then
		rows+=("$(printf '%-12s %-7s %5ss  FAILED: %s' "$name" "$arch" "$took" "${obj#"$REPO"/}/check.log")")
		[ -n "$warn" ] && printf '%s\n' "$warn" | sed "s/^/  $name: /" >&2
		[ -z "$warn" ] && grep -E -m 10 'error|Error' "$obj/check.log" | sed "s/^/  $name: /" >&2
		fail=1
	else
		rows+=("$(printf '%-12s %-7s %5ss  clean: %s' "$name" "$arch" "$took" "$what")")
	fi
	say "$(printf '%s\n' "${rows[-1]}")"
done
exec 9>&-

say "W=1, C=1 (sparse), -Werror on $impl's files:"
printf '    %s\n' "${rows[@]}" >&2
[ $fail = 0 ] || die "check-matrix: failures above"
