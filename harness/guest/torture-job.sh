#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job for `make torture`: the hotplug torture kselftest for
# WQ_TORTURE_SECS seconds (set on the kernel command line by torture.mk),
# with the torture module's stutter on (WQ_TORTURE_STUTTER seconds of load,
# then as many of pause; 2 unless set) on top of its default shuffling.
cd /kselftest/workqueue || exit 1
WQ_TORTURE_PARAMS="stutter=${WQ_TORTURE_STUTTER:-2} $WQ_TORTURE_PARAMS"
export WQ_TORTURE_PARAMS
./wq_torture_hotplug.sh
