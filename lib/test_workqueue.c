// SPDX-License-Identifier: GPL-2.0
/*
 * Workqueue torture and selftest module.  Its names start with wtr_
 * (workqueue torture); the KUnit suite's start with wqt_.
 *
 * Producer threads hammer a set of workqueues (per-CPU, unbound, ordered,
 * highpri, BH, BH highpri, freezable, mem-reclaim) with every operation of
 * the API at once: queue, queue on another CPU, delayed and mod_delayed
 * queueing, cancel and cancel_sync, flush_work, flush_workqueue, disable
 * and enable, self-requeue from inside the item, and short-lived
 * workqueues that are created, loaded and destroyed while the rest runs.
 * CPU hotplug, the freezer and sysfs attribute changes are driven from
 * user space (tools/testing/selftests/workqueue) while the module runs.
 *
 * Accounting.  A work item has one PENDING bit, so each successful queue
 * creates exactly one pending instance, and each instance ends exactly
 * once: it executes, or a cancel (or disable) that returns true removes
 * it.  Per item we count
 *
 *   queued     successful queues; raised *before* the call and dropped
 *              again when the call created nothing, so it never lags
 *   ran, done  executions started / finished
 *   cancelled  cancels and disables that returned true
 *
 * so that ran + cancelled <= queued holds at every instant (checked on
 * each execution: a violation is an item that ran twice for one queue),
 * and queued == ran + cancelled once everything has settled (checked at
 * the end: a shortfall is a lost queue).  queue_work() returning false
 * merged into the pending instance or was refused by disable;
 * mod_delayed_work() returning true moved the pending instance and created
 * nothing new.  mod_delayed_work() cannot tell "queued" from "refused
 * because disabled" by its return value, so on delayed items it never runs
 * concurrently with disable or cancel_sync (sync_busy below).
 *
 * Tracked items (every item of the ordered workqueue, half of the items of
 * the per-CPU ones) also record each instance in a small FIFO: queue
 * appends under the item lock, execution pops the oldest, a cancel removes
 * the newest (only the newest instance can be pending).  The record holds
 * the queue position on an ordered workqueue (executions must come in
 * increasing order) and the target CPU on a per-CPU workqueue, with the
 * CPU's online generation: an instance must run on its target CPU unless
 * that CPU went through hotplug meanwhile, or unless it was queued while
 * its previous execution was still in progress on another CPU (the
 * workqueue then keeps it there to stay non-reentrant).
 *
 * Further checks: flush_work() and flush_workqueue() return only after
 * every instance queued before the call has ended; max_active is never
 * exceeded; a disabled item refuses queueing and never starts; BH items
 * run in softirq and the others in a kworker; a short-lived workqueue has
 * run or cancelled everything once destroy_workqueue() returns.
 *
 * Every wait is bounded.  A producer stuck in an operation, or an item
 * that never settles, is reported as a failure; the module then keeps a
 * reference on itself (rmmod fails) because the workqueue may still hold
 * pointers into its memory.
 *
 * Results are printed in KTAP on the console and kept in
 * /sys/kernel/debug/test_workqueue/results.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/torture.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* ------------------------------------------------------------------ */
/* Parameters                                                          */

static unsigned int duration;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "Seconds of torture (0: 2 with selftest, else 20)");

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Run directed cases and a short torture inside insmod; insmod fails on failure");

static unsigned int nthreads;
module_param(nthreads, uint, 0444);
MODULE_PARM_DESC(nthreads, "Producer threads (0: number of online CPUs)");

static unsigned int nitems = 16;
module_param(nitems, uint, 0444);
MODULE_PARM_DESC(nitems, "Work items per workqueue (2..256)");

static char *types = "all";
module_param(types, charp, 0444);
MODULE_PARM_DESC(types,
		 "Workqueues: all or a comma list of percpu,unbound,ordered,highpri,bh,bh_highpri,freezable,mem_reclaim");

static char *ops = "all";
module_param(ops, charp, 0444);
MODULE_PARM_DESC(ops,
		 "Operations: all or a comma list of queue,queue_on,delayed,mod_delayed,cancel,cancel_sync,flush_work,flush_wq,disable,requeue,shortlived");

static int max_active = 4;
module_param(max_active, int, 0444);
MODULE_PARM_DESC(max_active, "max_active of the non-ordered, non-BH workqueues");

static unsigned int max_delay = 3;
module_param(max_delay, uint, 0444);
MODULE_PARM_DESC(max_delay, "Longest delay of delayed work, in jiffies");

static unsigned int stall_timeout = 60;
module_param(stall_timeout, uint, 0444);
MODULE_PARM_DESC(stall_timeout,
		 "Seconds an operation or the final drain may take before it counts as a hang");

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Random seed (0: random)");

static bool verbose;
module_param(verbose, bool, 0444);
MODULE_PARM_DESC(verbose, "Print the torture framework's progress too");

/* kernel/torture.c's machinery, with the parameters rcutorture has */
torture_param(int, shuffle_interval, 3, "Seconds between producer moves across CPUs (0: none)");
torture_param(int, stutter, 0, "Seconds of load, then as many of pause, in turn (0: steady load)");
torture_param(int, onoff_interval, 0, "Seconds between CPU hotplug operations (0: none)");
torture_param(int, onoff_holdoff, 0, "Seconds before the first CPU hotplug operation");
torture_param(int, stat_interval, 60, "Seconds between progress lines (0: none)");

static unsigned int observe;
module_param(observe, uint, 0444);
MODULE_PARM_DESC(observe,
		 "Instead of torture, run a known workload of this many items on wtr_observe and keep it");

static unsigned int observe_hog_ms = 100;
module_param(observe_hog_ms, uint, 0444);
MODULE_PARM_DESC(observe_hog_ms,
		 "How long observe's hog spins; above workqueue.cpu_intensive_thresh_us");

/* ------------------------------------------------------------------ */
/* Workqueue kinds, operations and checks                              */

enum wtr_kind_id {
	K_PERCPU, K_UNBOUND, K_ORDERED, K_HIGHPRI,
	K_BH, K_BH_HIGHPRI, K_FREEZABLE, K_RECLAIM, K_NR
};

struct wtr_kind {
	const char *name;
	unsigned int flags;
	bool ordered;
};

static const struct wtr_kind wtr_kinds[K_NR] = {
	[K_PERCPU]	= { "percpu",	   0 },
	[K_UNBOUND]	= { "unbound",	   WQ_UNBOUND | WQ_SYSFS },
	[K_ORDERED]	= { "ordered",	   0, true },
	[K_HIGHPRI]	= { "highpri",	   WQ_HIGHPRI },
	[K_BH]		= { "bh",	   WQ_BH },
	[K_BH_HIGHPRI]	= { "bh_highpri",  WQ_BH | WQ_HIGHPRI },
	[K_FREEZABLE]	= { "freezable",   WQ_FREEZABLE },
	[K_RECLAIM]	= { "mem_reclaim", WQ_MEM_RECLAIM | WQ_UNBOUND | WQ_SYSFS },
};

enum wtr_op {
	OP_QUEUE, OP_QUEUE_ON, OP_DELAYED, OP_MOD_DELAYED, OP_CANCEL,
	OP_CANCEL_SYNC, OP_FLUSH_WORK, OP_FLUSH_WQ, OP_DISABLE, OP_REQUEUE,
	OP_SHORTLIVED, OP_NR
};

static const char * const wtr_op_names[OP_NR] = {
	"queue", "queue_on", "delayed", "mod_delayed", "cancel",
	"cancel_sync", "flush_work", "flush_wq", "disable", "requeue",
	"shortlived",
};

/* Relative frequency of each producer operation; requeue is done by items. */
static const unsigned int wtr_op_weight[OP_NR] = {
	[OP_QUEUE] = 300, [OP_QUEUE_ON] = 150, [OP_DELAYED] = 150,
	[OP_MOD_DELAYED] = 100, [OP_CANCEL] = 80, [OP_CANCEL_SYNC] = 40,
	[OP_FLUSH_WORK] = 40, [OP_FLUSH_WQ] = 10, [OP_DISABLE] = 30,
	[OP_SHORTLIVED] = 3,
};

enum wtr_check {
	C_DUP, C_LOST, C_FLUSH, C_ORDER, C_CPU, C_MAXACT, C_DISABLE,
	C_CONTEXT, C_SHORTLIVED, C_STALL, C_NR
};

static const char * const wtr_check_names[C_NR] = {
	[C_DUP]		= "no_duplicate_execution",
	[C_LOST]	= "no_lost_queue",
	[C_FLUSH]	= "flush_waits_for_earlier_queues",
	[C_ORDER]	= "ordered_runs_in_queue_order",
	[C_CPU]		= "percpu_runs_on_target_cpu",
	[C_MAXACT]	= "max_active_respected",
	[C_DISABLE]	= "disabled_work_refused_and_idle",
	[C_CONTEXT]	= "execution_context",
	[C_SHORTLIVED]	= "destroy_workqueue_drains",
	[C_STALL]	= "no_operation_hangs",
};

#define WTR_MAX_REPORTS	10
#define WTR_FIFO	4
#define WTR_NO_PREV	(-2)	/* item never executed */
#define WTR_SCRATCH	8	/* items per short-lived workqueue */

/* ------------------------------------------------------------------ */
/* Data                                                                */

/* One queued instance of a tracked item. */
struct wtr_rec {
	u32 ticket;		/* ordered: position in queue order */
	int cpu;		/* per-CPU: target CPU, -1 if not checkable */
	u32 gen;		/* online generation of @cpu when queued */
};

struct wtr_wq;

struct wtr_item {
	struct delayed_work dwork;	/* plain items use dwork.work only */
	struct wtr_wq *w;
	unsigned int id;
	bool delayed;
	bool tracked;
	int budget;			/* self-requeues left */

	atomic_long_t queued;		/* see the accounting rules above */
	atomic_long_t queued_done;	/* successful queue calls returned */
	atomic_t queue_calls;		/* queue calls started, never lowered */
	atomic_long_t ran;
	atomic_long_t done;
	atomic_long_t cancelled;
	atomic_t cancel_inflight;	/* cancel/disable calls in progress */
	atomic_t cancel_calls;		/* and started, never lowered */
	atomic_t sync_disabled;		/* holders of a completed disable_*_sync */
	atomic_t mod_seq;		/* odd while a mod_delayed_work runs */
	atomic_t dflush_seq;		/* flush_delayed_work calls started */
	atomic_t dflush_active;		/* and in progress */
	atomic_long_t surplus;		/* largest excess of executions reported */

	spinlock_t lock;		/* protects the fields below */
	bool sync_busy;			/* exclusive cancel_sync/disable running */
	u8 fifo_head, fifo_len;
	struct wtr_rec fifo[WTR_FIFO];
	int prev_cpu;			/* bound CPU of the latest execution */
	u32 prev_gen;
	int slot;			/* per-CPU max_active slot being used */
};

struct wtr_wq {
	struct workqueue_struct *wq;
	char name[32];
	bool bh, percpu, ordered;
	int limit;			/* max concurrent executions, 0: unchecked */
	atomic_t active;		/* unbound and ordered */
	atomic_t *cpu_active;		/* per-CPU: one counter per CPU */
	atomic_t peak;
	spinlock_t order_lock;		/* ordered: queue call + ticket */
	u32 next_ticket;
	u32 last_ticket;
	struct wtr_item *items;
	unsigned int nitems;
	unsigned int nplain;		/* items[0..nplain) are plain work */
};

struct wtr_producer {
	struct task_struct *task;
	unsigned int idx;
	struct rnd_state rnd;
	struct completion done;
	unsigned long op_start;		/* jiffies | 1 while in an op, else 0 */
	const char *op_name;
	struct wtr_item *op_item;
	bool stall_reported;
	long *snap;			/* flush_wq snapshot, nitems entries */
	struct wtr_wq sl;		/* the short-lived workqueue */
	struct wtr_item *scratch;
};

struct wtr_cpu {
	atomic_t gen;			/* bumped on every online/offline */
	bool up;			/* between our online and offline callbacks */
};

static DEFINE_PER_CPU(struct wtr_cpu, wtr_cpus);

static struct {
	atomic_long_t ops[OP_NR];
	atomic_long_t merged;		/* queue returned false: already pending */
	atomic_long_t moved;		/* mod_delayed_work moved a pending one */
	atomic_long_t refused;		/* queue refused while we held a disable */
	atomic_long_t busy_skips;
	atomic_long_t requeued;
	atomic_long_t flush_checked, flush_skipped;
	atomic_long_t cpu_checked, cpu_redirected, cpu_skipped;
	atomic_long_t order_checked;
	atomic_long_t sl_created, sl_items, sl_alloc_fail;
	atomic_long_t disable_cycles;
	atomic_t hotplug;		/* online/offline callbacks seen */
	atomic_long_t queued, ran, cancelled;
} wtr_st;

