#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job for `make torture`: the hotplug torture kselftest for
# WQ_TORTURE_SECS seconds (set on the kernel command line by torture.mk).
cd /kselftest/workqueue || exit 1
./wq_torture_hotplug.sh
