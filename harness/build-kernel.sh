#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh IMPL CONFIG: configure and build one kernel, its modules
# and its initramfs, out of tree in $BUILD/tree-IMPL/.obj-CONFIG.
#
# The .obj directory sits directly inside the tree, so kbuild uses a relative
# srctree ("..") and ccache hits are shared between the two implementations.
. "$(dirname "$0")/common.sh"
set -o pipefail

impl=$1 config=$2
check_impl "$impl"
check_config "$config"
"$REPO/harness/prepare-tree.sh" "$impl" || die "could not prepare tree-$impl"
tree=$(tree_of "$impl")
obj=$(obj_of "$impl" "$config")
mkdir -p "$obj"

# One build per object directory at a time.
exec 9>"$obj.lock"
flock 9

KCFLAGS=$(kcflags)
kmake() { make -C "$tree" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
	KCFLAGS="$KCFLAGS" "$@"; }

# Our test modules are only configured once their source is in the repo.
missing_modules() {
	local sym file
	for sym in WORKQUEUE_KUNIT_TEST:workqueue_kunit TEST_WORKQUEUE:test_workqueue \
		   TEST_WORKQUEUE_BENCH:test_workqueue_bench; do
		file=${sym#*:}
		[ -f "$REPO/lib/$file.c" ] || echo "--disable ${sym%%:*}"
	done
}

# qemu, debug, rt and observe start from allnoconfig; defconfig is x86_64_defconfig (the
# drivers a real machine has, many of which queue work at boot) plus the
# same QEMU fragment.
base=allnoconfig
frags="$REPO/harness/configs/qemu.config"
case $config in
debug) frags="$frags $REPO/harness/configs/debug.config" ;;
rt) frags="$frags $REPO/harness/configs/rt.config" ;;
observe) frags="$frags $REPO/harness/configs/observe.config" ;;
defconfig) base=defconfig ;;
esac
stamp="$obj/.wq-config"
want=$( (cat $frags; missing_modules; [ $base = allnoconfig ] || echo $base) |
	md5sum | cut -d' ' -f1)-$impl
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	say "configuring $impl/$config"
	rm -f "$stamp"
	{
		kmake "$base" &&
		KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
			-m -O "$obj" "$obj/.config" $frags &&
		"$tree/scripts/config" --file "$obj/.config" \
			--set-str LOCALVERSION "-wq-$impl" --disable LOCALVERSION_AUTO \
			$(missing_modules) &&
		kmake olddefconfig
	} >"$obj/config.log" 2>&1 || die "configuring $impl/$config failed; see $obj/config.log"
	# Every y/m the fragments ask for must have survived olddefconfig.
	# (the last fragment that names a symbol decides, as in merge_config)
	bad=$(sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p; /^CONFIG_/p' $frags |
	      awk -F= '{ v[$1] = $0; if (!($1 in o)) o[$1] = n++ }
		       END { for (k in v) print o[k], v[k] }' | sort -n | cut -d' ' -f2- |
	      grep '^CONFIG_.*=[ym]$' | while read -r l; do
		grep -qx "$l" "$obj/.config" ||
			missing_modules | grep -q -x -- "--disable $(echo "${l%%=*}" | cut -c8-)" ||
			echo "${l%%=*}"
	done)
	# defconfig's own choices may hide a fragment line (tracers, for one)
	if [ -n "$bad" ] && [ "$base" = defconfig ]; then
		say "config $config: left as defconfig has them: $(echo $bad)"
	elif [ -n "$bad" ]; then
		die "config $config: not set in $impl's .config: $(echo $bad)"
	fi
	echo "$want" >"$stamp"
fi

say "building $impl/$config kernel ($(cat "$BASE/.wq-pristine")-wq-$impl, -j$JOBS)"
t0=$(date +%s)
if ! kmake -j"$JOBS" bzImage modules >"$obj/build.log" 2>&1; then
	grep -E -m 20 'error|Error|undefined' "$obj/build.log" >&2
	die "building $impl/$config failed; see $obj/build.log"
fi
rm -rf "$obj/modinst"
kmake -s INSTALL_MOD_PATH="$obj/modinst" modules_install >>"$obj/build.log" 2>&1 ||
	die "modules_install for $impl/$config failed; see $obj/build.log"
say "built $impl/$config in $(( $(date +%s) - t0 ))s: $(kmake -s kernelrelease)"
kmake -s kernelrelease >"$obj/.wq-release"

"$REPO/harness/mkinitramfs.sh" "$impl" "$config" || die "initramfs for $impl/$config failed"
