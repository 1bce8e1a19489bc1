#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of `make observe` on the guests' consoles (harness/observe.sh).

observe-check.py trace DIR IMPL...
    Take the workqueue:* trace of the tracepoint workload (lib/test_workqueue.c,
    "trace") from DIR/IMPL.console, write it to DIR/IMPL.trace.txt, print the
    counts per event and kernel, and fail unless each kernel's counts are what
    the module says it did, the per-function counts are the ones below, and
    the fields (function, workqueue, req_cpu, cpu, and the CPU an item ran
    on) carry the same values on every kernel.

observe-check.py stall DIR IMPL...
    Take the console lines of the stall ("stall" in the module) to
    DIR/IMPL.stall.txt and fail unless each kernel printed the lockup line,
    the busy workqueue and pool, its workers, the in-flight and pending
    function names and the backtrace of the hogging worker, with v6.12's
    process_one_work and worker_thread frames.  DIR/stall.txt
    gets the dumps side by side.
"""

import collections
import re
import sys

EVENTS = ('workqueue_queue_work', 'workqueue_activate_work',
          'workqueue_execute_start', 'workqueue_execute_end')
SHORT = {'workqueue_queue_work': 'queue', 'workqueue_activate_work': 'activate',
         'workqueue_execute_start': 'execute_start',
         'workqueue_execute_end': 'execute_end'}

# What the "trace" workload does, per function: (queued, activated, started,
# ended) and the workqueue it queues on.  The cancelled function is queued
# once and cancelled while inactive; its delayed twin never gets queued.
WORKLOAD = {
    'wtr_trc_fn': ((4, 4, 4, 4), 'wtr_trc'),
    'wtr_trc_bh_fn': ((2, 2, 2, 2), 'wtr_trc_bh'),
    'wtr_trc_delayed_fn': ((2, 2, 2, 2), 'wtr_trc'),
    'wtr_trc_unbound_fn': ((1, 1, 1, 1), 'wtr_trc_unbound'),
    'wtr_trc_gate_fn': ((1, 1, 1, 1), 'wtr_trc_max1'),
    'wtr_trc_held_fn': ((1, 1, 1, 1), 'wtr_trc_max1'),
    'wtr_trc_cancelled_fn': ((1, 0, 0, 0), 'wtr_trc_max1'),
}

TS = re.compile(r'^\[\s*\d+\.\d+\] ')
EVENT = re.compile(r'^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<on>\d+)\]\s+\S+\s+'
                   r'[\d.]+: (?P<event>workqueue_\w+): (?P<rest>.*)$')


def console(d, impl):
    with open('%s/%s.console' % (d, impl), errors='replace') as f:
        return [l.rstrip('\r\n') for l in f]


def section(lines, begin, end):
    out, inside = [], False
    for l in lines:
        if l.startswith(begin):
            inside = True
        elif l.startswith(end):
            break
        elif inside:
            out.append(l)
    return out


def trace(d, impls):
    ok = True
    counts, fields, want = {}, {}, {}
    for impl in impls:
        lines = console(d, impl)
        raw = section(lines, 'WQH-TRACE-BEGIN', 'WQH-TRACE-END')
        with open('%s/%s.trace.txt' % (d, impl), 'w') as f:
            f.write('\n'.join(raw) + '\n')
        m = None
        for l in lines:
            m = re.search(r'observe: trace cpu=(\d+) queue=(\d+) activate=(\d+) '
                          r'execute_start=(\d+) execute_end=(\d+)(.*)', l) or m
        if not m or m.group(6).strip():
            print('  %s: the trace workload did not run or failed (no "observe: trace" line)'
                  % impl)
            ok = False
            continue
        cpu = int(m.group(1))
        want[impl] = dict(zip(EVENTS, (int(m.group(i)) for i in range(2, 6))))
        c = collections.Counter()
        fl = []
        for l in raw:
            e = EVENT.match(l)
            if not e or e.group('event') not in EVENTS:
                continue
            rest = e.group('rest')
            fn = re.search(r'function[= ](\S+)', rest)
            fn = fn.group(1) if fn else '?'
            if fn not in WORKLOAD:
                continue
            c[(e.group('event'), fn)] += 1
            c[e.group('event')] += 1
            if e.group('event') == 'workqueue_queue_work':
                kv = dict(re.findall(r'(workqueue|req_cpu|cpu)=(\S+)', rest))
                fl.append(('queue', fn, kv.get('workqueue'), kv.get('req_cpu'), kv.get('cpu')))
            elif e.group('event') == 'workqueue_execute_start' and fn != 'wtr_trc_unbound_fn':
                fl.append(('ran_on', fn, int(e.group('on'))))
        counts[impl], fields[impl] = c, sorted(fl)
        for ev in EVENTS:
            if c[ev] != want[impl][ev]:
                print('  %s: %s seen %d times, the workload did %d'
                      % (impl, ev, c[ev], want[impl][ev]))
                ok = False
        for fn, (n, wq) in WORKLOAD.items():
            for ev, k in zip(EVENTS, n):
                if c[(ev, fn)] != k:
                    print('  %s: %s for %s: %d, expected %d' % (impl, ev, fn, c[(ev, fn)], k))
                    ok = False
        for f in fl:
            if f[0] == 'queue' and f[2] != WORKLOAD[f[1]][1]:
                print('  %s: %s queued on %s, expected %s' % (impl, f[1], f[2], WORKLOAD[f[1]][1]))
                ok = False
            if f[0] == 'queue' and f[1] != 'wtr_trc_unbound_fn' and f[4] != str(cpu):
                print('  %s: %s queued to the pool of cpu %s, expected %d'
                      % (impl, f[1], f[4], cpu))
                ok = False
            if f[0] == 'ran_on' and f[2] != cpu:
                print('  %s: %s ran on cpu %d, expected %d' % (impl, f[1], f[2], cpu))
                ok = False

    got = [i for i in impls if i in counts]
    print('  %-26s' % 'tracepoint' + ''.join(' %9s' % i for i in got) + ' %9s' % 'expected')
    for ev in EVENTS:
        exp = sorted(set(want[i][ev] for i in got))
        print('  %-26s' % ev + ''.join(' %9d' % counts[i][ev] for i in got) +
              ' %9s' % '/'.join(map(str, exp)))
    for a in got[1:]:
        if fields[a] != fields[got[0]]:
            ok = False
            print('  fields differ between %s and %s:' % (got[0], a))
            for x in sorted(set(fields[a]) ^ set(fields[got[0]])):
                print('    %s only: %s' % (a if x in fields[a] else got[0], x))
        else:
            print('  fields (function, workqueue, req_cpu, cpu, CPU run on) equal on %s and %s: %d rows'
                  % (got[0], a, len(fields[a])))
    for i in got[:1]:
        for f in sorted(set(fields[i])):
            if f[0] == 'queue':
                print('    queue %-22s workqueue=%-16s req_cpu=%-3s cpu=%s x%d'
                      % (f[1], f[2], f[3], f[4], fields[i].count(f)))
    return ok and len(got) == len(impls)


# the kinds of lines a stall dump must have, as regexes on the console line
STALL_KINDS = [
    ('lockup', r'BUG: workqueue lockup - pool cpus=\d+ .*stuck for \d+s!'),
    ('busy header', r'Showing busy workqueues and worker pools:'),
    ('workqueue', r'^workqueue wtr_stall: flags='),
    ('pwq', r'^\s+pwq \d+: cpus=\d+ .*active=\d+'),
    ('in-flight', r'in-flight: \d+:wtr_stall_fn'),
    ('pending', r'pending: .*wtr_stall_behind_fn'),
    ('pool', r'^pool \d+: cpus=\d+ .*hung=\d+s workers=\d+'),
    ('hog backtrace', r'Showing backtraces of running workers in stalled CPU-bound worker pools:'),
    ('hog task', r'task:kworker/\d+:\d+'),
    ('hog frame', r'^ (\? )?wtr_stall_fn\+'),
    # v6.12's names in the worker's frames (see workqueue.rst)
    ('process_one_work frame', r'^ (\? )?process_one_work\+'),
    ('worker_thread frame', r'^ (\? )?worker_thread\+'),
]


def stall(d, impls):
    ok = True
    dumps = {}
    for impl in impls:
        lines = [TS.sub('', l) for l in
                 section(console(d, impl), 'WQH-STALL-BEGIN', 'WQH-STALL-END')]
        first = next((i for i, l in enumerate(lines) if 'BUG: workqueue lockup' in l), None)
        # the first report: from its lockup line to the next lockup line
        rep = []
        if first is not None:
            rep = [lines[first]]
            for l in lines[first + 1:]:
                if l.startswith('BUG: workqueue lockup') and rep[-1].find('BUG:') < 0:
                    break
                if 'observe: stall over' in l:
                    break
                rep.append(l)
        dumps[impl] = rep
        with open('%s/%s.stall.txt' % (d, impl), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        missing = [k for k, rx in STALL_KINDS if not any(re.search(rx, l) for l in rep)]
        print('  %s: stall dump %d lines%s' % (
            impl, len(rep), ', missing: ' + ', '.join(missing) if missing else
            ', all kinds of lines: ' + ', '.join(k for k, _ in STALL_KINDS)))
        ok &= not missing and bool(rep)
    w = 78
    with open('%s/stall.txt' % d, 'w') as f:
        f.write(''.join('%-*s ' % (w, i) for i in impls).rstrip() + '\n')
        for row in range(max(len(r) for r in dumps.values())):
            f.write(''.join('%-*s ' % (w, (dumps[i][row] if row < len(dumps[i]) else '')[:w])
                            for i in impls).rstrip() + '\n')
    return ok


if __name__ == '__main__':
    if len(sys.argv) < 4 or sys.argv[1] not in ('trace', 'stall'):
        sys.exit(__doc__)
    fn = trace if sys.argv[1] == 'trace' else stall
    sys.exit(0 if fn(sys.argv[2], sys.argv[3:]) else 1)
