// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the workqueue API.
 *
 * Each case checks one guarantee stated by the kernel-doc of the workqueue
 * API or by Documentation/core-api/workqueue.rst, and never an
 * implementation detail, so the suites hold for any implementation.
 *
 * How the cases stay safe when the implementation under test is broken:
 *
 *  - Every wait is bounded.  Whatever must happen is waited for with
 *    WQT_TIMEOUT; whatever must not happen is watched for WQT_WINDOW.
 *  - API calls that may sleep inside the workqueue code (flush, drain,
 *    cancel/disable *_sync, destroy, hotplug, ...) run in a helper kthread
 *    ("call") that the case waits for with a timeout.  A call that never
 *    returns still references the case's memory, so the case then leaks
 *    its items and workqueues on purpose instead of freeing them.
 *  - Work items that block wait on a gate with a timeout; the case
 *    teardown opens every gate, disables every item with
 *    disable_work_sync() and destroys the case's workqueues, all through
 *    bounded calls.  Nothing of a case runs after its memory is freed.
 *  - A WARNING or BUG on the console during a case fails it: a probe on
 *    the console tracepoint counts them, as mm/kfence/kfence_test.c does.
 *    Misuse that the kernel answers with a WARN sits between
 *    wqt_warn_begin() and wqt_warn_end(), which count it as expected.
 *    The harness's log check accepts the reports of a case that passed
 *    while the probe was on ("WQTEST: console probe on/off"); without
 *    tracepoints, the two calls print bracket lines that it skips.
 *
 * A few cases need symbols that are not exported to modules (for instance
 * apply_workqueue_attrs() and the freezer entry points); they are skipped,
 * with the reason, when the suites are built as a module.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/percpu-rwsem.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/suspend.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <trace/events/printk.h>

#define WQT_TIMEOUT		(20 * HZ)	/* for what must happen */
#define WQT_WINDOW		(HZ / 10)	/* for what must not happen */
#define WQT_GATE_TIMEOUT	(60 * HZ)	/* longest an item stays blocked */
#define WQT_HOTPLUG_TIMEOUT	(60 * HZ)	/* for remove_cpu() and add_cpu() */
#define WQT_FOREVER		UINT_MAX	/* requeue until told to stop */
#define WQT_MAX_WQS		16
#define WQT_MAX_CALLS		8
#define WQT_MAX_EXTRA		4

#define WQT_BUILTIN		IS_BUILTIN(CONFIG_WORKQUEUE_KUNIT_TEST)

/*
 * A few cases check guarantees that v6.12 itself breaks.  v6.12 is the
 * reference the suites are checked against, so these are skipped unless
 * asked for (workqueue_kunit.v612_bugs=1 on the command line of a built-in
 * suite).
 */
#if WQT_BUILTIN
static bool v612_bugs;
module_param(v612_bugs, bool, 0444);
MODULE_PARM_DESC(v612_bugs, "also run the cases that v6.12 fails");

/* Skip a case of that kind, unless asked for; kunit_skip() ends the case. */
static void wqt_skip_v612_bug(struct kunit *test)
{
	if (!v612_bugs)
		kunit_skip(test, "v6.12 fails this; workqueue_kunit.v612_bugs=1 runs it");
}
#endif

enum wqt_kind {
	WQT_PLAIN,
	WQT_DELAYED,
	WQT_RCU,
};

enum wqt_op {
	WQT_FLUSH,
	WQT_CANCEL_SYNC,
	WQT_DISABLE_SYNC,
	WQT_FLUSH_DELAYED,
	WQT_CANCEL_DELAYED_SYNC,
	WQT_DISABLE_DELAYED_SYNC,
	WQT_FLUSH_RCU,
	WQT_FLUSH_WQ,
	WQT_DRAIN_WQ,
};

struct wqt_call;

/* Per-case state; test->priv points to it. */
struct wqt_ctx {
	struct kunit *test;
	struct list_head items;
	struct list_head blobs;
	struct workqueue_struct *wqs[WQT_MAX_WQS];
	int nr_wqs;
	struct wqt_call *calls[WQT_MAX_CALLS];
	struct work_struct *extra[WQT_MAX_EXTRA];	/* other items to quiesce */
	int nr_extra;
	int offline_cpu;		/* CPU taken down by the case, or -1 */
	bool leak;			/* a call never returned */
	bool stop;			/* self-requeuing items must stop */
	bool has_rcu;
	atomic_t running;		/* items of the case executing now */
	atomic_t max_running;		/* most ever seen executing at once */
	atomic_t seq;			/* start order of the items */
	atomic_t count;			/* free for the cases */
	int flag;			/* free for the cases */
	struct completion event;	/* free for the cases */
	enum wqt_op op;			/* for wqt_fn_wq_op() */
	struct workqueue_struct *op_wq;
};

struct wqt_item {
	struct list_head node;
	struct wqt_ctx *ctx;
	enum wqt_kind kind;
	union {
		struct work_struct work;
		struct delayed_work dwork;
		struct rcu_work rwork;
	};

	/* behaviour, set by the case before the item is queued */
	bool block;			/* wait for ->gate once started */
	unsigned int requeue;		/* times to queue itself again */
	struct workqueue_struct *wq;	/* where hooks and requeues queue */
	void (*hook)(struct wqt_item *it);
	struct wqt_item *peer;		/* item the hook acts on */
	unsigned long arg;		/* free for the hook */
	enum wqt_op op;			/* for wqt_fn_item_op() */

	/* observations */
	atomic_t runs;			/* executions started */
	atomic_t finished;		/* executions finished */
	atomic_t active;		/* executions in progress, to the end */
	atomic_t max_active;		/* most executions ever in progress */
	int cpu;			/* CPU of the last execution */
	int nice;
	int order;			/* ctx->seq at the last start */
	unsigned long start;		/* jiffies at the last start */
	u64 start_ns;			/* ktime_get_ns() at the last start */
	bool softirq;			/* last execution served a softirq */
	bool task;			/* last execution was in task context */
	bool pinned;			/* ... by a task bound to one CPU */
	bool pending;			/* work_pending() at the last start */
	bool current_ok;		/* current_work() returned the item */
	bool rescuer;			/* current_is_workqueue_rescuer() */
	bool gate_timeout;
	long result;			/* free for the hook */
	u64 elapsed_ns;			/* free for the hook */
	int snap;			/* ->finished when a call returned */
	struct completion started;	/* once per execution */
	struct completion done;		/* once per execution */
	struct completion gate;
};

struct wqt_blob {
	struct list_head node;
	u8 data[];
};

static atomic_t wqt_wq_serial = ATOMIC_INIT(0);

static bool wqt_current_is_rescuer(void)
{
#if WQT_BUILTIN
	return current_is_workqueue_rescuer();
#else
	return false;
#endif
}

static void wqt_max(atomic_t *max, int val)
{
	int old = atomic_read(max);

	while (old < val && !atomic_try_cmpxchg(max, &old, val))
		;
}

static bool wqt_wait(struct completion *c)
{
	return wait_for_completion_timeout(c, WQT_TIMEOUT);
}

/* True if @c is not completed within the observation window. */
static bool wqt_quiet(struct completion *c)
{
	return !wait_for_completion_timeout(c, WQT_WINDOW);
}

/* ---------------------------------------------------------------------- */
/* Work items                                                              */

static void wqt_requeue(struct wqt_item *it)
{
	switch (it->kind) {
	case WQT_DELAYED:
		queue_delayed_work(it->wq, &it->dwork, 0);
		break;
	case WQT_RCU:
		queue_rcu_work(it->wq, &it->rwork);
		break;
	default:
		queue_work(it->wq, &it->work);
		break;
	}
}

static void wqt_work_fn(struct work_struct *work)
{
	struct wqt_item *it = container_of(work, struct wqt_item, work);
	struct wqt_ctx *ctx = it->ctx;

	wqt_max(&it->max_active, atomic_inc_return(&it->active));
	wqt_max(&ctx->max_running, atomic_inc_return(&ctx->running));
	it->cpu = raw_smp_processor_id();
	it->softirq = in_serving_softirq();
	it->task = in_task();
	it->nice = it->task ? task_nice(current) : 0;
	it->pinned = it->task && current->nr_cpus_allowed == 1;
	it->pending = work_pending(work);
	it->current_ok = current_work() == work;
	it->rescuer = wqt_current_is_rescuer();
	it->start = jiffies;
	it->start_ns = ktime_get_ns();
	it->order = atomic_inc_return(&ctx->seq);
	atomic_inc(&it->runs);
	complete(&it->started);

	if (it->hook)
		it->hook(it);
	if (it->block && it->task &&
	    !wait_for_completion_timeout(&it->gate, WQT_GATE_TIMEOUT))
		it->gate_timeout = true;

	atomic_dec(&ctx->running);
	if (it->requeue && !READ_ONCE(ctx->stop)) {
		if (it->requeue != WQT_FOREVER)
			it->requeue--;
		wqt_requeue(it);
	}
	atomic_inc(&it->finished);
	complete(&it->done);
	/* the last access to @it: the teardown checks it */
	atomic_dec(&it->active);
}

static struct wqt_item *wqt_item_alloc(struct kunit *test, enum wqt_kind kind)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *it;

	it = kzalloc(sizeof(*it), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, it);
	it->ctx = ctx;
	it->kind = kind;
	init_completion(&it->started);
	init_completion(&it->done);
	init_completion(&it->gate);
	list_add_tail(&it->node, &ctx->items);
	if (kind == WQT_RCU)
		ctx->has_rcu = true;
	return it;
}

/*
 * A macro so that every call site gets its own lockdep class for the work
 * items it creates: a case where one item flushes another must not look
 * like recursion on a single class.
 */
#define wqt_item(test, k)						\
({									\
	enum wqt_kind __k = (k);					\
	struct wqt_item *__it = wqt_item_alloc(test, __k);		\
									\
	if (__k == WQT_DELAYED)						\
		INIT_DELAYED_WORK(&__it->dwork, wqt_work_fn);		\
	else if (__k == WQT_RCU)					\
		INIT_RCU_WORK(&__it->rwork, wqt_work_fn);		\
	else								\
		INIT_WORK(&__it->work, wqt_work_fn);			\
	__it;								\
})

/*
 * Work items of BH workqueues are taken in softirq context, so lockdep
 * wants them in classes that never run in process context.
 */
#define wqt_bh_item(test, k)	wqt_item(test, k)

static void *wqt_alloc(struct kunit *test, size_t size)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_blob *blob;

	blob = kzalloc(struct_size(blob, data, size), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	list_add_tail(&blob->node, &ctx->blobs);
	return blob->data;
}

/* Quiesce @work too when the case ends. */
static void wqt_track(struct kunit *test, struct work_struct *work)
{
	struct wqt_ctx *ctx = test->priv;

	KUNIT_ASSERT_LT(test, ctx->nr_extra, WQT_MAX_EXTRA);
	ctx->extra[ctx->nr_extra++] = work;
}

static void wqt_open(struct wqt_item *it)
{
	complete_all(&it->gate);
}

#define WQT_ASSERT_STARTED(test, it)					\
	KUNIT_ASSERT_TRUE_MSG(test, wqt_wait(&(it)->started),		\
			      "work item did not start in time")

#define WQT_ASSERT_DONE(test, it)					\
	KUNIT_ASSERT_TRUE_MSG(test, wqt_wait(&(it)->done),		\
			      "work item did not finish in time")

/* ---------------------------------------------------------------------- */
/* Workqueues                                                              */

static struct workqueue_struct *wqt_keep_wq(struct kunit *test,
					    struct workqueue_struct *wq)
{
	struct wqt_ctx *ctx = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	if (ctx->nr_wqs >= WQT_MAX_WQS) {
		/* cannot be tracked: leak it rather than lose it */
		ctx->leak = true;
		KUNIT_FAIL_AND_ABORT(test, "too many workqueues in one case");
	}
	ctx->wqs[ctx->nr_wqs++] = wq;
	return wq;
}

static struct workqueue_struct *wqt_wq(struct kunit *test, unsigned int flags,
				       int max_active)
{
	return wqt_keep_wq(test, alloc_workqueue("wqt%d", flags, max_active,
						 atomic_inc_return(&wqt_wq_serial)));
}

static struct workqueue_struct *wqt_ordered_wq(struct kunit *test,
					       unsigned int flags)
{
	return wqt_keep_wq(test, alloc_ordered_workqueue("wqt%d", flags,
							 atomic_inc_return(&wqt_wq_serial)));
}

/* Forget @wq, which the case destroyed itself. */
static void wqt_forget_wq(struct kunit *test, struct workqueue_struct *wq)
{
	struct wqt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < ctx->nr_wqs; i++) {
		if (ctx->wqs[i] == wq) {
			ctx->wqs[i] = ctx->wqs[--ctx->nr_wqs];
			return;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Bounded calls: run a blocking call in a kthread and wait with timeout   */

struct wqt_call {
	refcount_t ref;
	struct completion go;
	struct completion done;
	long (*fn)(void *arg);
	void *arg;
	long ret;
	bool entered;
	bool cancelled;
	struct task_struct *task;
};

static void wqt_call_put(struct wqt_call *call)
{
	if (refcount_dec_and_test(&call->ref)) {
		put_task_struct(call->task);
		kfree(call);
	}
}

static int wqt_call_thread(void *data)
{
	struct wqt_call *call = data;

	if (wait_for_completion_timeout(&call->go, WQT_TIMEOUT) &&
	    !READ_ONCE(call->cancelled)) {
		WRITE_ONCE(call->entered, true);
		call->ret = call->fn(call->arg);
	} else {
		call->ret = -ECANCELED;
	}
	complete(&call->done);
	wqt_call_put(call);
	return 0;
}

static struct wqt_call *__wqt_call_start(int cpu, long (*fn)(void *),
					 void *arg)
{
	struct task_struct *task;
	struct wqt_call *call;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return NULL;
	refcount_set(&call->ref, 2);
	init_completion(&call->go);
	init_completion(&call->done);
	call->fn = fn;
	call->arg = arg;
	task = kthread_create(wqt_call_thread, call, "wqt_call");
	if (IS_ERR(task)) {
		kfree(call);
		return NULL;
	}
	if (cpu >= 0)
		kthread_bind(task, cpu);
	else
		set_cpus_allowed_ptr(task, current->cpus_ptr);
	call->task = get_task_struct(task);
	wake_up_process(task);
	return call;
}

/* Returns false, and makes the case leak, if @call did not return. */
static bool __wqt_call_end(struct wqt_ctx *ctx, struct wqt_call *call,
			   unsigned long timeout, long *ret)
{
	bool ok = wait_for_completion_timeout(&call->done, timeout);

	if (ok && ret)
		*ret = call->ret;
	if (!ok)
		ctx->leak = true;
	wqt_call_put(call);
	return ok;
}

static void wqt_go(struct wqt_call *call)
{
	complete(&call->go);
}

/*
 * Prepare fn(arg) in a kthread bound to @cpu, or to the CPUs the case runs
 * on if @cpu is negative.  It runs once wqt_go() is called.
 */
static struct wqt_call *wqt_prepare(struct kunit *test, int cpu,
				    long (*fn)(void *), void *arg)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_call *call;
	int i;

	for (i = 0; i < WQT_MAX_CALLS; i++)
		if (!ctx->calls[i])
			break;
	KUNIT_ASSERT_LT(test, i, WQT_MAX_CALLS);
	call = __wqt_call_start(cpu, fn, arg);
	KUNIT_ASSERT_NOT_NULL(test, call);
	ctx->calls[i] = call;
	return call;
}

/* Start fn(arg) in a kthread, see wqt_prepare(). */
static struct wqt_call *wqt_async(struct kunit *test, int cpu,
				  long (*fn)(void *), void *arg)
{
	struct wqt_call *call = wqt_prepare(test, cpu, fn, arg);

	wqt_go(call);
	return call;
}

static bool wqt_join_timeout(struct kunit *test, struct wqt_call *call,
			     unsigned long timeout, long *ret)
{
	struct wqt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < WQT_MAX_CALLS; i++)
		if (ctx->calls[i] == call)
			ctx->calls[i] = NULL;
	return __wqt_call_end(ctx, call, timeout, ret);
}

