#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""steps-report.py ROW (IMPL MAP ADDRS)...: instructions per function.

For each implementation, the functions the stepped sample ran through, in
order (consecutive instructions in one function make one line), and the
total.  Module code is shown as [module].
"""
import bisect
import sys

MODULES = 0xffffffffa0000000


def load_map(path):
	syms = []
	with open(path) as f:
		for line in f:
			addr, kind, name = line.split()[:3]
			if kind in "tTwW":
				syms.append((int(addr, 16), name))
	syms.sort()
	return [a for a, _ in syms], [n for _, n in syms]


def runs(map_path, addrs_path):
	addrs, names = load_map(map_path)
	out = []
	with open(addrs_path) as f:
		for line in f:
			pc = int(line, 16)
			if pc >= MODULES:
				name = "[module]"
			else:
				name = names[bisect.bisect_right(addrs, pc) - 1]
			if out and out[-1][0] == name:
				out[-1][1] += 1
			else:
				out.append([name, 1])
	return out


def main():
	row, args = sys.argv[1], sys.argv[2:]
	print("%s: instructions from the queueing call to the item (latency rows)"
	      % row)
	print("or to the return (op rows), the shortest of the samples stepped\n")
	for i in range(0, len(args), 3):
		impl = args[i]
		path = runs(args[i + 1], args[i + 2])
		print("%s: %d instructions" % (impl, sum(n for _, n in path)))
		for name, n in path:
			print("  %5d  %s" % (n, name))
		print()


main()
