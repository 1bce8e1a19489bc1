# SPDX-License-Identifier: GPL-2.0
#
# make bench: build v6.12 (IMPL=mainline) and, once kernel/workqueue.c
# exists, ours (IMPL=ours) with the same config; boot each BENCH_ROUNDS
# times in QEMU with the same -smp, alternating, running
# test_workqueue_bench.ko and the memory probe (harness/bench-guest.sh);
# write $(BENCH_OUT)/table.md, table.txt, results.json and latency.png.
# Not part of `make test`.  Included by the top-level Makefile.
#
# make bench-report: redo the table and plot from the logs of the last run.
#
# make bench-steps ROW=lat.idle.irq.bh: the instruction path of one sample
# of ROW, function by function, for each implementation (harness/steps.sh).
#
#   BENCH_ROUNDS  boots per implementation                      [3]
#   BENCH_SMP     guest CPUs, the same for both                 [4]
#   BENCH_ARGS    module parameters, comma separated, e.g.
#                 samples=2000,only=lat.                        []
#   BENCH_MEM_N   workqueues per kind in the memory rows        [64]
#   BENCH_IMPLS   implementations    [mainline, plus ours when it exists]
#   BENCH_OUT     output folder (ignored by git)                [out/bench]
#   BENCH_ICOUNT  1: QEMU -icount shift=0, the guest clock counts
#                 instructions (deterministic; see README)      []
#
# make bench-scale: how the costs grow with the work (items in flight,
# delayed items, workqueues, flushes, CPU hotplug, attribute changes, CPUs),
# v6.12 and ours with the same config under -icount, one boot per -smp
# (harness/bench-scale.py, harness/guest/bench-scale-job.sh); writes
# $(SCALE_OUT)/table.md, growth.md, results.json and one PNG per family.
# make bench-scale-report: the same from the logs of the last run.
#
#   SCALE_IMPLS   implementations                     [mainline ours]
#   SCALE_SMPS    -smp of the cpus family             [1 2 4 8]
#   SCALE_ITEMS   largest n of items in flight, delayed items  [1000000]
#   SCALE_WQS     largest n of workqueues             [10000]
#   SCALE_HP_MAX  largest n of the hotplug and attribute families [1000]
#   SCALE_BUDGET_MS  a series stops before a point that would take
#                 longer than this (guest ms)          [20000]
#   SCALE_OUT     output folder                       [out/bench/scale]

BENCH_ROUNDS ?= 3
BENCH_SMP ?= 4
BENCH_ARGS ?=
BENCH_MEM_N ?= 64
BENCH_IMPLS ?= mainline $(if $(wildcard kernel/workqueue.c),ours)
BENCH_OUT ?= $(CURDIR)/out/bench
BENCH_TIMEOUT ?= 900
# matplotlib comes from Debian's python3-matplotlib.
BENCH_PY ?= /usr/bin/python3

.PHONY: bench bench-report bench-steps bench-scale bench-scale-report

bench: deps
	@for impl in $(BENCH_IMPLS); do \
		$(MAKE) --no-print-directory build IMPL=$$impl CONFIG=qemu || exit 1; \
	done
	@$(BENCH_PY) harness/bench.py run --out $(BENCH_OUT) --impls "$(strip $(BENCH_IMPLS))" \
		--rounds $(BENCH_ROUNDS) --smp $(BENCH_SMP) --mem-n $(BENCH_MEM_N) \
		--timeout $(BENCH_TIMEOUT) $(if $(BENCH_ARGS),--mod '$(BENCH_ARGS)') \
		$(if $(filter 1,$(BENCH_ICOUNT)),--icount)

SCALE_IMPLS ?= mainline ours
SCALE_SMPS ?= 1 2 4 8
SCALE_ITEMS ?= 1000000
SCALE_WQS ?= 10000
SCALE_HP_MAX ?= 1000
SCALE_BUDGET_MS ?= 20000
SCALE_OUT ?= $(CURDIR)/out/bench/scale

bench-scale: deps
	@for impl in $(SCALE_IMPLS); do \
		$(MAKE) --no-print-directory build IMPL=$$impl CONFIG=qemu || exit 1; \
	done
	@$(BENCH_PY) harness/bench-scale.py run --out $(SCALE_OUT) --impls "$(strip $(SCALE_IMPLS))" \
		--smps "$(strip $(SCALE_SMPS))" --items $(SCALE_ITEMS) --wqs $(SCALE_WQS) \
		--hp-max $(SCALE_HP_MAX) --budget-ms $(SCALE_BUDGET_MS)

bench-scale-report:
	@$(BENCH_PY) harness/bench-scale.py report --out $(SCALE_OUT)

bench-report:
	@$(BENCH_PY) harness/bench.py report --out $(BENCH_OUT)

bench-steps: deps
	@[ -n "$(ROW)" ] || { echo 'make bench-steps ROW=<bench row>, e.g. ROW=lat.idle.irq.bh'; exit 1; }
	@for impl in $(BENCH_IMPLS); do \
		$(MAKE) --no-print-directory build IMPL=$$impl CONFIG=qemu || exit 1; \
	done
	@harness/steps.sh $(ROW) $(BENCH_IMPLS)