static bool wqt_join(struct kunit *test, struct wqt_call *call, long *ret)
{
	return wqt_join_timeout(test, call, WQT_TIMEOUT, ret);
}

static bool wqt_returned(struct wqt_call *call)
{
	return completion_done(&call->done);
}

/*
 * Wait until @call sleeps inside its function, i.e. the blocking call is
 * really waiting for something.  Polls: the state of another task cannot
 * be waited for.
 */
static bool wqt_blocked(struct wqt_call *call)
{
	unsigned long end = jiffies + WQT_TIMEOUT;

	do {
		if (wqt_returned(call))
			return false;
		if (READ_ONCE(call->entered) &&
		    (READ_ONCE(call->task->__state) & TASK_UNINTERRUPTIBLE))
			return true;
		schedule_timeout_uninterruptible(1);
	} while (time_before(jiffies, end));
	return false;
}

static long wqt_fn_item_op(void *data)
{
	struct wqt_item *it = data;
	long ret;

	switch (it->op) {
	case WQT_FLUSH:
		ret = flush_work(&it->work);
		break;
	case WQT_CANCEL_SYNC:
		ret = cancel_work_sync(&it->work);
		break;
	case WQT_DISABLE_SYNC:
		ret = disable_work_sync(&it->work);
		break;
	case WQT_FLUSH_DELAYED:
		ret = flush_delayed_work(&it->dwork);
		break;
	case WQT_CANCEL_DELAYED_SYNC:
		ret = cancel_delayed_work_sync(&it->dwork);
		break;
	case WQT_DISABLE_DELAYED_SYNC:
		ret = disable_delayed_work_sync(&it->dwork);
		break;
	case WQT_FLUSH_RCU:
		ret = flush_rcu_work(&it->rwork);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	it->snap = atomic_read(&it->finished);
	return ret;
}

/* Prepare a blocking operation on @it; ->snap records ->finished at return. */
static struct wqt_call *wqt_op_prepare(struct kunit *test, struct wqt_item *it,
				       enum wqt_op op)
{
	it->op = op;
	return wqt_prepare(test, -1, wqt_fn_item_op, it);
}

static struct wqt_call *wqt_op_async(struct kunit *test, struct wqt_item *it,
				     enum wqt_op op)
{
	struct wqt_call *call = wqt_op_prepare(test, it, op);

	wqt_go(call);
	return call;
}

/*
 * Run @op on @it, which is running and blocked on its gate: @op must wait
 * for it, so it must still be waiting when the gate opens.  Returns what
 * @op returned.
 */
static long wqt_op_waits_for_run(struct kunit *test, struct wqt_item *it,
				 enum wqt_op op, const char *name)
{
	struct wqt_call *call = wqt_op_async(test, it, op);
	long ret = -EIO;

	KUNIT_EXPECT_TRUE_MSG(test, wqt_blocked(call),
			      "%s returned while the item ran", name);
	wqt_open(it);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	return ret;
}

/* Run a blocking operation on @it and return its result. */
static bool wqt_op(struct kunit *test, struct wqt_item *it, enum wqt_op op)
{
	struct wqt_call *call = wqt_op_async(test, it, op);
	long ret = 0;

	KUNIT_ASSERT_TRUE_MSG(test, wqt_join(test, call, &ret),
			      "operation %d on a work item did not return", op);
	return ret;
}

static long wqt_fn_wq_op(void *data)
{
	struct wqt_ctx *ctx = data;
	struct wqt_item *it;

	if (ctx->op == WQT_DRAIN_WQ)
		drain_workqueue(ctx->op_wq);
	else
		flush_workqueue(ctx->op_wq);
	list_for_each_entry(it, &ctx->items, node)
		it->snap = atomic_read(&it->finished);
	return 0;
}

/* Flush or drain @wq in a call; every item's ->snap is taken at return. */
static struct wqt_call *wqt_wq_op_async(struct kunit *test,
					struct workqueue_struct *wq,
					enum wqt_op op)
{
	struct wqt_ctx *ctx = test->priv;

	ctx->op = op;
	ctx->op_wq = wq;
	return wqt_async(test, -1, wqt_fn_wq_op, ctx);
}

static void wqt_wq_op(struct kunit *test, struct workqueue_struct *wq,
		      enum wqt_op op)
{
	struct wqt_call *call = wqt_wq_op_async(test, wq, op);

	KUNIT_ASSERT_TRUE_MSG(test, wqt_join(test, call, NULL),
			      "flush or drain of a workqueue did not return");
}

static void wqt_flush_wq(struct kunit *test, struct workqueue_struct *wq)
{
	wqt_wq_op(test, wq, WQT_FLUSH_WQ);
}

static long wqt_fn_destroy_wq(void *wq)
{
	destroy_workqueue(wq);
	return 0;
}

static void wqt_destroy_wq(struct kunit *test, struct workqueue_struct *wq)
{
	struct wqt_call *call;

	wqt_forget_wq(test, wq);
	call = wqt_async(test, -1, wqt_fn_destroy_wq, wq);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_join(test, call, NULL),
			      "destroy_workqueue() did not return");
}

/* ---------------------------------------------------------------------- */
/* Setup and teardown of a case                                            */

static long wqt_fn_remove_cpu(void *cpu)
{
#ifdef CONFIG_HOTPLUG_CPU
	return remove_cpu((long)cpu);
#else
	return -EOPNOTSUPP;
#endif
}

static long wqt_fn_add_cpu(void *cpu)
{
#ifdef CONFIG_HOTPLUG_CPU
	return add_cpu((long)cpu);
#else
	return -EOPNOTSUPP;
#endif
}

static long wqt_fn_quiesce(void *data)
{
	struct wqt_ctx *ctx = data;
	struct wqt_item *it;
	int i;

	if (ctx->has_rcu)
		rcu_barrier();
	list_for_each_entry(it, &ctx->items, node) {
		if (it->kind == WQT_DELAYED)
			disable_delayed_work_sync(&it->dwork);
		else
			disable_work_sync(&it->work);
	}
	for (i = 0; i < ctx->nr_extra; i++)
		cancel_work_sync(ctx->extra[i]);

	/* trust, but verify: nothing may run once the memory is freed */
	list_for_each_entry(it, &ctx->items, node) {
		if (atomic_read(&it->active) || work_pending(&it->work) ||
		    (it->kind == WQT_DELAYED && timer_pending(&it->dwork.timer)))
			return -EBUSY;
	}
	for (i = 0; i < ctx->nr_extra; i++)
		if (work_pending(ctx->extra[i]))
			return -EBUSY;
	return 0;
}

static bool wqt_release_call(struct wqt_ctx *ctx, long (*fn)(void *),
			     void *arg, unsigned long timeout, long *ret)
{
	struct wqt_call *call = __wqt_call_start(-1, fn, arg);

	if (!call) {
		ctx->leak = true;
		return false;
	}
	wqt_go(call);
	return __wqt_call_end(ctx, call, timeout, ret);
}

/* ---------------------------------------------------------------------- */
/* Kernel reports on the console                                           */

static struct {
	bool probing;		/* the probe is registered */
	bool expecting;		/* between wqt_warn_begin() and _end() */
	atomic_t expected;	/* reports while expecting */
	atomic_t unexpected;	/* reports during the case otherwise */
} wqt_console;

/* Called with each printk record, in the context of its caller. */
static void wqt_probe_console(void *ignore, const char *buf, size_t len)
{
	if (!strnstr(buf, "WARNING:", len) && !strnstr(buf, "BUG:", len) &&
	    !strnstr(buf, "ODEBUG:", len))
		return;
	if (READ_ONCE(wqt_console.expecting))
		atomic_inc(&wqt_console.expected);
	else
		atomic_inc(&wqt_console.unexpected);
}

/*
 * Without the probe, the console lines bracket the misuse for the log
 * checker (harness/check-log.sh), which then ignores what they enclose.
 */
static void wqt_warn_begin(void)
{
	atomic_set(&wqt_console.expected, 0);
	WRITE_ONCE(wqt_console.expecting, true);
	if (!wqt_console.probing)
		pr_info("WQTEST: expect-warn-begin\n");
}

/*
 * Returns the number of reports since wqt_warn_begin(), or -1 without the
 * probe.  A site that warns once per boot (WARN_ONCE) gives 0 when it
 * already warned, for instance when the suite runs a second time.
 */
static int wqt_warn_end(void)
{
	WRITE_ONCE(wqt_console.expecting, false);
	if (!wqt_console.probing) {
		pr_info("WQTEST: expect-warn-end\n");
		return -1;
	}
	return atomic_read(&wqt_console.expected);
}

/* Fail the case for each report that it did not expect. */
static void wqt_console_check(struct kunit *test)
{
	int n = atomic_xchg(&wqt_console.unexpected, 0);

	if (n)
		KUNIT_FAIL(test, "%d unexpected WARNING or BUG report(s) on the console",
			   n);
}

static int wqt_suite_init(struct kunit_suite *suite)
{
	/*
	 * While the probe is on, a case fails for every report it did not
	 * expect, so the log checker accepts the reports printed during a
	 * case that passed; these two lines tell it when that holds.
	 */
	wqt_console.probing = !register_trace_console(wqt_probe_console, NULL);
	if (wqt_console.probing)
		pr_info("WQTEST: console probe on\n");
	return 0;
}

static void wqt_suite_exit(struct kunit_suite *suite)
{
	if (!wqt_console.probing)
		return;
	unregister_trace_console(wqt_probe_console, NULL);
	tracepoint_synchronize_unregister();
	wqt_console.probing = false;
	pr_info("WQTEST: console probe off\n");
}

static void wqt_ctx_release(void *data)
{
	struct wqt_ctx *ctx = data;
	struct wqt_item *it, *tmp_it;
	struct wqt_blob *blob, *tmp_blob;
	long ret = 0;
	int i;

	WRITE_ONCE(ctx->stop, true);
	list_for_each_entry(it, &ctx->items, node)
		complete_all(&it->gate);

	for (i = 0; i < WQT_MAX_CALLS; i++) {
		if (!ctx->calls[i])
			continue;
		/* a call the case never started must not start now */
		WRITE_ONCE(ctx->calls[i]->cancelled, true);
		wqt_go(ctx->calls[i]);
		__wqt_call_end(ctx, ctx->calls[i], WQT_TIMEOUT, NULL);
		ctx->calls[i] = NULL;
	}

	if (ctx->offline_cpu >= 0) {
		long cpu = ctx->offline_cpu;

		if (!wqt_release_call(ctx, wqt_fn_add_cpu, (void *)cpu,
				      WQT_HOTPLUG_TIMEOUT, &ret) || ret)
			KUNIT_FAIL(ctx->test, "could not bring CPU %ld back: %ld",
				   cpu, ret);
	}

	if (!ctx->leak &&
	    wqt_release_call(ctx, wqt_fn_quiesce, ctx, WQT_TIMEOUT, &ret) && ret) {
		KUNIT_FAIL(ctx->test, "items still queued or running after disable_work_sync()");
		ctx->leak = true;
	}
	for (i = 0; i < ctx->nr_wqs && !ctx->leak; i++)
		wqt_release_call(ctx, wqt_fn_destroy_wq, ctx->wqs[i],
				 WQT_TIMEOUT, NULL);

	wqt_console_check(ctx->test);
	if (ctx->leak) {
		kunit_err(ctx->test,
			  "leaking the case's work items and workqueues: they may still be in use\n");
		return;
	}

	list_for_each_entry_safe(it, tmp_it, &ctx->items, node)
		kfree(it);
	list_for_each_entry_safe(blob, tmp_blob, &ctx->blobs, node)
		kfree(blob);
	kfree(ctx);
}

static int wqt_case_init(struct kunit *test)
{
	struct wqt_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	ctx->offline_cpu = -1;
	INIT_LIST_HEAD(&ctx->items);
	INIT_LIST_HEAD(&ctx->blobs);
	init_completion(&ctx->event);
	test->priv = ctx;
	atomic_set(&wqt_console.unexpected, 0);
	return kunit_add_action_or_reset(test, wqt_ctx_release, ctx);
}

/* ---------------------------------------------------------------------- */
/* Helpers shared by the cases                                             */

/* An item that blocks @wq's execution on @cpu until wqt_open(). */
static struct wqt_item *wqt_plug(struct kunit *test,
				 struct workqueue_struct *wq, int cpu)
{
	struct wqt_item *plug = wqt_item(test, WQT_PLAIN);

	plug->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &plug->work));
	WQT_ASSERT_STARTED(test, plug);
	return plug;
}

/* Some online CPU other than @cpu, or -1. */
static int wqt_other_cpu(int cpu)
{
	int other;

	for_each_online_cpu(other)
		if (other != cpu)
			return other;
	return -1;
}

/* Keep the case, and the calls it starts, off @cpu. */
static void wqt_avoid_cpu(struct kunit *test, int cpu)
{
	struct cpumask *mask = wqt_alloc(test, cpumask_size());

	cpumask_andnot(mask, cpu_online_mask, cpumask_of(cpu));
	KUNIT_ASSERT_FALSE(test, cpumask_empty(mask));
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, mask), 0);
}

static void wqt_need_cpus(struct kunit *test, unsigned int nr)
{
	if (num_online_cpus() < nr)
		kunit_skip(test, "needs %u online CPUs, %u online", nr,
			   num_online_cpus());
}

static void wqt_hook_linger(struct wqt_item *it)
{
	usleep_range(200, 500);
}

/*
 * Queue ->peer on this CPU, then run without sleeping for at most ->arg
 * microseconds or until ->peer starts.  ->result says whether it started,
 * ->elapsed_ns how long the item had run by then.
 */
static void wqt_hook_queue_peer_and_spin(struct wqt_item *it)
{
	struct wqt_item *peer = it->peer;
	u64 end;

	queue_work_on(raw_smp_processor_id(), peer->wq, &peer->work);
	end = ktime_get_ns() + (u64)it->arg * NSEC_PER_USEC;
	while (!completion_done(&peer->started) && ktime_get_ns() < end)
		cond_resched();
	it->result = completion_done(&peer->started);
	it->elapsed_ns = ktime_get_ns() - it->start_ns;
}

static void wqt_hook_record_flag(struct wqt_item *it)
{
	it->result = READ_ONCE(it->ctx->flag);
}

/* Spin (BH items) until the case sets ctx->flag, for five seconds at most. */
static void wqt_hook_spin_until_flag(struct wqt_item *it)
{
	u64 end = ktime_get_ns() + 5ULL * NSEC_PER_SEC;

	while (!READ_ONCE(it->ctx->flag) && ktime_get_ns() < end)
		cpu_relax();
	it->result = READ_ONCE(it->ctx->flag);
	/* give a caller that waits for this item time to get in its way */
	end = ktime_get_ns() + 500 * NSEC_PER_USEC;
	while (ktime_get_ns() < end)
		cpu_relax();
}

/* ---------------------------------------------------------------------- */
/* Queueing                                                                */

static void queue_work_false_while_pending(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_TRUE(test, work_pending(&it->work));
	KUNIT_EXPECT_FALSE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	KUNIT_EXPECT_FALSE(test, queue_work(system_wq, &it->work));

	wqt_open(plug);
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
	KUNIT_EXPECT_FALSE(test, it->pending);
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
}

static void queue_work_again_once_started(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	/* PENDING is cleared before the function runs */
	KUNIT_EXPECT_FALSE(test, it->pending);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	wqt_open(it);
	WQT_ASSERT_DONE(test, it);
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->max_active), 1);
}

static void queue_work_requeue_from_itself(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	int i;

	it->wq = wq;
	it->requeue = 5;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	for (i = 0; i < 6; i++)
		WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 6);
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
}

