#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""maintainers.py BASE_MAINTAINERS OURS: print BASE with the F: lines of OURS
added to the WORKQUEUE entry, in sorted order; no other line changes."""
import sys

base = open(sys.argv[1]).read().split('\n')
ours = [l for l in open(sys.argv[2]).read().split('\n') if l.startswith('F:\t')]
start = base.index('WORKQUEUE')
end = base.index('', start)
entry = base[start:end]
files = sorted(set([l for l in entry if l.startswith('F:\t')] + ours))
head = [l for l in entry if not l.startswith('F:\t')]
# The entry lists its F: lines last; keep that shape.
entry = head + files
sys.stdout.write('\n'.join(base[:start] + entry + base[end:]))
