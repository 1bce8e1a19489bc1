# SPDX-License-Identifier: GPL-2.0
#
# Driver for the workqueue overlay: fetch the v6.12 base (Debian's
# linux-source-6.12), lay our files over it, build, boot in QEMU, test,
# benchmark and produce the patch series.  `make help` lists the targets.

SHELL := /bin/bash
BUILD ?= $(CURDIR)/build
OURS_EXISTS := $(wildcard kernel/workqueue.c)
IMPL ?= $(if $(OURS_EXISTS),ours,mainline)
CONFIG ?= qemu
# Implementations that `make test` runs: v6.12 as the reference, v6.12 with
# our fixes (harness/fixes/), then ours.
TEST_IMPLS ?= mainline fixed ours
JOBS ?= $(shell nproc)
TIMEOUT ?= 900

H := $(CURDIR)/harness
export BUILD JOBS REPO := $(CURDIR)

.PHONY: help deps tree build kunit kselftest run shell test check check-matrix observe clean \
	boot-defconfig

help:
	@echo 'make run        build IMPL (default: $(IMPL)) and boot it: a shell on a terminal,'
	@echo '                a scripted tour otherwise'
	@echo 'make test       KUnit (kunit.py) and kselftests, plain, debug and PREEMPT_RT, for'
	@echo '                TEST_IMPLS="$(TEST_IMPLS)"; summary table, "N passed, N failed"'
	@echo 'make check      checkpatch --strict, kernel-doc, then W=1, sparse and -Werror on'
	@echo '                our files in 5 configurations;  make check-matrix: in 12'
	@echo 'make build      build one kernel: IMPL=mainline|fixed|ours CONFIG=qemu|debug|rt|defconfig'
	@echo 'make boot-defconfig  x86_64 defconfig + QEMU fragment, IMPL=ours, booted to'
	@echo '                the tour (opt-in: a full defconfig build takes 20-35 minutes)'
	@echo 'make kunit      KUnit suites for IMPL;  make kselftest: kselftests for IMPL/CONFIG'
	@echo 'make observe    wq_monitor.py and wq_dump.py (drgn) on a dump of each kernel'
	@echo 'make bench      v6.12 against ours (and tasklets, kthread_worker): out/bench/'
	@echo 'make bench-steps ROW=lat.idle.irq.bh  one sample of a row, instruction by instruction'
	@echo 'make bench-scale  how costs grow with the work, v6.12 and ours: out/bench/scale/'
	@echo 'make torture    long torture run with CPU hotplug churn on the debug config'
	@echo 'make patches    the patch series in out/patches/;  make patches-check'
	@echo 'make clean      remove $(BUILD)'
	@echo 'Variables: IMPL CONFIG BUILD JOBS TIMEOUT TEST_IMPLS TEST_RT CHECK_CONFIGS'

deps:
	@$(H)/deps.sh

tree: deps
	@$(H)/prepare-tree.sh $(IMPL)

build: deps
	@$(H)/build-kernel.sh $(IMPL) $(CONFIG)

kunit: deps
	@$(H)/kunit.sh $(IMPL)

kselftest: build
	@$(H)/boot.sh --timeout $(TIMEOUT) $(IMPL) $(CONFIG) kselftest

run: build
	@if [ -t 0 ] && [ -t 1 ]; then \
		$(H)/boot.sh --timeout $(TIMEOUT) $(IMPL) $(CONFIG) shell; \
	else \
		$(H)/boot.sh --timeout $(TIMEOUT) --show $(IMPL) $(CONFIG) tour; \
	fi

# Many drivers of a real machine queue work while booting: boot ours with them.
boot-defconfig:
	@$(MAKE) --no-print-directory run IMPL=ours CONFIG=defconfig </dev/null

shell: build
	@$(H)/boot.sh $(IMPL) $(CONFIG) shell

test: deps
	@$(H)/test.sh $(TEST_IMPLS)

check: deps
	@$(H)/check.sh $(IMPL)

check-matrix: deps
	@CHECK_CONFIGS="$(or $(CHECK_CONFIGS),all)" $(H)/check.sh $(IMPL)

# v6.12's tools/workqueue/ drgn scripts against a dump of each kernel
observe: deps
	@$(H)/observe.sh $(or $(OBSERVE_IMPLS),mainline ours)

clean:
	rm -rf $(BUILD) out

-include $(wildcard harness/*.mk)