static void queue_work_on_runs_on_cpu(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, 0, 0), wqt_wq(test, WQ_HIGHPRI, 0),
		wqt_wq(test, WQ_CPU_INTENSIVE, 0), system_wq,
	};
	struct wqt_item *it;
	int cpu, i;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		for_each_online_cpu(cpu) {
			it = wqt_item(test, WQT_PLAIN);
			KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wqs[i],
							      &it->work));
			WQT_ASSERT_DONE(test, it);
			KUNIT_EXPECT_EQ_MSG(test, it->cpu, cpu, "workqueue %d", i);
			KUNIT_EXPECT_TRUE_MSG(test, it->pinned,
					      "worker not bound to CPU %d", cpu);
		}
	}

	for_each_online_cpu(cpu) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, schedule_work_on(cpu, &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ(test, it->cpu, cpu);
	}
}

static void queue_work_node_runs_once(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *plug, *it;
	int node;

	plug = wqt_item(test, WQT_PLAIN);
	plug->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &plug->work));
	WQT_ASSERT_STARTED(test, plug);

	for_each_online_node(node) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_EXPECT_TRUE(test, queue_work_node(node, wq, &it->work));
		KUNIT_EXPECT_FALSE(test, queue_work_node(node, wq, &it->work));
		KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	}
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_TRUE(test, queue_work_node(NUMA_NO_NODE, wq, &it->work));

	wqt_open(plug);
	wqt_flush_wq(test, wq);
	list_for_each_entry(it, &ctx->items, node)
		KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

#if WQT_BUILTIN
KUNIT_DEFINE_ACTION_WRAPPER(wqt_free_attrs, free_workqueue_attrs,
			    struct workqueue_attrs *);

/* attributes to fill in, freed when the case ends */
static struct workqueue_attrs *wqt_attrs(struct kunit *test)
{
	struct workqueue_attrs *attrs = alloc_workqueue_attrs();

	KUNIT_ASSERT_NOT_NULL(test, attrs);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, wqt_free_attrs, attrs), 0);
	return attrs;
}

static int wqt_apply(struct workqueue_struct *wq,
		     const struct workqueue_attrs *attrs)
{
	int ret;

	cpus_read_lock();
	ret = apply_workqueue_attrs(wq, attrs);
	cpus_read_unlock();
	return ret;
}
#endif

static void unbound_runs_within_cpumask(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	struct wqt_ctx *ctx = test->priv;
	int last = cpumask_last(cpu_online_mask);
	int first = cpumask_first(cpu_online_mask);
	struct workqueue_attrs *attrs;
	struct wqt_item *it;
	int cpu, round, ret;

	attrs = wqt_attrs(test);

	for (round = 0; round < 2; round++) {
		cpumask_clear(attrs->cpumask);
		cpumask_set_cpu(last, attrs->cpumask);
		if (round)
			cpumask_set_cpu(first, attrs->cpumask);
		ret = wqt_apply(wq, attrs);
		KUNIT_EXPECT_EQ(test, ret, 0);
		if (ret)
			break;

		/* the CPU argument of an unbound queueing is only a hint */
		for_each_online_cpu(cpu) {
			it = wqt_item(test, WQT_PLAIN);
			it->hook = wqt_hook_linger;
			KUNIT_EXPECT_TRUE(test, queue_work_on(cpu, wq,
							      &it->work));
			it = wqt_item(test, WQT_PLAIN);
			KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
		}
		wqt_flush_wq(test, wq);
		list_for_each_entry(it, &ctx->items, node) {
			KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
			KUNIT_EXPECT_TRUE_MSG(test,
					      cpumask_test_cpu(it->cpu, attrs->cpumask),
					      "ran on CPU %d, outside %*pbl", it->cpu,
					      cpumask_pr_args(attrs->cpumask));
		}
	}
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

/*
 * attrs->ordered asks for a single pwq.  Applied to a workqueue that
 * already runs items, it must not stop the workqueue: what is queued
 * afterwards runs.
 */
static void unbound_ordered_attr_keeps_running(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	struct workqueue_attrs *attrs;
	struct wqt_item *it;
	int i, ret;

	attrs = wqt_attrs(test);
	attrs->ordered = true;
	for (i = 0; i < 2; i++) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
		WQT_ASSERT_DONE(test, it);
		ret = wqt_apply(wq, attrs);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

static void highpri_runs_at_negative_nice(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, WQ_HIGHPRI, 0),
		wqt_wq(test, WQ_HIGHPRI | WQ_UNBOUND, 0),
		wqt_ordered_wq(test, WQ_HIGHPRI),
		system_highpri_wq,
	};
	struct wqt_item *it, *normal;
	int i;

	normal = wqt_item(test, WQT_PLAIN);
	KUNIT_ASSERT_TRUE(test, queue_work(wqt_wq(test, 0, 0), &normal->work));
	WQT_ASSERT_DONE(test, normal);

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work(wqs[i], &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_LT_MSG(test, it->nice, 0, "workqueue %d", i);
		KUNIT_EXPECT_LT_MSG(test, it->nice, normal->nice, "workqueue %d", i);
	}
}

static void queue_work_from_atomic_context(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *a = wqt_item(test, WQT_PLAIN);
	struct wqt_item *b = wqt_item(test, WQT_DELAYED);
	unsigned long flags;
	bool ra, rb;

	local_irq_save(flags);
	ra = queue_work(wq, &a->work);
	rb = queue_delayed_work(wq, &b->dwork, 1);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ra);
	KUNIT_EXPECT_TRUE(test, rb);
	WQT_ASSERT_DONE(test, a);
	WQT_ASSERT_DONE(test, b);
	KUNIT_EXPECT_TRUE(test, a->task);
	KUNIT_EXPECT_TRUE(test, b->task);
}

static void system_workqueues_run_items(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		system_wq, system_percpu_wq, system_highpri_wq, system_long_wq,
		system_unbound_wq, system_dfl_wq, system_freezable_wq,
		system_power_efficient_wq, system_freezable_power_efficient_wq,
	};
	struct wqt_item *it;
	int i;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		KUNIT_ASSERT_NOT_NULL(test, wqs[i]);
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_EXPECT_TRUE(test, queue_work(wqs[i], &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_TRUE(test, it->task);
	}

	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_TRUE(test, schedule_work(&it->work));
	WQT_ASSERT_DONE(test, it);
	it = wqt_item(test, WQT_DELAYED);
	KUNIT_EXPECT_TRUE(test, schedule_delayed_work(&it->dwork, 1));
	WQT_ASSERT_DONE(test, it);
}

struct wqt_publish {
	struct work_struct work;
	int value;
	int seen;
	struct completion done;
};

static void wqt_publish_fn(struct work_struct *work)
{
	struct wqt_publish *p = container_of(work, struct wqt_publish, work);

	p->seen = READ_ONCE(p->value);
	complete(&p->done);
}

static void queue_work_publishes_prior_stores(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	struct wqt_publish *p = wqt_alloc(test, sizeof(*p));
	int i;

	INIT_WORK(&p->work, wqt_publish_fn);
	init_completion(&p->done);
	wqt_track(test, &p->work);
	for (i = 1; i <= 200; i++) {
		WRITE_ONCE(p->value, i);
		KUNIT_ASSERT_TRUE(test, queue_work(wq, &p->work));
		KUNIT_ASSERT_TRUE(test, wqt_wait(&p->done));
		KUNIT_ASSERT_EQ(test, p->seen, i);
	}
}

/* ---------------------------------------------------------------------- */
/* Non-reentrancy                                                          */

static void requeue_elsewhere_waits_for_running_instance(struct kunit *test)
{
	struct workqueue_struct *wqs[2];
	struct wqt_item *it;
	int a, b, i;

	wqt_need_cpus(test, 2);
	a = cpumask_first(cpu_online_mask);
	b = wqt_other_cpu(a);
	wqs[0] = wqt_wq(test, 0, 0);
	wqs[1] = wqt_wq(test, WQ_UNBOUND, 0);

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_item(test, WQT_PLAIN);
		it->block = true;
		KUNIT_ASSERT_TRUE(test, queue_work_on(a, wqs[i], &it->work));
		WQT_ASSERT_STARTED(test, it);
		KUNIT_EXPECT_TRUE(test, queue_work_on(b, wqs[i], &it->work));
		KUNIT_EXPECT_TRUE_MSG(test, wqt_quiet(&it->started),
				      "second instance started while the first ran");
		wqt_open(it);
		WQT_ASSERT_STARTED(test, it);
		WQT_ASSERT_DONE(test, it);
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 2);
		KUNIT_EXPECT_EQ(test, atomic_read(&it->max_active), 1);
	}
}

static void wqt_hook_hammer(struct wqt_item *it)
{
	struct wqt_item *target = it->peer;
	int cpu = raw_smp_processor_id();
	int i;

	for (i = 0; i < 100; i++) {
		if (queue_work_on(cpu, target->wq, &target->work))
			atomic_inc(&it->ctx->count);
		cond_resched();
	}
}

static void requeue_from_every_cpu_never_overlaps(struct kunit *test)
{
	struct workqueue_struct *hammer_wq = wqt_wq(test, WQ_HIGHPRI, 0);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *target, *h;
	unsigned int flags[] = { 0, WQ_UNBOUND };
	int cpu, i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		target = wqt_item(test, WQT_PLAIN);
		target->wq = wqt_wq(test, flags[i], 0);
		target->hook = wqt_hook_linger;
		atomic_set(&ctx->count, 0);

		for_each_online_cpu(cpu) {
			h = wqt_item(test, WQT_PLAIN);
			h->peer = target;
			h->hook = wqt_hook_hammer;
			KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, hammer_wq,
							      &h->work));
		}
		wqt_flush_wq(test, hammer_wq);
		wqt_flush_wq(test, target->wq);

		KUNIT_EXPECT_EQ(test, atomic_read(&target->max_active), 1);
		/* every successful queueing ran exactly once */
		KUNIT_EXPECT_EQ(test, atomic_read(&target->runs),
				atomic_read(&ctx->count));
		KUNIT_EXPECT_GE(test, atomic_read(&target->runs), 1);
	}
}

static void delayed_requeue_elsewhere_waits(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	int a, b;

	wqt_need_cpus(test, 2);
	a = cpumask_first(cpu_online_mask);
	b = wqt_other_cpu(a);
	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(a, wq, &it->dwork, 0));
	WQT_ASSERT_STARTED(test, it);
	KUNIT_EXPECT_TRUE(test, queue_delayed_work_on(b, wq, &it->dwork, 1));
	KUNIT_EXPECT_TRUE_MSG(test, wqt_quiet(&it->started),
			      "second instance started while the first ran");
	wqt_open(it);
	WQT_ASSERT_DONE(test, it);
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->max_active), 1);
}

/* ---------------------------------------------------------------------- */
/* Ordering and limits                                                     */

static void wqt_queue_ipi(void *info)
{
	struct wqt_item *it = info;

	it->result = queue_work(it->wq, &it->work);
}

static void ordered_runs_one_at_a_time_in_order(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *items[16];
	int cpu = cpumask_first(cpu_online_mask);
	int i;

	/* queue from CPU after CPU, in a known order */
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		items[i]->wq = wq;
		items[i]->hook = wqt_hook_linger;
		KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, wqt_queue_ipi,
							       items[i], 1), 0);
		KUNIT_EXPECT_TRUE(test, items[i]->result);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		KUNIT_EXPECT_EQ_MSG(test, items[i]->order, i + 1, "item %d", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 1);
}

static void ordered_waits_for_sleeping_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_item *first = wqt_item(test, WQT_PLAIN);
	struct wqt_item *second = wqt_item(test, WQT_PLAIN);
	int cpu = cpumask_first(cpu_online_mask);

	first->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &first->work));
	WQT_ASSERT_STARTED(test, first);
	/* another CPU, and the first item sleeps: nothing else may start */
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpumask_last(cpu_online_mask), wq,
					      &second->work));
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&second->started));
	wqt_open(first);
	WQT_ASSERT_DONE(test, second);
	KUNIT_EXPECT_GT(test, second->order, first->order);
}

/*
 * apply_workqueue_attrs() with attributes that lack ->ordered, here a
 * per-CPU scope: the workqueue stays ordered.  Items queued from two CPUs
 * while the first one runs start one at a time in queueing order.  v6.12
 * gives the workqueue a pwq per CPU and activates their items in turn,
 * so the last item queued overtakes the one before it.
 */
static void ordered_stays_ordered_under_plain_attrs(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_ctx *ctx = test->priv;
	struct workqueue_attrs *attrs;
	struct wqt_item *items[4];
	int cpus[ARRAY_SIZE(items)];
	int i, ret;

	wqt_skip_v612_bug(test);
	wqt_need_cpus(test, 2);
	attrs = wqt_attrs(test);
	attrs->affn_scope = WQ_AFFN_CPU;
	ret = wqt_apply(wq, attrs);
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* from CPU a, b, b, a: the first holds the others back */
	cpus[0] = cpumask_first(cpu_online_mask);
	cpus[1] = wqt_other_cpu(cpus[0]);
	cpus[2] = cpus[1];
	cpus[3] = cpus[0];
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		items[i]->block = !i;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpus[i], wq, &items[i]->work));
		if (!i)
			WQT_ASSERT_STARTED(test, items[i]);
	}
	wqt_open(items[0]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		KUNIT_EXPECT_EQ_MSG(test, items[i]->order, i + 1, "item %d", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 1);
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

#if WQT_BUILTIN
#define WQT_PAIRS		512
#define WQT_PAIRS_IN_FLIGHT	8

struct wqt_churn {
	struct wqt_ctx *ctx;		/* ->stop ends the churn too */
	struct workqueue_struct *wq;
	struct workqueue_attrs *attrs[2];
	bool stop;
	int queued;			/* pairs queued so far */
	int applied;
};

/*
 * Apply two sets of attributes in turn until told to stop, or the case
 * ends (an assertion failed), one change for every few pairs queued:
 * faster, the pairs would mostly wait for pwqs to drain instead of being
 * queued while a change is committed.
 */
static long wqt_fn_churn_attrs(void *data)
{
	struct wqt_churn *churn = data;
	long ret = 0;

	while (!READ_ONCE(churn->stop) && !READ_ONCE(churn->ctx->stop) && !ret) {
		if (READ_ONCE(churn->queued) < churn->applied * 4) {
			cond_resched();
			continue;
		}
		ret = wqt_apply(churn->wq, churn->attrs[churn->applied & 1]);
		churn->applied++;
	}
	return ret;
}
#endif

/*
 * An ordered workqueue whose attributes change while pairs of items are
 * queued from two CPUs: every change installs a new pwq, and the items of
 * each pair must still start in queueing order.  v6.12 picks the pwq from
 * the per-CPU slots, which an attribute change replaces one at a time, so
 * the second item can land on the old pwq after the first went to the
 * new one.  The window is short: this case may pass on v6.12, never fail
 * on a fixed one.
 */
static void ordered_keeps_order_while_attrs_change(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_churn *churn = wqt_alloc(test, sizeof(*churn));
	struct wqt_item **items = wqt_alloc(test, 2 * WQT_PAIRS * sizeof(*items));
	int cpus[2], i, pairs, reordered = 0;
	struct wqt_call *call;
	unsigned long end;
	long ret = -EIO;

	wqt_skip_v612_bug(test);
	wqt_need_cpus(test, 2);
	churn->ctx = test->priv;
	churn->wq = wq;
	for (i = 0; i < 2; i++) {
		churn->attrs[i] = wqt_attrs(test);
		churn->attrs[i]->ordered = true;
		churn->attrs[i]->nice = i;
	}
	/* a commit replaces the slot of the first CPU before the last's */
	cpus[0] = cpumask_first(cpu_online_mask);
	cpus[1] = cpumask_last(cpu_online_mask);
	for (i = 0; i < 2 * WQT_PAIRS; i++)
		items[i] = wqt_item(test, WQT_PLAIN);

	call = wqt_async(test, -1, wqt_fn_churn_attrs, churn);
	end = jiffies + 2 * HZ;
	for (pairs = 0; pairs < WQT_PAIRS && time_before(jiffies, end); pairs++) {
		for (i = 0; i < 2; i++)
			KUNIT_ASSERT_TRUE(test, queue_work_on(cpus[i], wq,
							      &items[2 * pairs + i]->work));
		WRITE_ONCE(churn->queued, pairs + 1);
		if (pairs >= WQT_PAIRS_IN_FLIGHT)
			WQT_ASSERT_DONE(test, items[2 * (pairs - WQT_PAIRS_IN_FLIGHT) + 1]);
	}
	WRITE_ONCE(churn->stop, true);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	wqt_flush_wq(test, wq);
	for (i = 0; i < pairs; i++)
		if (items[2 * i]->order > items[2 * i + 1]->order)
			reordered++;
	kunit_info(test, "%d pairs, %d attribute changes, %d pairs out of order\n",
		   pairs, churn->applied, reordered);
	KUNIT_EXPECT_EQ(test, reordered, 0);
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

static void set_max_active_on_ordered_is_refused(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_item *first = wqt_item(test, WQT_PLAIN);
	struct wqt_item *second = wqt_item(test, WQT_PLAIN);
	int warnings;

	wqt_warn_begin();
	workqueue_set_max_active(wq, 4);
	warnings = wqt_warn_end();
	if (warnings >= 0)
		KUNIT_EXPECT_GT_MSG(test, warnings, 0, "no WARNING for the misuse");

	first->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &first->work));
	WQT_ASSERT_STARTED(test, first);
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &second->work));
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&second->started));
	wqt_open(first);
	WQT_ASSERT_DONE(test, second);
}

