// SPDX-License-Identifier: GPL-2.0
/*
 * Workqueue benchmark: latency, throughput and cost of the workqueue and of
 * its peers (tasklets and kthread_worker).
 *
 * Loading the module runs every row (or those whose name contains @only),
 * one after the other, each in a kthread bound to the CPU it names, and
 * prints one console line per row:
 *
 *   WQBENCH {"row":"lat.idle.irq.percpu","unit":"ns","n":1000,"min":..,
 *            "med":..,"p99":..,"max":..,"mean":..,"q":[..], ...}
 *
 * "q" holds the values at the per-mille ranks of wqbench_ranks[], for
 * plotting distributions.  A first line carries "meta" and a last one
 * "done"; the host side (harness/bench.py) parses both.  A latency, cost
 * or throughput row stops after @samples samples (@tput_items items per
 * producer) or @row_ms milliseconds, whichever comes first.
 *
 * Rows, by family:
 *
 *  lat.idle.irq.<m>   queue-to-start latency of mechanism <m>: from just
 *                     before the queueing call to the first line of the
 *                     callback.  The item is queued from hard interrupt
 *                     context (an IPI) on bench_cpu while nothing else of
 *                     <m> runs there, so the pool (or worker) is idle.
 *  lat.idle.task.<m>  the same, queued by a kthread running on bench_cpu,
 *                     which then sleeps until the callback runs.
 *  lat.busy.<m>       queued from hard interrupt context while the pool is
 *                     busy: a "noise" item of <m>, queued on bench_cpu,
 *                     raises an irq_work on its own CPU, whose handler
 *                     queues the sample to the same pool; the noise returns
 *                     as soon as the sample is queued, so the figure is the
 *                     hand-over from a running item to the next one plus
 *                     the queueing call.  Every lat row also reports in
 *                     "remote" how many samples started on another CPU
 *                     than bench_cpu (an unbound worker woken elsewhere).
 *  tput.<wq>.<p>.<f>  throughput of empty items: <p> is p1 (one producer
 *                     kthread, on bench_cpu) or pall (one per online CPU,
 *                     started together); <f> is f1 (one item in flight:
 *                     queue, wait, repeat) or fmany (@tput_batch items
 *                     queued back to back, then wait for all).  Samples are
 *                     ns per item of each batch; "rate" is items/s over the
 *                     whole row (all producers, first queue to last end).
 *  op.<call>.<case>   cost of one call (or of a queue+call round trip),
 *                     measured by a kthread on bench_cpu; the rows that
 *                     queue start each sample from an idle pool, so that
 *                     queue_work() includes waking a worker.
 *  res.kworkers.<wq>.{before,during,after}
 *                     kworker threads alive (tasks with PF_WQ_WORKER) before
 *                     a burst of @burst items that block, while all of them
 *                     block, and one second after the last one returned.
 *
 * With hold=<kind> and hold_count=N the module only allocates N workqueues
 * of that kind and keeps them until it is unloaded, so that a script can
 * measure the memory they take (harness/bench-guest.sh does it with the
 * kmem and percpu tracepoints and /proc/meminfo; percpu memory has no
 * counter a module could read).  The kinds are those of wqbench_kinds[].
 *
 * With scale=<families> the module runs, instead of the rows, the scaling
 * families (see the comment before scale_emit()): costs against the number
 * of items, delayed items, workqueues and CPUs (harness/bench-scale.py).
 *
 * Every wait is bounded by @timeout_ms.  When one expires, the objects that
 * may still be in use are leaked, the module pins itself (it cannot be
 * unloaded under a late callback) and no further row runs.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

static unsigned int samples = 1000;
module_param(samples, uint, 0444);
MODULE_PARM_DESC(samples, "samples per latency and cost row (default 1000)");

static unsigned int tput_items = 16384;
module_param(tput_items, uint, 0444);
MODULE_PARM_DESC(tput_items, "work items per producer in a throughput row (default 16384)");

static unsigned int tput_batch = 128;
module_param(tput_batch, uint, 0444);
MODULE_PARM_DESC(tput_batch, "items in flight in the fmany throughput rows (default 128)");

static unsigned int burst = 64;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "blocking items in the kworker burst rows (default 64)");

static int bench_cpu = 1;
module_param(bench_cpu, int, 0444);
MODULE_PARM_DESC(bench_cpu, "CPU where samples are produced (default 1, else the first online)");

static unsigned int row_ms = 2000;
module_param(row_ms, uint, 0444);
MODULE_PARM_DESC(row_ms, "time budget of a latency, cost or throughput row, in ms (default 2000)");

static unsigned int gap_us = 50;
module_param(gap_us, uint, 0444);
MODULE_PARM_DESC(gap_us, "pause between latency samples, in us (default 50)");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "bound on every wait for an item or a batch, in ms (default 10000)");

static unsigned int row_timeout_s = 300;
module_param(row_timeout_s, uint, 0444);
MODULE_PARM_DESC(row_timeout_s, "bound on a whole row, in s (default 300)");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "run only the rows whose name contains this string");

static char *hold;
module_param(hold, charp, 0444);
MODULE_PARM_DESC(hold, "allocate hold_count workqueues of this kind, keep them, run nothing else");

static unsigned int hold_count;
module_param(hold_count, uint, 0444);
MODULE_PARM_DESC(hold_count, "number of workqueues for hold= (default 0)");

/* Per-mille ranks reported in "q". */
static const u16 wqbench_ranks[] = {
	0, 5, 10, 25, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600,
	650, 700, 750, 800, 850, 900, 950, 975, 990, 995, 999, 1000,
};

/* The CPU that waits for samples produced on bench_cpu, another one if any. */
static int ctl_cpu;
/* Set once a wait expired: stop, leak, stay loaded. */
static bool wqbench_stuck;
static unsigned int wqbench_rows, wqbench_errors;

/* ---------------------------------------------------------------------- */
/* Mechanisms under test and one item type that fits all of them */

enum mech_type {
	MECH_WQ,
	MECH_TASKLET,
	MECH_TASKLET_HI,
	MECH_KTHREAD,
};

struct mech_desc {
	const char *name;
	enum mech_type type;
	unsigned int wq_flags;	/* MECH_WQ: alloc_workqueue() flags */
	bool ordered;		/* MECH_WQ: alloc_ordered_workqueue() */
	bool fifo;		/* MECH_KTHREAD: worker at SCHED_FIFO */
};

struct mech {
	const struct mech_desc *desc;
	struct workqueue_struct *wq;
	struct kthread_worker *kw;
};

static const struct mech_desc lat_mechs[] = {
	{ .name = "percpu", .type = MECH_WQ },
	{ .name = "unbound", .type = MECH_WQ, .wq_flags = WQ_UNBOUND },
	{ .name = "highpri", .type = MECH_WQ, .wq_flags = WQ_HIGHPRI },
	{ .name = "bh", .type = MECH_WQ, .wq_flags = WQ_BH },
	{ .name = "bh_highpri", .type = MECH_WQ, .wq_flags = WQ_BH | WQ_HIGHPRI },
	{ .name = "tasklet", .type = MECH_TASKLET },
	{ .name = "tasklet_hi", .type = MECH_TASKLET_HI },
	{ .name = "kthread_worker", .type = MECH_KTHREAD },
	{ .name = "kthread_worker_fifo", .type = MECH_KTHREAD, .fifo = true },
};

static const struct mech_desc tput_mechs[] = {
	{ .name = "percpu", .type = MECH_WQ },
	{ .name = "unbound", .type = MECH_WQ, .wq_flags = WQ_UNBOUND },
	{ .name = "ordered", .type = MECH_WQ, .ordered = true },
	{ .name = "bh", .type = MECH_WQ, .wq_flags = WQ_BH },
};