static atomic_t wtr_fails[C_NR];
static unsigned int wtr_kind_mask, wtr_op_mask;
static unsigned int wtr_op_total;
static struct wtr_wq wtr_wqs[K_NR];
static struct wtr_producer *wtr_prods;
static unsigned int wtr_nprods;
static bool wtr_stop;			/* producers: finish */
static bool wtr_draining;		/* items: stop requeueing themselves */
static bool wtr_pinned;			/* memory may still be in use */
static bool wtr_stop_req;
static DECLARE_WAIT_QUEUE_HEAD(wtr_waitq);
static int wtr_cpuhp_state = -1;
static bool wtr_cpuhp_ready;
static struct dentry *wtr_dir;
static struct task_struct *wtr_ctl_task;

static DEFINE_MUTEX(wtr_res_mutex);	/* protects the result text */
static char *wtr_res_buf;
static struct seq_buf wtr_res;
static const char *wtr_state = "idle";

/* KTAP test points of the current run */
static unsigned int wtr_tp;
static unsigned int wtr_tp_fail;

/* ------------------------------------------------------------------ */
/* Reporting                                                           */

static __printf(2, 3) void wtr_fail(enum wtr_check chk, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic_inc_return(&wtr_fails[chk]) > WTR_MAX_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("# test_workqueue: FAIL %s: %pV\n", wtr_check_names[chk], &vaf);
	va_end(args);
}

/* A KTAP line: to the console and to the results file. */
static __printf(1, 2) void wtr_out(const char *fmt, ...)
{
	char line[320];
	va_list args;

	va_start(args, fmt);
	vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	pr_info("%s\n", line);
	mutex_lock(&wtr_res_mutex);
	seq_buf_printf(&wtr_res, "%s\n", line);
	mutex_unlock(&wtr_res_mutex);
}

static void wtr_point(bool ok, bool skip, const char *name)
{
	wtr_tp++;
	if (!ok)
		wtr_tp_fail++;
	wtr_out("%s %u %s%s", ok ? "ok" : "not ok", wtr_tp, name,
		skip ? " # SKIP" : "");
}

static void wtr_set_state(const char *s)
{
	mutex_lock(&wtr_res_mutex);
	wtr_state = s;
	mutex_unlock(&wtr_res_mutex);
}

/* ------------------------------------------------------------------ */
/* CPU hotplug generations                                             */

/*
 * Our dynamic hotplug state sits above CPUHP_AP_WORKQUEUE_ONLINE: on the
 * way up our callback runs after the per-CPU pools are rebound, on the way
 * down before they are unbound.  So while ->up is set and ->gen has not
 * changed, the CPU's pools stayed bound.
 */
static int wtr_cpu_online(unsigned int cpu)
{
	struct wtr_cpu *c = per_cpu_ptr(&wtr_cpus, cpu);

	atomic_inc(&c->gen);
	/* new generation before "up": pairs with wtr_cpu_snap() */
	smp_mb__after_atomic();
	WRITE_ONCE(c->up, true);
	if (READ_ONCE(wtr_cpuhp_ready))
		atomic_inc(&wtr_st.hotplug);
	return 0;
}

static int wtr_cpu_offline(unsigned int cpu)
{
	struct wtr_cpu *c = per_cpu_ptr(&wtr_cpus, cpu);

	WRITE_ONCE(c->up, false);
	/* "down" before the new generation: pairs with wtr_cpu_stable() */
	smp_mb__before_atomic();
	atomic_inc(&c->gen);
	atomic_inc(&wtr_st.hotplug);
	return 0;
}

/* Generation of @cpu if its pools are bound now, else -1 in *ok. */
static u32 wtr_cpu_snap(int cpu, bool *ok)
{
	struct wtr_cpu *c = per_cpu_ptr(&wtr_cpus, cpu);
	u32 gen = atomic_read(&c->gen);

	/* "up" seen here implies the generation read above is current */
	smp_rmb();
	*ok = READ_ONCE(c->up);
	return gen;
}

/* Has @cpu stayed bound since it had generation @gen? */
static bool wtr_cpu_stable(int cpu, u32 gen)
{
	struct wtr_cpu *c = per_cpu_ptr(&wtr_cpus, cpu);
	bool up = READ_ONCE(c->up);

	/* a CPU seen up cannot hide a newer generation behind it */
	smp_rmb();
	return up && (u32)atomic_read(&c->gen) == gen;
}

/* ------------------------------------------------------------------ */
/* Items                                                               */

static inline struct wtr_item *wtr_item_of(struct work_struct *work)
{
	return container_of(to_delayed_work(work), struct wtr_item, dwork);
}

static inline struct work_struct *wtr_work(struct wtr_item *it)
{
	return &it->dwork.work;
}

static u32 wtr_rand(struct wtr_producer *p, u32 n)
{
	return n ? prandom_u32_state(&p->rnd) % n : 0;
}

/* Instance FIFO of tracked items; it->lock held. */
static bool wtr_fifo_push(struct wtr_item *it, const struct wtr_rec *rec)
{
	if (it->fifo_len == WTR_FIFO)
		return false;
	it->fifo[(it->fifo_head + it->fifo_len) % WTR_FIFO] = *rec;
	it->fifo_len++;
	return true;
}

static struct wtr_rec *wtr_fifo_tail(struct wtr_item *it)
{
	if (!it->fifo_len)
		return NULL;
	return &it->fifo[(it->fifo_head + it->fifo_len - 1) % WTR_FIFO];
}

/* A cancel removed the pending instance, which is the newest one. */
static void wtr_note_cancel(struct wtr_item *it)
{
	unsigned long flags;

	atomic_long_inc(&it->cancelled);
	if (!it->tracked)
		return;
	spin_lock_irqsave(&it->lock, flags);
	if (it->fifo_len)
		it->fifo_len--;
	else
		wtr_fail(C_DUP, "%s/%u: cancel removed an instance that was never queued",
			 it->w->name, it->id);
	spin_unlock_irqrestore(&it->lock, flags);
}

/* The queueing call itself; true if it created a pending instance. */
static bool wtr_queue_call(struct wtr_item *it, int cpu, unsigned long delay,
			   bool mod)
{
	struct workqueue_struct *wq = it->w->wq;

	if (!it->delayed)
		return queue_work_on(cpu, wq, wtr_work(it));
	if (mod)	/* true: an existing pending instance was moved */
		return !mod_delayed_work_on(cpu, wq, &it->dwork, delay);
	return queue_delayed_work_on(cpu, wq, &it->dwork, delay);
}

/*
 * Queue @it and account for it.  @cpu is WORK_CPU_UNBOUND or an online CPU
 * that cannot go away (cpus_read_lock held).  With @mod, mod_delayed_work
 * semantics.  Tracked items: it->lock held by the caller.  Returns true if
 * a new pending instance was created.
 */
