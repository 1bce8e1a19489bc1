# SPDX-License-Identifier: GPL-2.0
# make torture: the long torture run, opt-in (not part of `make test`).
# The hotplug kselftest runs test_workqueue.ko for TORTURE_SECS seconds on
# TORTURE_CONFIG while CPUs go offline and online, with the module's
# shuffling (every 3 s) and stutter (2 s of load, 2 s of pause); the
# console log is checked for kernel reports like every other boot.  The guest gets the
# duration as wqh.env.WQ_TORTURE_SECS.

TORTURE_SECS ?= 600
TORTURE_CONFIG ?= debug

.PHONY: torture
torture: deps
	@$(H)/build-kernel.sh $(IMPL) $(TORTURE_CONFIG)
	@$(H)/boot.sh --timeout $$(( $(TORTURE_SECS) + 1800 )) \
		--job $(H)/guest/torture-job.sh \
		--append "wqh.env.WQ_TORTURE_SECS=$(TORTURE_SECS)" \
		$(IMPL) $(TORTURE_CONFIG) torture