/* The kinds of workqueue whose memory hold= measures. */
static const struct mech_desc wqbench_kinds[] = {
	{ .name = "percpu", .type = MECH_WQ },
	{ .name = "percpu_reclaim", .type = MECH_WQ, .wq_flags = WQ_MEM_RECLAIM },
	{ .name = "highpri", .type = MECH_WQ, .wq_flags = WQ_HIGHPRI },
	{ .name = "unbound", .type = MECH_WQ, .wq_flags = WQ_UNBOUND },
	{ .name = "unbound_reclaim", .type = MECH_WQ,
	  .wq_flags = WQ_UNBOUND | WQ_MEM_RECLAIM },
	{ .name = "ordered", .type = MECH_WQ, .ordered = true },
	{ .name = "bh", .type = MECH_WQ, .wq_flags = WQ_BH },
	{ .name = "bh_highpri", .type = MECH_WQ, .wq_flags = WQ_BH | WQ_HIGHPRI },
	/* In sysfs, for the affinity scopes of the hotplug scaling family */
	{ .name = "unbound_sysfs", .type = MECH_WQ, .wq_flags = WQ_UNBOUND | WQ_SYSFS },
};

struct bitem;
typedef void (*bitem_fn_t)(struct bitem *it, u64 now);

/*
 * One deferred item of any mechanism.  The callbacks below take the time
 * on their first line and hand it to @fn.
 */
struct bitem {
	union {
		struct work_struct work;
		struct tasklet_struct tasklet;
		struct kthread_work kwork;
	};
	struct mech *mech;
	bitem_fn_t fn;
	void *ctx;
};

static void bitem_work_fn(struct work_struct *work)
{
	u64 now = ktime_get_ns();
	struct bitem *it = container_of(work, struct bitem, work);

	it->fn(it, now);
}

static void bitem_tasklet_fn(struct tasklet_struct *t)
{
	u64 now = ktime_get_ns();
	struct bitem *it = from_tasklet(it, t, tasklet);

	it->fn(it, now);
}

static void bitem_kwork_fn(struct kthread_work *kwork)
{
	u64 now = ktime_get_ns();
	struct bitem *it = container_of(kwork, struct bitem, kwork);

	it->fn(it, now);
}

static void bitem_init(struct bitem *it, struct mech *m, bitem_fn_t fn, void *ctx)
{
	it->mech = m;
	it->fn = fn;
	it->ctx = ctx;
	switch (m->desc->type) {
	case MECH_WQ:
		/*
		 * Lockdep gives work items one class per INIT_WORK() site.
		 * BH items run in softirq and the others in process context:
		 * two sites, so that lockdep does not see one class in both.
		 */
		if (m->desc->wq_flags & WQ_BH)
			INIT_WORK(&it->work, bitem_work_fn);
		else
			INIT_WORK(&it->work, bitem_work_fn);
		break;
	case MECH_TASKLET:
	case MECH_TASKLET_HI:
		tasklet_setup(&it->tasklet, bitem_tasklet_fn);
		break;
	case MECH_KTHREAD:
		kthread_init_work(&it->kwork, bitem_kwork_fn);
		break;
	}
}

/*
 * Queue @it.  A work item goes to @cpu (WORK_CPU_UNBOUND: the local CPU),
 * a tasklet to the local CPU, a kthread_work to its worker.
 */
static bool bitem_queue(struct bitem *it, int cpu)
{
	struct mech *m = it->mech;

	switch (m->desc->type) {
	case MECH_WQ:
		return queue_work_on(cpu, m->wq, &it->work);
	case MECH_TASKLET:
		if (test_bit(TASKLET_STATE_SCHED, &it->tasklet.state))
			return false;
		tasklet_schedule(&it->tasklet);
		return true;
	case MECH_TASKLET_HI:
		if (test_bit(TASKLET_STATE_SCHED, &it->tasklet.state))
			return false;
		tasklet_hi_schedule(&it->tasklet);
		return true;
	case MECH_KTHREAD:
		return kthread_queue_work(m->kw, &it->kwork);
	}
	return false;
}

/* Wait until @it is neither pending nor running; nobody may queue it. */
static void bitem_sync(struct bitem *it)
{
	switch (it->mech->desc->type) {
	case MECH_WQ:
		cancel_work_sync(&it->work);
		break;
	case MECH_TASKLET:
	case MECH_TASKLET_HI:
		tasklet_kill(&it->tasklet);
		break;
	case MECH_KTHREAD:
		kthread_cancel_work_sync(&it->kwork);
		break;
	}
}

static struct workqueue_struct *wqbench_alloc_wq(const struct mech_desc *d, unsigned int nr)
{
	if (d->ordered)
		return alloc_ordered_workqueue("wqbench_%s_%u", 0, d->name, nr);
	return alloc_workqueue("wqbench_%s_%u", d->wq_flags, 0, d->name, nr);
}

/* Create what @m needs; a kthread_worker is bound to @cpu. */
static int mech_setup(struct mech *m, const struct mech_desc *d, int cpu)
{
	struct kthread_worker *kw;

	m->desc = d;
	switch (d->type) {
	case MECH_WQ:
		m->wq = wqbench_alloc_wq(d, 0);
		return m->wq ? 0 : -ENOMEM;
	case MECH_KTHREAD:
		kw = kthread_create_worker_on_cpu(cpu, 0, "wqbench_kw/%d", cpu);
		if (IS_ERR(kw))
			return PTR_ERR(kw);
		if (d->fifo)
			sched_set_fifo(kw->task);
		m->kw = kw;
		return 0;
	default:
		return 0;
	}
}

/* Only once every item of @m has been synced. */
static void mech_teardown(struct mech *m)
{
	if (m->wq)
		destroy_workqueue(m->wq);
	if (m->kw)
		kthread_destroy_worker(m->kw);
	m->wq = NULL;
	m->kw = NULL;
}

/* ---------------------------------------------------------------------- */
/* Rows: running one on a CPU, statistics, output */

struct row {
	char name[64];
	const struct mech_desc *desc;
	int (*fn)(struct row *row);
	int cpu;		/* the row's kthread runs there */
	bool all_cpus;		/* tput: one producer per online CPU */
	bool many;		/* tput: @tput_batch items in flight */
	int op;			/* op: enum op_kind */
	const char * const *split; /* one output row per sample, name.split[i] */
	const char *unit;
	u64 *s;			/* samples, row->n of them */
	unsigned int n;
	unsigned int cap;
	char extra[160];	/* more "key":value pairs, each with a leading comma */
	struct completion done;
	int ret;
};

static int row_alloc(struct row *row, unsigned int cap)
{
	row->s = kvcalloc(cap, sizeof(*row->s), GFP_KERNEL);
	if (!row->s)
		return -ENOMEM;
	row->cap = cap;
	row->n = 0;
	return 0;
}

static void row_add(struct row *row, u64 v)
{
	if (row->n < row->cap)
		row->s[row->n++] = v;
}

static __printf(2, 3) void row_extra(struct row *row, const char *fmt, ...)
{
	size_t len = strlen(row->extra);
	va_list args;

	va_start(args, fmt);
	vsnprintf(row->extra + len, sizeof(row->extra) - len, fmt, args);
	va_end(args);
}

static unsigned long wqbench_tmo(void)
{
	return msecs_to_jiffies(timeout_ms);
}

static unsigned long wqbench_row_tmo(void)
{
	return secs_to_jiffies(row_timeout_s);
}