/* Queue @n blocking items on @wq on @cpu. */
static void wqt_queue_blockers(struct kunit *test, struct workqueue_struct *wq,
			       int cpu, struct wqt_item **items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		items[i]->block = true;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &items[i]->work));
	}
}

static void max_active_bounds_per_cpu_concurrency(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 2);
	struct wqt_ctx *ctx = test->priv;
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *items[6];
	int i;

	wqt_queue_blockers(test, wq, cpu, items, ARRAY_SIZE(items));
	/* the items sleep, so only max_active can hold the others back */
	WQT_ASSERT_STARTED(test, items[0]);
	WQT_ASSERT_STARTED(test, items[1]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[2]->started));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->running), 2);

	wqt_open(items[0]);
	WQT_ASSERT_STARTED(test, items[2]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[3]->started));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->running), 2);

	for (i = 1; i < ARRAY_SIZE(items); i++)
		wqt_open(items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 2);
}

static void max_active_is_per_cpu(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	struct wqt_item *a, *b;
	int cpu;

	wqt_need_cpus(test, 2);
	cpu = cpumask_first(cpu_online_mask);
	a = wqt_plug(test, wq, cpu);
	b = wqt_plug(test, wq, wqt_other_cpu(cpu));
	wqt_open(a);
	wqt_open(b);
}

static void set_max_active_raises_limit(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	struct wqt_ctx *ctx = test->priv;
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *items[4];
	int i;

	wqt_queue_blockers(test, wq, cpu, items, ARRAY_SIZE(items));
	WQT_ASSERT_STARTED(test, items[0]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[1]->started));

	workqueue_set_max_active(wq, 3);
	WQT_ASSERT_STARTED(test, items[1]);
	WQT_ASSERT_STARTED(test, items[2]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[3]->started));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->running), 3);

	for (i = 0; i < ARRAY_SIZE(items); i++)
		wqt_open(items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 3);
}

static void set_max_active_lowers_limit(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 8);
	struct wqt_ctx *ctx = test->priv;
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *items[3];
	int i;

	workqueue_set_max_active(wq, 1);
	wqt_queue_blockers(test, wq, cpu, items, ARRAY_SIZE(items));
	WQT_ASSERT_STARTED(test, items[0]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[1]->started));
	for (i = 0; i < ARRAY_SIZE(items); i++)
		wqt_open(items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 1);
}

static void unbound_max_active_bounds_concurrency(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 2);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *items[5];
	int i;

	if (num_online_nodes() > 1)
		kunit_skip(test, "max_active is enforced per NUMA node");

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		items[i]->block = true;
		KUNIT_ASSERT_TRUE(test, queue_work(wq, &items[i]->work));
	}
	WQT_ASSERT_STARTED(test, items[0]);
	WQT_ASSERT_STARTED(test, items[1]);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&items[2]->started));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->running), 2);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		wqt_open(items[i]);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->max_running), 2);
}

/* ---------------------------------------------------------------------- */
/* Concurrency management                                                  */

static void cm_sleeping_item_lets_next_start(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *sleeper = wqt_plug(test, wq, cpu);
	struct wqt_item *next = wqt_item(test, WQT_PLAIN);

	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &next->work));
	WQT_ASSERT_DONE(test, next);
	KUNIT_EXPECT_EQ(test, next->cpu, cpu);
	KUNIT_EXPECT_FALSE(test, completion_done(&sleeper->done));
	wqt_open(sleeper);
}

/*
 * The runner spins for 4ms: long enough for a wrongly woken worker on the
 * same CPU to be scheduled at cond_resched(), short enough to stay below
 * workqueue.cpu_intensive_thresh_us (10ms by default), past which an item
 * stops counting for concurrency.  A guest that its host deschedules can
 * see a 4ms spin last longer than that; such tries tell nothing and are
 * repeated.
 */
static void cm_running_item_holds_next_back(struct kunit *test)
{
	/* the highpri pool, where no other work is likely to interfere */
	struct workqueue_struct *wq = wqt_wq(test, WQ_HIGHPRI, 0);
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *runner, *next;
	int tries, conclusive = 0;

	for (tries = 0; tries < 10 && !conclusive; tries++) {
		runner = wqt_item(test, WQT_PLAIN);
		next = wqt_item(test, WQT_PLAIN);
		next->wq = wq;
		runner->peer = next;
		runner->arg = 4000;
		runner->hook = wqt_hook_queue_peer_and_spin;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &runner->work));
		WQT_ASSERT_DONE(test, runner);
		WQT_ASSERT_DONE(test, next);
		if (runner->elapsed_ns > 6 * NSEC_PER_MSEC)
			continue;
		conclusive++;
		KUNIT_EXPECT_FALSE_MSG(test, runner->result,
				       "next item started while the first ran without sleeping");
		KUNIT_EXPECT_EQ(test, next->cpu, runner->cpu);
		KUNIT_EXPECT_GT(test, next->order, runner->order);
	}
	KUNIT_EXPECT_EQ_MSG(test, conclusive, 1,
			    "every try ran past the CPU-intensive threshold");
}

static void cm_cpu_intensive_does_not_hold_back(struct kunit *test)
{
	struct workqueue_struct *hog_wq = wqt_wq(test, WQ_CPU_INTENSIVE, 0);
	struct wqt_item *hog = wqt_item(test, WQT_PLAIN);
	struct wqt_item *next = wqt_item(test, WQT_PLAIN);

	next->wq = wqt_wq(test, 0, 0);
	hog->peer = next;
	hog->arg = 5 * USEC_PER_SEC;
	hog->hook = wqt_hook_queue_peer_and_spin;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpumask_last(cpu_online_mask),
					      hog_wq, &hog->work));
	WQT_ASSERT_DONE(test, hog);
	WQT_ASSERT_DONE(test, next);
	KUNIT_EXPECT_TRUE_MSG(test, hog->result,
			      "a CPU-intensive item held back the next one");
	KUNIT_EXPECT_EQ(test, next->cpu, hog->cpu);
}

static void cm_highpri_pool_is_independent(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *runner = wqt_item(test, WQT_PLAIN);
	struct wqt_item *hi = wqt_item(test, WQT_PLAIN);

	hi->wq = wqt_wq(test, WQ_HIGHPRI, 0);
	runner->peer = hi;
	runner->arg = 5 * USEC_PER_SEC;
	runner->hook = wqt_hook_queue_peer_and_spin;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpumask_last(cpu_online_mask),
					      wq, &runner->work));
	WQT_ASSERT_DONE(test, runner);
	WQT_ASSERT_DONE(test, hi);
	KUNIT_EXPECT_TRUE_MSG(test, runner->result,
			      "a normal item held back a highpri one");
}

static void cm_unbound_items_run_concurrently(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	struct wqt_item *runner = wqt_item(test, WQT_PLAIN);
	struct wqt_item *next = wqt_item(test, WQT_PLAIN);

	next->wq = wq;
	runner->peer = next;
	runner->arg = 5 * USEC_PER_SEC;
	runner->hook = wqt_hook_queue_peer_and_spin;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &runner->work));
	WQT_ASSERT_DONE(test, runner);
	WQT_ASSERT_DONE(test, next);
	KUNIT_EXPECT_TRUE_MSG(test, runner->result,
			      "an unbound item held back the next one");
}

/* ---------------------------------------------------------------------- */
/* Delayed and RCU work                                                    */

static void delayed_work_never_runs_early(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	unsigned long delays[] = { 1, 2, HZ / 20, HZ / 5 };
	unsigned long queued[ARRAY_SIZE(delays)];
	struct wqt_item *items[ARRAY_SIZE(delays)];
	int i;

	for (i = 0; i < ARRAY_SIZE(delays); i++) {
		items[i] = wqt_item(test, WQT_DELAYED);
		queued[i] = jiffies;
		KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &items[i]->dwork,
							   delays[i]));
	}
	for (i = 0; i < ARRAY_SIZE(delays); i++) {
		WQT_ASSERT_DONE(test, items[i]);
		KUNIT_EXPECT_TRUE_MSG(test,
				      time_after_eq(items[i]->start, queued[i] + delays[i]),
				      "delay %lu: ran after %ld jiffies", delays[i],
				      (long)(items[i]->start - queued[i]));
	}
}

static void delayed_work_false_while_pending(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);

	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&it->dwork));
	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 60 * HZ));
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&it->dwork));
	KUNIT_EXPECT_FALSE(test, queue_delayed_work(wq, &it->dwork, 1));
	KUNIT_EXPECT_FALSE(test, queue_delayed_work(wq, &it->dwork, 0));
	KUNIT_EXPECT_TRUE(test, cancel_delayed_work(&it->dwork));
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
}

static void delayed_work_zero_delay_runs_now(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);

	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 0));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void delayed_work_on_runs_on_cpu(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it;
	int cpu;

	for_each_online_cpu(cpu) {
		it = wqt_item(test, WQT_DELAYED);
		KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &it->dwork, 1));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ(test, it->cpu, cpu);
	}
}

static void mod_delayed_work_on_idle_queues(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	unsigned long queued = jiffies;

	KUNIT_EXPECT_FALSE(test, mod_delayed_work(wq, &it->dwork, HZ / 20));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_TRUE(test, time_after_eq(it->start, queued + HZ / 20));
}

static void mod_delayed_work_shortens_delay(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	unsigned long flags;
	bool ret;

	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 600 * HZ));
	/* safe from any context */
	local_irq_save(flags);
	ret = mod_delayed_work(wq, &it->dwork, 1);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ret);
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void mod_delayed_work_extends_delay(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	unsigned long modded, flags;
	bool queued, modified;

	/* interrupts off: the first timer cannot fire before the change */
	local_irq_save(flags);
	queued = queue_delayed_work(wq, &it->dwork, HZ / 5);
	modded = jiffies;
	modified = mod_delayed_work(wq, &it->dwork, HZ / 2);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, queued);
	KUNIT_EXPECT_TRUE(test, modified);
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_TRUE_MSG(test, time_after_eq(it->start, modded + HZ / 2),
			      "ran %ld jiffies after the modification",
			      (long)(it->start - modded));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void mod_delayed_work_zero_runs_now(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);

	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 600 * HZ));
	KUNIT_EXPECT_TRUE(test, mod_delayed_work(wq, &it->dwork, 0));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void mod_delayed_work_on_queued_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	unsigned long modded;

	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &it->dwork, 0));
	modded = jiffies;
	KUNIT_EXPECT_TRUE(test, mod_delayed_work_on(cpu, wq, &it->dwork, HZ / 10));
	wqt_open(plug);
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_TRUE(test, time_after_eq(it->start, modded + HZ / 10));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

/*
 * The item waits behind a plug (max_active 1) so that it cannot finish
 * before flush_work() looks at it.  Without the plug a preemptible kernel
 * may run it in between, and the flush then rightly finds it idle.
 */
static void flush_delayed_work_runs_it_now(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	struct wqt_item *plug;
	struct wqt_call *call;
	long ret = -EIO;

	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_DELAYED));
	plug = wqt_plug(test, wq, cpu);
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &it->dwork, 600 * HZ));
	call = wqt_op_async(test, it, WQT_FLUSH_DELAYED);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
	wqt_open(plug);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&it->dwork));
	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_DELAYED));
}

static void cancel_delayed_work_stops_timer(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);
	unsigned long flags;
	bool ret;

	KUNIT_EXPECT_FALSE(test, cancel_delayed_work(&it->dwork));
	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 600 * HZ));
	/* safe from any context */
	local_irq_save(flags);
	ret = cancel_delayed_work(&it->dwork);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ret);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&it->dwork));
	KUNIT_EXPECT_FALSE(test, cancel_delayed_work(&it->dwork));
	/* a timer left armed would be fired by the flush */
	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_DELAYED));
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
	/* still usable */
	KUNIT_EXPECT_TRUE(test, queue_delayed_work(wq, &it->dwork, 1));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void rcu_work_runs_after_grace_period(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_RCU);
	struct wqt_ctx *ctx = test->priv;
	bool first, second;

	it->hook = wqt_hook_record_flag;
	rcu_read_lock();
	first = queue_rcu_work(wq, &it->rwork);
	second = queue_rcu_work(wq, &it->rwork);
	/* a grace period cannot end while this reader runs */
	mdelay(20);
	WRITE_ONCE(ctx->flag, 1);
	rcu_read_unlock();

	KUNIT_EXPECT_TRUE(test, first);
	KUNIT_EXPECT_FALSE(test, second);
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ_MSG(test, it->result, 1,
			    "ran before a pre-existing RCU reader finished");
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void flush_rcu_work_waits(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_RCU);

	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_RCU));
	KUNIT_ASSERT_TRUE(test, queue_rcu_work(wq, &it->rwork));
	KUNIT_EXPECT_TRUE(test, wqt_op(test, it, WQT_FLUSH_RCU));
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_RCU));
}

/* ---------------------------------------------------------------------- */
/* Flush                                                                   */

static void flush_work_waits_for_running_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	KUNIT_EXPECT_EQ(test, wqt_op_waits_for_run(test, it, WQT_FLUSH,
						   "flush_work()"), 1);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
}

static void flush_work_runs_pending_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	struct wqt_call *call;
	long ret = 0;

	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	call = wqt_op_async(test, it, WQT_FLUSH);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	wqt_open(plug);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
}

static void flush_work_on_idle_returns_false(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH));
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH));
	/* an empty workqueue flushes at once */
	wqt_flush_wq(test, wqt_wq(test, 0, 0));
	wqt_flush_wq(test, wqt_wq(test, WQ_UNBOUND, 0));
}

