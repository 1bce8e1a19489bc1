#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench.py: run the workqueue benchmark in QEMU and report it.

  bench.py run    --out DIR --impls "mainline ours" [--rounds N] [--smp N] ...
  bench.py report --out DIR

`run` boots each implementation ROUNDS times, alternating (A B, B A, A B...),
with harness/bench-guest.sh as the guest job, keeps each console log in
DIR/logs/IMPL-rK.log, then reports.  `report` parses those logs and writes:

  DIR/table.md      the table (also printed), one line per row
  DIR/results.json  the same figures, machine-readable
  DIR/latency.png   latency distributions (CDF per mechanism, per impl)

Per row and implementation, each figure is the median over the rounds of the
per-round figure.  The ratio ours/v6.12 is the median of the per-pair ratios
(round K of ours against round K of v6.12).  For latency, cost, kworker and
memory rows a ratio below 1 is better; for throughput rows the ratio is of
items/s, so above 1 is better.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BASE = 'mainline'
LINE = re.compile(r'(WQBENCH(?:-MEM|-GUEST)?) (\{.*\})\s*$')
MEM_FIELDS = ('slab', 'percpu', 'kstack')


def say(msg):
    print('[wq] ' + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- parsing

def parse_log(path):
    """Rows of one boot: {row: dict}, plus meta, guest info and errors."""
    rows, mem, meta, guest, done, errors = {}, {}, {}, {}, None, []
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.search(line.replace('\r', ''))
            if not m:
                if 'WQBENCH-GUEST-ERROR' in line:
                    errors.append(line.strip())
                continue
            tag, body = m.groups()
            try:
                obj = json.loads(body)
            except ValueError:
                errors.append('unparsable: ' + line.strip()[:120])
                continue
            if tag == 'WQBENCH-GUEST':
                guest = obj
            elif tag == 'WQBENCH-MEM':
                mem.setdefault(obj['kind'], []).append(obj)
            elif 'meta' in obj:
                meta = obj['meta']
            elif 'done' in obj:
                done = obj
            elif 'row' in obj:
                if 'error' in obj:
                    errors.append('%s: error %s' % (obj['row'], obj['error']))
                else:
                    rows[obj['row']] = obj
    for kind, reps in mem.items():
        vals = {k: statistics.median(r[k] for r in reps) for k in MEM_FIELDS}
        total = sorted(sum(r[k] for k in MEM_FIELDS) for r in reps)
        rows['mem.%s' % kind] = {
            'row': 'mem.%s' % kind, 'unit': 'bytes', 'n': len(total),
            'min': total[0], 'med': statistics.median(total),
            'p99': total[-1], 'max': total[-1], **{'mem_' + k: v for k, v in vals.items()},
        }
    if done is None:
        errors.append('no "done" line: the module did not finish')
    return {'rows': rows, 'meta': meta, 'guest': guest, 'done': done, 'errors': errors}


def load_runs(out):
    """{impl: [run, ...]} ordered by round, from DIR/logs/IMPL-rK.log."""
    runs = {}
    logdir = os.path.join(out, 'logs')
    if not os.path.isdir(logdir):
        return runs
    pat = re.compile(r'^(\w+)-r(\d+)\.log$')
    for name in sorted(os.listdir(logdir)):
        m = pat.match(name)
        if not m:
            continue
        run = parse_log(os.path.join(logdir, name))
        run['round'] = int(m.group(2))
        run['log'] = name
        runs.setdefault(m.group(1), []).append(run)
    for impl in runs:
        runs[impl].sort(key=lambda r: r['round'])
    return runs


# ---------------------------------------------------------------- figures

def is_tput(row):
    return row.startswith('tput.')


def tput_rate(obj):
    """Items/s of a throughput row, from its median batch: producers * 1e9 / med.

    The median batch rather than the wall-clock rate, because a host that
    deschedules a vCPU for milliseconds (TCG on a shared machine) shows up as a
    few huge batches; the wall-clock rate is kept in results.json as "rate".
    """
    if not obj.get('med'):
        return None
    return obj.get('producers', 1) * 1e9 / obj['med']


def key_value(row, obj, which):
    """The figure a ratio compares: items/s for throughput, else med/p99."""
    if is_tput(row):
        return tput_rate(obj) if which == 'med' else None
    return obj.get(which)


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def ratio(runs, row, which):
    """Median of per-pair ratios ours/v6.12 (pairs matched by round)."""
    base = {r['round']: r['rows'].get(row) for r in runs.get(BASE, [])}
    out = []
    for r in runs.get('ours', []):
        a, b = base.get(r['round']), r['rows'].get(row)
        if not a or not b:
            continue
        va, vb = key_value(row, a, which), key_value(row, b, which)
        if va and vb is not None:
            out.append(vb / va)
    return med(out)


def summarize(runs):
    names = []
    for impl_runs in runs.values():
        for r in impl_runs:
            for n in r['rows']:
                if n not in names:
                    names.append(n)
    order = ('lat.idle.irq', 'lat.idle.task', 'lat.busy', 'tput.', 'op.', 'res.', 'mem.')
    first_seen = {n: i for i, n in enumerate(names)}

    def rank(n):
        for i, p in enumerate(order):
            if n.startswith(p):
                return (i, first_seen[n])
        return (len(order), first_seen[n])
    names.sort(key=rank)

    table = []
    for n in names:
        entry = {'row': n}
        for impl, impl_runs in runs.items():
            objs = [r['rows'][n] for r in impl_runs if n in r['rows']]
            if not objs:
                continue
            fig = {k: med(o.get(k) for o in objs)
                   for k in ('min', 'med', 'p99', 'max', 'rate')}
            fig['n'] = sum(o.get('n', 0) for o in objs)
            fig['rounds'] = len(objs)
            fig['unit'] = objs[0].get('unit', '')
            if is_tput(n):
                fig['items_s'] = med(tput_rate(o) for o in objs)
            q = [o['q'] for o in objs if 'q' in o]
            if q:
                fig['q'] = [statistics.median(col) for col in zip(*q)]
            for k in objs[0]:
                if k.startswith('mem_'):
                    fig[k] = med(o.get(k) for o in objs)
            entry[impl] = fig
        if 'ours' in runs:
            entry['ratio_med'] = ratio(runs, n, 'med')
            entry['ratio_p99'] = ratio(runs, n, 'p99')
        table.append(entry)
    return table


# ---------------------------------------------------------------- output

def fmt(v, unit=''):
    if v is None:
        return '-'
    if isinstance(v, float) and not v.is_integer():
        v = round(v)
    v = int(v)
    if unit in ('ns', 'ns/item'):
        if v >= 1_000_000:
            return '%.2fms' % (v / 1e6)
        if v >= 10_000:
            return '%.1fus' % (v / 1e3)
        return '%dns' % v
    if unit == 'rate':
        if v >= 1_000_000:
            return '%.2fM/s' % (v / 1e6)
        if v >= 1_000:
            return '%.1fk/s' % (v / 1e3)
        return '%d/s' % v
    if unit == 'bytes':
        return '%dB' % v
    return str(v)


def fmt_ratio(v):
    return '-' if v is None else '%.2f' % v


def targets(table, have_ours):
    """The issue's targets, checked; a list of lines."""
    by = {e['row']: e for e in table}
    lines = []

    def bh_vs_tasklet(impl):
        out = []
        for fam in ('lat.idle.irq', 'lat.idle.task', 'lat.busy'):
            for bh, tl in (('bh', 'tasklet'), ('bh_highpri', 'tasklet_hi')):
                a, b = by.get('%s.%s' % (fam, bh), {}), by.get('%s.%s' % (fam, tl), {})
                if impl in a and impl in b and b[impl]['med']:
                    out.append('%s.%s/%s %.2f' % (fam, bh, tl, a[impl]['med'] / b[impl]['med']))
        return out

    for impl in ([BASE, 'ours'] if have_ours else [BASE]):
        r = bh_vs_tasklet(impl)
        if r:
            label = 'v6.12' if impl == BASE else 'ours'
            lines.append('BH median latency / tasklet (%s; target <= 1.10): %s' % (label, ', '.join(r)))
    if not have_ours:
        return lines
    bad_t = [e['row'] for e in table if is_tput(e['row'])
             and e.get('ratio_med') is not None and e['ratio_med'] < 1.0]
    # Latency targets concern the workqueue rows, not the peers.
    bad_l = [e['row'] for e in table if e['row'].startswith(('lat.', 'op.'))
             and not any(p in e['row'] for p in ('tasklet', 'kthread_worker'))
             and any(e.get(k) is not None and e[k] > 1.0 for k in ('ratio_med', 'ratio_p99'))]
    kw = [e for e in table if e['row'].startswith('res.kworkers') and e['row'].endswith('.after')]
    bad_k = [e['row'] for e in kw if BASE in e and 'ours' in e and e['ours']['med'] > e[BASE]['med']]
    lines.append('throughput ratio >= 1.0: %s' % ('met' if not bad_t else 'missed by ' + ', '.join(bad_t)))
    lines.append('latency/cost ratio (median and p99) <= 1.0: %s' %
                 ('met' if not bad_l else 'missed by ' + ', '.join(bad_l)))
    lines.append('kworkers after a burst <= v6.12: %s' % ('met' if not bad_k else 'missed by ' + ', '.join(bad_k)))
    return lines


def write_table(out, table, runs, info):
    have_ours = 'ours' in runs
    impls = [BASE] + (['ours'] if have_ours else [])
    head = ['row', 'unit']
    for impl in impls:
        label = 'v6.12' if impl == BASE else 'ours'
        head += ['%s %s' % (label, k) for k in ('n', 'min', 'med', 'p99', 'max', 'items/s')]
    if have_ours:
        head += ['ratio', 'ratio p99']
    rows = []
    for e in table:
        unit = next((e[i]['unit'] for i in impls if i in e), '')
        line = [e['row'], unit]
        for impl in impls:
            f = e.get(impl)
            if not f:
                line += ['-'] * 6
                continue
            line += [str(f['n'])] + [fmt(f[k], unit) for k in ('min', 'med', 'p99', 'max')]
            line.append(fmt(f.get('items_s'), 'rate') if is_tput(e['row']) else '')
        if have_ours:
            line += [fmt_ratio(e.get('ratio_med')),
                     '' if is_tput(e['row']) else fmt_ratio(e.get('ratio_p99'))]
        rows.append(line)

    legend = [
        'lat.*: queue-to-start latency; op.*: cost of one call or round trip; tput.*: '
        'ns per item of a batch, and items/s = producers x 1e9 / median; res.*: kworker '
        'threads; mem.*: bytes per alloc_workqueue() (slab + percpu + kernel stacks).  '
        'min/med/p99/max are over the samples of a run, then the median over runs; n is '
        'the sum over runs.']
    if have_ours:
        legend.append('ratio: ours/v6.12, the median of the per-round ratios, of items/s for '
                      'tput.* (higher is better) and of the median for the others (lower is '
                      'better); ratio p99 likewise of the p99.')
    md = ['# Workqueue benchmark, %s' % info['date'], '',
          'Machine: %s.  Guest: %s.' % (info['machine'], info['guest'])]
    md += ['', info['note']] if info.get('note') else []
    md += ['', '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    md += ['| ' + ' | '.join(r) + ' |' for r in rows]
    tail = [''] + legend + [''] + ['- ' + t for t in targets(table, have_ours)]
    with open(os.path.join(out, 'table.md'), 'w') as f:
        f.write('\n'.join(md + tail) + '\n')

    # The same, fixed width, for the terminal and the README.
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    plain = ['  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows]
    intro = md[:md.index('| ' + ' | '.join(head) + ' |')]
    with open(os.path.join(out, 'table.txt'), 'w') as f:
        f.write('\n'.join(intro + plain + tail) + '\n')
    return plain


def plot(out, table, runs, ranks):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        say('matplotlib missing: no plot (apt-get install python3-matplotlib)')
        return None
    fams = [('lat.idle.irq.', 'idle pool, queued from hard irq'),
            ('lat.idle.task.', 'idle pool, queued from a kthread'),
            ('lat.busy.', 'busy pool, queued from hard irq'),
            ('op.', 'cost of calls')]
    fig, axes = plt.subplots(2, 2, figsize=(15, 11))
    cmap = plt.get_cmap('tab10')
    y = [r / 1000 for r in ranks]
    for ax, (prefix, title) in zip(axes.flat, fams):
        entries = [e for e in table if e['row'].startswith(prefix)]
        for i, e in enumerate(entries):
            for impl, style in ((BASE, '-'), ('ours', '--')):
                f = e.get(impl)
                if not f or 'q' not in f:
                    continue
                label = e['row'][len(prefix):] + ('' if impl == BASE else ' (ours)')
                ax.plot([max(v, 1) for v in f['q']], y, linestyle=style,
                        color=cmap(i % 10), label=label)
        ax.set_xscale('log')
        ax.set_title(title)
        ax.set_xlabel('ns')
        ax.set_ylabel('fraction of samples')
        ax.grid(True, which='both', alpha=0.3)
        if entries:
            ax.legend(fontsize=7, loc='lower right')
    fig.suptitle('Workqueue benchmark: v6.12 (solid)' +
                 (' vs ours (dashed)' if 'ours' in runs else '') +
                 ', per-rank median over rounds')
    fig.tight_layout()
    path = os.path.join(out, 'latency.png')
    fig.savefig(path, dpi=90)
    return path


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return '%s, %d host CPUs, QEMU TCG (%s)' % (cpu, os.cpu_count(), qemu_version())


def qemu_version():
    try:
        out = subprocess.run(['qemu-system-x86_64', '--version'], capture_output=True,
                             text=True, check=False).stdout
        return out.split('\n')[0].replace('QEMU emulator version ', 'QEMU ')
    except OSError:
        return 'QEMU ?'


def report(args):
    runs = load_runs(args.out)
    if BASE not in runs:
        say('no v6.12 runs in %s/logs; run `make bench` first' % args.out)
        return 1
    problems = []
    for impl, impl_runs in runs.items():
        for r in impl_runs:
            for e in r['errors']:
                problems.append('%s: %s' % (r['log'], e))
    table = summarize(runs)
    meta = runs[BASE][0]['meta']
    guest = runs[BASE][0]['guest']
    ranks = [int(x) for x in meta.get('ranks', [])] or list(range(0, 1001, 100))
    status = {}
    status_path = os.path.join(args.out, 'run.json')
    if os.path.exists(status_path):
        with open(status_path) as f:
            status = json.load(f)
    info = {
        'date': status.get('date', datetime.date.today().isoformat()),
        'machine': status.get('machine', machine()),
        'guest': '-smp %s, %s, clocksource %s, %d round(s) per implementation%s' % (
            meta.get('cpus', '?'), guest.get('release', '?'), guest.get('clocksource', '?'),
            max(len(v) for v in runs.values()),
            ICOUNT_NOTE if status.get('icount') else ''),
        'note': status.get('note', ''),
    }
    plain = write_table(args.out, table, runs, info)
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump({'info': info, 'meta': meta, 'rows': table, 'problems': problems}, f, indent=1)
    png = plot(args.out, table, runs, ranks)
    print('\n'.join(plain))
    for t in targets(table, 'ours' in runs):
        print(t)
    sys.stdout.flush()
    for p in problems:
        say('problem: ' + p)
    say('wrote %s/table.md, table.txt, results.json%s' % (args.out, ', latency.png' if png else ''))
    return 1 if problems else 0


# ---------------------------------------------------------------- running

ICOUNT_NOTE = ('; QEMU -icount shift=0: the guest clock counts instructions, so '
               '"ns" are instructions executed (by all vCPUs, which take turns)')

def run(args):
    impls = args.impls.split()
    note = ''
    if 'ours' not in impls:
        note = ('IMPL=ours unavailable (kernel/workqueue.c is not in the repository yet): '
                'v6.12 and the peers only.')
        say(note)
    logdir = os.path.join(args.out, 'logs')
    os.makedirs(logdir, exist_ok=True)
    for name in os.listdir(logdir):
        os.unlink(os.path.join(logdir, name))
    append = ['wqh.env.WQB_MEM_N=%d' % args.mem_n, 'wqh.env.WQB_MEM_REPS=%d' % args.mem_reps]
    if args.mod:
        append.append('wqh.env.WQB_MOD=%s' % args.mod)
    if args.skip:
        append.append('wqh.env.WQB_SKIP=%s' % args.skip)
    if args.append:
        append.append(args.append)
    t_all = time.time()
    status = {'date': datetime.datetime.now().strftime('%Y-%m-%d %H:%M'),
              'machine': machine(), 'note': note, 'icount': args.icount, 'boots': []}
    failed = 0
    for k in range(args.rounds):
        order = impls if k % 2 == 0 else impls[::-1]
        for impl in order:
            log = os.path.join(logdir, '%s-r%d.log' % (impl, k))
            cmd = [os.path.join(HERE, 'boot.sh'), '--timeout', str(args.timeout),
                   '--smp', str(args.smp), '--job', os.path.join(HERE, 'bench-guest.sh'),
                   '--log', log, '--append', ' '.join(append)]
            cmd += ['--icount'] if args.icount else []
            cmd += [impl, 'qemu', 'job']
            say('round %d/%d: %s' % (k + 1, args.rounds, impl))
            t0 = time.time()
            rc = subprocess.run(cmd, check=False).returncode
            took = time.time() - t0
            status['boots'].append({'impl': impl, 'round': k, 'rc': rc, 'seconds': round(took)})
            if rc:
                failed += 1
                say('%s round %d failed (exit %d); its log: %s' % (impl, k, rc, log))
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
    r.add_argument('--out', default=os.path.join(REPO, 'out', 'bench'))
    r.add_argument('--impls', default='mainline')
    r.add_argument('--rounds', type=int, default=3)
    r.add_argument('--smp', type=int, default=4)
    r.add_argument('--timeout', type=int, default=900)
    r.add_argument('--mod', default='', help='module parameters, comma separated')
    r.add_argument('--mem-n', type=int, default=64)
    r.add_argument('--mem-reps', type=int, default=2)
    r.add_argument('--skip', default='', choices=['', 'rows', 'mem'])
    r.add_argument('--append', default='', help='extra kernel command line')
    r.add_argument('--icount', action='store_true',
                   help='QEMU -icount shift=0: measure instructions, not host time')
    p = sub.add_parser('report')
    p.add_argument('--out', default=os.path.join(REPO, 'out', 'bench'))
    args = ap.parse_args()
    sys.exit(run(args) if args.cmd == 'run' else report(args))


if __name__ == '__main__':
    main()