/* Past the row's time budget (counted from @t0)? */
static bool row_over_budget(u64 t0)
{
	return ktime_get_ns() - t0 > (u64)row_ms * NSEC_PER_MSEC;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @s. */
static u64 rank_of(const u64 *s, unsigned int n, unsigned int permille)
{
	unsigned int r = DIV_ROUND_UP(n * permille, 1000);

	return s[r ? r - 1 : 0];
}

static void emit_line(const char *name, const char *unit, u64 *s, unsigned int n,
		      const char *extra, int ret)
{
	static char line[900];
	struct seq_buf sb;
	u64 sum = 0;
	unsigned int i;

	seq_buf_init(&sb, line, sizeof(line));
	seq_buf_printf(&sb, "{\"row\":\"%s\"", name);
	if (ret) {
		seq_buf_printf(&sb, ",\"error\":%d%s}", ret, extra);
		pr_info("WQBENCH %s\n", line);
		wqbench_errors++;
		return;
	}
	sort(s, n, sizeof(*s), cmp_u64, NULL);
	for (i = 0; i < n; i++)
		sum += s[i];
	seq_buf_printf(&sb, ",\"unit\":\"%s\",\"n\":%u", unit, n);
	if (n) {
		seq_buf_printf(&sb, ",\"min\":%llu,\"med\":%llu,\"p99\":%llu,\"max\":%llu",
			       s[0], rank_of(s, n, 500), rank_of(s, n, 990), s[n - 1]);
		seq_buf_printf(&sb, ",\"mean\":%llu,\"q\":[", div_u64(sum, n));
		for (i = 0; i < ARRAY_SIZE(wqbench_ranks); i++)
			seq_buf_printf(&sb, "%s%llu", i ? "," : "",
				       rank_of(s, n, wqbench_ranks[i]));
		seq_buf_puts(&sb, "]");
	}
	seq_buf_printf(&sb, "%s}", extra);
	if (seq_buf_has_overflowed(&sb))
		pr_warn("row %s: output truncated\n", name);
	pr_info("WQBENCH %s\n", line);
}

static void row_emit(struct row *row)
{
	char name[sizeof(row->name) + 16];
	unsigned int i;

	if (!row->split || row->ret) {
		emit_line(row->name, row->unit, row->s, row->n, row->extra, row->ret);
		return;
	}
	for (i = 0; i < row->n; i++) {
		snprintf(name, sizeof(name), "%s.%s", row->name, row->split[i]);
		emit_line(name, row->unit, &row->s[i], 1, row->extra, 0);
	}
}

/* A wait expired: whatever is in flight may still run module code. */
static void wqbench_get_stuck(struct row *row)
{
	if (!wqbench_stuck) {
		wqbench_stuck = true;
		__module_get(THIS_MODULE);
	}
	pr_err("row %s: a wait expired after %u ms; leaking its objects and staying loaded\n",
	       row->name, timeout_ms);
}

static int row_thread(void *data)
{
	struct row *row = data;

	row->ret = row->fn(row);
	complete(&row->done);

	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static bool row_wanted(const char *name)
{
	return !only || !*only || strstr(name, only);
}

/*
 * Run @row->fn in a kthread bound to @row->cpu and print the row.  The row
 * bounds its own waits; the wait here only catches a call that never
 * returns (flush_work() on a broken workqueue, say).
 */
static void row_run(struct row *row)
{
	struct task_struct *t;

	if (wqbench_stuck || !row_wanted(row->name))
		return;
	init_completion(&row->done);
	t = kthread_create_on_cpu(row_thread, row, row->cpu, "wqbench/%u");
	if (IS_ERR(t)) {
		row->ret = PTR_ERR(t);
	} else {
		wake_up_process(t);
		if (!wait_for_completion_timeout(&row->done, wqbench_row_tmo())) {
			row->ret = -ETIMEDOUT;
			row_extra(row, ",\"stuck\":true");
			wqbench_get_stuck(row);
			row_emit(row);
			return;	/* the thread and @row stay */
		}
		kthread_stop(t);
		if (row->ret == -ETIMEDOUT)
			wqbench_get_stuck(row);
	}
	wqbench_rows++;
	row_emit(row);
}

static __printf(5, 6) struct row *row_new(const char *unit, int (*fn)(struct row *row), int cpu,
			   const struct mech_desc *d, const char *fmt, ...)
{
	struct row *row = kzalloc(sizeof(*row), GFP_KERNEL);
	va_list args;

	if (!row)
		return NULL;
	va_start(args, fmt);
	vsnprintf(row->name, sizeof(row->name), fmt, args);
	va_end(args);
	row->unit = unit;
	row->fn = fn;
	row->cpu = cpu;
	row->desc = d;
	return row;
}

/* Run and free; a stuck row is leaked on purpose. */
static void row_go(struct row *row)
{
	if (!row) {
		pr_err("out of memory for a row\n");
		wqbench_errors++;
		return;
	}
	row_run(row);
	if (row->ret == -ETIMEDOUT && wqbench_stuck)
		return;
	kvfree(row->s);
	kfree(row);
}

/* ---------------------------------------------------------------------- */
/* Queue-to-start latency */

struct lat_run {
	struct mech mech;
	struct bitem sample;
	struct bitem noise;
	struct irq_work kick;
	struct completion done;
	u64 t_queue;
	u64 t_start;
	bool queued;
	unsigned int badq;	/* queueing calls that found the item pending */
	unsigned int remote;	/* samples that started off bench_cpu */
};

static void lat_sample_fn(struct bitem *it, u64 now)
{
	struct lat_run *r = it->ctx;

	r->t_start = now;
	if (raw_smp_processor_id() != bench_cpu)
		r->remote++;
	complete(&r->done);
}

/* Queue the sample from where we are: hard irq, or the row's kthread. */
static void lat_produce(void *info)
{
	struct lat_run *r = info;

	r->t_queue = ktime_get_ns();
	/*
	 * bench_cpu is the local CPU, except in busy rows of an unbound
	 * workqueue, whose noise may run anywhere: the sample then still
	 * goes to the pool of bench_cpu's pod, the one the noise keeps busy.
	 */
	if (!bitem_queue(&r->sample, bench_cpu))
		r->badq++;
	WRITE_ONCE(r->queued, true);
}

static void lat_kick_fn(struct irq_work *iw)
{
	lat_produce(container_of(iw, struct lat_run, kick));
}

/*
 * Busy rows: this item runs on bench_cpu, raises an interrupt on its own
 * CPU whose handler queues the sample, and returns once it has been queued.
 */
static void lat_noise_fn(struct bitem *it, u64 now)
{
	struct lat_run *r = it->ctx;
	u64 deadline = now + (u64)timeout_ms * NSEC_PER_MSEC;

	irq_work_queue(&r->kick);
	while (!READ_ONCE(r->queued) && ktime_get_ns() < deadline)
		cpu_relax();
}

static void lat_noise_start(void *info)
{
	struct lat_run *r = info;

	if (!bitem_queue(&r->noise, bench_cpu))
		r->badq++;
}

enum lat_mode { LAT_IDLE_IRQ, LAT_IDLE_TASK, LAT_BUSY };

static int lat_row(struct row *row, enum lat_mode mode)
{
	struct lat_run *r;
	unsigned int i;
	u64 t0;
	int ret;

	ret = row_alloc(row, samples);
	if (ret)
		return ret;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = mech_setup(&r->mech, row->desc, bench_cpu);
	if (ret) {
		kfree(r);
		return ret;
	}
	bitem_init(&r->sample, &r->mech, lat_sample_fn, r);
	bitem_init(&r->noise, &r->mech, lat_noise_fn, r);
	init_irq_work(&r->kick, lat_kick_fn);
	init_completion(&r->done);

	t0 = ktime_get_ns();
	for (i = 0; i < samples && !row_over_budget(t0); i++) {
		reinit_completion(&r->done);
		WRITE_ONCE(r->queued, false);
		switch (mode) {
		case LAT_IDLE_IRQ:
			smp_call_function_single(bench_cpu, lat_produce, r, 1);
			break;
		case LAT_IDLE_TASK:
			lat_produce(r);
			break;
		case LAT_BUSY:
			smp_call_function_single(bench_cpu, lat_noise_start, r, 1);
			break;
		}
		if (!wait_for_completion_timeout(&r->done, wqbench_tmo()))
			return -ETIMEDOUT;	/* @r leaks */
		irq_work_sync(&r->kick);
		row_add(row, r->t_start - r->t_queue);
		usleep_range(gap_us, gap_us * 2 + 1);
	}

	bitem_sync(&r->sample);
	bitem_sync(&r->noise);
	mech_teardown(&r->mech);
	if (r->badq)
		row_extra(row, ",\"badq\":%u", r->badq);
	row_extra(row, ",\"remote\":%u", r->remote);
	kfree(r);
	return 0;
}

static int lat_idle_irq_row(struct row *row)
{
	return lat_row(row, LAT_IDLE_IRQ);
}

static int lat_idle_task_row(struct row *row)
{
	return lat_row(row, LAT_IDLE_TASK);
}

static int lat_busy_row(struct row *row)
{
	return lat_row(row, LAT_BUSY);
}

/* ---------------------------------------------------------------------- */
/* Throughput */

struct tput_run;

struct tput_prod {
	struct tput_run *run;
	struct task_struct *task;
	struct bitem *items;
	atomic_t left;
	struct completion batch_done;
	struct completion finished;
	u64 *s;			/* ns per item, one per batch */
	unsigned int n;
	u64 done;		/* items run */
	u64 t_first, t_last;
	int ret;
};

struct tput_run {
	struct mech mech;
	unsigned int inflight;
	unsigned int batches;
	struct completion go;
	bool abort;
	unsigned int nr;
	struct tput_prod prod[] __counted_by(nr);
};

static void tput_item_fn(struct bitem *it, u64 now)
{
	struct tput_prod *p = it->ctx;

	if (atomic_dec_and_test(&p->left))
		complete(&p->batch_done);
}

static int tput_producer(void *data)
{
	struct tput_prod *p = data;
	struct tput_run *run = p->run;
	unsigned int b, i;
	u64 t0, t1;

	if (!wait_for_completion_timeout(&run->go, wqbench_tmo())) {
		p->ret = -ETIMEDOUT;
		goto out;
	}
	if (READ_ONCE(run->abort))
		goto out;
	p->t_first = ktime_get_ns();
	for (b = 0; b < run->batches && !row_over_budget(p->t_first); b++) {
		reinit_completion(&p->batch_done);
		atomic_set(&p->left, run->inflight);
		t0 = ktime_get_ns();
		for (i = 0; i < run->inflight; i++)
			bitem_queue(&p->items[i], WORK_CPU_UNBOUND);
		if (!wait_for_completion_timeout(&p->batch_done, wqbench_tmo())) {
			p->ret = -ETIMEDOUT;
			goto out;
		}
		t1 = ktime_get_ns();
		p->s[p->n++] = div_u64(t1 - t0, run->inflight);
		p->done += run->inflight;
	}
	p->t_last = ktime_get_ns();
out:
	complete(&p->finished);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Prepare producer @i, bound to @cpu; it waits for run->go. */
static int tput_prod_create(struct tput_run *run, unsigned int i, int cpu)
{
	struct tput_prod *p = &run->prod[i];
	unsigned int j;

	p->run = run;
	init_completion(&p->batch_done);
	init_completion(&p->finished);
	p->items = kcalloc(run->inflight, sizeof(*p->items), GFP_KERNEL);
	p->s = kcalloc(run->batches, sizeof(*p->s), GFP_KERNEL);
	if (!p->items || !p->s)
		return -ENOMEM;
	for (j = 0; j < run->inflight; j++)
		bitem_init(&p->items[j], &run->mech, tput_item_fn, p);
	p->task = kthread_create_on_cpu(tput_producer, p, cpu, "wqbench_p/%u");
	if (IS_ERR(p->task)) {
		int ret = PTR_ERR(p->task);

		p->task = NULL;
		return ret;
	}
	wake_up_process(p->task);
	return 0;
}

static int tput_row(struct row *row)
{
	unsigned int nr = row->all_cpus ? num_online_cpus() : 1;
	unsigned int inflight = row->many ? max(tput_batch, 1U) : 1;
	unsigned int batches = max(tput_items / inflight, 1U);
	u64 first = U64_MAX, last = 0, items = 0;
	struct tput_run *run;
	unsigned int i, j, k = 0;
	int cpu, ret;

	ret = row_alloc(row, nr * batches);
	if (ret)
		return ret;
	run = kzalloc(struct_size(run, prod, nr), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->nr = nr;
	run->inflight = inflight;
	run->batches = batches;
	init_completion(&run->go);
	ret = mech_setup(&run->mech, row->desc, bench_cpu);
	if (ret)
		goto free_run;

	if (nr == 1) {
		ret = tput_prod_create(run, 0, bench_cpu);
		k = !ret;
	} else {
		for_each_online_cpu(cpu) {
			if (k == nr)
				break;
			ret = tput_prod_create(run, k, cpu);
			if (ret)
				break;
			k++;
		}
	}
	/* All start at once; on an error they return at once. */
	WRITE_ONCE(run->abort, ret != 0);
	complete_all(&run->go);

	for (i = 0; i < k; i++) {
		struct tput_prod *p = &run->prod[i];

		if (!wait_for_completion_timeout(&p->finished, wqbench_row_tmo()) ||
		    p->ret == -ETIMEDOUT)
			return -ETIMEDOUT;	/* @run leaks */
	}
	for (i = 0; i < k; i++) {
		struct tput_prod *p = &run->prod[i];

		kthread_stop(p->task);
		for (j = 0; j < p->n; j++)
			row_add(row, p->s[j]);
		first = min(first, p->t_first);
		last = max(last, p->t_last);
		items += p->done;
		for (j = 0; j < inflight; j++)
			bitem_sync(&p->items[j]);
	}
	if (!ret && last > first)
		row_extra(row, ",\"rate\":%llu,\"producers\":%u,\"inflight\":%u",
			  div64_u64(items * NSEC_PER_SEC, last - first),
			  nr, inflight);
	mech_teardown(&run->mech);
free_run:
	for (i = 0; i < nr; i++) {
		kfree(run->prod[i].items);
		kfree(run->prod[i].s);
	}
	kfree(run);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Cost of flush, cancel and delayed-work calls (on bench_cpu) */

enum op_kind {
	OP_QUEUE,
	OP_FLUSH_RT,
	OP_FLUSH_IDLE,
	OP_CANCEL_RT,
	OP_CANCEL_IDLE,
	OP_MOD_DELAYED_ARM,
	OP_MOD_DELAYED_PENDING,
	OP_FLUSH_WQ_EMPTY,
};

static const char * const op_names[] = {
	[OP_QUEUE] = "op.queue_work.idle",
	[OP_FLUSH_RT] = "op.flush_work.roundtrip",
	[OP_FLUSH_IDLE] = "op.flush_work.idle",
	[OP_CANCEL_RT] = "op.cancel_work_sync.roundtrip",
	[OP_CANCEL_IDLE] = "op.cancel_work_sync.idle",
	[OP_MOD_DELAYED_ARM] = "op.mod_delayed_work.arm",
	[OP_MOD_DELAYED_PENDING] = "op.mod_delayed_work.pending",
	[OP_FLUSH_WQ_EMPTY] = "op.flush_workqueue.empty",
};

struct op_run {
	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work dwork;
	struct completion done;
	atomic_t ran;
};

static void op_work_fn(struct work_struct *work)
{
	struct op_run *r = container_of(work, struct op_run, work);

	atomic_inc(&r->ran);
	complete(&r->done);
}

static void op_dwork_fn(struct work_struct *work)
{
}

static int op_row(struct row *row)
{
	enum op_kind kind = row->op;
	unsigned int i, hits = 0;
	struct op_run *r;
	u64 t_row, t0, t1;
	int ret;

	ret = row_alloc(row, samples);
	if (ret)
		return ret;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->wq = alloc_workqueue("wqbench_op", 0, 0);
	if (!r->wq) {
		kfree(r);
		return -ENOMEM;
	}
	INIT_WORK(&r->work, op_work_fn);
	INIT_DELAYED_WORK(&r->dwork, op_dwork_fn);
	init_completion(&r->done);
	if (kind == OP_MOD_DELAYED_PENDING)
		queue_delayed_work(r->wq, &r->dwork, 3600 * HZ);

	t_row = ktime_get_ns();
	for (i = 0; i < samples && !row_over_budget(t_row); i++) {
		reinit_completion(&r->done);
		t0 = ktime_get_ns();
		switch (kind) {
		case OP_QUEUE:
			queue_work(r->wq, &r->work);
			break;
		case OP_FLUSH_RT:
			queue_work(r->wq, &r->work);
			flush_work(&r->work);
			break;
		case OP_FLUSH_IDLE:
			flush_work(&r->work);
			break;
		case OP_CANCEL_RT:
			queue_work(r->wq, &r->work);
			hits += cancel_work_sync(&r->work);
			break;
		case OP_CANCEL_IDLE:
			cancel_work_sync(&r->work);
			break;
		case OP_MOD_DELAYED_ARM:
			mod_delayed_work(r->wq, &r->dwork, 3600 * HZ);
			break;
		case OP_MOD_DELAYED_PENDING:
			mod_delayed_work(r->wq, &r->dwork, 3600 * HZ + (i & 1));
			break;
		case OP_FLUSH_WQ_EMPTY:
			flush_workqueue(r->wq);
			break;
		}
		t1 = ktime_get_ns();
		row_add(row, t1 - t0);

		/* Back to the starting state, outside the measurement. */
		if (kind == OP_QUEUE &&
		    !wait_for_completion_timeout(&r->done, wqbench_tmo()))
			return -ETIMEDOUT;	/* @r leaks */
		if (kind == OP_MOD_DELAYED_ARM)
			cancel_delayed_work_sync(&r->dwork);
		if (kind == OP_FLUSH_RT && !completion_done(&r->done)) {
			pr_err("%s: flush_work() returned before the item ran\n", row->name);
			ret = -EINVAL;
		}
		/*
		 * The queueing rows start from an idle pool: let the worker
		 * finish and go to sleep, or the next queue_work() finds it
		 * still running and skips the wakeup, depending on timing.
		 */
		if (kind == OP_QUEUE || kind == OP_FLUSH_RT || kind == OP_CANCEL_RT)
			usleep_range(gap_us, gap_us * 2 + 1);
		else if (!(i & 63))
			cond_resched();
	}

	cancel_delayed_work_sync(&r->dwork);
	cancel_work_sync(&r->work);
	destroy_workqueue(r->wq);
	if (kind == OP_CANCEL_RT)
		row_extra(row, ",\"hits\":%u", hits);
	if (kind == OP_FLUSH_RT || kind == OP_CANCEL_RT || kind == OP_QUEUE)
		row_extra(row, ",\"ran\":%d", atomic_read(&r->ran));
	kfree(r);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* kworkers alive around a burst of blocking items */

struct burst_run;

struct burst_item {
	struct work_struct work;
	struct burst_run *run;
};

struct burst_run {
	struct workqueue_struct *wq;
	struct completion release;
	wait_queue_head_t waitq;
	atomic_t started;
	atomic_t finished;
	unsigned int nr;
	struct burst_item items[] __counted_by(nr);
};

static const char * const burst_phases[] = { "before", "during", "after" };

static unsigned int count_kworkers(void)
{
	struct task_struct *p;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(p)
		if (p->flags & PF_WQ_WORKER)
			n++;
	rcu_read_unlock();
	return n;
}

static void burst_fn(struct work_struct *work)
{
	struct burst_run *b = container_of(work, struct burst_item, work)->run;

	atomic_inc(&b->started);
	wake_up(&b->waitq);
	/* Sleep, so that the pool needs another worker for the next item. */
	wait_for_completion_timeout(&b->release, wqbench_tmo());
	atomic_inc(&b->finished);
	wake_up(&b->waitq);
}

static int burst_row(struct row *row)
{
	unsigned int i, nr = max(burst, 1U);
	unsigned int before, during, after;
	struct burst_run *b;
	int ret = 0;

	ret = row_alloc(row, ARRAY_SIZE(burst_phases));
	if (ret)
		return ret;
	b = kzalloc(struct_size(b, items, nr), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->nr = nr;
	init_completion(&b->release);
	init_waitqueue_head(&b->waitq);
	b->wq = wqbench_alloc_wq(row->desc, 1);
	if (!b->wq) {
		kfree(b);
		return -ENOMEM;
	}

	before = count_kworkers();
	for (i = 0; i < nr; i++) {
		b->items[i].run = b;
		INIT_WORK(&b->items[i].work, burst_fn);
		queue_work_on(bench_cpu, b->wq, &b->items[i].work);
	}
	if (!wait_event_timeout(b->waitq, atomic_read(&b->started) == nr, wqbench_tmo())) {
		row_extra(row, ",\"started\":%d", atomic_read(&b->started));
		ret = -EAGAIN;
	}
	during = count_kworkers();
	complete_all(&b->release);
	if (!wait_event_timeout(b->waitq, atomic_read(&b->finished) == nr, wqbench_tmo()))
		return -ETIMEDOUT;	/* @b leaks */
	/* Give the pool a moment to settle; this is not synchronisation. */
	msleep(1000);
	after = count_kworkers();
	destroy_workqueue(b->wq);
	kfree(b);

	row_add(row, before);
	row_add(row, during);
	row_add(row, after);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* hold=: workqueues kept for a memory measurement from user space */

#define WQBENCH_HOLD_MAX 10000
static struct workqueue_struct **hold_wqs;
static unsigned int hold_nr;

static void hold_release(void)
{
	while (hold_nr)
		destroy_workqueue(hold_wqs[--hold_nr]);
	kvfree(hold_wqs);
	hold_wqs = NULL;
}

static int hold_init(void)
{
	const struct mech_desc *d = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wqbench_kinds); i++)
		if (!strcmp(hold, wqbench_kinds[i].name))
			d = &wqbench_kinds[i];
	if (!d || hold_count > WQBENCH_HOLD_MAX) {
		pr_err("hold=%s hold_count=%u: unknown kind or more than %u\n",
		       hold, hold_count, WQBENCH_HOLD_MAX);
		return -EINVAL;
	}
	hold_wqs = kvcalloc(max(hold_count, 1U), sizeof(*hold_wqs), GFP_KERNEL);
	if (!hold_wqs)
		return -ENOMEM;
	while (hold_nr < hold_count) {
		hold_wqs[hold_nr] = wqbench_alloc_wq(d, hold_nr);
		if (!hold_wqs[hold_nr]) {
			hold_release();
			return -ENOMEM;
		}
		hold_nr++;
	}
	pr_info("WQBENCH-HOLD {\"kind\":\"%s\",\"count\":%u}\n", d->name, hold_nr);
	return 0;
}

/* ---------------------------------------------------------------------- */
/*
 * scale=: how costs grow with the amount of work, for harness/bench-scale.py.
 * Every point is one console line (printed by scale_emit()):
 *
 *   WQSCALE {"fam":"inflight","series":"percpu","metric":"total","n":1000,
 *            "unit":"ns/item","v":...}
 *
 * A series goes through n = 1, 10, 100, ... up to its maximum; once a point
 * took more than a tenth of @scale_budget_ms, the larger ones are not run
 * and print "capped":true instead of "v".  The families, comma separated
 * in @scale:
 *
 *  inflight  n empty items queued back to back from bench_cpu on a per-CPU,
 *            an unbound, an ordered and a BH workqueue, then
 *            flush_workqueue(): "queue" is the queueing loop and "total"
 *            the first queueing to the return of the flush, per item.
 *  delayed   n delayed items armed with a timer far in the future, then
 *            mod_delayed_work() on each, then cancel_delayed_work() on
 *            each: "arm", "mod" and "cancel", per call.
 *  wqs       n workqueues of one kind created then destroyed: "create" and
 *            "destroy" per workqueue, "kworkers" and "rescuers" alive
 *            while the n exist, "kworkers_after" once they are gone.
 *  flush     n items spread round robin over the online CPUs of a per-CPU
 *            workqueue (one pwq each), then flush_workqueue() ("flush")
 *            or drain_workqueue() ("drain"): first queueing to return,
 *            per item.
 *  cpus      one point per boot, n = online CPUs: "percpu" and "unbound"
 *            items as in inflight with n = @scale_cpu_items,
 *            flush_workqueue() of an empty per-CPU workqueue (one pwq per
 *            CPU) and the kworkers alive before and after.
 *
 * The flushes run in a helper kthread so that the wait for them is bounded.
 * With hold= the module also offers a read-only parameter "now", the guest
 * clock in ns, with which a script times what only user space can do
 * (CPU hotplug through sysfs, the workqueue attributes in sysfs).
 */

static char *scale;
module_param(scale, charp, 0444);
MODULE_PARM_DESC(scale, "run these scaling families instead of the rows: inflight,delayed,wqs,flush,cpus");

static unsigned int scale_items = 1000000;
module_param(scale_items, uint, 0444);
MODULE_PARM_DESC(scale_items, "largest number of items in inflight and delayed (default 1000000)");

static unsigned int scale_wqs = 10000;
module_param(scale_wqs, uint, 0444);
MODULE_PARM_DESC(scale_wqs, "largest number of workqueues in wqs (default 10000)");

static unsigned int scale_budget_ms = 20000;
module_param(scale_budget_ms, uint, 0444);
MODULE_PARM_DESC(scale_budget_ms, "a series stops before a point that would take longer, in ms (default 20000)");

static unsigned int scale_cpu_items = 10000;
module_param(scale_cpu_items, uint, 0444);
MODULE_PARM_DESC(scale_cpu_items, "items per point of the cpus family (default 10000)");

static int wqbench_now_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%llu\n", ktime_get_ns());
}

static const struct kernel_param_ops wqbench_now_ops = {
	.get = wqbench_now_get,
};
module_param_cb(now, &wqbench_now_ops, NULL, 0444);
MODULE_PARM_DESC(now, "read: the guest clock, ktime_get_ns()");

#define SCALE_MAX_ITEMS 10000000U
#define SCALE_FLUSH_REPS 100
/* Far enough that no armed item of the delayed family ever fires */
#define SCALE_DELAY (600 * HZ)

static void scale_emit(const char *fam, const char *series, const char *metric,
		       unsigned int n, const char *unit, u64 v, bool capped)
{
	char val[32];

	if (capped)
		strscpy(val, "\"capped\":true", sizeof(val));
	else
		snprintf(val, sizeof(val), "\"v\":%llu", v);
	pr_info("WQSCALE {\"fam\":\"%s\",\"series\":\"%s\",\"metric\":\"%s\",\"n\":%u,\"unit\":\"%s\",%s}\n",
		fam, series, metric, n, unit, val);
}

/* The next decade after @n, or 0 past @max. */
static unsigned int scale_next(unsigned int n, unsigned int max)
{
	return n > max / 10 ? 0 : n * 10;
}

/* Would a point ten times the size of one that took @ns exceed the budget? */
static bool scale_over_budget(u64 ns)
{
	return ns * 10 > (u64)scale_budget_ms * NSEC_PER_MSEC;
}

/* Let other tasks on this CPU run now and then in a long loop. */
static void scale_breathe(unsigned int i)
{
	if (!(i & 4095))
		cond_resched();
}

/* Items of the inflight, flush and cpus families: count down, then complete. */
static atomic_t scale_left;
static DECLARE_COMPLETION(scale_all_ran);

static void scale_work_fn(struct work_struct *work)
{
	if (atomic_dec_and_test(&scale_left))
		complete(&scale_all_ran);
}

static void scale_bh_work_fn(struct work_struct *work)
{
	scale_work_fn(work);
}

static struct work_struct *scale_items_alloc(const struct mech_desc *d, unsigned int n)
{
	struct work_struct *w = kvcalloc(n, sizeof(*w), GFP_KERNEL);
	unsigned int i;

	if (!w)
		return NULL;
	/* One lockdep class for items run in softirq, one for the others */
	for (i = 0; i < n; i++) {
		if (d->wq_flags & WQ_BH)
			INIT_WORK(&w[i], scale_bh_work_fn);
		else
			INIT_WORK(&w[i], scale_work_fn);
	}
	atomic_set(&scale_left, n);
	reinit_completion(&scale_all_ran);
	return w;
}

/*
 * A kthread that calls flush_workqueue() or drain_workqueue() @reps times
 * once told to go, and takes the time around the calls.
 */
struct scale_flusher {
	struct workqueue_struct *wq;
	bool drain;
	bool skip;
	unsigned int reps;
	struct completion go;
	struct completion done;
	struct task_struct *task;
	u64 t_start;
	u64 t_end;
};

static void wqbench_wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

static int scale_flusher_fn(void *data)
{
	struct scale_flusher *f = data;
	unsigned int i;

	if (wait_for_completion_timeout(&f->go, wqbench_row_tmo()) && !f->skip) {
		f->t_start = ktime_get_ns();
		for (i = 0; i < f->reps; i++) {
			if (f->drain)
				drain_workqueue(f->wq);
			else
				flush_workqueue(f->wq);
		}
		f->t_end = ktime_get_ns();
	}
	complete(&f->done);
	wqbench_wait_for_stop();
	return 0;
}

/* A flusher on this CPU, waiting for scale_flusher_go(). */
static struct scale_flusher *scale_flusher_new(struct workqueue_struct *wq, bool drain,
					       unsigned int reps)
{
	struct scale_flusher *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->wq = wq;
	f->drain = drain;
	f->reps = reps;
	init_completion(&f->go);
	init_completion(&f->done);
	f->task = kthread_create_on_cpu(scale_flusher_fn, f, raw_smp_processor_id(),
					"wqbench_f/%u");
	if (IS_ERR(f->task)) {
		kfree(f);
		return NULL;
	}
	wake_up_process(f->task);
	return f;
}

/*
 * Let @f flush (or, with @skip, only return) and wait for it.  On
 * -ETIMEDOUT the flusher stays, stuck in the call, and so does @f.
 */
static int scale_flusher_go(struct scale_flusher *f, bool skip)
{
	f->skip = skip;
	complete(&f->go);
	if (!wait_for_completion_timeout(&f->done, wqbench_row_tmo()))
		return -ETIMEDOUT;
	kthread_stop(f->task);
	return 0;
}

/*
 * Queue @n items on a new workqueue of kind @d, on bench_cpu or, with
 * @spread, round robin over the online CPUs; then flush (or drain) it.
 * @queue and @total get ns per item.
 */
static int scale_queue_flush(const struct mech_desc *d, unsigned int n, bool spread,
			     bool drain, u64 *queue, u64 *total)
{
	struct workqueue_struct *wq;
	struct scale_flusher *f;
	struct work_struct *w;
	unsigned int i;
	int cpu, ret;
	u64 t0, t1;

	w = scale_items_alloc(d, n);
	if (!w)
		return -ENOMEM;
	wq = wqbench_alloc_wq(d, n);
	f = wq ? scale_flusher_new(wq, drain, 1) : NULL;
	if (!f) {
		if (wq)
			destroy_workqueue(wq);
		kvfree(w);
		return -ENOMEM;
	}

	cpu = cpumask_first(cpu_online_mask);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (spread) {
			queue_work_on(cpu, wq, &w[i]);
			cpu = cpumask_next(cpu, cpu_online_mask);
			if (cpu >= nr_cpu_ids)
				cpu = cpumask_first(cpu_online_mask);
		} else {
			queue_work(wq, &w[i]);
		}
		scale_breathe(i + 1);
	}
	t1 = ktime_get_ns();
	ret = scale_flusher_go(f, false);
	if (ret)
		return ret;	/* @f, @wq and @w leak */
	if (atomic_read(&scale_left)) {
		pr_err("%s: flush returned with %d of %u items not run\n",
		       d->name, atomic_read(&scale_left), n);
		if (!wait_for_completion_timeout(&scale_all_ran, wqbench_row_tmo()))
			return -ETIMEDOUT;
		ret = -EIO;
	}
	*queue = div_u64(t1 - t0, n);
	*total = div_u64(f->t_end - t0, n);
	kfree(f);
	destroy_workqueue(wq);
	kvfree(w);
	return ret;
}

static int scale_inflight(void)
{
	unsigned int i, n, max = clamp(scale_items, 1U, SCALE_MAX_ITEMS);
	u64 queue, total, t;
	bool capped;
	int ret;

	for (i = 0; i < ARRAY_SIZE(tput_mechs); i++) {
		const struct mech_desc *d = &tput_mechs[i];

		capped = false;
		for (n = 1; n; n = scale_next(n, max)) {
			if (capped) {
				scale_emit("inflight", d->name, "queue", n, "ns/item", 0, true);
				scale_emit("inflight", d->name, "total", n, "ns/item", 0, true);
				continue;
			}
			t = ktime_get_ns();
			ret = scale_queue_flush(d, n, false, false, &queue, &total);
			if (ret)
				return ret;
			capped = scale_over_budget(ktime_get_ns() - t);
			scale_emit("inflight", d->name, "queue", n, "ns/item", queue, false);
			scale_emit("inflight", d->name, "total", n, "ns/item", total, false);
		}
	}
	return 0;
}

static void scale_dwork_fn(struct work_struct *work)
{
	pr_err("a delayed item of the delayed family ran\n");
}

/* Arm, modify and cancel @n delayed items; ns per call in @ns[3]. */
static int scale_delayed_point(unsigned int n, u64 *ns)
{
	struct workqueue_struct *wq;
	struct delayed_work *dw;
	unsigned int i, hits = 0;
	u64 t[4];
	int ret = 0;

	dw = kvcalloc(n, sizeof(*dw), GFP_KERNEL);
	if (!dw)
		return -ENOMEM;
	wq = alloc_workqueue("wqbench_delayed", 0, 0);
	if (!wq) {
		kvfree(dw);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		INIT_DELAYED_WORK(&dw[i], scale_dwork_fn);

	/* Timers spread over 1024 expiry times, as timeouts would be */
	t[0] = ktime_get_ns();
	for (i = 0; i < n; i++) {
		queue_delayed_work(wq, &dw[i], SCALE_DELAY + (i & 1023));
		scale_breathe(i + 1);
	}
	t[1] = ktime_get_ns();
	for (i = 0; i < n; i++) {
		mod_delayed_work(wq, &dw[i], SCALE_DELAY + 1024 + (i & 1023));
		scale_breathe(i + 1);
	}
	t[2] = ktime_get_ns();
	for (i = 0; i < n; i++) {
		hits += cancel_delayed_work(&dw[i]);
		scale_breathe(i + 1);
	}
	t[3] = ktime_get_ns();

	if (hits != n) {
		pr_err("delayed: %u of %u items were not pending at cancel\n", n - hits, n);
		for (i = 0; i < n; i++)
			cancel_delayed_work_sync(&dw[i]);
		ret = -EIO;
	}
	for (i = 0; i < 3; i++)
		ns[i] = div_u64(t[i + 1] - t[i], n);
	destroy_workqueue(wq);
	kvfree(dw);
	return ret;
}

static int scale_delayed(void)
{
	static const char * const metrics[] = { "arm", "mod", "cancel" };
	unsigned int i, n, max = clamp(scale_items, 1U, SCALE_MAX_ITEMS);
	bool capped = false;
	u64 ns[3], t;
	int ret;

	for (n = 1; n; n = scale_next(n, max)) {
		if (capped) {
			for (i = 0; i < ARRAY_SIZE(metrics); i++)
				scale_emit("delayed", "percpu", metrics[i], n, "ns/call", 0, true);
			continue;
		}
		t = ktime_get_ns();
		ret = scale_delayed_point(n, ns);
		if (ret)
			return ret;
		capped = scale_over_budget(ktime_get_ns() - t);
		for (i = 0; i < ARRAY_SIZE(metrics); i++)
			scale_emit("delayed", "percpu", metrics[i], n, "ns/call", ns[i], false);
	}
	return 0;
}

/*
 * kworkers and rescuers alive.  Both kernels name a rescuer
 * "kworker/R-<wq>"; v6.12 sets PF_WQ_WORKER on it only while it rescues,
 * so rescuers are counted by name and left out of the kworkers.
 */
static void count_threads(unsigned int *kworkers, unsigned int *rescuers)
{
	struct task_struct *p;

	*kworkers = 0;
	*rescuers = 0;
	rcu_read_lock();
	for_each_process(p) {
		if (!(p->flags & PF_KTHREAD))
			continue;
		if (strstarts(p->comm, "kworker/R-"))
			(*rescuers)++;
		else if (p->flags & PF_WQ_WORKER)
			(*kworkers)++;
	}
	rcu_read_unlock();
}

static const char * const scale_wqs_metrics[] = {
	"create", "destroy", "kworkers", "rescuers", "kworkers_after",
};

/* Create and destroy @n workqueues of kind @d; see the wqs family. */
static int scale_wqs_point(const struct mech_desc *d, const char *series, unsigned int n)
{
	struct workqueue_struct **wqs;
	unsigned int i, made, kw, resc;
	u64 t0, t1, t2, t3;

	wqs = kvcalloc(n, sizeof(*wqs), GFP_KERNEL);
	if (!wqs)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (made = 0; made < n; made++) {
		wqs[made] = wqbench_alloc_wq(d, made);
		if (!wqs[made])
			break;
	}
	t1 = ktime_get_ns();
	count_threads(&kw, &resc);
	t2 = ktime_get_ns();
	for (i = made; i; i--)
		destroy_workqueue(wqs[i - 1]);
	t3 = ktime_get_ns();
	kvfree(wqs);
	if (made < n) {
		pr_err("wqs: only %u of %u %s workqueues could be created\n", made, n, series);
		return -ENOMEM;
	}
	scale_emit("wqs", series, "create", n, "ns/wq", div_u64(t1 - t0, n), false);
	scale_emit("wqs", series, "destroy", n, "ns/wq", div_u64(t3 - t2, n), false);
	scale_emit("wqs", series, "kworkers", n, "threads", kw, false);
	scale_emit("wqs", series, "rescuers", n, "threads", resc, false);
	count_threads(&kw, &resc);
	scale_emit("wqs", series, "kworkers_after", n, "threads", kw, false);
	return 0;
}

static int scale_wqs_family(void)
{
	static const struct {
		const char *series;
		unsigned int kind;	/* index in wqbench_kinds[] */
	} kinds[] = {
		{ "percpu", 0 }, { "unbound", 3 }, { "reclaim", 1 },
	};
	unsigned int i, j, n, max = clamp(scale_wqs, 1U, WQBENCH_HOLD_MAX);
	bool capped;
	int ret;
	u64 t;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		capped = false;
		for (n = 1; n; n = scale_next(n, max)) {
			if (capped) {
				for (j = 0; j < ARRAY_SIZE(scale_wqs_metrics); j++)
					scale_emit("wqs", kinds[i].series, scale_wqs_metrics[j], n,
						   j < 2 ? "ns/wq" : "threads", 0, true);
				continue;
			}
			t = ktime_get_ns();
			ret = scale_wqs_point(&wqbench_kinds[kinds[i].kind], kinds[i].series, n);
			if (ret)
				return ret;
			capped = scale_over_budget(ktime_get_ns() - t);
		}
	}
	return 0;
}

static int scale_flush_family(void)
{
	static const char * const metrics[] = { "flush", "drain" };
	unsigned int i, n, max = clamp(scale_items / 10, 1U, SCALE_MAX_ITEMS);
	u64 queue, total, t;
	bool capped;
	int ret;

	for (i = 0; i < ARRAY_SIZE(metrics); i++) {
		capped = false;
		for (n = 1; n; n = scale_next(n, max)) {
			if (capped) {
				scale_emit("flush", "spread", metrics[i], n, "ns/item", 0, true);
				continue;
			}
			t = ktime_get_ns();
			ret = scale_queue_flush(&tput_mechs[0], n, true, i, &queue, &total);
			if (ret)
				return ret;
			capped = scale_over_budget(ktime_get_ns() - t);
			scale_emit("flush", "spread", metrics[i], n, "ns/item", total, false);
		}
	}
	return 0;
}

/* Cost of flush_workqueue() on an empty per-CPU workqueue, in ns. */
static int scale_flush_empty(u64 *ns)
{
	struct workqueue_struct *wq = alloc_workqueue("wqbench_flush_empty", 0, 0);
	struct scale_flusher *f;
	int ret;

	if (!wq)
		return -ENOMEM;
	f = scale_flusher_new(wq, false, SCALE_FLUSH_REPS);
	if (!f) {
		destroy_workqueue(wq);
		return -ENOMEM;
	}
	ret = scale_flusher_go(f, false);
	if (ret)
		return ret;	/* @f and @wq leak */
	*ns = div_u64(f->t_end - f->t_start, SCALE_FLUSH_REPS);
	kfree(f);
	destroy_workqueue(wq);
	return 0;
}

static int scale_cpus(void)
{
	unsigned int i, n = clamp(scale_cpu_items, 1U, SCALE_MAX_ITEMS);
	unsigned int cpus = num_online_cpus();
	unsigned int before, after, resc;
	u64 queue, total, ns;
	int ret;

	count_threads(&before, &resc);

	for (i = 0; i < 2; i++) {
		ret = scale_queue_flush(&tput_mechs[i], n, false, false, &queue, &total);
		if (ret)
			return ret;
		scale_emit("cpus", tput_mechs[i].name, "total", cpus, "ns/item", total, false);
	}
	ret = scale_flush_empty(&ns);
	if (ret)
		return ret;
	scale_emit("cpus", "flush_empty", "call", cpus, "ns", ns, false);
	scale_emit("cpus", "kworkers", "before", cpus, "threads", before, false);
	count_threads(&after, &resc);
	scale_emit("cpus", "kworkers", "after", cpus, "threads", after, false);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} scale_families[] = {
	/* first, so that its kworker count is that of a fresh boot */
	{ "cpus", scale_cpus },
	{ "inflight", scale_inflight },
	{ "delayed", scale_delayed },
	{ "wqs", scale_wqs_family },
	{ "flush", scale_flush_family },
};

static int scale_row(struct row *row)
{
	return scale_families[row->op].fn();
}

/* Run each family named in @scale as a row on bench_cpu. */
static void scale_run(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(scale_families); i++) {
		struct row *row;

		if (!strstr(scale, scale_families[i].name))
			continue;
		row = row_new("-", scale_row, bench_cpu, NULL, "scale.%s",
			      scale_families[i].name);
		if (row)
			row->op = i;
		row_go(row);
	}
}

/* ---------------------------------------------------------------------- */

static void wqbench_meta(void)
{
	static char line[400];
	struct seq_buf sb;
	unsigned int i;

	seq_buf_init(&sb, line, sizeof(line));
	seq_buf_printf(&sb, "{\"meta\":{\"cpus\":%u,\"bench_cpu\":%d,\"ctl_cpu\":%d,\"hz\":%d",
		       num_online_cpus(), bench_cpu, ctl_cpu, HZ);
	seq_buf_printf(&sb, ",\"samples\":%u,\"tput_items\":%u,\"tput_batch\":%u,\"burst\":%u",
		       samples, tput_items, tput_batch, burst);
	seq_buf_printf(&sb, ",\"row_ms\":%u", row_ms);
	seq_buf_puts(&sb, ",\"ranks\":[");
	for (i = 0; i < ARRAY_SIZE(wqbench_ranks); i++)
		seq_buf_printf(&sb, "%s%u", i ? "," : "", wqbench_ranks[i]);
	seq_buf_puts(&sb, "]}}");
	pr_info("WQBENCH %s\n", line);
}

static int __init wqbench_init(void)
{
	static const struct {
		const char *name;
		int (*fn)(struct row *row);
		bool on_bench_cpu;
	} lat_modes[] = {
		{ "lat.idle.irq", lat_idle_irq_row, false },
		{ "lat.idle.task", lat_idle_task_row, true },
		{ "lat.busy", lat_busy_row, false },
	};
	u64 t0 = ktime_get_ns();
	unsigned int i, j, k;

	if (hold && *hold)
		return hold_init();

	if (bench_cpu < 0 || bench_cpu >= nr_cpu_ids || !cpu_online(bench_cpu))
		bench_cpu = cpumask_first(cpu_online_mask);
	ctl_cpu = cpumask_any_but(cpu_online_mask, bench_cpu);
	if (ctl_cpu >= nr_cpu_ids)
		ctl_cpu = bench_cpu;

	wqbench_meta();

	if (scale && *scale) {
		scale_run();
		goto done;
	}

	for (i = 0; i < ARRAY_SIZE(lat_modes); i++)
		for (j = 0; j < ARRAY_SIZE(lat_mechs); j++)
			row_go(row_new("ns", lat_modes[i].fn,
				       lat_modes[i].on_bench_cpu ? bench_cpu : ctl_cpu,
				       &lat_mechs[j], "%s.%s", lat_modes[i].name,
				       lat_mechs[j].name));

	for (i = 0; i < ARRAY_SIZE(tput_mechs); i++) {
		for (j = 0; j < 2; j++) {
			for (k = 0; k < 2; k++) {
				struct row *row;

				row = row_new("ns/item", tput_row, ctl_cpu, &tput_mechs[i],
					      "tput.%s.%s.%s", tput_mechs[i].name,
					      j ? "pall" : "p1", k ? "fmany" : "f1");
				if (row) {
					row->all_cpus = j;
					row->many = k;
				}
				row_go(row);
			}
		}
	}

	for (i = 0; i < ARRAY_SIZE(op_names); i++) {
		struct row *row = row_new("ns", op_row, bench_cpu, NULL, "%s", op_names[i]);

		if (row)
			row->op = i;
		row_go(row);
	}

	for (i = 0; i < 2; i++) {
		struct row *row = row_new("threads", burst_row, ctl_cpu, &tput_mechs[i],
					  "res.kworkers.%s", tput_mechs[i].name);

		if (row)
			row->split = burst_phases;
		row_go(row);
	}

done:
	pr_info("WQBENCH {\"done\":true,\"rows\":%u,\"errors\":%u,\"stuck\":%s,\"ms\":%llu}\n",
		wqbench_rows, wqbench_errors, wqbench_stuck ? "true" : "false",
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	return 0;
}

static void __exit wqbench_exit(void)
{
	hold_release();
}

module_init(wqbench_init);
module_exit(wqbench_exit);

MODULE_DESCRIPTION("Workqueue benchmark: latency, throughput and cost against tasklets and kthread_worker");
MODULE_LICENSE("GPL");