static bool wtr_queue(struct wtr_item *it, int cpu, unsigned long delay,
		      bool mod)
{
	struct wtr_wq *w = it->w;
	struct wtr_rec rec = { .cpu = -1 };
	bool created;

	if (it->tracked && w->percpu) {
		int target = cpu;
		bool ok = false;

		if (target == WORK_CPU_UNBOUND && (!it->delayed || !delay))
			target = smp_processor_id();	/* irqs are off */
		if (target != WORK_CPU_UNBOUND) {
			rec.gen = wtr_cpu_snap(target, &ok);
			if (ok)
				rec.cpu = target;
		}
	}

	atomic_inc(&it->queue_calls);
	atomic_long_inc(&it->queued);
	/* raised before the queue: an execution never finds it behind ran */
	smp_mb__after_atomic();

	if (w->ordered) {
		/* tickets in the order the workqueue saw the queues */
		spin_lock(&w->order_lock);
		created = wtr_queue_call(it, cpu, delay, mod);
		if (created)
			rec.ticket = ++w->next_ticket;
		spin_unlock(&w->order_lock);
	} else {
		created = wtr_queue_call(it, cpu, delay, mod);
	}

	if (created) {
		atomic_long_inc(&it->queued_done);
		if (it->tracked && !wtr_fifo_push(it, &rec))
			wtr_fail(C_DUP, "%s/%u: more instances pending than executing slots",
				 w->name, it->id);
		return true;
	}

	atomic_long_dec(&it->queued);
	if (mod) {
		struct wtr_rec *tail = it->tracked ? wtr_fifo_tail(it) : NULL;

		/* the pending instance now targets @cpu */
		if (tail) {
			tail->cpu = rec.cpu;
			tail->gen = rec.gen;
		}
		atomic_long_inc(&wtr_st.moved);
	} else {
		atomic_long_inc(&wtr_st.merged);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* The work function                                                   */

/*
 * Per-CPU affinity of a tracked instance; it->lock held, irqs off.
 * Returns the CPU whose max_active slot the execution occupies, or -1.
 */
static int wtr_affinity(struct wtr_item *it, const struct wtr_rec *rec,
			int cpu)
{
	bool tgt_stable = rec->cpu >= 0 && wtr_cpu_stable(rec->cpu, rec->gen);
	bool prev_known = it->prev_cpu >= 0;
	bool prev_stable = prev_known &&
			   wtr_cpu_stable(it->prev_cpu, it->prev_gen);
	int slot = -1;

	if (rec->cpu < 0) {
		atomic_long_inc(&wtr_st.cpu_skipped);
		it->prev_cpu = -1;
		return -1;
	}
	if (cpu == rec->cpu && tgt_stable) {
		atomic_long_inc(&wtr_st.cpu_checked);
		/*
		 * Unless a redirect to the previous pool is ruled out, that
		 * pool may be an unbound one which happened to run us here.
		 */
		if (it->prev_cpu == WTR_NO_PREV || it->prev_cpu == cpu ||
		    prev_stable) {
			slot = cpu;
			it->prev_cpu = cpu;
			it->prev_gen = rec->gen;
		} else {
			it->prev_cpu = -1;
		}
		return slot;
	}
	if (prev_stable && cpu == it->prev_cpu) {
		/* queued while the previous execution still ran there */
		atomic_long_inc(&wtr_st.cpu_redirected);
		return cpu;
	}
	if (!tgt_stable || it->prev_cpu == -1 || (prev_known && !prev_stable)) {
		atomic_long_inc(&wtr_st.cpu_skipped);
		it->prev_cpu = -1;
		return -1;
	}
	wtr_fail(C_CPU, "%s/%u: queued for CPU%d, previous run on CPU%d, ran on CPU%d",
		 it->w->name, it->id, rec->cpu, it->prev_cpu, cpu);
	it->prev_cpu = -1;
	return -1;
}

/* Pop the instance being executed; returns the max_active slot. */
static int wtr_track_start(struct wtr_item *it)
{
	struct wtr_wq *w = it->w;
	unsigned long flags;
	struct wtr_rec rec;
	int slot = -1;

	spin_lock_irqsave(&it->lock, flags);
	if (!it->fifo_len) {
		spin_unlock_irqrestore(&it->lock, flags);
		wtr_fail(C_DUP, "%s/%u: executed with no queued instance",
			 w->name, it->id);
		return -1;
	}
	rec = it->fifo[it->fifo_head];
	it->fifo_head = (it->fifo_head + 1) % WTR_FIFO;
	it->fifo_len--;

	if (w->ordered) {
		u32 last = READ_ONCE(w->last_ticket);

		if ((s32)(rec.ticket - last) <= 0)
			wtr_fail(C_ORDER, "%s/%u: ticket %u ran after ticket %u",
				 w->name, it->id, rec.ticket, last);
		WRITE_ONCE(w->last_ticket, rec.ticket);
		atomic_long_inc(&wtr_st.order_checked);
	}
	if (w->percpu)
		slot = wtr_affinity(it, &rec, smp_processor_id());
	spin_unlock_irqrestore(&it->lock, flags);
	return slot;
}

static void wtr_active_inc(struct wtr_item *it, int slot)
{
	struct wtr_wq *w = it->w;
	atomic_t *ctr;
	int n;

	it->slot = -1;
	if (!w->limit)
		return;
	if (w->percpu) {
		if (slot < 0)
			return;
		ctr = &w->cpu_active[slot];
	} else {
		ctr = &w->active;
	}
	it->slot = w->percpu ? slot : 0;
	n = atomic_inc_return(ctr);
	if (n > atomic_read(&w->peak))
		atomic_set(&w->peak, n);
	if (n > w->limit)
		wtr_fail(C_MAXACT, "%s: %d executing%s%.0d, max_active %d",
			 w->name, n, w->percpu ? " on CPU" : "",
			 w->percpu ? slot : 0, w->limit);
}

static void wtr_active_dec(struct wtr_item *it)
{
	struct wtr_wq *w = it->w;

	if (it->slot < 0)
		return;
	atomic_dec(w->percpu ? &w->cpu_active[it->slot] : &w->active);
}

static void wtr_requeue_self(struct wtr_item *it)
{
	unsigned long flags;
	bool ret;

	if (it->tracked) {
		spin_lock_irqsave(&it->lock, flags);
		ret = !it->sync_busy && wtr_queue(it, WORK_CPU_UNBOUND, 0, false);
		spin_unlock_irqrestore(&it->lock, flags);
	} else {
		local_irq_save(flags);
		ret = wtr_queue(it, WORK_CPU_UNBOUND, 0, false);
		local_irq_restore(flags);
	}
	if (ret)
		atomic_long_inc(&wtr_st.requeued);
}

static void wtr_work_fn(struct work_struct *work)
{
	struct wtr_item *it = wtr_item_of(work);
	struct wtr_wq *w = it->w;
	long ran, cancelled, queued;
	int slot = -1;

	if (w->bh ? !in_serving_softirq() :
		    (!in_task() || current_work() != work))
		wtr_fail(C_CONTEXT, "%s/%u: wrong context (softirq %d, task %d)",
			 w->name, it->id, !!in_serving_softirq(), !!in_task());

	ran = atomic_long_inc_return(&it->ran);
	cancelled = atomic_long_read(&it->cancelled);
	/* every cancel counted above was backed by a queue counted below */
	smp_rmb();
	queued = atomic_long_read(&it->queued);
	if (ran + cancelled > queued &&
	    atomic_long_read(&it->surplus) < ran + cancelled - queued) {
		/* report each new excess once, not every later execution */
		atomic_long_set(&it->surplus, ran + cancelled - queued);
		wtr_fail(C_DUP, "%s/%u: %ld executions + %ld cancels for %ld queues",
			 w->name, it->id, ran, cancelled, queued);
	}
	if (atomic_read(&it->sync_disabled))
		wtr_fail(C_DISABLE, "%s/%u: executed while disabled",
			 w->name, it->id);

	if (it->tracked)
		slot = wtr_track_start(it);
	wtr_active_inc(it, slot);

	/* give other executions a chance to overlap */
	if (!w->bh && get_random_u32_below(8) == 0)
		usleep_range(20, 200);
	else if (get_random_u32_below(16) == 0)
		udelay(5);

	if (!it->delayed && (wtr_op_mask & BIT(OP_REQUEUE)) &&
	    !READ_ONCE(wtr_draining) && it->budget > 0 &&
	    get_random_u32_below(4) == 0) {
		it->budget--;
		wtr_requeue_self(it);
	}

	wtr_active_dec(it);
	/* all of the above is done before we count as finished */
	smp_mb__before_atomic();
	atomic_long_inc(&it->done);	/* last access to @it */
}

/*
 * Each INIT_*WORK() site is one lockdep class for "this work's completion";
 * BH items take it in softirq, the others with softirqs on, so the two
 * must not share a site.  Called on an idle item only.
 */
static void wtr_item_init_work(struct wtr_item *it, bool bh)
{
	if (bh && it->delayed)
		INIT_DELAYED_WORK(&it->dwork, wtr_work_fn);
	else if (bh)
		INIT_WORK(&it->dwork.work, wtr_work_fn);
	else if (it->delayed)
		INIT_DELAYED_WORK(&it->dwork, wtr_work_fn);
	else
		INIT_WORK(&it->dwork.work, wtr_work_fn);
}

static void wtr_item_init(struct wtr_item *it, struct wtr_wq *w,
			  unsigned int id, bool delayed, bool tracked)
{
	memset(it, 0, sizeof(*it));
	it->w = w;
	it->id = id;
	it->delayed = delayed;
	it->tracked = tracked;
	it->budget = INT_MAX;
	it->prev_cpu = WTR_NO_PREV;
	it->slot = -1;
	spin_lock_init(&it->lock);
	wtr_item_init_work(it, w->bh);
}

/* Nothing outstanding: every instance ended, nothing executing. */
static bool wtr_item_settled(struct wtr_item *it)
{
	long done = atomic_long_read(&it->done);

	return done == atomic_long_read(&it->ran) &&
	       !atomic_read(&it->cancel_inflight) &&
	       atomic_long_read(&it->queued) <=
			done + atomic_long_read(&it->cancelled);
}

/* After flush: every instance queued before @snap must have ended. */
static void wtr_check_flushed(struct wtr_item *it, long snap, const char *what)
{
	long inflight, cancelled, done;

	inflight = atomic_read(&it->cancel_inflight);
	/* a cancel leaving flight after this read is counted below */
	smp_rmb();
	cancelled = atomic_long_read(&it->cancelled);
	done = atomic_long_read(&it->done);
	atomic_long_inc(&wtr_st.flush_checked);
	if (done + cancelled + inflight < snap)
		wtr_fail(C_FLUSH, "%s/%u: %s returned with %ld of %ld earlier queues unfinished",
			 it->w->name, it->id, what,
			 snap - done - cancelled - inflight, snap);
}

/* ------------------------------------------------------------------ */
/* Workqueue slots                                                     */

static int wtr_limit_for(bool ordered, bool bh, bool unbound, int ma)
{
	if (ordered)
		return 1;
	if (bh)
		return 0;
	if (unbound && num_possible_nodes() > 1)
		return ma + num_possible_nodes() * min(ma, (int)WQ_DFL_MIN_ACTIVE);
	return ma;
}

static int wtr_wq_setup(struct wtr_wq *w, const char *name, unsigned int flags,
			bool ordered, int ma)
{
	strscpy(w->name, name, sizeof(w->name));
	w->bh = flags & WQ_BH;
	w->ordered = ordered;
	w->percpu = !ordered && !(flags & WQ_UNBOUND);
	w->limit = wtr_limit_for(ordered, w->bh, flags & WQ_UNBOUND, ma);
	atomic_set(&w->active, 0);
	atomic_set(&w->peak, 0);
	spin_lock_init(&w->order_lock);
	w->next_ticket = 0;
	w->last_ticket = 0;
	if (w->percpu && !w->cpu_active) {
		w->cpu_active = kcalloc(nr_cpu_ids, sizeof(atomic_t), GFP_KERNEL);
		if (!w->cpu_active)
			return -ENOMEM;
	}
	if (ordered)
		w->wq = alloc_ordered_workqueue("%s", flags, name);
	else
		w->wq = alloc_workqueue("%s", flags, w->bh ? 0 : ma, name);
	return w->wq ? 0 : -ENOMEM;
}

static int wtr_setup_wqs(void)
{
	bool delayed_ops = wtr_op_mask & (BIT(OP_DELAYED) | BIT(OP_MOD_DELAYED));
	int k, ret;
	unsigned int i;

	for (k = 0; k < K_NR; k++) {
		struct wtr_wq *w = &wtr_wqs[k];
		char name[32];

		if (!(wtr_kind_mask & BIT(k)))
			continue;
		snprintf(name, sizeof(name), "wqtest_%s", wtr_kinds[k].name);
		ret = wtr_wq_setup(w, name, wtr_kinds[k].flags,
				   wtr_kinds[k].ordered, max_active);
		if (ret)
			return ret;
		w->items = kcalloc(nitems, sizeof(*w->items), GFP_KERNEL);
		if (!w->items)
			return -ENOMEM;
		w->nitems = nitems;
		w->nplain = (w->ordered || !delayed_ops) ? nitems : nitems / 2;
		for (i = 0; i < nitems; i++)
			wtr_item_init(&w->items[i], w, i, i >= w->nplain,
				      w->ordered || (w->percpu && (i & 1)));
	}
	return 0;
}

static void wtr_free_wqs(void)
{
	int k;

	for (k = 0; k < K_NR; k++) {
		struct wtr_wq *w = &wtr_wqs[k];

		if (w->wq)
			destroy_workqueue(w->wq);
		kfree(w->items);
		kfree(w->cpu_active);
		memset(w, 0, sizeof(*w));
	}
}

/* ------------------------------------------------------------------ */
/* Producer operations                                                 */

static struct wtr_wq *wtr_pick_wq(struct wtr_producer *p, bool need_delayed)
{
	unsigned int n = hweight32(wtr_kind_mask), i, k, tries;

	for (tries = 0; tries < 2 * K_NR; tries++) {
		i = wtr_rand(p, n);
		for (k = 0; k < K_NR; k++) {
			if (!(wtr_kind_mask & BIT(k)))
				continue;
			if (!i--)
				break;
		}
		if (!need_delayed || wtr_wqs[k].nplain < wtr_wqs[k].nitems)
			return &wtr_wqs[k];
	}
	return NULL;
}

static struct wtr_item *wtr_pick_item(struct wtr_producer *p, struct wtr_wq *w,
				      bool need_delayed)
{
	if (need_delayed)
		return &w->items[w->nplain + wtr_rand(p, w->nitems - w->nplain)];
	return &w->items[wtr_rand(p, w->nitems)];
}

/* An online CPU, preferably not this one; cpus_read_lock() held. */
static int wtr_pick_cpu(struct wtr_producer *p)
{
	unsigned int n = num_online_cpus();
	int cpu = cpumask_nth(wtr_rand(p, n), cpu_online_mask);

	if (cpu == raw_smp_processor_id() && n > 1)
		cpu = cpumask_next_wrap(cpu, cpu_online_mask, cpu, false);
	return cpu < nr_cpu_ids ? cpu : raw_smp_processor_id();
}

/* Take the item for an exclusive sync op; false if someone else has it. */
static bool wtr_busy_get(struct wtr_item *it)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&it->lock, flags);
	ok = !it->sync_busy;
	it->sync_busy = true;
	spin_unlock_irqrestore(&it->lock, flags);
	if (!ok)
		atomic_long_inc(&wtr_st.busy_skips);
	return ok;
}

static void wtr_busy_put(struct wtr_item *it)
{
	unsigned long flags;

	spin_lock_irqsave(&it->lock, flags);
	it->sync_busy = false;
	spin_unlock_irqrestore(&it->lock, flags);
}

static void wtr_op_queue(struct wtr_producer *p, struct wtr_item *it,
			 enum wtr_op op)
{
	bool mod = op == OP_MOD_DELAYED;
	bool want_cpu = op == OP_QUEUE_ON ||
			((op == OP_DELAYED || mod) && wtr_rand(p, 2));
	unsigned long delay = 0, flags;
	int cpu = WORK_CPU_UNBOUND;

	if (it->delayed && (op == OP_DELAYED || mod))
		delay = wtr_rand(p, max_delay + 1);
	/*
	 * A BH delayed work whose target CPU goes offline before the timer
	 * fires would be queued on a dead CPU's BH pool; target no CPU.
	 */
	if (it->w->bh && it->delayed && delay)
		want_cpu = false;

	if (want_cpu) {
		cpus_read_lock();
		cpu = wtr_pick_cpu(p);
	}
	if (it->tracked || mod) {
		spin_lock_irqsave(&it->lock, flags);
		if (it->sync_busy) {
			atomic_long_inc(&wtr_st.busy_skips);
		} else {
			if (mod)
				atomic_inc(&it->mod_seq);
			wtr_queue(it, cpu, delay, mod);
			if (mod)
				atomic_inc(&it->mod_seq);
		}
		spin_unlock_irqrestore(&it->lock, flags);
	} else {
		local_irq_save(flags);
		wtr_queue(it, cpu, delay, false);
		local_irq_restore(flags);
	}
	if (want_cpu)
		cpus_read_unlock();
}

static void wtr_cancel_begin(struct wtr_item *it)
{
	atomic_inc(&it->cancel_calls);
	atomic_inc(&it->cancel_inflight);
	/* in flight before the call can remove an instance */
	smp_mb__after_atomic();
}

static void wtr_cancel_end(struct wtr_item *it)
{
	/* the result is counted before the call leaves flight */
	smp_mb__before_atomic();
	atomic_dec(&it->cancel_inflight);
}

static void wtr_op_cancel(struct wtr_item *it)
{
	unsigned long flags;
	bool ret;

	wtr_cancel_begin(it);
	if (it->tracked) {
		/* nothing may be queued between the cancel and the FIFO update */
		spin_lock_irqsave(&it->lock, flags);
		ret = it->delayed ? cancel_delayed_work(&it->dwork) :
				    cancel_work(wtr_work(it));
		if (ret) {
			atomic_long_inc(&it->cancelled);
			if (it->fifo_len)
				it->fifo_len--;
			else
				wtr_fail(C_DUP,
					 "%s/%u: cancel removed an instance that was never queued",
					 it->w->name, it->id);
		}
		spin_unlock_irqrestore(&it->lock, flags);
	} else {
		ret = it->delayed ? cancel_delayed_work(&it->dwork) :
				    cancel_work(wtr_work(it));
		if (ret)
			atomic_long_inc(&it->cancelled);
	}
	wtr_cancel_end(it);
}