static void flush_workqueue_waits_for_queued_items(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *it;
	struct wqt_call *call;
	int cpu;

	for_each_online_cpu(cpu) {
		/* one that blocks, one that blocks and queues itself again */
		it = wqt_item(test, WQT_PLAIN);
		it->block = true;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
		it = wqt_item(test, WQT_PLAIN);
		it->block = true;
		it->requeue = 1;
		it->wq = wq;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	}
	list_for_each_entry(it, &ctx->items, node)
		WQT_ASSERT_STARTED(test, it);

	call = wqt_wq_op_async(test, wq, WQT_FLUSH_WQ);
	KUNIT_EXPECT_TRUE_MSG(test, wqt_blocked(call),
			      "flush_workqueue() returned with items running");
	list_for_each_entry(it, &ctx->items, node)
		wqt_open(it);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, NULL));
	list_for_each_entry(it, &ctx->items, node) {
		KUNIT_EXPECT_GE(test, it->snap, 1);
		WQT_ASSERT_DONE(test, it);
	}
	/* the second instances are not waited for, but they do run */
	wqt_flush_wq(test, wq);
	list_for_each_entry(it, &ctx->items, node)
		KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), it->wq ? 2 : 1);
}

static void flush_workqueue_ignores_later_items(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *early = wqt_item(test, WQT_PLAIN);
	struct wqt_item *late = wqt_item(test, WQT_PLAIN);
	struct wqt_call *call;

	early->block = true;
	late->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &early->work));
	WQT_ASSERT_STARTED(test, early);
	call = wqt_wq_op_async(test, wq, WQT_FLUSH_WQ);
	KUNIT_ASSERT_TRUE(test, wqt_blocked(call));

	KUNIT_ASSERT_TRUE(test, queue_work(wq, &late->work));
	WQT_ASSERT_STARTED(test, late);
	wqt_open(early);
	KUNIT_EXPECT_TRUE_MSG(test, wqt_join(test, call, NULL),
			      "flush_workqueue() waited for a later item");
	KUNIT_EXPECT_EQ(test, early->snap, 1);
	KUNIT_EXPECT_EQ(test, late->snap, 0);
	wqt_open(late);
}

static void drain_workqueue_waits_for_chains(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *it;
	int cpu;

	for_each_online_cpu(cpu) {
		it = wqt_item(test, WQT_PLAIN);
		it->wq = wq;
		it->requeue = 8;
		it->hook = wqt_hook_linger;
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	}
	wqt_wq_op(test, wq, WQT_DRAIN_WQ);
	list_for_each_entry(it, &ctx->items, node)
		KUNIT_EXPECT_EQ(test, it->snap, 9);

	/* the workqueue is usable again after draining */
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
}

static void wqt_hook_flush_peer(struct wqt_item *it)
{
	struct wqt_item *peer = it->peer;

	it->result = flush_work(&peer->work);
	it->snap = atomic_read(&peer->finished);
	flush_workqueue(peer->wq);
}

static void flush_from_item_of_other_wq(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct workqueue_struct *other = wqt_wq(test, WQ_UNBOUND, 0);
	struct wqt_item *target = wqt_item(test, WQT_PLAIN);
	struct wqt_item *flusher = wqt_item(test, WQT_PLAIN);

	target->block = true;
	target->wq = wq;
	flusher->peer = target;
	flusher->hook = wqt_hook_flush_peer;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &target->work));
	WQT_ASSERT_STARTED(test, target);
	KUNIT_ASSERT_TRUE(test, queue_work(other, &flusher->work));
	WQT_ASSERT_STARTED(test, flusher);
	KUNIT_EXPECT_TRUE(test, wqt_quiet(&flusher->done));
	wqt_open(target);
	WQT_ASSERT_DONE(test, flusher);
	KUNIT_EXPECT_EQ(test, flusher->result, 1);
	KUNIT_EXPECT_EQ(test, flusher->snap, 1);
}

/*
 * flush_work() of an item that waits for max_active links a barrier
 * behind it.  Cancelling the item leaves the barrier nothing to wait for,
 * and the flush must return.  Here the active item that holds the
 * cancelled one back runs in another pool, the one of a pwq that an
 * attribute change replaced.  v6.12 moves the barrier to a pool that
 * nobody wakes, and the flush never returns.
 */
static void flush_returns_after_cancel_of_waiting_item(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 1);
	struct wqt_item *busy = wqt_item(test, WQT_PLAIN);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	struct workqueue_attrs *attrs;
	struct wqt_call *flush;
	long ret = -EIO;

	wqt_skip_v612_bug(test);
	/*
	 * Two nice levels, two pools, the second for what is queued after
	 * the second change.  Both pools are made alike so that they count
	 * against the same node's max_active.
	 */
	attrs = wqt_attrs(test);
	attrs->nice = 2;
	ret = wqt_apply(wq, attrs);
	KUNIT_ASSERT_EQ(test, ret, 0);
	busy->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &busy->work));
	WQT_ASSERT_STARTED(test, busy);
	attrs->nice = 3;
	ret = wqt_apply(wq, attrs);
	KUNIT_ASSERT_EQ(test, ret, 0);

	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	flush = wqt_op_async(test, it, WQT_FLUSH);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_blocked(flush),
			      "flush_work() of a waiting item did not wait");
	KUNIT_EXPECT_TRUE(test, cancel_work(&it->work));
	wqt_open(busy);
	WQT_ASSERT_DONE(test, busy);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_join(test, flush, &ret),
			      "flush_work() did not return after cancel_work()");
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

/* ---------------------------------------------------------------------- */
/* Cancel and disable                                                      */

static void cancel_work_pending_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	KUNIT_EXPECT_FALSE(test, cancel_work(&it->work));
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_TRUE(test, cancel_work(&it->work));
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
	KUNIT_EXPECT_FALSE(test, cancel_work(&it->work));
	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
}

static void cancel_work_running_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	/* not pending: nothing to cancel, and the execution goes on */
	KUNIT_EXPECT_FALSE(test, cancel_work(&it->work));
	KUNIT_EXPECT_FALSE(test, completion_done(&it->done));
	wqt_open(it);
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void cancel_work_sync_waits_for_running_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	KUNIT_EXPECT_EQ(test, wqt_op_waits_for_run(test, it, WQT_CANCEL_SYNC,
						   "cancel_work_sync()"), 0);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	/* cancel_work_sync() leaves the item usable */
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
}

/*
 * An ordered wq whose pwq is replaced while its item runs: queued again,
 * the item waits on the new pwq, which is plugged until the old one
 * drains.  cancel_work_sync() takes that instance off its queue and must
 * still wait for the running one.  v6.12 returns at once.
 */
static void cancel_work_sync_waits_across_ordered_pwq_change(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_ordered_wq(test, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	struct workqueue_attrs *attrs;
	long ret;

	wqt_skip_v612_bug(test);
	wqt_need_cpus(test, 2);
	attrs = wqt_attrs(test);
	/* one CPU of the default cpumask: another pool, hence a new pwq */
	cpumask_clear(attrs->cpumask);
	cpumask_set_cpu(cpumask_last(cpu_online_mask), attrs->cpumask);
	attrs->ordered = true;

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	ret = wqt_apply(wq, attrs);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));

	KUNIT_EXPECT_EQ(test, wqt_op_waits_for_run(test, it, WQT_CANCEL_SYNC,
						   "cancel_work_sync()"), 1);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

static void cancel_work_sync_pending_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_CANCEL_SYNC));
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_TRUE(test, wqt_op(test, it, WQT_CANCEL_SYNC));
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
}

static void cancel_work_sync_self_requeuing_item(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, 0, 0), wqt_wq(test, WQ_UNBOUND, 0),
	};
	struct wqt_item *it;
	int i, runs;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_item(test, WQT_PLAIN);
		it->wq = wqs[i];
		it->requeue = WQT_FOREVER;
		it->hook = wqt_hook_linger;
		KUNIT_ASSERT_TRUE(test, queue_work(wqs[i], &it->work));
		WQT_ASSERT_DONE(test, it);
		WQT_ASSERT_DONE(test, it);
		WQT_ASSERT_DONE(test, it);

		wqt_op(test, it, WQT_CANCEL_SYNC);
		runs = atomic_read(&it->runs);
		KUNIT_EXPECT_EQ(test, it->snap, runs);
		KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
		KUNIT_EXPECT_EQ(test, work_busy(&it->work), 0);
		wqt_flush_wq(test, wqs[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), runs);
	}
}

static void cancel_delayed_work_sync_all_states(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *timer = wqt_item(test, WQT_DELAYED);
	struct wqt_item *queued = wqt_item(test, WQT_DELAYED);
	struct wqt_item *running = wqt_item(test, WQT_DELAYED);
	struct wqt_call *call;
	long ret = 1;

	/* idle */
	KUNIT_EXPECT_FALSE(test, wqt_op(test, timer, WQT_CANCEL_DELAYED_SYNC));

	/* running, and then the other two pending behind it */
	running->block = true;
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &running->dwork, 0));
	WQT_ASSERT_STARTED(test, running);
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &timer->dwork, 600 * HZ));
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &queued->dwork, 0));

	KUNIT_EXPECT_TRUE(test, wqt_op(test, timer, WQT_CANCEL_DELAYED_SYNC));
	KUNIT_EXPECT_TRUE(test, wqt_op(test, queued, WQT_CANCEL_DELAYED_SYNC));

	call = wqt_op_async(test, running, WQT_CANCEL_DELAYED_SYNC);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	wqt_open(running);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, running->snap, 1);

	/* a timer left armed would be fired by the flush */
	KUNIT_EXPECT_FALSE(test, wqt_op(test, timer, WQT_FLUSH_DELAYED));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&timer->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&queued->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&running->runs), 1);
}

static void disable_work_nests(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	unsigned long flags;
	bool ret;

	KUNIT_EXPECT_FALSE(test, disable_work(&it->work));
	KUNIT_EXPECT_FALSE(test, disable_work(&it->work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	KUNIT_EXPECT_FALSE(test, enable_work(&it->work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);

	/* may be called from any context */
	local_irq_save(flags);
	ret = enable_work(&it->work);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ret);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void disable_work_cancels_pending_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	unsigned long flags;
	bool ret;

	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	/* may be called from any context */
	local_irq_save(flags);
	ret = disable_work(&it->work);
	local_irq_restore(flags);
	KUNIT_EXPECT_TRUE(test, ret);
	KUNIT_EXPECT_FALSE(test, queue_work_on(cpu, wq, &it->work));
	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);

	KUNIT_EXPECT_TRUE(test, enable_work(&it->work));
	KUNIT_EXPECT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	WQT_ASSERT_DONE(test, it);
}

static void disable_work_sync_waits_for_running_item(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	struct wqt_call *call;
	long ret = 1;

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_STARTED(test, it);
	call = wqt_op_async(test, it, WQT_DISABLE_SYNC);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	wqt_open(it);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
	KUNIT_EXPECT_TRUE(test, enable_work(&it->work));
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
}

static void disable_delayed_work_sync_cancels_timer(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_DELAYED);

	KUNIT_ASSERT_TRUE(test, queue_delayed_work(wq, &it->dwork, 600 * HZ));
	KUNIT_EXPECT_TRUE(test, wqt_op(test, it, WQT_DISABLE_DELAYED_SYNC));
	KUNIT_EXPECT_FALSE(test, queue_delayed_work(wq, &it->dwork, 1));
	KUNIT_EXPECT_FALSE(test, queue_delayed_work(wq, &it->dwork, 0));
	mod_delayed_work(wq, &it->dwork, 0);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&it->dwork));
	/* a timer left armed would be fired by the flush */
	KUNIT_EXPECT_FALSE(test, wqt_op(test, it, WQT_FLUSH_DELAYED));
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);

	KUNIT_EXPECT_FALSE(test, disable_delayed_work(&it->dwork));
	KUNIT_EXPECT_FALSE(test, enable_delayed_work(&it->dwork));
	KUNIT_EXPECT_TRUE(test, enable_delayed_work(&it->dwork));
	KUNIT_EXPECT_TRUE(test, queue_delayed_work(wq, &it->dwork, 1));
	WQT_ASSERT_DONE(test, it);
}

static void enable_and_queue_work_at_depth_zero(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	disable_work(&it->work);
	disable_work(&it->work);
	KUNIT_EXPECT_FALSE(test, enable_and_queue_work(wq, &it->work));
	KUNIT_EXPECT_FALSE(test, work_pending(&it->work));
	KUNIT_EXPECT_TRUE(test, enable_and_queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void enable_work_underflow_is_reported(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);

	wqt_warn_begin();
	enable_work(&it->work);
	wqt_warn_end();		/* WARN_ONCE: maybe already reported */
	/* the item is not left disabled by the misuse */
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
}

/*
 * The disable count saturates: one disable too many is ignored (and warns,
 * which the case brackets for the log checker but cannot see), and as many
 * enables as took effect make the item usable again.
 */
static void disable_work_count_saturates(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	unsigned int i, limit = (1U << WORK_OFFQ_DISABLE_BITS) - 1;
	unsigned int early = 0;

	for (i = 0; i < limit; i++)
		disable_work(&it->work);
	wqt_warn_begin();
	disable_work(&it->work);
	wqt_warn_end();		/* WARN_ONCE: maybe already reported */
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));

	for (i = 0; i < limit - 1; i++)
		early += enable_work(&it->work);
	KUNIT_EXPECT_EQ_MSG(test, early, 0, "enabled before the count reached 0");
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &it->work));
	KUNIT_EXPECT_TRUE(test, enable_work(&it->work));
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

/* ---------------------------------------------------------------------- */
/* BH workqueues                                                           */

static void bh_system_wqs_run_in_softirq_on_queueing_cpu(struct kunit *test)
{
	struct workqueue_struct *wqs[] = { system_bh_wq, system_bh_highpri_wq };
	struct wqt_item *it;
	int cpu, i, ret;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		for_each_online_cpu(cpu) {
			it = wqt_bh_item(test, WQT_PLAIN);
			it->wq = wqs[i];
			/* queued from a hardirq on @cpu */
			ret = smp_call_function_single(cpu, wqt_queue_ipi, it, 1);
			KUNIT_ASSERT_EQ(test, ret, 0);
			KUNIT_EXPECT_TRUE(test, it->result);
			WQT_ASSERT_DONE(test, it);
			KUNIT_EXPECT_TRUE(test, it->softirq);
			KUNIT_EXPECT_FALSE(test, it->task);
			KUNIT_EXPECT_EQ(test, it->cpu, cpu);
		}
	}
}

static void bh_queue_work_on_remote_cpu(struct kunit *test)
{
	struct wqt_item *it;
	int cpu;

	for_each_online_cpu(cpu) {
		it = wqt_bh_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_TRUE(test, it->softirq);
		KUNIT_EXPECT_EQ(test, it->cpu, cpu);
	}
}

static void bh_allocated_wq_runs_in_softirq(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, WQ_BH, 0), wqt_wq(test, WQ_BH | WQ_HIGHPRI, 0),
	};
	struct wqt_item *it;
	int i, cpu;
	bool ret;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_bh_item(test, WQT_PLAIN);
		cpu = get_cpu();
		ret = queue_work(wqs[i], &it->work);
		put_cpu();
		KUNIT_EXPECT_TRUE(test, ret);
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_TRUE(test, it->softirq);
		KUNIT_EXPECT_EQ(test, it->cpu, cpu);

		it = wqt_bh_item(test, WQT_DELAYED);
		KUNIT_EXPECT_TRUE(test, queue_delayed_work(wqs[i], &it->dwork, 1));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_TRUE(test, it->softirq);

		wqt_flush_wq(test, wqs[i]);
		wqt_wq_op(test, wqs[i], WQT_DRAIN_WQ);
	}
}

static void bh_items_run_in_queueing_order(struct kunit *test)
{
	struct wqt_item *items[8];
	int i, cpu;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		items[i] = wqt_bh_item(test, WQT_PLAIN);
	local_bh_disable();
	cpu = smp_processor_id();
	for (i = 0; i < ARRAY_SIZE(items); i++)
		queue_work(system_bh_wq, &items[i]->work);
	local_bh_enable();
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		WQT_ASSERT_DONE(test, items[i]);
		KUNIT_EXPECT_EQ(test, items[i]->order, i + 1);
		KUNIT_EXPECT_EQ(test, items[i]->cpu, cpu);
	}
}

