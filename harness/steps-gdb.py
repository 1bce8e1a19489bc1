# SPDX-License-Identifier: GPL-2.0
#
# Run inside gdb by steps.sh: single-step one bench sample of a guest
# booted with -s -S and write the address of every instruction executed.
#
# Environment: STEPS_ROW (the bench row), STEPS_MAP (System.map of the
# guest), STEPS_OUT (output file), STEPS_SKIP (samples to let pass first),
# STEPS_SAMPLES (samples stepped, the shortest is kept).
#
# The sample starts at the entry of the row's queueing call (queue_work_on(),
# __tasklet_schedule(), flush_work(), ...) for an item whose function is in
# the bench module.  It ends at the first instruction of the item's function
# (latency rows: entered from process_one_work(), tasklet_action_common() or
# kthread_worker_fn()) or back in the module (op rows: the call returned).  gdb single-steps with
# interrupts and timers masked, so the path is that of the sample alone.

import os
import struct

import gdb

MODULES = 0xffffffffa0000000	# x86-64 module mapping, above kernel text
MAX_STEPS = 20000

row = os.environ["STEPS_ROW"]
skip = int(os.environ.get("STEPS_SKIP", "10"))
samples = int(os.environ.get("STEPS_SAMPLES", "3"))

# (function to break on, register holding the item, offset of its function)
if ".tasklet_hi" in row:
	start, reg, off = "__tasklet_hi_schedule", "$rdi", 24
elif ".tasklet" in row:
	start, reg, off = "__tasklet_schedule", "$rdi", 24
elif ".kthread_worker" in row:
	start, reg, off = "kthread_queue_work", "$rsi", 16
elif row.startswith("lat.") or row.startswith("op.queue_work."):
	start, reg, off = "queue_work_on", "$rdx", 24
elif row.startswith("op.flush_work.") or row.startswith("op.cancel_work_sync."):
	start, reg, off = row.split(".")[1], "$rdi", 24
else:
	raise gdb.GdbError("steps: row %s is not supported" % row)
latency = row.startswith("lat.")

# A busy row queues a noise item too; its sample is the one queued from
# the irq_work the noise item raises.
busy = row.startswith("lat.busy.")
callers = []
irq_work = None
syms = []
with open(os.environ["STEPS_MAP"]) as f:
	for line in f:
		addr, kind, name = line.split()[:3]
		if kind in "tTwW":
			syms.append((int(addr, 16), name))
syms.sort()
for i, (addr, name) in enumerate(syms[:-1]):
	if name in ("process_one_work", "tasklet_action_common",
		    "kthread_worker_fn"):
		callers.append((addr, syms[i + 1][0]))
	elif name == "irq_work_single":
		irq_work = (addr, syms[i + 1][0])


def from_irq_work():
	"""Is irq_work_single() among the return addresses on the stack?"""
	rsp = int(gdb.parse_and_eval("$rsp")) & 0xffffffffffffffff
	mem = gdb.selected_inferior().read_memory(rsp, 1024).tobytes()
	return any(irq_work[0] <= w < irq_work[1]
		   for w in struct.unpack("<128Q", mem))


def next_sample():
	"""Continue to the next queueing call of a sample."""
	while True:
		gdb.execute("continue")
		if not busy or from_irq_work():
			return


def step_sample():
	"""Single-step the sample from here; [] if it does not end."""
	pcs = []
	prev = 0
	for _ in range(MAX_STEPS):
		pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
		pcs.append(pc)
		if pc >= MODULES:
			if not latency or any(a <= prev < b for a, b in callers):
				return pcs
		prev = pc
		gdb.execute("stepi", to_string=True)
	return []


gdb.execute("set pagination off")
gdb.execute("target remote :1234")
gdb.execute("break %s if *(unsigned long *)(%s + %d) >= %#x" %
	    (start, reg, off, MODULES))
for _ in range(skip):
	next_sample()

# An IPI may also carry somebody else's wake-up, an irq exit may find
# other softirqs pending: of a few samples, keep the shortest.
best = []
for _ in range(samples):
	next_sample()
	gdb.execute("disable")
	pcs = step_sample()
	gdb.execute("enable")
	if pcs and (not best or len(pcs) < len(best)):
		best = pcs

with open(os.environ["STEPS_OUT"], "w") as f:
	f.writelines("%x\n" % pc for pc in best)
gdb.execute("kill")
