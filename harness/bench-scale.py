#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-scale.py: how workqueue costs grow with the work, v6.12 against ours.

  bench-scale.py run    --out DIR --impls "mainline ours" [--smps "1 2 4 8"] ...
  bench-scale.py report --out DIR

`run` boots each implementation once with -smp MAIN_SMP and the job
harness/guest/bench-scale-job.sh in its main mode (every family), then once
per other -smp with only the cpus family, all under QEMU -icount unless
--no-icount; the console logs go to DIR/logs/IMPL-smpN.log.  `report`
reads the WQSCALE lines of those logs and writes:

  DIR/table.md     one line per family, series, metric and n: both kernels
  DIR/growth.md    per series: the figure at the smallest and the largest n
                   and the growth seen, for both kernels
  DIR/results.json the same, machine-readable
  DIR/FAMILY.png   one log-log plot per family, both kernels on each
"""

import argparse
import datetime
import json
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench  # noqa: E402  (machine(), say())

BASE = 'mainline'
# Other logs in DIR/logs, IMPL-smpN.log, are reported as a third kernel
# (ours_before: ours before a fix, kept by hand from an earlier run).
NAMES = {'mainline': 'v6.12', 'ours': 'ours', 'ours_before': 'ours before the fix'}
LINE = re.compile(r'(WQSCALE(?:-GUEST)?) (\{.*\})\s*$')
FAMILIES = {
    'inflight': 'items in flight: queue n items, then flush_workqueue()',
    'delayed': 'delayed items: arm n, mod_delayed_work() and cancel_delayed_work() each',
    'wqs': 'workqueues: create n, then destroy them',
    'mem': 'memory per workqueue with n held (/proc/meminfo)',
    'flush': 'flush_workqueue()/drain_workqueue() with n items over all CPUs\' pwqs',
    'hotplug': 'CPU hotplug with n unbound workqueues',
    'attrs': 'attribute changes with n unbound workqueues',
    'cpus': 'CPUs: n = -smp',
}
# Figures that are a whole operation against n (not a cost per unit of n)
WHOLE = ('ns', 'threads')


def say(msg):
    bench.say(msg)


# ---------------------------------------------------------------- parsing

def parse_log(path, impl, points, problems):
    """Add the WQSCALE points of one log to points[(fam, series, metric)][impl]."""
    guest = {}
    with open(path, errors='replace') as f:
        for line in f:
            line = line.replace('\r', '')
            if 'WQSCALE-GUEST-ERROR' in line:
                problems.append('%s: %s' % (os.path.basename(path), line.strip()))
                continue
            m = LINE.search(line)
            if not m:
                if '"error":' in line and 'WQBENCH' in line:
                    problems.append('%s: %s' % (os.path.basename(path), line.strip()))
                continue
            try:
                obj = json.loads(m.group(2))
            except ValueError:
                problems.append('%s: unparsable: %s' % (os.path.basename(path), line.strip()[:120]))
                continue
            if m.group(1) == 'WQSCALE-GUEST':
                guest = obj
                continue
            key = (obj['fam'], obj['series'], obj['metric'])
            entry = points.setdefault(key, {'unit': obj['unit']}).setdefault(impl, {})
            entry[int(obj['n'])] = None if obj.get('capped') else obj['v']
    return guest


def load(out):
    points, problems, guests = {}, [], {}
    logdir = os.path.join(out, 'logs')
    if not os.path.isdir(logdir):
        return points, problems, guests
    for name in sorted(os.listdir(logdir)):
        m = re.match(r'(\w+)-smp(\d+)\.log$', name)
        if m:
            guests[name] = parse_log(os.path.join(logdir, name), m.group(1), points, problems)
    return points, problems, guests


# ---------------------------------------------------------------- growth

def totals(series, unit, whole):
    """(n, whole cost) of the measured points: a cost per unit times n."""
    out = []
    for n, v in sorted(series.items()):
        if v is None or n <= 0:
            continue
        out.append((n, v if whole or unit in WHOLE else v * n))
    return out


def growth(series, unit, whole=False):
    """How the whole cost grows with n over the three largest n measured:
    constant, log, linear or worse, with the exponent k of its increments
    (the growth from the second to the third point against that from the
    first to the second: 1 when linear, 0 when each decade adds the same)."""
    pts = totals(series, unit, whole)[-3:]
    if len(pts) < 2:
        return '-'
    (n1, t1), (n3, t3) = pts[0], pts[-1]
    if t3 <= 1.25 * t1 and t1 > 0:
        return 'constant'
    if len(pts) < 3:
        k = math.log10(t3 / t1) / math.log10(n3 / n1) if t1 > 0 else 1.0
    else:
        (_, t2), (n2, _) = pts[1], pts[1]
        d1, d2 = t2 - t1, t3 - t2
        if d1 <= 0 or d2 <= 0:
            return 'irregular'
        k = math.log10(d2 / d1) / math.log10((n3 - n2) / (n2 - n1))
    if k < 0.3:
        word = 'log'
    elif k < 1.3:
        word = 'linear'
    else:
        word = 'worse'
    return '%s (k=%.2f)' % (word, k)


def fmt(v, unit):
    if v is None:
        return 'capped'
    if unit.startswith('ns') and v >= 10000000:
        return '%.1fms' % (v / 1e6)
    if unit.startswith('ns') and v >= 10000:
        return '%.1fus' % (v / 1e3)
    return '%d' % v


# ---------------------------------------------------------------- report

def write_tables(out, points, impls, info):
    keys = sorted(points, key=lambda k: (list(FAMILIES).index(k[0]) if k[0] in FAMILIES else 99,
                                         k[1], k[2]))
    heads = ['family', 'series', 'metric', 'unit', 'n'] + [NAMES.get(i, i) for i in impls]
    if BASE in impls and 'ours' in impls:
        heads.append('ours/v6.12')
    rows, grow, js = [], [], []
    for key in keys:
        p = points[key]
        unit = p['unit']
        ns = sorted(set(n for i in impls for n in p.get(i, {})))
        for n in ns:
            vals = [p.get(i, {}).get(n, None) if n in p.get(i, {}) else '' for i in impls]
            r = list(key) + [unit, '%d' % n] + [fmt(v, unit) if v != '' else '-' for v in vals]
            if len(heads) > len(r):
                a, b = p.get(BASE, {}).get(n), p.get('ours', {}).get(n)
                r.append('%.2f' % (b / a) if a and b is not None else '-')
            rows.append(r)
        g = list(key) + [unit, '%d..%d' % (ns[0], ns[-1]) if ns else '-']
        for i in impls:
            s = p.get(i, {})
            meas = [n for n in sorted(s) if s[n] is not None]
            capped = [n for n in sorted(s) if s[n] is None]
            g.append('%s .. %s, %s%s' % (
                fmt(s[meas[0]], unit) if meas else '-', fmt(s[meas[-1]], unit) if meas else '-',
                growth(s, unit, key[0] == 'cpus'), ', capped from n=%d' % capped[0] if capped else ''))
        grow.append(g)
        js.append({'family': key[0], 'series': key[1], 'metric': key[2], 'unit': unit,
                   'points': {i: {str(n): v for n, v in sorted(p.get(i, {}).items())}
                              for i in impls},
                   'growth': {i: growth(p.get(i, {}), unit, key[0] == 'cpus')
                              for i in impls}})
    intro = ['# Workqueue scaling: %s' % ' vs '.join(NAMES.get(i, i) for i in impls), '',
             '- date: %s' % info['date'], '- machine: %s' % info['machine'],
             '- commit: %s' % info['commit'], '- guest: %s' % info['guest'], '']
    md = intro + ['| ' + ' | '.join(heads) + ' |', '|' + '---|' * len(heads)]
    md += ['| ' + ' | '.join(r) + ' |' for r in rows]
    md += ['', '"capped": not run, the point before took more than a tenth of the budget.']
    with open(os.path.join(out, 'table.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    gh = ['family', 'series', 'metric', 'unit', 'n'] + [
        '%s: smallest n .. largest n, growth' % NAMES.get(i, i) for i in impls]
    gm = intro + ['Growth is that of the whole cost against n (a cost per item, call or',
                  'workqueue times n; a figure in ns or threads as it is) over the three',
                  'largest n measured: "linear" is a constant cost per unit of n.  k compares',
                  'the growth from the 2nd to the 3rd point with that from the 1st to the',
                  '2nd: 1 for linear, 0 when each decade adds the same (log), 2 for n^2.',
                  'The cpus family is the exception: there the figure itself, per item or',
                  'per call, is set against the number of CPUs.', '',
                  '| ' + ' | '.join(gh) + ' |', '|' + '---|' * len(gh)]
    gm += ['| ' + ' | '.join(r) + ' |' for r in grow]
    with open(os.path.join(out, 'growth.md'), 'w') as f:
        f.write('\n'.join(gm) + '\n')
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump({'info': info, 'series': js}, f, indent=1)
    return gm


def plot(out, points, impls):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        say('matplotlib missing: no plots (apt-get install python3-matplotlib)')
        return []
    written = []
    styles = {BASE: ('-', 'o'), 'ours': ('--', 's'), 'ours_before': (':', 'x')}
    for fam, title in FAMILIES.items():
        keys = sorted(k for k in points if k[0] == fam)
        if not keys:
            continue
        # one panel per unit, one colour per series and metric
        units = sorted(set(points[k]['unit'] for k in keys))
        fig, axes = plt.subplots(1, len(units), figsize=(7 * len(units), 5.5), squeeze=False)
        cmap = plt.get_cmap('tab10')
        for ax, unit in zip(axes[0], units):
            ks = [k for k in keys if points[k]['unit'] == unit]
            for c, k in enumerate(ks):
                for impl in impls:
                    s = points[k].get(impl, {})
                    xy = [(n, v) for n, v in sorted(s.items()) if v is not None and v > 0]
                    if not xy:
                        continue
                    ls, mk = styles.get(impl, (':', '^'))
                    ax.plot([x for x, _ in xy], [y for _, y in xy], linestyle=ls, marker=mk,
                            color=cmap(c % 10), label='%s.%s (%s)' % (k[1], k[2], NAMES.get(impl, impl)))
            ax.set_xscale('log')
            ax.set_yscale('log')
            ax.set_xlabel('n' if fam != 'cpus' else 'CPUs (-smp)')
            ax.set_ylabel(unit)
            ax.grid(True, which='both', alpha=0.3)
            ax.legend(fontsize=7)
        fig.suptitle('%s\nv6.12 solid, ours dashed%s' % (
            title, ', ours before the fix dotted' if 'ours_before' in impls else ''))
        fig.tight_layout()
        path = os.path.join(out, '%s.png' % fam)
        fig.savefig(path, dpi=80)
        plt.close(fig)
        written.append(os.path.basename(path))
    return written


def commit():
    try:
        return subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'],
                              capture_output=True, text=True, check=False).stdout.strip() or '?'
    except OSError:
        return '?'


def report(args):
    points, problems, guests = load(args.out)
    if not points:
        say('no WQSCALE lines under %s/logs; run `make bench-scale` first' % args.out)
        return 1
    found = set(i for p in points.values() for i in p if i != 'unit')
    impls = [i for i in (BASE, 'ours') if i in found] + sorted(found - {BASE, 'ours'})
    status = {}
    path = os.path.join(args.out, 'run.json')
    if os.path.exists(path):
        with open(path) as f:
            status = json.load(f)
    rel = sorted(set(g.get('release', '?') for g in guests.values()))
    info = {'date': status.get('date', datetime.date.today().isoformat()),
            'machine': status.get('machine', bench.machine()),
            'commit': status.get('commit', commit()),
            'guest': '%s; main families at -smp %s%s; run took %ss' % (
                ', '.join(rel), status.get('main_smp', '?'),
                '; QEMU -icount shift=0: 1 ns = 1 instruction' if status.get('icount', True) else '',
                status.get('seconds', '?'))}
    gm = write_tables(args.out, points, impls, info)
    pngs = plot(args.out, points, impls)
    print('\n'.join(gm))
    for p in problems:
        say('problem: ' + p)
    say('wrote %s/table.md, growth.md, results.json, %s' % (args.out, ', '.join(pngs)))
    return 1 if problems else 0


# ---------------------------------------------------------------- running

def run(args):
    impls = args.impls.split()
    smps = [int(s) for s in args.smps.split()]
    logdir = os.path.join(args.out, 'logs')
    os.makedirs(logdir, exist_ok=True)
    for name in os.listdir(logdir):
        os.unlink(os.path.join(logdir, name))
    env = ['wqh.env.WQS_ITEMS=%d' % args.items, 'wqh.env.WQS_WQS=%d' % args.wqs,
           'wqh.env.WQS_HP_MAX=%d' % args.hp_max, 'wqh.env.WQS_BUDGET=%d' % args.budget_ms]
    status = {'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
              'machine': bench.machine(), 'commit': commit(), 'icount': args.icount,
              'main_smp': args.main_smp, 'boots': []}
    t_all = time.time()
    failed = 0
    boots = [(impl, args.main_smp, 'main') for impl in impls]
    boots += [(impl, s, 'cpus') for s in smps if s != args.main_smp for impl in impls]
    for impl, smp, mode in boots:
        log = os.path.join(logdir, '%s-smp%d.log' % (impl, smp))
        cmd = [os.path.join(HERE, 'boot.sh'), '--timeout', str(args.timeout if mode == 'main'
                                                                 else args.timeout // 4),
               '--smp', str(smp), '--job', os.path.join(HERE, 'guest', 'bench-scale-job.sh'),
               '--log', log, '--append', ' '.join(env + ['wqh.env.WQS_MODE=%s' % mode])]
        cmd += ['--icount'] if args.icount else []
        cmd += [impl, 'qemu', 'job']
        say('%s -smp %d (%s)' % (impl, smp, mode))
        t0 = time.time()
        rc = subprocess.run(cmd, check=False).returncode
        took = round(time.time() - t0)
        status['boots'].append({'impl': impl, 'smp': smp, 'mode': mode, 'rc': rc, 'seconds': took})
        if rc:
            failed += 1
            say('%s -smp %d failed (exit %d); its log: %s' % (impl, smp, rc, log))
    status['seconds'] = round(time.time() - t_all)
    with open(os.path.join(args.out, 'run.json'), 'w') as f:
        json.dump(status, f, indent=1)
    say('%d boot(s) in %ds' % (len(status['boots']), status['seconds']))
    rc = report(args)
    return 1 if failed else rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('--out', default=os.path.join(REPO, 'out', 'bench', 'scale'))
    r.add_argument('--impls', default='mainline ours')
    r.add_argument('--smps', default='1 2 4 8', help='-smp of the cpus family')
    r.add_argument('--main-smp', type=int, default=4, help='-smp of the other families')
    r.add_argument('--items', type=int, default=1000000)
    r.add_argument('--wqs', type=int, default=10000)
    r.add_argument('--hp-max', type=int, default=1000)
    r.add_argument('--budget-ms', type=int, default=20000)
    r.add_argument('--timeout', type=int, default=2400, help='seconds for a main boot')
    r.add_argument('--no-icount', dest='icount', action='store_false')
    p = sub.add_parser('report')
    p.add_argument('--out', default=os.path.join(REPO, 'out', 'bench', 'scale'))
    args = ap.parse_args()
    sys.exit(run(args) if args.cmd == 'run' else report(args))


if __name__ == '__main__':
    main()