static bool wtr_needs_excl(struct wtr_item *it)
{
	return it->tracked || it->delayed;
}

static void wtr_op_cancel_sync(struct wtr_item *it)
{
	bool excl = wtr_needs_excl(it);
	bool ret;

	if (excl && !wtr_busy_get(it))
		return;
	wtr_cancel_begin(it);
	ret = it->delayed ? cancel_delayed_work_sync(&it->dwork) :
			    cancel_work_sync(wtr_work(it));
	if (ret)
		wtr_note_cancel(it);
	wtr_cancel_end(it);
	if (excl)
		wtr_busy_put(it);
}

static void wtr_op_flush_work(struct wtr_item *it)
{
	int seq = 0, fseq = 0, others = 0, calls, cancels;
	bool skip, waited, cancelling;
	long snap;

	if (it->delayed) {
		seq = atomic_read(&it->mod_seq);
		fseq = atomic_inc_return(&it->dflush_seq);
		others = atomic_inc_return(&it->dflush_active) - 1;
	}
	calls = atomic_read(&it->queue_calls);
	cancels = atomic_read(&it->cancel_calls);
	cancelling = atomic_read(&it->cancel_inflight);
	snap = atomic_long_read(&it->queued_done);
	/* snapshot taken before the flush starts */
	smp_mb();
	if (it->delayed)
		waited = flush_delayed_work(&it->dwork);
	else
		waited = flush_work(wtr_work(it));
	/* and checked against counts read after it returned */
	smp_mb();
	/*
	 * Two races void the check: v6.12 does not wait in either.  A cancel
	 * during the flush that takes the pending instance off its queue
	 * releases the barrier queued behind it, which then need not wait for
	 * an earlier instance still running.  And flush_work() guarantees an
	 * idle item only if it was not queued again meanwhile: an ordered wq
	 * whose pwq is being replaced queues the item on the new pwq even while
	 * it still runs on the old one, and a flush that sees the new instance
	 * appear between reading the item's pool and locking it may return at
	 * once.
	 */
	skip = cancelling || atomic_read(&it->cancel_calls) != cancels;
	if (it->w->ordered && !waited &&
	    atomic_read(&it->queue_calls) != calls)
		skip = true;
	if (skip) {
		if (it->delayed)
			atomic_dec(&it->dflush_active);
		atomic_long_inc(&wtr_st.flush_skipped);
		return;
	}
	if (!it->delayed) {
		wtr_check_flushed(it, snap, "flush_work");
		return;
	}
	/*
	 * Two things can hide the pending instance from flush_delayed_work():
	 * mod_delayed_work() moving it behind the flush, and a concurrent
	 * flush_delayed_work() that has taken the timer but not yet queued
	 * the work (this one then finds nothing to wait for).
	 */
	skip = (seq & 1) || atomic_read(&it->mod_seq) != seq || others ||
	       atomic_read(&it->dflush_seq) != fseq;
	atomic_dec(&it->dflush_active);
	if (skip)
		atomic_long_inc(&wtr_st.flush_skipped);
	else
		wtr_check_flushed(it, snap, "flush_delayed_work");
}

static void wtr_flush_wq_checked(struct wtr_wq *w, long *snap)
{
	unsigned int i;

	for (i = 0; i < w->nplain; i++)
		snap[i] = atomic_long_read(&w->items[i].queued_done);
	/* snapshots before the flush, checks after it */
	smp_mb();
	flush_workqueue(w->wq);
	/* see above */
	smp_mb();
	for (i = 0; i < w->nplain; i++)
		wtr_check_flushed(&w->items[i], snap[i], "flush_workqueue");
}

/* Try to queue a disabled item; every way must be refused. */
static void wtr_try_disabled(struct wtr_producer *p, struct wtr_item *it)
{
	unsigned long flags;
	bool created;

	atomic_long_inc(&it->queued);
	/* as in wtr_queue(): raised before the attempt */
	smp_mb__after_atomic();
	local_irq_save(flags);
	if (!it->delayed) {
		created = queue_work(it->w->wq, wtr_work(it));
	} else if (wtr_rand(p, 2)) {
		created = queue_delayed_work(it->w->wq, &it->dwork,
					     wtr_rand(p, max_delay + 1));
	} else {
		/*
		 * Nothing can be pending, so true is wrong.  false cannot
		 * tell "refused" from "queued"; an instance queued anyway
		 * would show up as an execution without a queue.
		 */
		created = false;
		if (mod_delayed_work(it->w->wq, &it->dwork, 0))
			wtr_fail(C_DISABLE, "%s/%u: mod_delayed_work found a disabled item pending",
				 it->w->name, it->id);
	}
	local_irq_restore(flags);
	if (!created) {
		atomic_long_dec(&it->queued);
		atomic_long_inc(&wtr_st.refused);
		return;
	}
	/* keep the books right: this instance exists now */
	atomic_long_inc(&it->queued_done);
	if (it->tracked) {
		struct wtr_rec rec = { .cpu = -1 };

		spin_lock_irqsave(&it->lock, flags);
		wtr_fifo_push(it, &rec);
		spin_unlock_irqrestore(&it->lock, flags);
	}
	wtr_fail(C_DISABLE, "%s/%u: queueing a disabled item succeeded",
		 it->w->name, it->id);
}

static void wtr_op_disable(struct wtr_producer *p, struct wtr_item *it)
{
	bool excl = wtr_needs_excl(it);
	bool sync = wtr_rand(p, 2);
	bool nested = excl && !wtr_rand(p, 4);
	bool ret;

	if (excl && !wtr_busy_get(it))
		return;

	wtr_cancel_begin(it);
	if (it->delayed)
		ret = sync ? disable_delayed_work_sync(&it->dwork) :
			     disable_delayed_work(&it->dwork);
	else
		ret = sync ? disable_work_sync(wtr_work(it)) :
			     disable_work(wtr_work(it));
	if (ret)
		wtr_note_cancel(it);
	wtr_cancel_end(it);

	if (nested) {
		/* already disabled, so nothing can be pending */
		ret = it->delayed ? disable_delayed_work(&it->dwork) :
				    disable_work(wtr_work(it));
		if (ret) {
			wtr_note_cancel(it);
			wtr_fail(C_DISABLE, "%s/%u: second disable found it pending",
				 it->w->name, it->id);
		}
	}
	if (sync)
		atomic_inc(&it->sync_disabled);

	wtr_try_disabled(p, it);
	if (wtr_rand(p, 2))
		usleep_range(20, 100);
	wtr_try_disabled(p, it);

	if (sync)
		atomic_dec(&it->sync_disabled);
	if (nested) {
		ret = it->delayed ? enable_delayed_work(&it->dwork) :
				    enable_work(wtr_work(it));
		if (ret)
			wtr_fail(C_DISABLE, "%s/%u: enable reported count 0 after nested disable",
				 it->w->name, it->id);
	}
	ret = it->delayed ? enable_delayed_work(&it->dwork) :
			    enable_work(wtr_work(it));
	if (excl && !ret)
		wtr_fail(C_DISABLE, "%s/%u: last enable did not report count 0",
			 it->w->name, it->id);
	atomic_long_inc(&wtr_st.disable_cycles);
	if (excl)
		wtr_busy_put(it);
}

/* Create a workqueue, load it, destroy it, check nothing was left behind. */
static void wtr_op_shortlived(struct wtr_producer *p)
{
	static const unsigned int choice[] = {
		0, WQ_UNBOUND, WQ_HIGHPRI, WQ_BH, WQ_BH | WQ_HIGHPRI,
		WQ_FREEZABLE, WQ_MEM_RECLAIM, WQ_UNBOUND | WQ_MEM_RECLAIM,
		WQ_UNBOUND | WQ_FREEZABLE, 0 /* ordered */,
	};
	unsigned int c = wtr_rand(p, ARRAY_SIZE(choice));
	bool ordered = c == ARRAY_SIZE(choice) - 1;
	struct wtr_wq *w = &p->sl;
	unsigned int i, round, rounds;
	char name[32];
	long snap[WTR_SCRATCH], bal[WTR_SCRATCH];
	unsigned long flags;

	snprintf(name, sizeof(name), "wqtest_sl%u", p->idx);
	if (wtr_wq_setup(w, name, choice[c], ordered,
			 1 + wtr_rand(p, max_active))) {
		atomic_long_inc(&wtr_st.sl_alloc_fail);
		return;
	}
	atomic_long_inc(&wtr_st.sl_created);
	w->items = p->scratch;
	w->nitems = WTR_SCRATCH;
	w->nplain = WTR_SCRATCH - 2;
	for (i = 0; i < WTR_SCRATCH; i++) {
		struct wtr_item *it = &p->scratch[i];

		it->w = w;
		wtr_item_init_work(it, w->bh);
		/* zero unless an earlier lifetime already went wrong */
		bal[i] = atomic_long_read(&it->queued) -
			 atomic_long_read(&it->ran) -
			 atomic_long_read(&it->cancelled);
		/* a BH item is not "chained" for a dying workqueue */
		it->budget = w->bh ? 0 : wtr_rand(p, 4);
	}

	rounds = 1 + wtr_rand(p, 3);
	for (round = 0; round < rounds; round++) {
		for (i = 0; i < WTR_SCRATCH; i++) {
			struct wtr_item *it = &p->scratch[i];
			bool on = wtr_rand(p, 2);
			int cpu = WORK_CPU_UNBOUND;
			unsigned long delay = 0;

			if (it->delayed)
				delay = wtr_rand(p, max_delay + 1);
			if (on && !(w->bh && delay)) {
				cpus_read_lock();
				cpu = wtr_pick_cpu(p);
			}
			local_irq_save(flags);
			wtr_queue(it, cpu, delay, false);
			local_irq_restore(flags);
			if (cpu != WORK_CPU_UNBOUND)
				cpus_read_unlock();
			if (!wtr_rand(p, 6))
				wtr_op_cancel(it);
		}
		if (!wtr_rand(p, 2))
			wtr_flush_wq_checked(w, snap);
	}
	/* destroy_workqueue() does not wait for timers of delayed work */
	for (i = w->nplain; i < WTR_SCRATCH; i++) {
		struct wtr_item *it = &p->scratch[i];

		if (wtr_rand(p, 2)) {
			flush_delayed_work(&it->dwork);
		} else {
			wtr_cancel_begin(it);
			if (cancel_delayed_work_sync(&it->dwork))
				atomic_long_inc(&it->cancelled);
			wtr_cancel_end(it);
		}
	}
	destroy_workqueue(w->wq);
	w->wq = NULL;
	atomic_long_add(WTR_SCRATCH, &wtr_st.sl_items);

	for (i = 0; i < WTR_SCRATCH; i++) {
		struct wtr_item *it = &p->scratch[i];
		long q = atomic_long_read(&it->queued);
		long r = atomic_long_read(&it->ran);
		long cn = atomic_long_read(&it->cancelled);
		long d = atomic_long_read(&it->done);

		if (q - r - cn == bal[i] && d == r)
			continue;
		wtr_fail(C_SHORTLIVED,
			 "%s/%u after destroy: queued %ld ran %ld cancelled %ld finished %ld (balance was %ld)",
			 name, it->id, q, r, cn, d, bal[i]);
		/* unless it merely ran too often, something may still hold it */
		if (q - r - cn > bal[i] || d != r)
			WRITE_ONCE(wtr_pinned, true);
	}
}

/* ------------------------------------------------------------------ */
/* Producers                                                           */

static enum wtr_op wtr_pick_op(struct wtr_producer *p)
{
	u32 r = wtr_rand(p, wtr_op_total);
	int op;

	for (op = 0; op < OP_NR; op++) {
		if (!(wtr_op_mask & BIT(op)))
			continue;
		if (r < wtr_op_weight[op])
			return op;
		r -= wtr_op_weight[op];
	}
	return OP_QUEUE;
}