/* A BH item spinning on another CPU until ctx->flag is set. */
/*
 * A BH item that spins on a CPU until ctx->flag is set.  That CPU runs
 * nothing else meanwhile, so the case and its calls keep off it, and the
 * calls are created before the spinning starts.
 */
static struct wqt_item *wqt_bh_spinner(struct kunit *test, int *cpu)
{
	struct wqt_item *spin;

	wqt_need_cpus(test, 2);
	*cpu = cpumask_last(cpu_online_mask);
	wqt_avoid_cpu(test, *cpu);
	spin = wqt_bh_item(test, WQT_PLAIN);
	spin->hook = wqt_hook_spin_until_flag;
	return spin;
}

static void wqt_bh_spin(struct kunit *test, struct wqt_item *spin, int cpu)
{
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &spin->work));
	WQT_ASSERT_STARTED(test, spin);
}

static void bh_flush_work_from_process_context(struct kunit *test)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *spin;
	struct wqt_call *call;
	long ret = 0;
	int cpu;

	spin = wqt_bh_spinner(test, &cpu);
	call = wqt_op_prepare(test, spin, WQT_FLUSH);
	wqt_bh_spin(test, spin, cpu);
	wqt_go(call);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	WRITE_ONCE(ctx->flag, 1);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, spin->snap, 1);
	KUNIT_EXPECT_EQ(test, spin->result, 1);
}

static void bh_cancel_work_sync_pending_from_process_context(struct kunit *test)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *spin, *it, *marker;
	struct wqt_call *call;
	long ret = 0;
	int cpu;

	spin = wqt_bh_spinner(test, &cpu);
	it = wqt_bh_item(test, WQT_PLAIN);
	marker = wqt_bh_item(test, WQT_PLAIN);
	call = wqt_op_prepare(test, it, WQT_CANCEL_SYNC);
	wqt_bh_spin(test, spin, cpu);
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &it->work));
	wqt_go(call);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1);
	WRITE_ONCE(ctx->flag, 1);
	WQT_ASSERT_DONE(test, spin);
	KUNIT_EXPECT_EQ(test, spin->result, 1);
	/* BH items run in order: once the marker ran, @it would have too */
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &marker->work));
	WQT_ASSERT_DONE(test, marker);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
}

static long wqt_fn_bh_cancel_atomic(void *data)
{
	struct wqt_item *it = data;
	long ret;

	local_bh_disable();
	/* pending on this CPU, which cannot run BH items until enabled */
	queue_work(system_bh_wq, &it->work);
	if (it->arg) {
		ret = disable_work_sync(&it->work);
		ret |= queue_work(system_bh_wq, &it->work) << 1;
	} else {
		ret = cancel_work_sync(&it->work);
	}
	it->snap = atomic_read(&it->runs);
	local_bh_enable();
	return ret;
}

static void bh_cancel_and_disable_pending_from_atomic_context(struct kunit *test)
{
	struct wqt_item *it, *marker;
	struct wqt_call *call;
	int round, cpu;
	long ret = 0;

	for (round = 0; round < 2; round++) {
		it = wqt_bh_item(test, WQT_PLAIN);
		it->arg = round;	/* 0: cancel_work_sync, 1: disable_work_sync */
		cpu = cpumask_first(cpu_online_mask);
		call = wqt_async(test, cpu, wqt_fn_bh_cancel_atomic, it);
		KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
		KUNIT_EXPECT_EQ_MSG(test, ret, 1, "round %d", round);
		KUNIT_EXPECT_EQ(test, it->snap, 0);

		marker = wqt_bh_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq,
						      &marker->work));
		WQT_ASSERT_DONE(test, marker);
		KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
		if (round) {
			KUNIT_EXPECT_TRUE(test, enable_work(&it->work));
			KUNIT_EXPECT_TRUE(test, queue_work(system_bh_wq, &it->work));
			WQT_ASSERT_DONE(test, it);
		}
	}
}

static long wqt_fn_bh_cancel_running_atomic(void *data)
{
	struct wqt_item *it = data;
	long ret;

	local_bh_disable();
	WRITE_ONCE(it->ctx->flag, 1);
	if (it->arg)
		ret = disable_work_sync(&it->work);
	else
		ret = cancel_work_sync(&it->work);
	it->snap = atomic_read(&it->finished);
	local_bh_enable();
	return ret;
}

static void bh_cancel_and_disable_running_from_atomic_context(struct kunit *test)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_item *spin;
	struct wqt_call *call;
	int round, cpu;
	long ret;

	for (round = 0; round < 2; round++) {
		WRITE_ONCE(ctx->flag, 0);
		spin = wqt_bh_spinner(test, &cpu);
		spin->arg = round;	/* 0: cancel_work_sync, 1: disable_work_sync */
		call = wqt_prepare(test, -1, wqt_fn_bh_cancel_running_atomic, spin);
		wqt_bh_spin(test, spin, cpu);
		wqt_go(call);
		ret = -1;
		KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_EQ_MSG(test, spin->snap, 1,
				    "round %d returned before the BH item finished", round);
		KUNIT_EXPECT_EQ(test, spin->result, 1);
		if (round) {
			KUNIT_EXPECT_FALSE(test, queue_work(system_bh_wq, &spin->work));
			KUNIT_EXPECT_TRUE(test, enable_work(&spin->work));
		}
	}
}

static void bh_self_requeuing_item_is_bounded(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *chain = wqt_bh_item(test, WQT_PLAIN);
	struct wqt_item *task_item = wqt_item(test, WQT_PLAIN);
	struct wqt_item *marker = wqt_bh_item(test, WQT_PLAIN);
	int cpu = cpumask_last(cpu_online_mask);
	int runs;

	if (num_online_cpus() > 1)
		wqt_avoid_cpu(test, cpu);
	chain->wq = system_bh_wq;
	chain->requeue = WQT_FOREVER;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &chain->work));
	/* ->started is completed once per run: wait for the item to come back */
	WQT_ASSERT_STARTED(test, chain);
	WQT_ASSERT_STARTED(test, chain);

	/*
	 * The CPU still runs tasks while the BH item keeps coming back.  How
	 * many more runs happen meanwhile is up to the scheduler (on
	 * PREEMPT_RT, softirqs run in a task too), so that is not checked.
	 */
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &task_item->work));
	WQT_ASSERT_DONE(test, task_item);

	wqt_op(test, chain, WQT_CANCEL_SYNC);
	runs = atomic_read(&chain->runs);
	KUNIT_EXPECT_EQ(test, chain->snap, runs);
	KUNIT_EXPECT_FALSE(test, work_pending(&chain->work));
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &marker->work));
	WQT_ASSERT_DONE(test, marker);
	KUNIT_EXPECT_EQ(test, atomic_read(&chain->runs), runs);
}

static void bh_alloc_refuses_bad_arguments(struct kunit *test)
{
	static const struct {
		unsigned int flags;
		int max_active;
	} bad[] = {
		{ WQ_BH, 1 },
		{ WQ_BH, WQ_MAX_ACTIVE },
		{ WQ_BH | WQ_UNBOUND, 0 },
		{ WQ_BH | WQ_MEM_RECLAIM, 0 },
		{ WQ_BH | WQ_FREEZABLE, 0 },
		{ WQ_BH | WQ_CPU_INTENSIVE, 0 },
		{ WQ_BH | WQ_SYSFS, 0 },
	};
	struct workqueue_struct *wq;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		wqt_warn_begin();
		wq = alloc_workqueue("wqt_bad_bh", bad[i].flags, bad[i].max_active);
		wqt_warn_end();	/* WARN_ON_ONCE sites */
		KUNIT_EXPECT_NULL_MSG(test, wq, "flags %#x max_active %d",
				      bad[i].flags, bad[i].max_active);
		if (wq)
			wqt_keep_wq(test, wq);
	}
}

/* ---------------------------------------------------------------------- */
/* Rescuer                                                                 */

#if WQT_BUILTIN && defined(CONFIG_CGROUPS)
#define WQT_FILLERS	64

/*
 * Workers are kthreads, and every fork takes cgroup_threadgroup_rwsem for
 * reading.  Holding it for writing makes worker creation stall for as long
 * as the case wants: the condition the rescuer exists for.  Sleeping items
 * then fill one CPU's highpri pool until one of them cannot start, which
 * means no idle worker is left and none can be made; an item of a
 * WQ_MEM_RECLAIM workqueue queued to that pool must still run.
 *
 * Nothing in between may create a kthread, abort the case (KUnit forks to
 * clean up), or wait without a bound.
 */
static void rescuer_runs_items_without_new_workers(struct kunit *test)
{
	struct workqueue_struct *fill_wq = wqt_wq(test, WQ_HIGHPRI, 0);
	struct workqueue_struct *rwq = wqt_wq(test, WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	struct wqt_item *fill[WQT_FILLERS];
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	int cpu = cpumask_last(cpu_online_mask);
	bool rescued = false, late = false;
	int i, stuck;

	for (i = 0; i < WQT_FILLERS; i++) {
		fill[i] = wqt_item(test, WQT_PLAIN);
		fill[i]->block = true;
	}

	percpu_down_write(&cgroup_threadgroup_rwsem);
	/* occupy the pool's idle workers until one item cannot start */
	for (stuck = 0; stuck < WQT_FILLERS; stuck++) {
		queue_work_on(cpu, fill_wq, &fill[stuck]->work);
		if (!wait_for_completion_timeout(&fill[stuck]->started, 2 * HZ))
			break;
	}
	if (stuck < WQT_FILLERS) {
		queue_work_on(cpu, rwq, &it->work);
		rescued = wait_for_completion_timeout(&it->done, WQT_TIMEOUT);
		late = completion_done(&fill[stuck]->started);
	}
	percpu_up_write(&cgroup_threadgroup_rwsem);

	for (i = 0; i < WQT_FILLERS; i++)
		wqt_open(fill[i]);
	kunit_info(test, "CPU %d: %d items started before worker creation stalled\n",
		   cpu, stuck);
	KUNIT_ASSERT_LT_MSG(test, stuck, WQT_FILLERS,
			    "could not exhaust the workers of CPU %d", cpu);
	KUNIT_EXPECT_FALSE_MSG(test, late,
			       "a filler started late: the pool was not exhausted");
	KUNIT_EXPECT_TRUE_MSG(test, rescued,
			      "WQ_MEM_RECLAIM item made no progress without new workers");
	KUNIT_EXPECT_TRUE(test, it->rescuer);
	KUNIT_EXPECT_EQ(test, it->cpu, cpu);
	/* once workers can be created again, everything runs */
	for (i = 0; i <= stuck; i++)
		WQT_ASSERT_DONE(test, fill[i]);
}
#else
static void rescuer_runs_items_without_new_workers(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_CGROUPS and a built-in suite to stall worker creation");
}
#endif

static void rescuer_is_not_current_in_normal_workers(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *rwq = wqt_wq(test, WQ_MEM_RECLAIM, 0);
	struct workqueue_struct *urwq = wqt_wq(test, WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	struct wqt_item *a = wqt_item(test, WQT_PLAIN);
	struct wqt_item *b = wqt_item(test, WQT_PLAIN);
	struct wqt_item *c = wqt_bh_item(test, WQT_PLAIN);

	KUNIT_EXPECT_FALSE(test, current_is_workqueue_rescuer());
	KUNIT_ASSERT_TRUE(test, queue_work(rwq, &a->work));
	KUNIT_ASSERT_TRUE(test, queue_work(urwq, &b->work));
	KUNIT_ASSERT_TRUE(test, queue_work(system_bh_wq, &c->work));
	WQT_ASSERT_DONE(test, a);
	WQT_ASSERT_DONE(test, b);
	WQT_ASSERT_DONE(test, c);
	KUNIT_EXPECT_FALSE(test, a->rescuer);
	KUNIT_EXPECT_FALSE(test, b->rescuer);
	KUNIT_EXPECT_FALSE(test, c->rescuer);
#else
	kunit_skip(test, "current_is_workqueue_rescuer() is not exported to modules");
#endif
}

static void mem_reclaim_wqs_work_and_go(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, WQ_MEM_RECLAIM, 0),
		wqt_wq(test, WQ_MEM_RECLAIM | WQ_UNBOUND, 0),
		wqt_wq(test, WQ_MEM_RECLAIM | WQ_HIGHPRI, 1),
		wqt_ordered_wq(test, WQ_MEM_RECLAIM),
	};
	struct wqt_item *it;
	int i;

	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work(wqs[i], &it->work));
		wqt_op(test, it, WQT_FLUSH);
		KUNIT_EXPECT_EQ(test, it->snap, 1);
		wqt_destroy_wq(test, wqs[i]);
	}
}

/* ---------------------------------------------------------------------- */
/* CPU hotplug                                                             */

/* Take a CPU other than the boot CPU down; the teardown brings it back. */
static int wqt_cpu_down(struct kunit *test)
{
	struct wqt_ctx *ctx = test->priv;
	long cpu, ret = -EIO;
	struct wqt_call *call;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		kunit_skip(test, "needs CONFIG_HOTPLUG_CPU");
	wqt_need_cpus(test, 2);
	cpu = cpumask_last(cpu_online_mask);
	if (cpu == 0)
		kunit_skip(test, "no CPU other than CPU 0 to take down");
	call = wqt_async(test, -1, wqt_fn_remove_cpu, (void *)cpu);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_join_timeout(test, call, WQT_HOTPLUG_TIMEOUT,
						     &ret),
			      "remove_cpu(%ld) did not return", cpu);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "remove_cpu(%ld) failed", cpu);
	ctx->offline_cpu = cpu;
	return cpu;
}

static void wqt_cpu_up(struct kunit *test, int cpu)
{
	struct wqt_ctx *ctx = test->priv;
	struct wqt_call *call;
	long ret = -EIO;

	call = wqt_async(test, -1, wqt_fn_add_cpu, (void *)(long)cpu);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_join_timeout(test, call, WQT_HOTPLUG_TIMEOUT,
						     &ret),
			      "add_cpu(%d) did not return", cpu);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add_cpu(%d) failed", cpu);
	ctx->offline_cpu = -1;
}

static void hotplug_items_of_dying_cpu_run_once(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	struct workqueue_struct *dwq = wqt_wq(test, 0, 0);
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *plug, *items[4], *delayed;
	int i;

	wqt_need_cpus(test, 2);
	plug = wqt_plug(test, wq, cpu);
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &items[i]->work));
	}
	delayed = wqt_item(test, WQT_DELAYED);
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, dwq, &delayed->dwork,
						      HZ / 5));

	KUNIT_ASSERT_EQ(test, wqt_cpu_down(test), cpu);
	wqt_open(plug);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		WQT_ASSERT_DONE(test, items[i]);
	WQT_ASSERT_DONE(test, delayed);
	wqt_flush_wq(test, wq);
	wqt_flush_wq(test, dwq);
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&items[i]->runs), 1);
		KUNIT_EXPECT_NE(test, items[i]->cpu, cpu);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&delayed->runs), 1);
}

static void hotplug_cpu_serves_queue_work_on_again(struct kunit *test)
{
	struct workqueue_struct *old = wqt_wq(test, 0, 0);
	struct workqueue_struct *wqs[5];
	struct wqt_item *it;
	int cpu, i;

	cpu = wqt_cpu_down(test);
	wqt_cpu_up(test, cpu);
	wqs[0] = old;
	wqs[1] = wqt_wq(test, 0, 0);
	wqs[2] = wqt_wq(test, WQ_HIGHPRI, 0);
	wqs[3] = system_wq;
	wqs[4] = system_bh_wq;
	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		if (wqs[i] == system_bh_wq)
			it = wqt_bh_item(test, WQT_PLAIN);
		else
			it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wqs[i], &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ_MSG(test, it->cpu, cpu, "workqueue %d", i);
		if (i < 4)
			KUNIT_EXPECT_TRUE_MSG(test, it->pinned,
					      "workqueue %d: worker not bound", i);
	}
	it = wqt_item(test, WQT_DELAYED);
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, old, &it->dwork, 1));
	WQT_ASSERT_DONE(test, it);
	KUNIT_EXPECT_EQ(test, it->cpu, cpu);
}

