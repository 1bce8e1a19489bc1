#!/usr/bin/env drgn
# SPDX-License-Identifier: GPL-2.0
#
# wq_dump.py: the workqueue configuration of a live kernel or a vmcore, read
# with drgn (https://github.com/osandov/drgn).  Works on v6.12's workqueue
# and on its rewrite: where one of them has no such field, the line says so
# or shows what that kernel keeps instead.

"""Show the workqueue configuration of a running kernel or a dump.

Affinity scopes
  For each scope the unbound workqueues can use (cpu, smt, cache, numa,
  system): how many pods, the CPUs of each pod, the NUMA node its memory
  comes from (where the kernel records it) and the pod of each CPU.

Worker pools
  One line per pool: id, flags (hex and by name), ref (pwqs that use an
  unbound pool), nice, idle/workers, and the CPU of a per-CPU pool or the
  CPUs of an unbound one.  With --workers (the default), one line per
  worker below it: name, pid, and what it does (idle, the function it
  runs, rescuer); a BH pool's worker is the CPU's softirq.

Workqueue CPU -> pool
  Per workqueue: its type (percpu, unbound, ordered, bh; ",S" for a strict
  affinity scope) and the pool each possible CPU's items go to; "dfl" is
  an unbound workqueue's default pool.

Workqueue -> rescuer
  WQ_MEM_RECLAIM workqueues: their CPUs and the rescuer thread.

Workqueue -> max_active
  max_active (and min_active where it exists), items holding an active
  slot and items waiting for one, over all pwqs of the workqueue; for an
  unbound workqueue also how the limit is shared: per NUMA node on v6.12,
  one count for the whole workqueue on the rewrite.
"""

import argparse
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_cpu, for_each_possible_cpu
from drgn.helpers.linux.idr import idr_for_each
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.nodemask import for_each_node
from drgn.helpers.linux.percpu import per_cpu_ptr

ap = argparse.ArgumentParser(description=__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--no-workers', dest='workers', action='store_false',
                help='leave out the workers of each pool')
opts = ap.parse_args()

p = prog  # noqa: F821 (drgn's global)


def has(obj_or_type, name):
    """whether a struct (an object or a type) has a member called @name"""
    t = obj_or_type.type_ if isinstance(obj_or_type, drgn.Object) else obj_or_type
    t = t.type if t.kind == drgn.TypeKind.POINTER else t
    return any(m.name == name for m in t.members)


def const(name, default=None):
    try:
        return p.constant(name).value_()
    except LookupError:
        return default