static void wtr_do_op(struct wtr_producer *p, enum wtr_op op)
{
	bool need_delayed = op == OP_DELAYED || op == OP_MOD_DELAYED;
	struct wtr_item *it;
	struct wtr_wq *w;

	if (op == OP_SHORTLIVED) {
		p->op_item = NULL;
		wtr_op_shortlived(p);
		return;
	}
	w = wtr_pick_wq(p, need_delayed);
	if (!w)
		return;
	if (op == OP_FLUSH_WQ) {
		p->op_item = NULL;
		wtr_flush_wq_checked(w, p->snap);
		return;
	}
	it = wtr_pick_item(p, w, need_delayed);
	p->op_item = it;

	switch (op) {
	case OP_QUEUE:
	case OP_QUEUE_ON:
	case OP_DELAYED:
	case OP_MOD_DELAYED:
		wtr_op_queue(p, it, op);
		break;
	case OP_CANCEL:
		wtr_op_cancel(it);
		break;
	case OP_CANCEL_SYNC:
		wtr_op_cancel_sync(it);
		break;
	case OP_FLUSH_WORK:
		wtr_op_flush_work(it);
		break;
	case OP_DISABLE:
		wtr_op_disable(p, it);
		break;
	default:
		break;
	}
}

static int wtr_producer_fn(void *arg)
{
	struct wtr_producer *p = arg;
	unsigned long n = 0;

	while (!READ_ONCE(wtr_stop) && !torture_must_stop()) {
		enum wtr_op op;

		stutter_wait("wtr_producer");
		op = wtr_pick_op(p);

		p->op_name = wtr_op_names[op];
		WRITE_ONCE(p->op_start, jiffies | 1);
		wtr_do_op(p, op);
		WRITE_ONCE(p->op_start, 0);
		atomic_long_inc(&wtr_st.ops[op]);
		if (++n % 32 == 0)
			usleep_range(50, 200);
		else
			cond_resched();
	}
	complete(&p->done);
	/* the shuffler may still look at us: exit in kthread_stop() only */
	torture_kthread_stopping("wtr_producer");
	return 0;
}

static void wtr_watchdog(void)
{
	unsigned long limit = (unsigned long)stall_timeout * HZ;
	unsigned int i;

	for (i = 0; i < wtr_nprods; i++) {
		struct wtr_producer *p = &wtr_prods[i];
		unsigned long t = READ_ONCE(p->op_start);
		struct wtr_item *it = READ_ONCE(p->op_item);

		if (!t || p->stall_reported || time_before(jiffies, t + limit))
			continue;
		p->stall_reported = true;
		if (it)
			wtr_fail(C_STALL,
				 "producer %u stuck in %s on %s/%u for %us (queued %ld ran %ld cancelled %ld)",
				 i, p->op_name, it->w->name, it->id,
				 stall_timeout, atomic_long_read(&it->queued),
				 atomic_long_read(&it->ran),
				 atomic_long_read(&it->cancelled));
		else
			wtr_fail(C_STALL, "producer %u stuck in %s for %us",
				 i, p->op_name, stall_timeout);
	}
}

static int wtr_alloc_prods(void)
{
	unsigned int i, j;

	wtr_prods = kcalloc(wtr_nprods, sizeof(*wtr_prods), GFP_KERNEL);
	if (!wtr_prods)
		return -ENOMEM;
	for (i = 0; i < wtr_nprods; i++) {
		struct wtr_producer *p = &wtr_prods[i];

		p->idx = i;
		prandom_seed_state(&p->rnd, seed + i * 0x9e3779b97f4a7c15ULL);
		init_completion(&p->done);
		p->snap = kcalloc(nitems, sizeof(long), GFP_KERNEL);
		p->scratch = kcalloc(WTR_SCRATCH, sizeof(*p->scratch), GFP_KERNEL);
		if (!p->snap || !p->scratch)
			return -ENOMEM;
		for (j = 0; j < WTR_SCRATCH; j++)
			wtr_item_init(&p->scratch[j], &p->sl, j,
				      j >= WTR_SCRATCH - 2, false);
	}
	return 0;
}

static void wtr_free_prods(void)
{
	unsigned int i;

	for (i = 0; wtr_prods && i < wtr_nprods; i++) {
		kfree(wtr_prods[i].snap);
		kfree(wtr_prods[i].scratch);
		kfree(wtr_prods[i].sl.cpu_active);
	}
	kfree(wtr_prods);
	wtr_prods = NULL;
}

/* ------------------------------------------------------------------ */
/* The torture run                                                     */

/*
 * kernel/torture.c runs one torture test at a time: wtr_init() claims it
 * with torture_init_begin(), and the end of the run releases it, so that
 * the module may stay loaded with its results while another test runs.
 */
static bool wtr_framework_held;
static char *wtr_torture_type = "workqueue";

/* Shuffling, stutter and CPU hotplug, as their parameters ask. */
static int wtr_framework_start(void)
{
	int ret = 0;

	if (shuffle_interval > 0)
		ret = torture_shuffle_init((long)shuffle_interval * HZ);
	if (!ret && stutter > 0)
		ret = torture_stutter_init(stutter * HZ, stutter * HZ);
	if (!ret && onoff_interval > 0)
		ret = torture_onoff_init((long)onoff_holdoff * HZ,
					 (long)onoff_interval * HZ, NULL);
	return ret;
}

/*
 * Stop the framework's threads, then the producers that left their loop;
 * one stuck in an operation is left alone (the module is pinned then).
 */
static void wtr_framework_stop(void)
{
	unsigned int i;

	if (!wtr_framework_held)
		return;
	torture_cleanup_begin();
	for (i = 0; wtr_prods && i < wtr_nprods; i++) {
		struct wtr_producer *p = &wtr_prods[i];

		if (p->task && completion_done(&p->done))
			torture_stop_kthread(wtr_producer_fn, p->task);
	}
	if (onoff_interval > 0)
		torture_onoff_stats();
	torture_cleanup_end();
	wtr_framework_held = false;
}

static void wtr_progress(unsigned long start)
{
	unsigned long nops = 0;
	int i, fails = 0;

	for (i = 0; i < OP_NR; i++)
		nops += atomic_long_read(&wtr_st.ops[i]);
	for (i = 0; i < C_NR; i++)
		fails += atomic_read(&wtr_fails[i]);
	pr_info("# test_workqueue: %lus: %lu ops, %d hotplug events, %d failures\n",
		(jiffies - start) / HZ, nops, atomic_read(&wtr_st.hotplug),
		fails);
}

/* The item after @it on the long-lived workqueues; NULL: the first. */
static struct wtr_item *wtr_next_item(struct wtr_item *it)
{
	struct wtr_wq *w = it ? it->w : wtr_wqs;

	if (it) {
		if (++it < w->items + w->nitems)
			return it;
		w++;
	}
	for (; w < wtr_wqs + K_NR; w++)
		if (w->items && w->nitems)
			return w->items;
	return NULL;
}

static bool wtr_all_settled(void)
{
	struct wtr_item *it;

	for (it = wtr_next_item(NULL); it; it = wtr_next_item(it))
		if (!wtr_item_settled(it))
			return false;
	return true;
}

static void wtr_add_totals(struct wtr_item *it)
{
	atomic_long_add(atomic_long_read(&it->queued), &wtr_st.queued);
	atomic_long_add(atomic_long_read(&it->ran), &wtr_st.ran);
	atomic_long_add(atomic_long_read(&it->cancelled), &wtr_st.cancelled);
}

/* The final books of one item: queued == ran + cancelled, all finished. */
static void wtr_check_books(struct wtr_item *it)
{
	long q = atomic_long_read(&it->queued);
	long r = atomic_long_read(&it->ran);
	long c = atomic_long_read(&it->cancelled);
	long d = atomic_long_read(&it->done);

	if (r + c > q)
		wtr_fail(C_DUP, "%s/%u at the end: queued %ld, ran %ld, cancelled %ld",
			 it->w->name, it->id, q, r, c);
	if (wtr_item_settled(it) && r + c >= q)
		return;
	wtr_fail(C_LOST,
		 "%s/%u at the end: queued %ld, ran %ld, cancelled %ld, finished %ld, pending %d",
		 it->w->name, it->id, q, r, c, d, work_pending(wtr_work(it)));
	WRITE_ONCE(wtr_pinned, true);
}

/* Stop producers, let everything settle, check the books. */
static void wtr_finish(void)
{
	unsigned long deadline;
	struct wtr_item *it;
	unsigned int i;
	bool settled;

	WRITE_ONCE(wtr_stop, true);
	for (i = 0; i < wtr_nprods; i++) {
		struct wtr_producer *p = &wtr_prods[i];

		if (!p->task)
			continue;
		while (!wait_for_completion_timeout(&p->done, HZ)) {
			wtr_watchdog();
			if (p->stall_reported) {
				WRITE_ONCE(wtr_pinned, true);
				break;
			}
		}
	}
	wtr_framework_stop();
	WRITE_ONCE(wtr_draining, true);
	/* items that see it stop requeueing before we start counting */
	smp_mb();

	deadline = jiffies + (unsigned long)stall_timeout * HZ;
	while (!(settled = wtr_all_settled()) &&
	       time_before(jiffies, deadline))
		msleep(20);
	if (!settled)
		wtr_fail(C_STALL, "work did not settle within %us", stall_timeout);

	for (it = wtr_next_item(NULL); it; it = wtr_next_item(it)) {
		wtr_add_totals(it);
		wtr_check_books(it);
	}
	for (i = 0; i < wtr_nprods; i++)
		for (it = wtr_prods[i].scratch;
		     it && it < wtr_prods[i].scratch + WTR_SCRATCH; it++)
			wtr_add_totals(it);
}

static void wtr_report_torture(unsigned long secs)
{
	struct wtr_wq *w;
	int c;

	for (c = 0; c < C_NR; c++) {
		bool skip = false;

		switch (c) {
		case C_ORDER:
			skip = !(wtr_kind_mask & BIT(K_ORDERED));
			break;
		case C_CPU:
			skip = !(wtr_kind_mask & (BIT(K_PERCPU) | BIT(K_HIGHPRI) |
						  BIT(K_BH) | BIT(K_BH_HIGHPRI) |
						  BIT(K_FREEZABLE)));
			break;
		case C_DISABLE:
			skip = !(wtr_op_mask & BIT(OP_DISABLE));
			break;
		case C_SHORTLIVED:
			skip = !(wtr_op_mask & BIT(OP_SHORTLIVED));
			break;
		case C_FLUSH:
			skip = !(wtr_op_mask & (BIT(OP_FLUSH_WORK) | BIT(OP_FLUSH_WQ)));
			break;
		}
		if (atomic_read(&wtr_fails[c]))
			wtr_out("# %s: %d failures", wtr_check_names[c],
				atomic_read(&wtr_fails[c]));
		wtr_point(!atomic_read(&wtr_fails[c]), skip && !atomic_read(&wtr_fails[c]),
			  wtr_check_names[c]);
	}

	wtr_out("# totals: seconds=%lu queued=%ld ran=%ld cancelled=%ld rejected=%ld",
		secs, atomic_long_read(&wtr_st.queued),
		atomic_long_read(&wtr_st.ran),
		atomic_long_read(&wtr_st.cancelled),
		atomic_long_read(&wtr_st.merged) +
		atomic_long_read(&wtr_st.refused));
	wtr_out("# rejected: merged=%ld refused_disabled=%ld; moved=%ld requeued=%ld",
		atomic_long_read(&wtr_st.merged),
		atomic_long_read(&wtr_st.refused),
		atomic_long_read(&wtr_st.moved),
		atomic_long_read(&wtr_st.requeued));
	wtr_out("# checks: flush=%ld flush_skipped=%ld order=%ld disable_cycles=%ld",
		atomic_long_read(&wtr_st.flush_checked),
		atomic_long_read(&wtr_st.flush_skipped),
		atomic_long_read(&wtr_st.order_checked),
		atomic_long_read(&wtr_st.disable_cycles));
	wtr_out("# cpu: checked=%ld redirected=%ld skipped=%ld; busy_skips=%ld",
		atomic_long_read(&wtr_st.cpu_checked),
		atomic_long_read(&wtr_st.cpu_redirected),
		atomic_long_read(&wtr_st.cpu_skipped),
		atomic_long_read(&wtr_st.busy_skips));
	wtr_out("# shortlived: workqueues=%ld items=%ld alloc_failures=%ld; hotplug_events=%d",
		atomic_long_read(&wtr_st.sl_created),
		atomic_long_read(&wtr_st.sl_items),
		atomic_long_read(&wtr_st.sl_alloc_fail),
		atomic_read(&wtr_st.hotplug));
	for (w = wtr_wqs; w < wtr_wqs + K_NR; w++)
		if (w->items && w->limit)
			wtr_out("# %s: peak executing %d (max_active %d%s)",
				w->name, atomic_read(&w->peak), w->limit,
				w->percpu ? " per CPU" : "");
	{
		char buf[160];
		int op, len = 0;

		for (op = 0; op < OP_NR; op++)
			if (op != OP_REQUEUE)
				len += scnprintf(buf + len, sizeof(buf) - len,
						 " %s=%ld", wtr_op_names[op],
						 atomic_long_read(&wtr_st.ops[op]));
		wtr_out("# ops:%s", buf);
	}
}

