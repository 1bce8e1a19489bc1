#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh IMPL CONFIG: busybox, our modules and the kselftest
# scripts, packed as $obj/initramfs.cpio.gz.
. "$(dirname "$0")/common.sh"
set -e -o pipefail

impl=$1 config=$2
tree=$(tree_of "$impl")
obj=$(obj_of "$impl" "$config")
root=$obj/initramfs
rm -rf "$root" "$obj/initramfs.cpio.gz"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,lib,kselftest/kselftest}
cp /bin/busybox "$root/bin/busybox"
cp "$REPO/harness/guest/init" "$root/init"
chmod 755 "$root/init"
cp -r "$obj/modinst/lib/modules" "$root/lib/"
# The module tree needs no build/source links inside the guest.
find "$root/lib/modules" -maxdepth 2 -type l -delete
if [ -d "$tree/tools/testing/selftests/workqueue" ]; then
	# As a kselftest user installs them: run_kselftest.sh, the runner and
	# the workqueue collection with its settings.
	make -s -C "$tree/tools/testing/selftests" TARGETS=workqueue \
		INSTALL_PATH="$root/kselftest" install >/dev/null
	# The runner calls /usr/bin/timeout --foreground, which busybox's
	# timeout does not take; on its own it runs in the foreground.
	mkdir -p "$root/usr/bin"
	printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec /bin/busybox timeout "$@"\n' \
		>"$root/usr/bin/timeout"
	chmod 755 "$root/usr/bin/timeout"
else
	cp "$tree/tools/testing/selftests/kselftest/ktap_helpers.sh" "$root/kselftest/kselftest/"
fi
cat "$obj/.wq-release" >"$root/etc/wq-release"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$obj/initramfs.cpio.gz.tmp"
mv "$obj/initramfs.cpio.gz.tmp" "$obj/initramfs.cpio.gz"