/* Ping-pong between two BH items until ctx->flag, then report once. */
static void wqt_hook_bh_pingpong(struct wqt_item *it)
{
	struct wqt_ctx *ctx = it->ctx;

	if (READ_ONCE(ctx->flag)) {
		it->result = raw_smp_processor_id();
		complete(&ctx->event);
		return;
	}
	queue_work(system_bh_wq, &it->peer->work);
}

static void hotplug_bh_items_of_dying_cpu_run(struct kunit *test)
{
	struct wqt_item *a = wqt_bh_item(test, WQT_PLAIN);
	struct wqt_item *b = wqt_bh_item(test, WQT_PLAIN);
	struct wqt_ctx *ctx = test->priv;
	int cpu = cpumask_last(cpu_online_mask);

	wqt_need_cpus(test, 2);
	/*
	 * Each item queues the other on the local CPU, so one of them is
	 * always pending on @cpu until @cpu dies; only the workqueue's
	 * handling of the dead CPU's BH items can carry the chain on.
	 */
	a->peer = b;
	b->peer = a;
	a->hook = wqt_hook_bh_pingpong;
	b->hook = wqt_hook_bh_pingpong;
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, system_bh_wq, &a->work));
	WQT_ASSERT_STARTED(test, a);
	KUNIT_ASSERT_EQ(test, wqt_cpu_down(test), cpu);
	WRITE_ONCE(ctx->flag, 1);
	KUNIT_ASSERT_TRUE_MSG(test, wqt_wait(&ctx->event),
			      "BH items pending on the dead CPU were lost");
	KUNIT_EXPECT_NE(test, a->cpu, cpu);
	KUNIT_EXPECT_NE(test, b->cpu, cpu);
}

static void hotplug_flush_across_cpu_down(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *it;
	struct wqt_call *call;
	long ret = 0;

	wqt_need_cpus(test, 2);
	it = wqt_plug(test, wq, cpu);
	call = wqt_op_async(test, it, WQT_FLUSH);
	KUNIT_EXPECT_TRUE(test, wqt_blocked(call));
	KUNIT_ASSERT_EQ(test, wqt_cpu_down(test), cpu);
	KUNIT_EXPECT_FALSE(test, wqt_returned(call));
	wqt_open(it);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, it->snap, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 1);
}

static void hotplug_cancel_across_cpu_down(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_last(cpu_online_mask);
	struct wqt_item *plug, *it, *timer;

	wqt_need_cpus(test, 2);
	plug = wqt_plug(test, wq, cpu);
	it = wqt_item(test, WQT_PLAIN);
	timer = wqt_item(test, WQT_DELAYED);
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &timer->dwork,
						      600 * HZ));
	KUNIT_ASSERT_EQ(test, wqt_cpu_down(test), cpu);
	KUNIT_EXPECT_TRUE(test, wqt_op(test, it, WQT_CANCEL_SYNC));
	KUNIT_EXPECT_TRUE(test, wqt_op(test, timer, WQT_CANCEL_DELAYED_SYNC));
	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&it->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&timer->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&plug->runs), 1);
}

struct wqt_on_cpu {
	int cpu;
	bool task;
	int calls;
};

static long wqt_on_cpu_fn(void *data)
{
	struct wqt_on_cpu *o = data;

	o->cpu = raw_smp_processor_id();
	o->task = in_task();
	o->calls++;
	return 1000 + o->cpu;
}

struct wqt_on_cpu_call {
	struct wqt_on_cpu on;
	int cpu;
	bool safe;
};

static long wqt_fn_work_on_cpu(void *data)
{
	struct wqt_on_cpu_call *c = data;

	if (c->safe)
		return work_on_cpu_safe(c->cpu, wqt_on_cpu_fn, &c->on);
	return work_on_cpu(c->cpu, wqt_on_cpu_fn, &c->on);
}

#if WQT_BUILTIN
/* a pod per CPU, and workers that stay in it */
static struct workqueue_attrs *wqt_strict_cpu_attrs(struct kunit *test)
{
	struct workqueue_attrs *attrs = wqt_attrs(test);

	cpumask_copy(attrs->cpumask, cpu_possible_mask);
	attrs->affn_scope = WQ_AFFN_CPU;
	attrs->affn_strict = true;
	return attrs;
}
#endif

/*
 * A strict per-CPU scope keeps each pod's workers on its CPU, also after
 * another CPU went down and came back.  v6.12 lets the workers of every
 * strict pool run on all online CPUs once any CPU comes online.
 */
static void hotplug_strict_pod_workers_stay_in_pod(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *it;
	int i, ret;

	wqt_skip_v612_bug(test);
	if (!housekeeping_cpu(cpu, HK_TYPE_WQ) ||
	    !housekeeping_cpu(cpu, HK_TYPE_DOMAIN))
		kunit_skip(test, "CPU %d is isolated from unbound work", cpu);
	ret = wqt_apply(wq, wqt_strict_cpu_attrs(test));
	KUNIT_ASSERT_EQ(test, ret, 0);

	for (i = 0; i < 2; i++) {
		if (i)
			wqt_cpu_up(test, wqt_cpu_down(test));
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ_MSG(test, it->cpu, cpu, "round %d", i);
		KUNIT_EXPECT_TRUE_MSG(test, it->pinned,
				      "round %d: the worker may leave CPU %d", i, cpu);
	}
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

/*
 * Attributes applied while a CPU is down, then the CPU comes back: items
 * queued for it on a strict per-CPU scope run on it, as the scope says.
 * v6.12 gets this right, but Debian 12's gcc-12 miscompiles the pwq
 * update of its CPU online path (GCC PR 107404), and the items then ran
 * on CPU 0.
 */
static void hotplug_unbound_pod_comes_back_with_its_cpu(struct kunit *test)
{
#if WQT_BUILTIN
	struct workqueue_struct *wq = wqt_wq(test, WQ_UNBOUND, 0);
	struct workqueue_attrs *attrs;
	struct wqt_item *it;
	int cpu, i, ret;

	/* the CPU wqt_cpu_down() takes must be one unbound work may use */
	cpu = cpumask_last(cpu_online_mask);
	if (!housekeeping_cpu(cpu, HK_TYPE_WQ) ||
	    !housekeeping_cpu(cpu, HK_TYPE_DOMAIN))
		kunit_skip(test, "CPU %d is isolated from unbound work", cpu);
	attrs = wqt_strict_cpu_attrs(test);

	KUNIT_ASSERT_EQ(test, wqt_cpu_down(test), cpu);
	ret = wqt_apply(wq, attrs);
	KUNIT_ASSERT_EQ(test, ret, 0);
	wqt_cpu_up(test, cpu);

	for (i = 0; i < 8; i++) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_EQ_MSG(test, it->cpu, cpu, "item %d", i);
	}
#else
	kunit_skip(test, "apply_workqueue_attrs() is not exported to modules");
#endif
}

static void hotplug_work_on_cpu_safe_refuses_offline_cpu(struct kunit *test)
{
	struct wqt_on_cpu_call *c = wqt_alloc(test, sizeof(*c));
	struct wqt_call *call;
	long ret = 0;

	c->cpu = wqt_cpu_down(test);
	c->safe = true;
	call = wqt_async(test, -1, wqt_fn_work_on_cpu, c);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, -ENODEV);
	KUNIT_EXPECT_EQ(test, c->on.calls, 0);

	wqt_cpu_up(test, c->cpu);
	call = wqt_async(test, -1, wqt_fn_work_on_cpu, c);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 1000 + c->cpu);
	KUNIT_EXPECT_EQ(test, c->on.cpu, c->cpu);
	KUNIT_EXPECT_EQ(test, c->on.calls, 1);
}

/* ---------------------------------------------------------------------- */
/* Utilities                                                               */

static void current_work_reports_the_item(struct kunit *test)
{
	struct workqueue_struct *wqs[] = {
		wqt_wq(test, 0, 0), wqt_wq(test, WQ_UNBOUND, 0),
		wqt_ordered_wq(test, 0),
	};
	struct wqt_item *it;
	int i;

	KUNIT_EXPECT_NULL(test, current_work());
	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		it = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work(wqs[i], &it->work));
		WQT_ASSERT_DONE(test, it);
		KUNIT_EXPECT_TRUE_MSG(test, it->current_ok, "workqueue %d", i);
	}
}

static void work_busy_reports_stable_states(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug, *it;

	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_EQ(test, work_busy(&it->work), 0);

	plug = wqt_plug(test, wq, cpu);
	KUNIT_EXPECT_EQ(test, work_busy(&plug->work), WORK_BUSY_RUNNING);
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_EQ(test, work_busy(&it->work), WORK_BUSY_PENDING);
	/* running and queued again at the same time */
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &plug->work));
	KUNIT_EXPECT_EQ(test, work_busy(&plug->work),
			WORK_BUSY_RUNNING | WORK_BUSY_PENDING);

	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_EQ(test, work_busy(&it->work), 0);
	KUNIT_EXPECT_EQ(test, work_busy(&plug->work), 0);
}

#if WQT_BUILTIN
struct wqt_each_cpu {
	atomic_t *hits;
	atomic_t wrong_context;
};

static struct wqt_each_cpu *wqt_each_cpu;

static void wqt_each_cpu_fn(struct work_struct *work)
{
	atomic_inc(&wqt_each_cpu->hits[raw_smp_processor_id()]);
	if (!in_task() || current->nr_cpus_allowed != 1)
		atomic_inc(&wqt_each_cpu->wrong_context);
}

static long wqt_fn_schedule_on_each_cpu(void *unused)
{
	return schedule_on_each_cpu(wqt_each_cpu_fn);
}
#endif

static void schedule_on_each_cpu_runs_everywhere(struct kunit *test)
{
#if WQT_BUILTIN
	struct wqt_each_cpu *e = wqt_alloc(test, sizeof(*e));
	struct wqt_call *call;
	long ret = -1;
	int cpu;

	e->hits = wqt_alloc(test, nr_cpu_ids * sizeof(*e->hits));
	wqt_each_cpu = e;
	call = wqt_async(test, -1, wqt_fn_schedule_on_each_cpu, NULL);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&e->hits[cpu]), 1, "CPU %d", cpu);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->wrong_context), 0);
#else
	kunit_skip(test, "schedule_on_each_cpu() is not exported to modules");
#endif
}

static void work_on_cpu_runs_fn_there(struct kunit *test)
{
	struct wqt_on_cpu_call *c;
	struct wqt_call *call;
	long ret;
	int cpu, safe;

	for (safe = 0; safe < 2; safe++) {
		for_each_online_cpu(cpu) {
			c = wqt_alloc(test, sizeof(*c));
			c->cpu = cpu;
			c->safe = safe;
			ret = 0;
			call = wqt_async(test, -1, wqt_fn_work_on_cpu, c);
			KUNIT_ASSERT_TRUE(test, wqt_join(test, call, &ret));
			KUNIT_EXPECT_EQ(test, ret, 1000 + cpu);
			KUNIT_EXPECT_EQ(test, c->on.cpu, cpu);
			KUNIT_EXPECT_TRUE(test, c->on.task);
			KUNIT_EXPECT_EQ(test, c->on.calls, 1);
		}
	}
}

struct wqt_exec {
	struct execute_work ew;
	struct wqt_ctx *ctx;
	bool task;
	atomic_t calls;
	struct completion done;
};

static void wqt_exec_fn(struct work_struct *work)
{
	struct wqt_exec *e = container_of(work, struct wqt_exec, ew.work);

	e->task = in_task();
	atomic_inc(&e->calls);
	complete(&e->done);
}

static void wqt_hook_execute(struct wqt_item *it)
{
	struct wqt_exec *e = (struct wqt_exec *)it->arg;

	it->result = execute_in_process_context(wqt_exec_fn, &e->ew);
}

static void execute_in_process_context_now_or_later(struct kunit *test)
{
	struct wqt_exec *now = wqt_alloc(test, sizeof(*now));
	struct wqt_exec *later = wqt_alloc(test, sizeof(*later));
	struct wqt_item *bh = wqt_bh_item(test, WQT_PLAIN);

	init_completion(&now->done);
	init_completion(&later->done);
	INIT_WORK(&later->ew.work, wqt_exec_fn);
	wqt_track(test, &later->ew.work);

	/* from process context, the function runs before the call returns */
	KUNIT_EXPECT_EQ(test, execute_in_process_context(wqt_exec_fn, &now->ew), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&now->calls), 1);
	KUNIT_EXPECT_TRUE(test, now->task);

	/* from softirq context, it is deferred to process context */
	bh->arg = (unsigned long)later;
	bh->hook = wqt_hook_execute;
	KUNIT_ASSERT_TRUE(test, queue_work(system_bh_wq, &bh->work));
	WQT_ASSERT_DONE(test, bh);
	KUNIT_EXPECT_EQ(test, bh->result, 1);
	KUNIT_ASSERT_TRUE(test, wqt_wait(&later->done));
	KUNIT_EXPECT_EQ(test, atomic_read(&later->calls), 1);
	KUNIT_EXPECT_TRUE(test, later->task);
}

static void workqueue_congested_sees_waiting_items(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug, *it;

	KUNIT_EXPECT_FALSE(test, workqueue_congested(cpu, wq));
	plug = wqt_plug(test, wq, cpu);
	KUNIT_EXPECT_FALSE(test, workqueue_congested(cpu, wq));
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &it->work));
	KUNIT_EXPECT_TRUE(test, workqueue_congested(cpu, wq));
	wqt_open(plug);
	wqt_flush_wq(test, wq);
	KUNIT_EXPECT_FALSE(test, workqueue_congested(cpu, wq));
}

static void destroy_idle_workqueues_of_every_kind(struct kunit *test)
{
	static const unsigned int flags[] = {
		0, WQ_UNBOUND, WQ_HIGHPRI, WQ_CPU_INTENSIVE, WQ_MEM_RECLAIM,
		WQ_FREEZABLE, WQ_POWER_EFFICIENT, WQ_UNBOUND | WQ_MEM_RECLAIM,
		WQ_UNBOUND | WQ_SYSFS, WQ_UNBOUND | WQ_HIGHPRI | WQ_FREEZABLE,
		WQ_BH, WQ_BH | WQ_HIGHPRI,
	};
	struct workqueue_struct *wq;
	struct wqt_item *it;
	int i, used;

	for (used = 0; used < 2; used++) {
		for (i = 0; i < ARRAY_SIZE(flags); i++) {
			wq = wqt_wq(test, flags[i], 0);
			if (used) {
				if (flags[i] & WQ_BH)
					it = wqt_bh_item(test, WQT_PLAIN);
				else
					it = wqt_item(test, WQT_PLAIN);
				KUNIT_ASSERT_TRUE(test, queue_work(wq, &it->work));
				WQT_ASSERT_DONE(test, it);
				wqt_op(test, it, WQT_FLUSH);
			}
			wqt_destroy_wq(test, wq);
		}
		wq = wqt_ordered_wq(test, 0);
		wqt_destroy_wq(test, wq);
	}
}

static void destroy_workqueue_runs_pending_items_first(struct kunit *test)
{
	struct workqueue_struct *wq = wqt_wq(test, 0, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct wqt_item *plug = wqt_plug(test, wq, cpu);
	struct wqt_item *items[3], *delayed;
	struct wqt_call *call;
	int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i] = wqt_item(test, WQT_PLAIN);
		KUNIT_ASSERT_TRUE(test, queue_work_on(cpu, wq, &items[i]->work));
	}
	delayed = wqt_item(test, WQT_DELAYED);
	KUNIT_ASSERT_TRUE(test, queue_delayed_work_on(cpu, wq, &delayed->dwork, 0));

	wqt_forget_wq(test, wq);
	call = wqt_async(test, -1, wqt_fn_destroy_wq, wq);
	KUNIT_EXPECT_TRUE_MSG(test, wqt_blocked(call),
			      "destroy_workqueue() returned with an item running");
	wqt_open(plug);
	KUNIT_ASSERT_TRUE(test, wqt_join(test, call, NULL));
	for (i = 0; i < ARRAY_SIZE(items); i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&items[i]->finished), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&delayed->finished), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&plug->finished), 1);
}