/* Run the producers for @secs seconds and check the books. */
static void wtr_torture(unsigned int secs)
{
	unsigned long start = jiffies, end = start + secs * HZ, last = start;
	unsigned long every = (unsigned long)stat_interval * HZ;
	unsigned int i;

	for (i = 0; i < wtr_nprods; i++) {
		struct wtr_producer *p = &wtr_prods[i];

		/* on failure the framework has said so, and ->task is NULL */
		torture_create_kthread(wtr_producer_fn, p, p->task);
	}
	if (wtr_framework_start())
		wtr_fail(C_STALL, "cannot start kernel/torture.c's threads");

	while (time_before(jiffies, end) && !READ_ONCE(wtr_stop_req)) {
		wait_event_timeout(wtr_waitq, READ_ONCE(wtr_stop_req), HZ / 5);
		wtr_watchdog();
		if (every && time_after(jiffies, last + every)) {
			last = jiffies;
			wtr_progress(start);
		}
	}
	wtr_finish();
	wtr_report_torture((jiffies - start) / HZ);
}

/* ------------------------------------------------------------------ */
/* Directed selftest cases                                             */

struct wtr_probe {
	struct delayed_work dwork;
	atomic_t runs;
	int cpu;
	bool softirq;
	struct completion started;
	struct completion finished;
	struct completion *gate;	/* wait (bounded) for this if set */
	atomic_t *active, *peak;
	int *log;			/* ordered case: execution order */
	atomic_t *log_pos;
	int id;
	unsigned int sleep_ms;		/* sleep this long once started */
};

#define WTR_WAIT	(10 * HZ)

static void wtr_probe_fn(struct work_struct *work)
{
	struct wtr_probe *pr = container_of(to_delayed_work(work),
					    struct wtr_probe, dwork);
	int n = 0;

	pr->cpu = raw_smp_processor_id();
	pr->softirq = in_serving_softirq();
	if (pr->active) {
		n = atomic_inc_return(pr->active);
		if (n > atomic_read(pr->peak))
			atomic_set(pr->peak, n);
	}
	if (pr->log)
		pr->log[atomic_inc_return(pr->log_pos) - 1] = pr->id;
	complete(&pr->started);
	if (pr->sleep_ms)
		msleep(pr->sleep_ms);
	if (pr->gate)
		wait_for_completion_timeout(pr->gate, WTR_WAIT);
	if (pr->active)
		atomic_dec(pr->active);
	atomic_inc(&pr->runs);
	complete(&pr->finished);
}

/* @bh: for a BH workqueue (a lockdep class of its own, see above) */
static void wtr_probe_init(struct wtr_probe *pr, bool delayed, bool bh)
{
	memset(pr, 0, sizeof(*pr));
	if (bh)
		INIT_WORK(&pr->dwork.work, wtr_probe_fn);
	else if (delayed)
		INIT_DELAYED_WORK(&pr->dwork, wtr_probe_fn);
	else
		INIT_WORK(&pr->dwork.work, wtr_probe_fn);
	init_completion(&pr->started);
	init_completion(&pr->finished);
}

/* Selftest bookkeeping: a failed expectation fails the current case. */
static bool wtr_st_ok;

#define ST_EXPECT(cond) do {						\
	if (!(cond)) {							\
		wtr_out("# %s:%d: expected %s", __func__, __LINE__, #cond); \
		wtr_st_ok = false;					\
	}								\
} while (0)

/* Bounded wait; a timeout leaves work in flight, so memory gets pinned. */
static bool wtr_st_wait(struct completion *c)
{
	if (wait_for_completion_timeout(c, WTR_WAIT))
		return true;
	wtr_out("# timed out after %ds", WTR_WAIT / HZ);
	wtr_st_ok = false;
	WRITE_ONCE(wtr_pinned, true);
	return false;
}

/* Heap, not stack: after a timeout, probes may still write here. */
struct wtr_st_ctx {
	struct workqueue_struct *percpu, *unbound, *ordered, *bh;
	struct wtr_probe p[64];
	struct completion gate;
	int log[64];
	atomic_t log_pos;
	atomic_t active, peak;
};

static void wtr_st_queue_runs_once(struct wtr_st_ctx *s)
{
	struct workqueue_struct *wqs[] = { s->percpu, s->unbound, s->ordered,
					   s->bh, system_wq, system_bh_wq };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		struct wtr_probe *pr = &s->p[i];
		bool bh = wqs[i] == s->bh || wqs[i] == system_bh_wq;

		wtr_probe_init(pr, false, bh);
		ST_EXPECT(queue_work(wqs[i], &pr->dwork.work));
		if (!wtr_st_wait(&pr->finished))
			return;
		flush_work(&pr->dwork.work);
		ST_EXPECT(atomic_read(&pr->runs) == 1);
		ST_EXPECT(pr->softirq == bh);
	}
}

/* Hold the ordered workqueue busy so that the next item stays pending. */
static bool wtr_st_block(struct wtr_st_ctx *s, struct wtr_probe *blk)
{
	init_completion(&s->gate);
	wtr_probe_init(blk, false, false);
	blk->gate = &s->gate;
	ST_EXPECT(queue_work(s->ordered, &blk->dwork.work));
	return wtr_st_wait(&blk->started);
}

static void wtr_st_pending_merges(struct wtr_st_ctx *s)
{
	struct wtr_probe *blk = &s->p[0], *x = &s->p[1];

	wtr_probe_init(x, false, false);
	if (!wtr_st_block(s, blk))
		return;
	ST_EXPECT(queue_work(s->ordered, &x->dwork.work));
	ST_EXPECT(!queue_work(s->ordered, &x->dwork.work));
	ST_EXPECT(!queue_work(s->unbound, &x->dwork.work));
	ST_EXPECT(work_pending(&x->dwork.work));
	complete_all(&s->gate);
	if (!wtr_st_wait(&x->finished))
		return;
	flush_workqueue(s->ordered);
	ST_EXPECT(atomic_read(&x->runs) == 1);
}

static void wtr_st_cancel_pending(struct wtr_st_ctx *s)
{
	struct wtr_probe *blk = &s->p[0], *x = &s->p[1];

	wtr_probe_init(x, false, false);
	if (!wtr_st_block(s, blk))
		return;
	ST_EXPECT(queue_work(s->ordered, &x->dwork.work));
	ST_EXPECT(cancel_work(&x->dwork.work));
	ST_EXPECT(!cancel_work(&x->dwork.work));
	ST_EXPECT(!work_pending(&x->dwork.work));
	complete_all(&s->gate);
	if (!wtr_st_wait(&blk->finished))
		return;
	flush_workqueue(s->ordered);
	ST_EXPECT(atomic_read(&x->runs) == 0);
}

static void wtr_st_disable_enable(struct wtr_st_ctx *s)
{
	struct wtr_probe *blk = &s->p[0], *x = &s->p[1];

	wtr_probe_init(x, false, false);
	ST_EXPECT(!disable_work(&x->dwork.work));
	ST_EXPECT(!queue_work(s->percpu, &x->dwork.work));
	ST_EXPECT(!work_pending(&x->dwork.work));
	ST_EXPECT(enable_work(&x->dwork.work));
	ST_EXPECT(queue_work(s->percpu, &x->dwork.work));
	if (!wtr_st_wait(&x->finished))
		return;
	flush_work(&x->dwork.work);
	ST_EXPECT(atomic_read(&x->runs) == 1);

	/* disabling a pending item cancels it */
	wtr_probe_init(x, false, false);
	if (!wtr_st_block(s, blk))
		return;
	ST_EXPECT(queue_work(s->ordered, &x->dwork.work));
	ST_EXPECT(disable_work(&x->dwork.work));
	ST_EXPECT(!disable_work(&x->dwork.work));
	ST_EXPECT(!enable_work(&x->dwork.work));
	ST_EXPECT(!queue_work(s->ordered, &x->dwork.work));
	complete_all(&s->gate);
	if (!wtr_st_wait(&blk->finished))
		return;
	flush_workqueue(s->ordered);
	ST_EXPECT(atomic_read(&x->runs) == 0);
	ST_EXPECT(enable_work(&x->dwork.work));
}

static void wtr_st_mod_delayed(struct wtr_st_ctx *s)
{
	struct wtr_probe *d = &s->p[0];

	wtr_probe_init(d, true, false);
	ST_EXPECT(!cancel_delayed_work(&d->dwork));
	ST_EXPECT(queue_delayed_work(s->percpu, &d->dwork, 3600 * HZ));
	ST_EXPECT(!queue_delayed_work(s->percpu, &d->dwork, 0));
	/* moving a pending delayed work returns true and runs it once */
	ST_EXPECT(mod_delayed_work(s->percpu, &d->dwork, 0));
	if (!wtr_st_wait(&d->finished))
		return;
	flush_delayed_work(&d->dwork);
	ST_EXPECT(atomic_read(&d->runs) == 1);
	/* on an idle one it queues and returns false */
	reinit_completion(&d->finished);
	ST_EXPECT(!mod_delayed_work(s->unbound, &d->dwork, 1));
	if (!wtr_st_wait(&d->finished))
		return;
	flush_delayed_work(&d->dwork);
	ST_EXPECT(atomic_read(&d->runs) == 2);
	/* a cancelled long delay never runs */
	ST_EXPECT(queue_delayed_work(s->unbound, &d->dwork, 3600 * HZ));
	ST_EXPECT(cancel_delayed_work_sync(&d->dwork));
	ST_EXPECT(!delayed_work_pending(&d->dwork));
	ST_EXPECT(atomic_read(&d->runs) == 2);
}

static void wtr_st_ordered(struct wtr_st_ctx *s)
{
	unsigned int i, n = ARRAY_SIZE(s->p);

	atomic_set(&s->log_pos, 0);
	for (i = 0; i < n; i++) {
		wtr_probe_init(&s->p[i], false, false);
		s->p[i].log = s->log;
		s->p[i].log_pos = &s->log_pos;
		s->p[i].id = i;
	}
	for (i = 0; i < n; i++)
		ST_EXPECT(queue_work(s->ordered, &s->p[i].dwork.work));
	if (!wtr_st_wait(&s->p[n - 1].finished))
		return;
	flush_workqueue(s->ordered);
	ST_EXPECT(atomic_read(&s->log_pos) == n);
	for (i = 0; i < n && i < atomic_read(&s->log_pos); i++)
		ST_EXPECT(s->log[i] == i);
}

static void wtr_st_queue_on_cpu(struct wtr_st_ctx *s)
{
	struct workqueue_struct *wqs[] = { s->percpu, s->bh };
	unsigned int i;
	int cpu;

	cpus_read_lock();
	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		for_each_online_cpu(cpu) {
			struct wtr_probe *pr = &s->p[cpu % ARRAY_SIZE(s->p)];

			wtr_probe_init(pr, false, wqs[i] == s->bh);
			ST_EXPECT(queue_work_on(cpu, wqs[i], &pr->dwork.work));
			if (!wtr_st_wait(&pr->finished))
				goto out;
			flush_work(&pr->dwork.work);
			ST_EXPECT(pr->cpu == cpu);
			ST_EXPECT(pr->softirq == (wqs[i] == s->bh));
		}
	}
out:
	cpus_read_unlock();
}

/* Eight items that block; @wq has max_active 2 (per CPU if per-CPU). */
static void wtr_st_max_active_on(struct wtr_st_ctx *s,
				 struct workqueue_struct *wq, int cpu, int limit)
{
	unsigned int i, n = 8;
	unsigned long deadline;