def mask_hex(mask):
    """a cpumask as the kernel's %*pb prints it: 32-bit words, comma separated"""
    kind = mask.type_.kind
    if kind == drgn.TypeKind.TYPEDEF:
        kind = drgn.TypeKind.ARRAY if mask.type_.type.kind == drgn.TypeKind.ARRAY else \
            mask.type_.type.kind
    if kind == drgn.TypeKind.ARRAY:
        mask = mask[0].address_of_()
    elif kind != drgn.TypeKind.POINTER:
        mask = mask.address_of_()
    words = {}
    for cpu in for_each_cpu(mask):
        words[cpu // 32] = words.get(cpu // 32, 0) | 1 << (cpu % 32)
    top = max(words, default=0)
    return ','.join('%08x' % words.get(w, 0) for w in range(top, -1, -1))


def cpumask_var(v):
    """a cpumask_var_t, whether it is an array (!CPUMASK_OFFSTACK) or a pointer"""
    return v if v.type_.kind == drgn.TypeKind.POINTER else v[0].address_of_()


def name_of(wq):
    return wq.name.string_().decode(errors='replace')


def func_name(fn):
    addr = fn.value_()
    if not addr:
        return '-'
    try:
        return p.symbol(addr).name
    except LookupError:
        return '0x%x' % addr


def flag_names(value, prefix, skip=()):
    """the names of the @prefix* enumerators set in @value, as in the source"""
    names = []
    try:
        etype = p.constant(prefix + 'BH').type_
    except LookupError:
        return ''
    for e in etype.enumerators:
        if e.name in skip or e.value == 0 or e.value & (e.value - 1):
            continue
        if value & e.value:
            names.append(e.name[len(prefix):])
    return '|'.join(names)


possible = list(for_each_possible_cpu(p))
workqueues = list(list_for_each_entry('struct workqueue_struct',
                                      p['workqueues'].address_of_(), 'list'))
pools = [(i, drgn.Object(p, 'struct worker_pool', address=ptr.value_()))
         for i, ptr in idr_for_each(p['worker_pool_idr'])]
WQ_UNBOUND, WQ_BH = const('WQ_UNBOUND'), const('WQ_BH', 0)
WQ_ORDERED, WQ_MEM_RECLAIM = const('__WQ_ORDERED', 0), const('WQ_MEM_RECLAIM')
POOL_BH = const('POOL_BH', 0)
WQ_NAME_LEN = const('WQ_NAME_LEN', 32)
id_w = max([len(str(i)) for i, _ in pools] + [2])


def header(title):
    print(title)
    print('=' * len(title))


# --- affinity scopes ------------------------------------------------------
header('Affinity Scopes')
print('wq_unbound_cpumask=%s' % mask_hex(cpumask_var(p['wq_unbound_cpumask'])))
pod_types = p['wq_pod_types']
dfl = p['wq_affn_dfl'].value_()
scopes = ['WQ_AFFN_CPU', 'WQ_AFFN_SMT', 'WQ_AFFN_CACHE', 'WQ_AFFN_NUMA',
          'WQ_AFFN_SYSTEM']
for scope in scopes:
    idx = const(scope)
    pt = pod_types[idx]
    label = p['wq_affn_names'][idx].string_().decode().upper()
    print('\n%s%s' % (label, ' (default)' if idx == dfl else ''))
    nr = pt.nr_pods.value_()
    print('  nr_pods  %d' % nr)
    print('  pod_cpus' + ''.join(' [%d]=%s' % (i, mask_hex(cpumask_var(pt.pod_cpus[i])))
                                 for i in range(nr)))
    if has(pt, 'pod_node'):
        print('  pod_node' + ''.join(' [%d]=%d' % (i, pt.pod_node[i].value_())
                                     for i in range(nr)))
    else:
        print('  pod_node (not kept: a pod allocates on the node of the CPU it is for)')
    print('  cpu_pod ' + ''.join(' [%d]=%d' % (c, pt.cpu_pod[c].value_())
                                 for c in possible))

# --- worker pools ----------------------------------------------------------
print()
header('Worker Pools')


def pool_workers(pool):
    return list(list_for_each_entry('struct worker', pool.workers.address_of_(),
                                    'node'))


def worker_line(w):
    task = w.task
    if task.value_():
        who = '%-16s pid %-6d' % (task.comm.string_().decode(errors='replace'),
                                  task.pid.value_())
    else:
        who = '%-16s %-10s' % ('(softirq)', '')
    if has(w, 'rescue_wq') and w.rescue_wq.value_():
        what = 'rescuer of %s' % name_of(w.rescue_wq)
    elif w.current_work.value_():
        what = 'running %s' % func_name(w.current_func)
    elif w.flags.value_() & const('WORKER_IDLE', 0):
        what = 'idle'
    else:
        what = 'between items'
    fl = worker_flags(w.flags.value_())
    return '    %s %s%s' % (who, what, ' [%s]' % fl if fl else '')


def worker_flags(v):
    """the WORKER_* flags but IDLE, which the line already says"""
    names = []
    for n in ('DIE', 'PREP', 'CPU_INTENSIVE', 'UNBOUND', 'REBOUND'):
        bit = const('WORKER_' + n)
        if bit and v & bit:
            names.append(n)
    return '|'.join(names)


ref_w = max([len(str(pool.refcnt.value_())) for _, pool in pools if has(pool, 'refcnt')] + [1])
for pid, pool in pools:
    workers = pool_workers(pool)
    nr_idle = pool.nr_idle.value_() if has(pool, 'nr_idle') else \
        sum(1 for w in workers if w.flags.value_() & const('WORKER_IDLE', 0))
    nr_workers = pool.nr_workers.value_() if has(pool, 'nr_workers') else len(workers)
    flags = pool.flags.value_()
    names = flag_names(flags, 'POOL_')
    line = 'pool[%0*d] flags=0x%02x %-18s' % (id_w, pid, flags,
                                             '(%s)' % names if names else '')
    if has(pool, 'refcnt'):
        line += ' ref=%*d' % (ref_w, pool.refcnt.value_())
    line += ' nice=%3d idle/workers=%3d/%3d ' % (pool.attrs.nice.value_(), nr_idle, nr_workers)
    if pool.cpu.value_() >= 0:
        line += 'cpu=%3d%s' % (pool.cpu.value_(), ' bh' if flags & POOL_BH else '')
    else:
        line += 'cpus=%s pod_cpus=%s%s' % (mask_hex(pool.attrs.cpumask),
                                           mask_hex(pool.attrs.__pod_cpumask),
                                           ' strict' if pool.attrs.affn_strict else '')
    print(line)
    if opts.workers:
        for w in workers:
            print(worker_line(w))

# --- workqueue -> pool ----------------------------------------------------
print()
header('Workqueue CPU -> pool')


def wq_type(wq):
    f = wq.flags.value_()
    if f & WQ_BH:
        return 'bh'
    if not f & WQ_UNBOUND:
        return 'percpu'
    if f & WQ_ORDERED:
        return 'ordered'
    strict = wq.unbound_attrs.value_() and wq.unbound_attrs.affn_strict
    return 'unbound,S' if strict else 'unbound'


def cpu_pwq(wq, cpu):
    pwq = per_cpu_ptr(wq.cpu_pwq, cpu)[0]
    return pwq if pwq.value_() else None


print('[%s\\ %-9s' % ('workqueue'.center(WQ_NAME_LEN - 2), 'type   CPU') +
      ''.join(' %*d' % (id_w, c) for c in possible) + ' dfl]')
for wq in workqueues:
    line = '%-*s %-10s' % (WQ_NAME_LEN, name_of(wq), wq_type(wq))
    for c in possible:
        pwq = cpu_pwq(wq, c)
        line += ' %*s' % (max(id_w, len(str(c))), pwq.pool.id.value_() if pwq else '-')
    if wq.flags.value_() & WQ_UNBOUND and wq.dfl_pwq.value_():
        line += ' %*d' % (id_w, wq.dfl_pwq.pool.id.value_())
    print(line)

# --- rescuers -------------------------------------------------------------
print()
header('Workqueue -> rescuer')
print('[%s\\ %-12s %6s %s]' % ('workqueue'.center(WQ_NAME_LEN - 2), 'unbound_cpus',
                              'pid', 'rescuer_cpus'))
for wq in workqueues:
    if not wq.flags.value_() & WQ_MEM_RECLAIM:
        continue
    ucpus = mask_hex(wq.unbound_attrs.cpumask) if wq.unbound_attrs.value_() else ''
    r = wq.rescuer
    if r.value_() and r.task.value_():
        rescuer = '%6d %s' % (r.task.pid.value_(), mask_hex(r.task.cpus_ptr))
    else:
        rescuer = '%6s' % '-'
    print('%-*s %-12s %s' % (WQ_NAME_LEN, name_of(wq), ucpus, rescuer))

# --- max_active -----------------------------------------------------------
print()
header('Workqueue -> max_active')
print('[%s\\ %-9s %10s %4s %6s %8s  %s]' % ('workqueue'.center(WQ_NAME_LEN - 2), 'type',
                                         'max', 'min', 'active', 'inactive',
                                         'shared limit (unbound)'))
node_nr_active = has(p.type('struct workqueue_struct'), 'node_nr_active')
nodes = list(for_each_node(p)) if node_nr_active else []
for wq in workqueues:
    active = inactive = 0
    for pwq in list_for_each_entry('struct pool_workqueue', wq.pwqs.address_of_(),
                                   'pwqs_node'):
        active += pwq.nr_active.value_()
        inactive += sum(1 for _ in list_for_each_entry(
            'struct work_struct', pwq.inactive_works.address_of_(), 'entry'))
    mn = str(wq.min_active.value_()) if has(wq, 'min_active') else '-'
    line = '%-*s %-10s %10d %4s %6d %8d ' % (WQ_NAME_LEN, name_of(wq), wq_type(wq),
                                           wq.max_active.value_(), mn, active, inactive)
    if wq.flags.value_() & WQ_UNBOUND:
        if node_nr_active:
            nna = wq.node_nr_active
            line += ' '.join('node%d=%d/%d' % (n, nna[n].nr.counter.value_(),
                                               nna[n].max.value_()) for n in nodes)
            n = p['nr_node_ids'].value_()
            line += ' dfl=%d/%d' % (nna[n].nr.counter.value_(), nna[n].max.value_())
        elif has(wq, 'active'):
            line += 'all=%d/%d' % (wq.active.nr.value_(), wq.active.max.value_())
    print(line.rstrip())
sys.stdout.flush()
