#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""patches-figures.py: print a draft of harness/patches/figures.txt from the
results of the last `make test` ($RESULTS, by default $BUILD/results) and
`make bench` (out/bench/results.json).  Nothing is written: review the figures, then
paste the sections you want into harness/patches/figures.txt."""
import json
import os
import re
import sys

repo = os.environ.get('REPO') or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.environ.get('BUILD') or os.path.join(repo, 'build')
res = os.environ.get('RESULTS') or os.path.join(build, 'results')


def stage_times():
    times = {}
    path = os.path.join(res, 'status')
    if os.path.exists(path):
        for line in open(path):
            f = line.split()
            if len(f) == 4:
                times[(f[0], f[1])] = (f[2], f[3])
    return times


def kunit():
    out, suites_seen = [], set()
    times = stage_times()
    for impl in ('mainline', 'ours'):
        path = os.path.join(res, 'kunit-%s.json' % impl)
        if not os.path.exists(path):
            continue
        c = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}

        def walk(group, suite=None):
            for case in group.get('test_cases', []):
                c[case['status'] if case['status'] in c else 'FAIL'] += 1
                suites_seen.add(suite or group['name'])
            for sub in group.get('sub_groups', []):
                walk(sub, sub['name'] if suite is None else suite)
        walk(json.load(open(path)))
        secs = times.get(('kunit', impl), ('', '?'))[1]
        out.append('  %-9s %d passed, %d failed, %d skipped, in %s s'
                   % (impl + ':', c['PASS'], c['FAIL'], c['SKIP'], secs))
    if out:
        out.insert(0, '  kunit.py run --arch=x86_64, -smp 4: %d suites' % len(suites_seen))
    return out


def kselftest():
    out = []
    for impl in ('mainline', 'ours'):
        for config in ('qemu', 'debug'):
            path = os.path.join(res, 'kselftest-%s-%s.log' % (impl, config))
            if not os.path.exists(path):
                continue
            c = {'pass': 0, 'fail': 0, 'skip': 0}
            for line in open(path, errors='replace'):
                m = re.match(r'WQH-KSFT: (\S+) (pass|fail|skip)', line.strip())
                if m:
                    c[m.group(2)] += 1
            out.append('  %-9s %-6s %d passed, %d failed, %d skipped'
                       % (impl + ':', config, c['pass'], c['fail'], c['skip']))
    return out


def bench():
    path = os.path.join(repo, 'out/bench/results.json')
    if not os.path.exists(path):
        return []
    rows = [r for r in json.load(open(path))['rows'] if r.get('ratio_med') is not None]
    cells = ['%-30s %5.2f' % (r['row'], r['ratio_med']) for r in rows]
    return ['  ' + '  '.join(cells[i:i + 2]) for i in range(0, len(cells), 2)]


def section(name, lines, note):
    print('[%s]' % name)
    if lines:
        print('\n'.join(lines))
    else:
        print('# %s' % note)
    print()


k, s = kunit(), kselftest()
section('kunit', k, 'no KUnit results in %s; run make test' % res)
section('kselftest', s, 'no kselftest logs in %s; run make test' % res)
section('tests', (['  KUnit:'] + ['  ' + l for l in k] if k else []) +
        (['  kselftests:'] + ['  ' + l for l in s] if s else []),
        'no results in %s; run make test' % res)
section('bench-summary', bench(), 'no out/bench/results.json with ours; run make bench')
section('torture', [], 'totals of the 10-minute torture run: queued, ran, cancelled, '
        'lost, duplicated, hotplug transitions, freezer cycles')
sys.exit(0)