	init_completion(&s->gate);
	atomic_set(&s->active, 0);
	atomic_set(&s->peak, 0);
	for (i = 0; i < n; i++) {
		wtr_probe_init(&s->p[i], false, false);
		s->p[i].gate = &s->gate;
		s->p[i].active = &s->active;
		s->p[i].peak = &s->peak;
		ST_EXPECT(queue_work_on(cpu, wq, &s->p[i].dwork.work));
	}
	/* two start; then the gate opens and the rest follow */
	deadline = jiffies + WTR_WAIT;
	while (atomic_read(&s->peak) < 2 && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	ST_EXPECT(atomic_read(&s->peak) == 2);
	complete_all(&s->gate);
	for (i = 0; i < n; i++)
		if (!wtr_st_wait(&s->p[i].finished))
			return;
	ST_EXPECT(atomic_read(&s->peak) <= limit);
}

static void wtr_st_max_active(struct wtr_st_ctx *s)
{
	struct workqueue_struct *unbound, *percpu;

	unbound = alloc_workqueue("wqtest_st_ma", WQ_UNBOUND, 2);
	percpu = alloc_workqueue("wqtest_st_ma_pcpu", 0, 2);
	if (!unbound || !percpu) {
		ST_EXPECT(unbound && percpu);
		goto out;
	}
	/* more than one NUMA node may each run min_active at once */
	wtr_st_max_active_on(s, unbound, WORK_CPU_UNBOUND,
			     wtr_limit_for(false, false, true, 2));
	if (READ_ONCE(wtr_pinned))
		return;		/* leak: items may still run */
	/* all on one CPU, which must stay online meanwhile */
	cpus_read_lock();
	wtr_st_max_active_on(s, percpu, raw_smp_processor_id(), 2);
	cpus_read_unlock();
	if (READ_ONCE(wtr_pinned))
		return;
out:
	if (unbound)
		destroy_workqueue(unbound);
	if (percpu)
		destroy_workqueue(percpu);
}

static void wtr_st_cancel_sync_waits(struct wtr_st_ctx *s)
{
	struct wtr_probe *x = &s->p[0];

	/* the item sleeps; cancel_work_sync() must wait for it to finish */
	wtr_probe_init(x, false, false);
	x->sleep_ms = 50;
	ST_EXPECT(queue_work(s->unbound, &x->dwork.work));
	if (!wtr_st_wait(&x->started))
		return;
	ST_EXPECT(!cancel_work_sync(&x->dwork.work));
	ST_EXPECT(atomic_read(&x->runs) == 1);
}

static void wtr_st_destroy_drains(struct wtr_st_ctx *s)
{
	struct workqueue_struct *wq;
	unsigned int i, n = 16;

	wq = alloc_workqueue("wqtest_st_sl", 0, 1);
	if (!wq) {
		ST_EXPECT(wq);
		return;
	}
	for (i = 0; i < n; i++) {
		wtr_probe_init(&s->p[i], false, false);
		ST_EXPECT(queue_work(wq, &s->p[i].dwork.work));
	}
	destroy_workqueue(wq);
	for (i = 0; i < n; i++)
		ST_EXPECT(atomic_read(&s->p[i].runs) == 1);
}

static void wtr_selftest(void)
{
	static const struct {
		const char *name;
		void (*fn)(struct wtr_st_ctx *s);
	} cases[] = {
		{ "selftest_queue_runs_once", wtr_st_queue_runs_once },
		{ "selftest_pending_queue_merges", wtr_st_pending_merges },
		{ "selftest_cancel_pending", wtr_st_cancel_pending },
		{ "selftest_disable_enable", wtr_st_disable_enable },
		{ "selftest_mod_delayed", wtr_st_mod_delayed },
		{ "selftest_ordered_order", wtr_st_ordered },
		{ "selftest_queue_on_cpu", wtr_st_queue_on_cpu },
		{ "selftest_max_active", wtr_st_max_active },
		{ "selftest_cancel_sync_waits", wtr_st_cancel_sync_waits },
		{ "selftest_destroy_drains", wtr_st_destroy_drains },
	};
	struct wtr_st_ctx *s;
	unsigned int i;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (s) {
		s->percpu = alloc_workqueue("wqtest_st_percpu", 0, 0);
		s->unbound = alloc_workqueue("wqtest_st_unbound", WQ_UNBOUND, 0);
		s->ordered = alloc_ordered_workqueue("wqtest_st_ordered", 0);
		s->bh = alloc_workqueue("wqtest_st_bh", WQ_BH, 0);
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		wtr_st_ok = s && s->percpu && s->unbound && s->ordered && s->bh;
		if (wtr_st_ok && !READ_ONCE(wtr_pinned))
			cases[i].fn(s);
		else
			wtr_st_ok = false;
		wtr_point(wtr_st_ok, false, cases[i].name);
	}
	if (READ_ONCE(wtr_pinned) || !s)
		return;		/* probes may still be queued: leak */
	if (s->percpu)
		destroy_workqueue(s->percpu);
	if (s->unbound)
		destroy_workqueue(s->unbound);
	if (s->ordered)
		destroy_workqueue(s->ordered);
	if (s->bh)
		destroy_workqueue(s->bh);
	kfree(s);
}

/* ------------------------------------------------------------------ */
/* Parameters, debugfs, module glue                                    */

static int wtr_parse_list(const char *list, const char * const *names,
			  unsigned int n, unsigned int *mask, const char *what)
{
	char *copy, *cur, *tok;
	unsigned int i;

	if (!strcmp(list, "all")) {
		*mask = GENMASK(n - 1, 0);
		return 0;
	}
	copy = kstrdup(list, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	*mask = 0;
	cur = copy;
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (!*tok)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n) {
			pr_err("# test_workqueue: unknown %s '%s'\n", what, tok);
			kfree(copy);
			return -EINVAL;
		}
		*mask |= BIT(i);
	}
	kfree(copy);
	return 0;
}

static int wtr_parse_params(void)
{
	const char *kind_names[K_NR];
	int k, ret;

	for (k = 0; k < K_NR; k++)
		kind_names[k] = wtr_kinds[k].name;
	ret = wtr_parse_list(types, kind_names, K_NR, &wtr_kind_mask, "type");
	if (ret)
		return ret;
	ret = wtr_parse_list(ops, wtr_op_names, OP_NR, &wtr_op_mask, "op");
	if (ret)
		return ret;
	if (!wtr_kind_mask || nitems < 2 || nitems > 256 || max_active < 1 ||
	    max_active > WQ_MAX_ACTIVE || !stall_timeout) {
		pr_err("# test_workqueue: invalid parameters\n");
		return -EINVAL;
	}
	wtr_op_total = 0;
	for (k = 0; k < OP_NR; k++)
		if (wtr_op_mask & BIT(k))
			wtr_op_total += wtr_op_weight[k];
	if (!wtr_op_total) {
		/* only requeue: producers just queue */
		wtr_op_mask |= BIT(OP_QUEUE);
		wtr_op_total = wtr_op_weight[OP_QUEUE];
	}
	if (!duration)
		duration = selftest ? 2 : 20;
	if (!nthreads)
		nthreads = num_online_cpus();
	wtr_nprods = nthreads;
	if (!seed)
		seed = get_random_u64();
	return 0;
}

