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

BENCH_ROUNDS ?= 3
BENCH_SMP ?= 4
BENCH_ARGS ?=
BENCH_MEM_N ?= 64
BENCH_IMPLS ?= mainline $(if $(wildcard kernel/workqueue.c),ours)
BENCH_OUT ?= $(CURDIR)/out/bench
BENCH_TIMEOUT ?= 900
# matplotlib comes from Debian's python3-matplotlib.
BENCH_PY ?= /usr/bin/python3

.PHONY: bench bench-report bench-steps

bench: deps
	@for impl in $(BENCH_IMPLS); do \
		$(MAKE) --no-print-directory build IMPL=$$impl CONFIG=qemu || exit 1; \
	done
	@$(BENCH_PY) harness/bench.py run --out $(BENCH_OUT) --impls "$(strip $(BENCH_IMPLS))" \
		--rounds $(BENCH_ROUNDS) --smp $(BENCH_SMP) --mem-n $(BENCH_MEM_N) \
		--timeout $(BENCH_TIMEOUT) $(if $(BENCH_ARGS),--mod '$(BENCH_ARGS)') \
		$(if $(filter 1,$(BENCH_ICOUNT)),--icount)

bench-report:
	@$(BENCH_PY) harness/bench.py report --out $(BENCH_OUT)

bench-steps: deps
	@[ -n "$(ROW)" ] || { echo 'make bench-steps ROW=<bench row>, e.g. ROW=lat.idle.irq.bh'; exit 1; }
	@for impl in $(BENCH_IMPLS); do \
		$(MAKE) --no-print-directory build IMPL=$$impl CONFIG=qemu || exit 1; \
	done
	@harness/steps.sh $(ROW) $(BENCH_IMPLS)