static void long_workqueue_names_are_accepted(struct kunit *test)
{
	static const char name[] =
		"wqt-a-workqueue-name-that-is-much-longer-than-the-limit";
	struct workqueue_struct *wq;
	struct wqt_item *it;

	wq = wqt_keep_wq(test, alloc_workqueue("%s", WQ_UNBOUND, 0, name));
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_destroy_wq(test, wq);

	wq = wqt_keep_wq(test, alloc_workqueue("wqt-%s-%d-%s", WQ_MEM_RECLAIM, 0,
					       name, 12345, name));
	it = wqt_item(test, WQT_PLAIN);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &it->work));
	WQT_ASSERT_DONE(test, it);
	wqt_destroy_wq(test, wq);
}

static void ordered_wq_with_flags_stays_ordered(struct kunit *test)
{
	static const unsigned int flags[] = {
		WQ_MEM_RECLAIM, WQ_FREEZABLE, WQ_HIGHPRI,
		WQ_MEM_RECLAIM | WQ_FREEZABLE | WQ_HIGHPRI,
	};
	struct wqt_ctx *ctx = test->priv;
	struct workqueue_struct *wq;
	struct wqt_item *items[6];
	int f, i;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		wq = wqt_ordered_wq(test, flags[f]);
		atomic_set(&ctx->max_running, 0);
		atomic_set(&ctx->seq, 0);
		for (i = 0; i < ARRAY_SIZE(items); i++) {
			items[i] = wqt_item(test, WQT_PLAIN);
			items[i]->hook = wqt_hook_linger;
			KUNIT_ASSERT_TRUE(test, queue_work(wq, &items[i]->work));
		}
		for (i = 0; i < ARRAY_SIZE(items); i++) {
			WQT_ASSERT_DONE(test, items[i]);
			KUNIT_EXPECT_EQ(test, items[i]->order, i + 1);
			if (flags[f] & WQ_HIGHPRI)
				KUNIT_EXPECT_LT(test, items[i]->nice, 0);
		}
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->max_running), 1,
				    "flags %#x", flags[f]);
		wqt_destroy_wq(test, wq);
	}
}

/* ---------------------------------------------------------------------- */
/* Freezer                                                                 */

#if WQT_BUILTIN && defined(CONFIG_FREEZER)
/*
 * freeze_workqueues_begin() and thaw_workqueues() are what the system
 * suspend path calls; lock_system_sleep() keeps a real suspend out.  No
 * assertion may abort the case while the workqueues are frozen.
 */
static void freezable_items_wait_for_thaw(struct kunit *test)
{
	struct workqueue_struct *fwqs[] = {
		wqt_wq(test, WQ_FREEZABLE, 0),
		wqt_wq(test, WQ_FREEZABLE | WQ_UNBOUND, 0),
		wqt_ordered_wq(test, WQ_FREEZABLE),
	};
	struct workqueue_struct *wq = wqt_wq(test, 0, 0);
	struct wqt_item *frozen[ARRAY_SIZE(fwqs)], *delayed, *normal;
	bool normal_ran, early = false;
	unsigned int sleep_flags;
	int i;

	for (i = 0; i < ARRAY_SIZE(fwqs); i++)
		frozen[i] = wqt_item(test, WQT_PLAIN);
	delayed = wqt_item(test, WQT_DELAYED);
	normal = wqt_item(test, WQT_PLAIN);

	sleep_flags = lock_system_sleep();
	freeze_workqueues_begin();
	for (i = 0; i < ARRAY_SIZE(fwqs); i++)
		queue_work(fwqs[i], &frozen[i]->work);
	queue_delayed_work(fwqs[0], &delayed->dwork, 1);
	queue_work(wq, &normal->work);
	normal_ran = wqt_wait(&normal->done);
	for (i = 0; i < ARRAY_SIZE(fwqs); i++)
		early |= !wqt_quiet(&frozen[i]->started);
	early |= !wqt_quiet(&delayed->started);
	thaw_workqueues();
	unlock_system_sleep(sleep_flags);

	KUNIT_EXPECT_TRUE_MSG(test, normal_ran,
			      "a non-freezable workqueue was frozen");
	KUNIT_EXPECT_FALSE_MSG(test, early,
			       "a freezable item started while frozen");
	for (i = 0; i < ARRAY_SIZE(fwqs); i++)
		WQT_ASSERT_DONE(test, frozen[i]);
	WQT_ASSERT_DONE(test, delayed);
}

static void freezer_busy_until_running_item_ends(struct kunit *test)
{
	struct workqueue_struct *fwq = wqt_wq(test, WQ_FREEZABLE, 0);
	struct wqt_item *it = wqt_item(test, WQT_PLAIN);
	unsigned int sleep_flags;
	bool busy, finished;

	it->block = true;
	KUNIT_ASSERT_TRUE(test, queue_work(fwq, &it->work));
	WQT_ASSERT_STARTED(test, it);

	sleep_flags = lock_system_sleep();
	freeze_workqueues_begin();
	busy = freeze_workqueues_busy();
	wqt_open(it);
	finished = wqt_wait(&it->done);
	thaw_workqueues();
	unlock_system_sleep(sleep_flags);

	KUNIT_EXPECT_TRUE_MSG(test, busy,
			      "freezing reported done while a freezable item ran");
	KUNIT_EXPECT_TRUE_MSG(test, finished,
			      "a running item did not finish while frozen");
}
#else
#define WQT_NO_FREEZER	"needs CONFIG_FREEZER and a built-in suite (not exported)"

static void freezable_items_wait_for_thaw(struct kunit *test)
{
	kunit_skip(test, WQT_NO_FREEZER);
}

static void freezer_busy_until_running_item_ends(struct kunit *test)
{
	kunit_skip(test, WQT_NO_FREEZER);
}
#endif

/* ---------------------------------------------------------------------- */

static struct kunit_case wqt_queue_cases[] = {
	KUNIT_CASE(queue_work_false_while_pending),
	KUNIT_CASE(queue_work_again_once_started),
	KUNIT_CASE(queue_work_requeue_from_itself),
	KUNIT_CASE(queue_work_on_runs_on_cpu),
	KUNIT_CASE(queue_work_node_runs_once),
	KUNIT_CASE(unbound_runs_within_cpumask),
	KUNIT_CASE(unbound_ordered_attr_keeps_running),
	KUNIT_CASE(highpri_runs_at_negative_nice),
	KUNIT_CASE(queue_work_from_atomic_context),
	KUNIT_CASE(system_workqueues_run_items),
	KUNIT_CASE(queue_work_publishes_prior_stores),
	{}
};

static struct kunit_case wqt_reentrancy_cases[] = {
	KUNIT_CASE(requeue_elsewhere_waits_for_running_instance),
	KUNIT_CASE(requeue_from_every_cpu_never_overlaps),
	KUNIT_CASE(delayed_requeue_elsewhere_waits),
	{}
};

static struct kunit_case wqt_ordering_cases[] = {
	KUNIT_CASE(ordered_runs_one_at_a_time_in_order),
	KUNIT_CASE(ordered_waits_for_sleeping_item),
	KUNIT_CASE(ordered_stays_ordered_under_plain_attrs),
	KUNIT_CASE_SLOW(ordered_keeps_order_while_attrs_change),
	KUNIT_CASE(set_max_active_on_ordered_is_refused),
	KUNIT_CASE(max_active_bounds_per_cpu_concurrency),
	KUNIT_CASE(max_active_is_per_cpu),
	KUNIT_CASE(set_max_active_raises_limit),
	KUNIT_CASE(set_max_active_lowers_limit),
	KUNIT_CASE(unbound_max_active_bounds_concurrency),
	{}
};

static struct kunit_case wqt_cm_cases[] = {
	KUNIT_CASE(cm_sleeping_item_lets_next_start),
	KUNIT_CASE(cm_running_item_holds_next_back),
	KUNIT_CASE(cm_cpu_intensive_does_not_hold_back),
	KUNIT_CASE(cm_highpri_pool_is_independent),
	KUNIT_CASE(cm_unbound_items_run_concurrently),
	{}
};

static struct kunit_case wqt_delayed_cases[] = {
	KUNIT_CASE(delayed_work_never_runs_early),
	KUNIT_CASE(delayed_work_false_while_pending),
	KUNIT_CASE(delayed_work_zero_delay_runs_now),
	KUNIT_CASE(delayed_work_on_runs_on_cpu),
	KUNIT_CASE(mod_delayed_work_on_idle_queues),
	KUNIT_CASE(mod_delayed_work_shortens_delay),
	KUNIT_CASE(mod_delayed_work_extends_delay),
	KUNIT_CASE(mod_delayed_work_zero_runs_now),
	KUNIT_CASE(mod_delayed_work_on_queued_item),
	KUNIT_CASE(flush_delayed_work_runs_it_now),
	KUNIT_CASE(cancel_delayed_work_stops_timer),
	KUNIT_CASE(rcu_work_runs_after_grace_period),
	KUNIT_CASE(flush_rcu_work_waits),
	{}
};

static struct kunit_case wqt_flush_cases[] = {
	KUNIT_CASE(flush_work_waits_for_running_item),
	KUNIT_CASE(flush_work_runs_pending_item),
	KUNIT_CASE(flush_work_on_idle_returns_false),
	KUNIT_CASE(flush_workqueue_waits_for_queued_items),
	KUNIT_CASE(flush_workqueue_ignores_later_items),
	KUNIT_CASE(drain_workqueue_waits_for_chains),
	KUNIT_CASE(flush_from_item_of_other_wq),
	KUNIT_CASE(flush_returns_after_cancel_of_waiting_item),
	{}
};

static struct kunit_case wqt_cancel_cases[] = {
	KUNIT_CASE(cancel_work_pending_item),
	KUNIT_CASE(cancel_work_running_item),
	KUNIT_CASE(cancel_work_sync_waits_for_running_item),
	KUNIT_CASE(cancel_work_sync_waits_across_ordered_pwq_change),
	KUNIT_CASE(cancel_work_sync_pending_item),
	KUNIT_CASE(cancel_work_sync_self_requeuing_item),
	KUNIT_CASE(cancel_delayed_work_sync_all_states),
	KUNIT_CASE(disable_work_nests),
	KUNIT_CASE(disable_work_cancels_pending_item),
	KUNIT_CASE(disable_work_sync_waits_for_running_item),
	KUNIT_CASE(disable_delayed_work_sync_cancels_timer),
	KUNIT_CASE(enable_and_queue_work_at_depth_zero),
	KUNIT_CASE(enable_work_underflow_is_reported),
	KUNIT_CASE(disable_work_count_saturates),
	{}
};

static struct kunit_case wqt_bh_cases[] = {
	KUNIT_CASE(bh_system_wqs_run_in_softirq_on_queueing_cpu),
	KUNIT_CASE(bh_queue_work_on_remote_cpu),
	KUNIT_CASE(bh_allocated_wq_runs_in_softirq),
	KUNIT_CASE(bh_items_run_in_queueing_order),
	KUNIT_CASE(bh_flush_work_from_process_context),
	KUNIT_CASE(bh_cancel_work_sync_pending_from_process_context),
	KUNIT_CASE(bh_cancel_and_disable_pending_from_atomic_context),
	KUNIT_CASE(bh_cancel_and_disable_running_from_atomic_context),
	KUNIT_CASE(bh_self_requeuing_item_is_bounded),
	KUNIT_CASE(bh_alloc_refuses_bad_arguments),
	{}
};

static struct kunit_case wqt_rescuer_cases[] = {
	KUNIT_CASE_SLOW(rescuer_runs_items_without_new_workers),
	KUNIT_CASE(rescuer_is_not_current_in_normal_workers),
	KUNIT_CASE(mem_reclaim_wqs_work_and_go),
	{}
};

static struct kunit_case wqt_hotplug_cases[] = {
	KUNIT_CASE(hotplug_items_of_dying_cpu_run_once),
	KUNIT_CASE(hotplug_cpu_serves_queue_work_on_again),
	KUNIT_CASE(hotplug_bh_items_of_dying_cpu_run),
	KUNIT_CASE(hotplug_flush_across_cpu_down),
	KUNIT_CASE(hotplug_cancel_across_cpu_down),
	KUNIT_CASE(hotplug_work_on_cpu_safe_refuses_offline_cpu),
	KUNIT_CASE(hotplug_unbound_pod_comes_back_with_its_cpu),
	KUNIT_CASE(hotplug_strict_pod_workers_stay_in_pod),
	{}
};

static struct kunit_case wqt_util_cases[] = {
	KUNIT_CASE(current_work_reports_the_item),
	KUNIT_CASE(work_busy_reports_stable_states),
	KUNIT_CASE(schedule_on_each_cpu_runs_everywhere),
	KUNIT_CASE(work_on_cpu_runs_fn_there),
	KUNIT_CASE(execute_in_process_context_now_or_later),
	KUNIT_CASE(workqueue_congested_sees_waiting_items),
	KUNIT_CASE(destroy_idle_workqueues_of_every_kind),
	KUNIT_CASE(destroy_workqueue_runs_pending_items_first),
	KUNIT_CASE(long_workqueue_names_are_accepted),
	KUNIT_CASE(ordered_wq_with_flags_stays_ordered),
	{}
};

static struct kunit_case wqt_freezer_cases[] = {
	KUNIT_CASE(freezable_items_wait_for_thaw),
	KUNIT_CASE(freezer_busy_until_running_item_ends),
	{}
};

#define WQT_SUITE(_var, _name, _cases)					\
	static struct kunit_suite _var = {				\
		.name = _name,						\
		.suite_init = wqt_suite_init,				\
		.suite_exit = wqt_suite_exit,				\
		.init = wqt_case_init,					\
		.test_cases = _cases,					\
	}

WQT_SUITE(wqt_queue_suite, "workqueue_queue", wqt_queue_cases);
WQT_SUITE(wqt_reentrancy_suite, "workqueue_reentrancy", wqt_reentrancy_cases);
WQT_SUITE(wqt_ordering_suite, "workqueue_ordering", wqt_ordering_cases);
WQT_SUITE(wqt_cm_suite, "workqueue_concurrency", wqt_cm_cases);
WQT_SUITE(wqt_delayed_suite, "workqueue_delayed", wqt_delayed_cases);
WQT_SUITE(wqt_flush_suite, "workqueue_flush", wqt_flush_cases);
WQT_SUITE(wqt_cancel_suite, "workqueue_cancel", wqt_cancel_cases);
WQT_SUITE(wqt_bh_suite, "workqueue_bh", wqt_bh_cases);
WQT_SUITE(wqt_rescuer_suite, "workqueue_rescuer", wqt_rescuer_cases);
WQT_SUITE(wqt_hotplug_suite, "workqueue_hotplug", wqt_hotplug_cases);
WQT_SUITE(wqt_util_suite, "workqueue_utilities", wqt_util_cases);
WQT_SUITE(wqt_freezer_suite, "workqueue_freezer", wqt_freezer_cases);

kunit_test_suites(&wqt_queue_suite, &wqt_reentrancy_suite, &wqt_ordering_suite,
		  &wqt_cm_suite, &wqt_delayed_suite, &wqt_flush_suite,
		  &wqt_cancel_suite, &wqt_bh_suite, &wqt_rescuer_suite,
		  &wqt_hotplug_suite, &wqt_util_suite, &wqt_freezer_suite);

MODULE_DESCRIPTION("KUnit suites for the workqueue API");
MODULE_LICENSE("GPL");