static int wtr_results_show(struct seq_file *m, void *v)
{
	mutex_lock(&wtr_res_mutex);
	seq_printf(m, "# state: %s%s\n", wtr_state,
		   wtr_pinned ? " (pinned: rmmod refused)" : "");
	if (wtr_res_buf)
		seq_puts(m, wtr_res_buf);
	mutex_unlock(&wtr_res_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wtr_results);

static int wtr_status_show(struct seq_file *m, void *v)
{
	mutex_lock(&wtr_res_mutex);
	seq_printf(m, "%s\n", wtr_state);
	mutex_unlock(&wtr_res_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wtr_status);

static ssize_t wtr_stop_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	WRITE_ONCE(wtr_stop_req, true);
	wake_up_all(&wtr_waitq);
	return count;
}

static const struct file_operations wtr_stop_fops = {
	.owner = THIS_MODULE,
	.write = wtr_stop_write,
	.llseek = noop_llseek,
};

static void wtr_report_header(void)
{
	wtr_out("KTAP version 1");
	wtr_out("# test_workqueue: mode=%s duration=%us threads=%u nitems=%u max_active=%d",
		selftest ? "selftest" : "torture", duration, wtr_nprods,
		nitems, max_active);
	wtr_out("# test_workqueue: types=%s ops=%s seed=%lu", types, ops, seed);
	wtr_out("1..%u", (selftest ? 10 : 0) + C_NR);
}

static void wtr_report_footer(void)
{
	wtr_out("# test_workqueue: %s (%u of %u checks failed)",
		wtr_tp_fail ? "FAIL" : "PASS", wtr_tp_fail, wtr_tp);
	if (wtr_pinned)
		wtr_out("# test_workqueue: work may still be in flight; module pinned");
	/* the line torture scripts look for, as rcutorture and locktorture end */
	pr_alert("%s" TORTURE_FLAG
		 "--- End of test: %s: duration=%u nthreads=%u shuffle_interval=%d stutter=%d onoff_interval=%d seed=%lu\n",
		 wtr_torture_type, wtr_tp_fail ? "FAILURE" : "SUCCESS", duration,
		 wtr_nprods, shuffle_interval, stutter, onoff_interval, seed);
}

/* The whole run; returns true on success. */
static bool wtr_run(void)
{
	if (selftest)
		wtr_selftest();
	wtr_torture(duration);
	if (!READ_ONCE(wtr_pinned)) {
		wtr_free_wqs();
		wtr_free_prods();
	}
	wtr_report_footer();
	wtr_set_state(wtr_tp_fail ? "fail" : "pass");
	return !wtr_tp_fail;
}

static int wtr_controller(void *unused)
{
	wtr_run();
	if (READ_ONCE(wtr_pinned))
		kthread_exit(0);	/* keep our module reference */
	module_put_and_kthread_exit(0);
}

static void wtr_cleanup(void)
{
	wtr_framework_stop();
	debugfs_remove_recursive(wtr_dir);
	wtr_dir = NULL;
	if (wtr_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls(wtr_cpuhp_state);
	wtr_cpuhp_state = -1;
	wtr_free_wqs();
	wtr_free_prods();
	kvfree(wtr_res_buf);
	wtr_res_buf = NULL;
}

/* ------------------------------------------------------------------ */
/* A known workload for the observability tools                        */

/*
 * observe=N runs, on the per-CPU WQ_SYSFS workqueue "wtr_observe", N empty
 * items, one item that spins past the CPU-intensive threshold and one that
 * sleeps while another item waits behind it on the same CPU, so that
 * concurrency management wakes a second worker: N + 3 items started and
 * completed, at least one CPU-intensive item and one concurrency-managed
 * wake-up.  The workqueue stays until rmmod, for tools/workqueue/ to read.
 */
static struct workqueue_struct *wtr_obs_wq;
static struct work_struct *wtr_obs_items;
static struct work_struct wtr_obs_hog, wtr_obs_sleeper, wtr_obs_behind;

static void wtr_obs_empty_fn(struct work_struct *work)
{
}

static void wtr_obs_hog_fn(struct work_struct *work)
{
	mdelay(observe_hog_ms);
}

static void wtr_obs_sleeper_fn(struct work_struct *work)
{
	msleep(50);
}

/* on the target CPU with IRQs off: both are queued before either starts */
static void wtr_obs_queue_pair(void *unused)
{
	int cpu = smp_processor_id();

	queue_work_on(cpu, wtr_obs_wq, &wtr_obs_sleeper);
	queue_work_on(cpu, wtr_obs_wq, &wtr_obs_behind);
}

static int wtr_observe_run(void)
{
	int cpu = cpumask_first(cpu_online_mask);
	unsigned int i;

	wtr_obs_wq = alloc_workqueue("wtr_observe", WQ_SYSFS, 0);
	wtr_obs_items = kcalloc(observe, sizeof(*wtr_obs_items), GFP_KERNEL);
	if (!wtr_obs_wq || !wtr_obs_items)
		return -ENOMEM;
	for (i = 0; i < observe; i++) {
		INIT_WORK(&wtr_obs_items[i], wtr_obs_empty_fn);
		queue_work_on(cpu, wtr_obs_wq, &wtr_obs_items[i]);
	}
	flush_workqueue(wtr_obs_wq);

	INIT_WORK(&wtr_obs_hog, wtr_obs_hog_fn);
	queue_work_on(cpu, wtr_obs_wq, &wtr_obs_hog);
	flush_workqueue(wtr_obs_wq);

	INIT_WORK(&wtr_obs_sleeper, wtr_obs_sleeper_fn);
	INIT_WORK(&wtr_obs_behind, wtr_obs_empty_fn);
	smp_call_function_single(cpu, wtr_obs_queue_pair, NULL, 1);
	flush_workqueue(wtr_obs_wq);

	pr_info("test_workqueue: observe: wtr_observe started=%u completed=%u cpu_intensive>=1 cm_wakeup>=1\n",
		observe + 3, observe + 3);
	return 0;
}

/*
 * Two more workloads in observe mode, each run by writing its name to
 * debugfs test_workqueue/observe, so that the caller can set up tracing
 * first (the functions exist only once the module is loaded):
 *
 * "trace" runs items whose workqueue tracepoints a caller can count, all
 * for the last online CPU: four plain items on the per-CPU "wtr_trc" (one
 * queued with queue_work() from an IRQ on that CPU), two on the BH
 * "wtr_trc_bh", two delayed ones on "wtr_trc", one on the unbound
 * "wtr_trc_unbound", and on "wtr_trc_max1" (max_active 1) a gate item
 * that holds the slot while another item waits inactive behind it and a
 * third, also inactive, is cancelled.  A delayed item cancelled before its
 * timer fires is never queued.  Counts: see the "observe: trace" line.
 *
 * "stall" makes the last online CPU's normal pool stall: an item on
 * "wtr_stall" spins with preemption off for observe_stall_ms while another
 * item waits behind it, for the workqueue watchdog to report.
 */
static unsigned int observe_stall_ms = 10000;
module_param(observe_stall_ms, uint, 0444);
MODULE_PARM_DESC(observe_stall_ms,
		 "How long the stall item spins; above workqueue.watchdog_thresh");

#define WTR_TRC_PLAIN	4
#define WTR_TRC_BH	2
#define WTR_TRC_DELAYED	2

static struct dentry *wtr_obs_dir;
static DEFINE_MUTEX(wtr_obs_mutex);
static struct completion wtr_trc_gate_started, wtr_trc_gate_open;

static void wtr_trc_fn(struct work_struct *work)
{
}

static void wtr_trc_bh_fn(struct work_struct *work)
{
}

static void wtr_trc_delayed_fn(struct work_struct *work)
{
}

static void wtr_trc_unbound_fn(struct work_struct *work)
{
}

static void wtr_trc_held_fn(struct work_struct *work)
{
}

static void wtr_trc_cancelled_fn(struct work_struct *work)
{
}

static void wtr_trc_gate_fn(struct work_struct *work)
{
	complete(&wtr_trc_gate_started);
	if (!wait_for_completion_timeout(&wtr_trc_gate_open, 30 * HZ))
		pr_err("test_workqueue: observe: trace gate never opened\n");
}

/* an item and the workqueue that wtr_trc_queue_local() queues it on */
struct wtr_trc_local {
	struct work_struct work;
	struct workqueue_struct *wq;
};

/* in an IRQ on the target CPU: queue_work() picks the local CPU */
static void wtr_trc_queue_local(void *arg)
{
	struct wtr_trc_local *local = arg;

	queue_work(local->wq, &local->work);
}

static int wtr_observe_trace(void)
{
	struct workqueue_struct *wq, *bh_wq, *ub_wq, *max1_wq;
	struct work_struct plain[WTR_TRC_PLAIN - 1], bh[WTR_TRC_BH];
	struct work_struct unbound, gate, held, cancelled;
	struct delayed_work delayed[WTR_TRC_DELAYED], never;
	int cpu = cpumask_last(cpu_online_mask);
	struct wtr_trc_local local;
	bool was_pending;
	int i, ret = 0;

	wq = alloc_workqueue("wtr_trc", 0, 0);
	bh_wq = alloc_workqueue("wtr_trc_bh", WQ_BH, 0);
	ub_wq = alloc_workqueue("wtr_trc_unbound", WQ_UNBOUND, 0);
	max1_wq = alloc_workqueue("wtr_trc_max1", 0, 1);
	if (!wq || !bh_wq || !ub_wq || !max1_wq) {
		ret = -ENOMEM;
		goto out;
	}

	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		INIT_WORK_ONSTACK(&plain[i], wtr_trc_fn);
		queue_work_on(cpu, wq, &plain[i]);
	}
	INIT_WORK_ONSTACK(&local.work, wtr_trc_fn);
	local.wq = wq;
	smp_call_function_single(cpu, wtr_trc_queue_local, &local, 1);
	for (i = 0; i < ARRAY_SIZE(bh); i++) {
		INIT_WORK_ONSTACK(&bh[i], wtr_trc_bh_fn);
		queue_work_on(cpu, bh_wq, &bh[i]);
	}
	for (i = 0; i < ARRAY_SIZE(delayed); i++) {
		INIT_DELAYED_WORK_ONSTACK(&delayed[i], wtr_trc_delayed_fn);
		queue_delayed_work_on(cpu, wq, &delayed[i], 2);
	}
	INIT_DELAYED_WORK_ONSTACK(&never, wtr_trc_cancelled_fn);
	queue_delayed_work_on(cpu, wq, &never, 60 * HZ);
	was_pending = cancel_delayed_work_sync(&never);
	INIT_WORK_ONSTACK(&unbound, wtr_trc_unbound_fn);
	queue_work_on(cpu, ub_wq, &unbound);

	init_completion(&wtr_trc_gate_started);
	init_completion(&wtr_trc_gate_open);
	INIT_WORK_ONSTACK(&gate, wtr_trc_gate_fn);
	INIT_WORK_ONSTACK(&held, wtr_trc_held_fn);
	INIT_WORK_ONSTACK(&cancelled, wtr_trc_cancelled_fn);
	queue_work_on(cpu, max1_wq, &gate);
	if (!wait_for_completion_timeout(&wtr_trc_gate_started, 30 * HZ))
		ret = -ETIMEDOUT;
	queue_work_on(cpu, max1_wq, &held);
	queue_work_on(cpu, max1_wq, &cancelled);
	was_pending &= cancel_work_sync(&cancelled);
	complete(&wtr_trc_gate_open);

	for (i = 0; i < ARRAY_SIZE(delayed); i++)
		flush_delayed_work(&delayed[i]);
	flush_workqueue(wq);
	flush_workqueue(bh_wq);
	flush_workqueue(ub_wq);
	flush_workqueue(max1_wq);
	if (!ret && !was_pending)
		ret = -EINVAL;
	for (i = 0; i < ARRAY_SIZE(plain); i++)
		destroy_work_on_stack(&plain[i]);
	destroy_work_on_stack(&local.work);
	for (i = 0; i < ARRAY_SIZE(bh); i++)
		destroy_work_on_stack(&bh[i]);
	for (i = 0; i < ARRAY_SIZE(delayed); i++)
		destroy_delayed_work_on_stack(&delayed[i]);
	destroy_delayed_work_on_stack(&never);
	destroy_work_on_stack(&unbound);
	destroy_work_on_stack(&gate);
	destroy_work_on_stack(&held);
	destroy_work_on_stack(&cancelled);
	/* queued, activated, started, ended: the cancelled item only queued */
	pr_info("test_workqueue: observe: trace cpu=%d queue=%d activate=%d execute_start=%d execute_end=%d%s\n",
		cpu, WTR_TRC_PLAIN + WTR_TRC_BH + WTR_TRC_DELAYED + 4,
		WTR_TRC_PLAIN + WTR_TRC_BH + WTR_TRC_DELAYED + 3,
		WTR_TRC_PLAIN + WTR_TRC_BH + WTR_TRC_DELAYED + 3,
		WTR_TRC_PLAIN + WTR_TRC_BH + WTR_TRC_DELAYED + 3,
		ret ? " (failed)" : "");
out:
	if (max1_wq)
		destroy_workqueue(max1_wq);
	if (ub_wq)
		destroy_workqueue(ub_wq);
	if (bh_wq)
		destroy_workqueue(bh_wq);
	if (wq)
		destroy_workqueue(wq);
	return ret;
}

static struct workqueue_struct *wtr_stall_wq;
static struct work_struct wtr_stall_spin, wtr_stall_behind;
static struct completion wtr_stall_done;

static void wtr_stall_fn(struct work_struct *work)
{
	ktime_t end = ktime_add_ms(ktime_get(), observe_stall_ms);

	/* behind us on this CPU's pool: it cannot run until we return */
	queue_work(wtr_stall_wq, &wtr_stall_behind);
	preempt_disable();
	while (ktime_before(ktime_get(), end))
		cpu_relax();
	preempt_enable();
}

static void wtr_stall_behind_fn(struct work_struct *work)
{
	complete(&wtr_stall_done);
}

static int wtr_observe_stall(void)
{
	unsigned long timeout = msecs_to_jiffies(observe_stall_ms) + 60 * HZ;
	int cpu = cpumask_last(cpu_online_mask);

	wtr_stall_wq = alloc_workqueue("wtr_stall", 0, 0);
	if (!wtr_stall_wq)
		return -ENOMEM;
	init_completion(&wtr_stall_done);
	INIT_WORK(&wtr_stall_spin, wtr_stall_fn);
	INIT_WORK(&wtr_stall_behind, wtr_stall_behind_fn);
	pr_info("test_workqueue: observe: stall on cpu%d for %ums\n",
		cpu, observe_stall_ms);
	queue_work_on(cpu, wtr_stall_wq, &wtr_stall_spin);
	if (!wait_for_completion_timeout(&wtr_stall_done, timeout)) {
		pr_err("test_workqueue: observe: the stalled pool never recovered\n");
		/* the items may still run: keep them and their code */
		__module_get(THIS_MODULE);
		return -ETIMEDOUT;
	}
	destroy_workqueue(wtr_stall_wq);
	wtr_stall_wq = NULL;
	pr_info("test_workqueue: observe: stall over\n");
	return 0;
}

static ssize_t wtr_obs_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[16];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	mutex_lock(&wtr_obs_mutex);
	if (sysfs_streq(buf, "trace"))
		ret = wtr_observe_trace();
	else if (sysfs_streq(buf, "stall"))
		ret = wtr_observe_stall();
	else
		ret = -EINVAL;
	mutex_unlock(&wtr_obs_mutex);
	return ret ? ret : count;
}

static const struct file_operations wtr_obs_fops = {
	.owner = THIS_MODULE,
	.write = wtr_obs_write,
	.llseek = noop_llseek,
};

static void wtr_observe_stop(void)
{
	debugfs_remove_recursive(wtr_obs_dir);
	wtr_obs_dir = NULL;
	if (wtr_obs_wq)
		destroy_workqueue(wtr_obs_wq);
	wtr_obs_wq = NULL;
	kfree(wtr_obs_items);
	wtr_obs_items = NULL;
}

static int __init wtr_init(void)
{
	size_t size = 16 * PAGE_SIZE;
	int ret;

	if (observe) {
		ret = wtr_observe_run();
		if (ret) {
			wtr_observe_stop();
			return ret;
		}
		wtr_obs_dir = debugfs_create_dir("test_workqueue", NULL);
		debugfs_create_file("observe", 0200, wtr_obs_dir, NULL,
				    &wtr_obs_fops);
		return 0;
	}

	ret = wtr_parse_params();
	if (ret)
		return ret;
	if (!torture_init_begin(wtr_torture_type, verbose)) {
		pr_err("test_workqueue: another torture test is running\n");
		return -EBUSY;
	}
	wtr_framework_held = true;
	torture_init_end();
	ret = -ENOMEM;
	wtr_res_buf = kvzalloc(size, GFP_KERNEL);
	if (!wtr_res_buf)
		goto fail;
	seq_buf_init(&wtr_res, wtr_res_buf, size - 1);

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "test/workqueue:online",
				wtr_cpu_online, wtr_cpu_offline);
	if (ret < 0)
		goto fail;
	wtr_cpuhp_state = ret;
	WRITE_ONCE(wtr_cpuhp_ready, true);

	ret = wtr_setup_wqs();
	if (ret)
		goto fail;
	ret = wtr_alloc_prods();
	if (ret)
		goto fail;

	wtr_dir = debugfs_create_dir("test_workqueue", NULL);
	debugfs_create_file("results", 0444, wtr_dir, NULL, &wtr_results_fops);
	debugfs_create_file("status", 0444, wtr_dir, NULL, &wtr_status_fops);
	debugfs_create_file("stop", 0200, wtr_dir, NULL, &wtr_stop_fops);

	wtr_set_state("running");
	wtr_report_header();
	if (selftest) {
		if (wtr_run())
			return 0;
		if (READ_ONCE(wtr_pinned)) {
			/* cannot free what the workqueue may still use */
			__module_get(THIS_MODULE);
			return 0;
		}
		wtr_cleanup();
		return -EINVAL;
	}

	/* released by the controller unless work is left in flight */
	__module_get(THIS_MODULE);
	wtr_ctl_task = kthread_run(wtr_controller, NULL, "wqtest_ctl");
	if (IS_ERR(wtr_ctl_task)) {
		ret = PTR_ERR(wtr_ctl_task);
		module_put(THIS_MODULE);
		goto fail;
	}
	return 0;
fail:
	wtr_cleanup();
	return ret;
}

static void __exit wtr_exit(void)
{
	if (observe) {
		wtr_observe_stop();
		return;
	}
	wtr_cleanup();
}

module_init(wtr_init);
module_exit(wtr_exit);
MODULE_DESCRIPTION("Workqueue torture and selftest module");
MODULE_LICENSE("GPL");
