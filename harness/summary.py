#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""summary.py RESULTS IMPL...: side-by-side table of every suite for each
implementation, then "N passed, N failed".  Exit status 1 on any failure.

Counts are test cases: KUnit cases from kunit.py's JSON, and kselftest
scripts from the guest's WQH-KSFT lines.  A stage that failed as a whole
(build, boot, hang, kernel report in the log) counts as one failure."""
import json
import os
import re
import sys

res, impls = sys.argv[1], sys.argv[2:]
rows = {}        # suite -> impl -> [pass, fail, skip]
problems = []


def count(suite, impl, status):
    c = rows.setdefault(suite, {}).setdefault(impl, [0, 0, 0])
    c[{'PASS': 0, 'FAIL': 1, 'SKIP': 2}.get(status, 1)] += 1


def walk(group, impl, prefix, suite=None):
    for case in group.get('test_cases', []):
        count(prefix + '/' + (suite or group['name']), impl, case['status'])
    for sub in group.get('sub_groups', []):
        walk(sub, impl, prefix, sub['name'] if suite is None else suite)


stages = {}
if os.path.exists(os.path.join(res, 'status')):
    for line in open(os.path.join(res, 'status')):
        name, impl, st, secs = line.split()
        stages[(name, impl)] = (st, secs)

for impl in impls:
    for kind in ('', '-rt'):
        path = os.path.join(res, 'kunit-%s%s.json' % (impl, kind))
        if os.path.exists(path):
            walk(json.load(open(path)), impl, 'kunit' + kind)
    for config in ('qemu', 'debug', 'rt'):
        path = os.path.join(res, 'kselftest-%s-%s.log' % (impl, config))
        if not os.path.exists(path):
            continue
        for line in open(path, errors='replace'):
            m = re.match(r'WQH-KSFT: (\S+) (pass|fail|skip)', line.strip())
            if m:
                count('kselftest-%s/%s' % (config, m.group(1)), impl,
                      m.group(2).upper())
    for (name, i), (st, secs) in sorted(stages.items()):
        if i == impl and st != 'ok':
            count('stage/' + name, impl, 'FAIL')
            problems.append('%s %s failed after %ss' % (impl, name, secs))

width = max([len(s) for s in rows] + [20])
print()
print('%-*s  %s' % (width, 'suite', '  '.join('%-18s' % i for i in impls)))
print('%-*s  %s' % (width, '-' * width, '  '.join('-' * 18 for _ in impls)))
for suite in sorted(rows):
    cells = []
    for impl in impls:
        c = rows[suite].get(impl)
        if c is None:
            cells.append('%-18s' % '-')
        else:
            cells.append('%-18s' % ('%dp %df %ds' % tuple(c)))
    print('%-*s  %s' % (width, suite, '  '.join(cells)))
print()
for (name, impl), (st, secs) in sorted(stages.items(), key=lambda x: x[0][1]):
    print('  %-8s %-16s %-6s %5ss' % (impl, name, st, secs))
for p in problems:
    print('problem: ' + p)
passed = sum(c[0] for r in rows.values() for c in r.values())
failed = sum(c[1] for r in rows.values() for c in r.values())
print()
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed or not passed else 0)
