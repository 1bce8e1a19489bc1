// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workqueues: run functions asynchronously in kernel threads or in BH
 *
 * THE MAP
 * =======
 *
 * Five objects take part:
 *
 *  work item	  A struct work_struct.  Its ->data word is the item's whole
 *		  state (see "Work item state" below).
 *  workqueue	  What users allocate and queue to.  It owns no threads; it is
 *		  a domain for flushing, ordering, max_active, freezing and
 *		  the forward-progress guarantee (a rescuer, WQ_MEM_RECLAIM).
 *  worker_pool	  A set of workers sharing one list of runnable items:
 *		  per CPU a normal and a highpri pool, per CPU a normal and a
 *		  highpri BH pool (run from softirq), and unbound pools which
 *		  any workqueue with identical attributes shares.
 *  pool_workqueue (pwq)
 *		  The link between one workqueue and one pool.  It does the
 *		  max_active accounting, holds the items that max_active keeps
 *		  waiting (the inactive list) and counts in-flight items per
 *		  flush color.  A per-CPU workqueue has one pwq per CPU; an
 *		  unbound one has one pwq per pod (a group of CPUs) plus a
 *		  default pwq, all listed in wq->cpu_pwq[] by CPU.
 *  worker	  A kthread (kworker/N:M, kworker/N:MH, kworker/uP:M) running
 *		  items of one pool, a per-workqueue rescuer (kworker/R-name),
 *		  or the softirq context of a BH pool.
 *
 * Following one item from queue_work() to its end:
 *
 *  1. queue_work_on() wins the PENDING bit of work->data, so the caller
 *     owns the item; a disabled item hands the bit straight back.
 *  2. __queue_work() picks the pwq of the target CPU (or pod).  If the item
 *     is still running on another pool of the same workqueue it goes there
 *     instead, so that an item never runs twice at once.  Under pool->lock
 *     the item is counted in pwq->nr_in_flight[color], work->data is set to
 *     point at the pwq, and the item goes on pool->worklist if max_active
 *     allows (it is "active"), else on pwq->inactive_works.
 *  3. kick_pool() wakes an idle worker if the pool has no running worker
 *     (concurrency management), or raises the softirq of a BH pool.
 *  4. The worker takes the item off the worklist (assign_work()) and in
 *     process_one_work() records itself in pool->busy_hash, replaces
 *     work->data by the pool's id while clearing PENDING (from now on the
 *     item may be queued again), drops the lock and calls the function.
 *  5. Afterwards it retires the item: the max_active slot is handed to the
 *     next inactive item, the flush color count drops and the pwq reference
 *     the item held is put.
 *
 * Flushing a work item inserts a barrier item right behind it (or at the
 * head of the running worker's list) and waits for the barrier.  Flushing a
 * workqueue closes the current flush color on every pwq and waits until no
 * item of that color is left (see "Flush").  Cancelling steals PENDING from
 * wherever the item is (timer, worklist, inactive list) and, for the _sync
 * variants, then flushes the running instance.  CPU hotplug detaches the
 * per-CPU pools of a dying CPU from it: their workers keep running anywhere
 * as if unbound, and are bound again when the CPU returns.
 *
 * LOCKING
 * =======
 *
 * The rule of each shared field is written next to it:
 *
 *  I	set while creating, read-only afterwards (or only by destruction)
 *  L	pool->lock (a raw spinlock, always taken with IRQs disabled)
 *  K	written by the worker itself under pool->lock; the worker may read it
 *	without locks, and so may IRQ context on the worker's CPU
 *  S	touched only by the worker itself
 *  A	wq_pool_attach_mutex (which workers belong to which pool)
 *  PL	wq_pool_mutex
 *  PR	wq_pool_mutex for writes, RCU or wq_pool_mutex for reads
 *  WQ	wq->mutex
 *  WR	wq->mutex for writes, RCU or wq->mutex for reads
 *  PW	wq_pool_mutex and wq->mutex for writes, either one for reads
 *  PWR	PW, and RCU may also read
 *  WA	wq->active.lock, which nests inside pool->lock
 *  MD	wq_mayday_lock, which nests inside pool->lock
 *  MW	MD and wq->mutex for writes, either one for reads
 *
 * Lock order: wq_pool_mutex > wq->mutex > wq_pool_attach_mutex >
 * pool->lock > {wq->active.lock, wq_mayday_lock}.  Two pool locks are never
 * held together.  Pools and pwqs are freed after an RCU grace period, so a
 * pool found through work->data can be locked under rcu_read_lock().
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/export.h>
#include <linux/freezer.h>
#include <linux/hardirq.h>
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/kvm_para.h>
#include <linux/llist.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/nodemask.h>
#include <linux/rculist.h>
#include <linux/rcuwait.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/sched/isolation.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "workqueue_internal.h"

/* ------------------------------------------------------------------------
 * Constants and objects
 */

enum pool_flags {
	/*
	 * A per-CPU pool is DISASSOCIATED while its CPU is down (and before
	 * it first comes up): its workers run anywhere and are not
	 * concurrency managed.  Flipped under wq_pool_attach_mutex and
	 * pool->lock.  BH pools are always DISASSOCIATED.
	 */
	POOL_DISASSOCIATED	= BIT(0),
	POOL_BH			= BIT(1),	/* softirq pool, one per CPU */
	POOL_BH_DRAINING	= BIT(2),	/* dead CPU's BH items moving out */
	POOL_MANAGER_ACTIVE	= BIT(3),	/* a worker is creating workers */
};

enum worker_flags {
	WORKER_IDLE		= BIT(0),	/* on pool->idle_list */
	WORKER_DIE		= BIT(1),	/* exit when woken */
	/* a worker with any of the following doesn't count as running */
	WORKER_PREP		= BIT(2),	/* between items, or a rescuer */
	WORKER_UNBOUND		= BIT(3),	/* pool is disassociated */
	WORKER_REBOUND		= BIT(4),	/* rebound, not yet counted */
	WORKER_CPU_INTENSIVE	= BIT(5),	/* hogging the CPU */
	WORKER_NOT_RUNNING	= WORKER_PREP | WORKER_UNBOUND |
				  WORKER_REBOUND | WORKER_CPU_INTENSIVE,
};

enum {
	NR_STD_WORKER_POOLS	= 2,		/* normal and highpri */
	BUSY_HASH_ORDER		= 6,
	UNBOUND_POOL_HASH_ORDER	= 6,

	/* keep two idle workers, and at most one idle per four busy ones */
	MIN_IDLE_WORKERS	= 2,
	IDLE_PER_BUSY_RATIO	= 4,
	IDLE_WORKER_TIMEOUT	= 300 * HZ,

	/* a manager that cannot create a worker this long calls rescuers */
	MAYDAY_INITIAL_TIMEOUT	= HZ / 100 >= 2 ? HZ / 100 : 2,
	MAYDAY_INTERVAL		= HZ / 10,
	CREATE_COOLDOWN		= HZ,
	RESCUER_BATCH		= 16,

	HIGHPRI_NICE_LEVEL	= MIN_NICE,
	RESCUER_NICE_LEVEL	= MIN_NICE,

	WQ_NAME_LEN		= 32,
	WORKER_NAME_LEN		= 16 + WQ_NAME_LEN,
};

#define WORK_STRUCT_FLAG_MASK	((1UL << WORK_STRUCT_FLAG_BITS) - 1)
#define WORK_OFFQ_DISABLE_MAX	((1U << WORK_OFFQ_DISABLE_BITS) - 1)

/*
 * A BH pool is as polite as softirq.c is to other softirqs: each run stops
 * after this many restarts of the worklist or this much time, and raises
 * the softirq again if items are left.
 */
#define BH_WORKER_RESTARTS	10
#define BH_WORKER_JIFFIES	msecs_to_jiffies(2)

struct worker_pool {
	raw_spinlock_t		lock;
	unsigned int		flags;		/* L: POOL_* */
	int			id;		/* I: index in worker_pool_idr */
	int			cpu;		/* I: CPU, -1 if unbound */
	int			node;		/* I: NUMA node for allocations */

	struct list_head	worklist;	/* L: active items not yet taken */
	unsigned long		watchdog_ts;	/* L: last sign of progress */
	bool			cpu_stall;	/* used by the watchdog alone */

	/*
	 * Busy workers of a per-CPU pool that are not sleeping.  Changed only
	 * on the pool's CPU, under pool->lock or with preemption disabled
	 * (see wq_worker_running()), so readers holding the lock see a
	 * consistent value.
	 */
	int			nr_running;

	int			nr_workers;	/* L: alive, excluding dying */
	int			nr_idle;	/* L: on idle_list */
	struct list_head	idle_list;	/* L: most recently idle first */
	DECLARE_HASHTABLE(busy_hash, BUSY_HASH_ORDER); /* L: by current_work */
	struct worker		*manager;	/* L: for show_all_workqueues() */
	struct timer_list	idle_timer;	/* reaps surplus idle workers */
	struct timer_list	mayday_timer;	/* summons rescuers */

	struct list_head	workers;	/* A: all attached workers */
	struct completion	*detach_done;	/* A: pool teardown waits */
	struct ida		worker_ida;	/* ids for kthread names */

	struct workqueue_attrs	*attrs;		/* I */
	struct hlist_node	hash_node;	/* PL: in unbound_pool_hash */
	int			refcnt;		/* PL: pwqs using an unbound pool */
	/* PL: the pwq that the apply_wqattrs_prepare() numbered @prep_gen made */
	u64			prep_gen;
	struct pool_workqueue	*prep_pwq;
	struct rcu_head		rcu;
};

/*
 * Shared max_active of an unbound workqueue.  Per-CPU workqueues limit each
 * pwq on its own; an unbound workqueue limits the sum over all its pwqs, as
 * alloc_workqueue() documents.  A pwq that has inactive items and is not
 * plugged sits on ->waiters; a finishing item hands its slot to the first
 * waiter, round robin.
 */
struct wq_active {
	raw_spinlock_t		lock;
	int			nr;		/* WA: slots in use */
	int			max;		/* WA: wq->max_active */
	struct list_head	waiters;	/* WA: pwqs wanting a slot */
};

/*
 * While an item is queued, work->data points at its pwq, so a pwq must be
 * aligned beyond the flag and color bits kept below the pointer.
 */
/*
 * What happened to the items of a pwq, for tools/workqueue/wq_monitor.py,
 * which reads these names.  Counted under pool->lock, except CPU_TIME: the
 * scheduler tick of the running worker adds to it without the lock, which
 * may lose a tick now and then.
 */
enum pwq_stat {
	PWQ_STAT_STARTED,	/* functions called */
	PWQ_STAT_COMPLETED,	/* functions returned */
	PWQ_STAT_CPU_TIME,	/* usecs of CPU spent in them, tick by tick */
	PWQ_STAT_CPU_INTENSIVE,	/* items past wq_cpu_intensive_thresh_us */
	PWQ_STAT_CM_WAKEUP,	/* workers woken as an item slept or hogged */
	PWQ_STAT_REPATRIATED,	/* unbound workers woken back into their pod */
	PWQ_STAT_MAYDAY,	/* calls for the rescuer */
	PWQ_STAT_RESCUED,	/* items the rescuer ran */
	PWQ_NR_STATS,
};

struct pool_workqueue {
	struct worker_pool	*pool;		/* I */
	struct workqueue_struct	*wq;		/* I */
	int			refcnt;		/* L: queued items, slots, rescue */
	int			work_color;	/* L: color of new items */
	int			flush_color;	/* L: color a flush waits for */
	int			nr_in_flight[WORK_NR_COLORS]; /* L */
	/*
	 * Items on pool->worklist or running that took a max_active slot.
	 * An item waiting for a slot sits on ->inactive_works with
	 * WORK_STRUCT_INACTIVE set.  Barriers carry INACTIVE too but live on
	 * the worklist: they never take a slot.
	 */
	int			nr_active;	/* L */
	struct list_head	inactive_works;	/* L */
	bool			plugged;	/* L: ordered wq, not its turn */
	struct list_head	wait_node;	/* WA: on wq->active.waiters */
	struct list_head	pwqs_node;	/* WR: on wq->pwqs */
	struct list_head	mayday_node;	/* MD: on wq->maydays */
	struct kthread_work	release_work;
	struct llist_node	early_release;	/* release before kthreads */
	struct rcu_head		rcu;
	u64			stats[PWQ_NR_STATS]; /* L, see enum pwq_stat */
} __aligned(1 << WORK_STRUCT_PWQ_SHIFT);

/* what flush_work() queues behind its target */
struct wq_barrier_item {
	struct work_struct	work;
	struct completion	done;
	struct task_struct	*task;	/* the waiter, for show_pwq() */
};

/* a task waiting in __flush_workqueue() */
struct wq_flusher {
	struct list_head	node;		/* WQ */
	struct completion	done;
};

struct wq_device;

struct workqueue_struct {
	unsigned int		flags;		/* WQ: WQ_* and __WQ_*, read freely */
	struct pool_workqueue __rcu * __percpu *cpu_pwq; /* PWR: by CPU */
	struct pool_workqueue __rcu *dfl_pwq;	/* PWR: unbound only */
	struct wq_active	active;		/* unbound only */

	struct list_head	pwqs;		/* WR: every linked pwq */
	struct list_head	list;		/* PR: on the workqueues list */
	struct mutex		mutex;

	/*
	 * Flush state, see "Flush".  At most one color is being drained at a
	 * time; flushers arriving meanwhile queue up for the next one.
	 */
	int			work_color;	/* WQ: color for new items */
	struct wq_flusher	*flush_leader;	/* WQ: woken by the drain */
	struct list_head	flush_riders;	/* WQ: share the leader's color */
	struct list_head	flush_next;	/* WQ: need the next color */
	atomic_t		nr_pwqs_to_flush;
	int			nr_drainers;	/* WQ */

	int			max_active;	/* WQ, read with READ_ONCE */
	int			saved_max_active; /* WQ: when not frozen */

	struct list_head	maydays;	/* MD: pwqs asking for rescue */
	struct worker		*rescuer;	/* MW: WQ_MEM_RECLAIM only */

	struct workqueue_attrs	*unbound_attrs;	/* PW: as the user asked */
#ifdef CONFIG_LOCKDEP
	/* "locked" by items while they run and by flushers while they wait */
	struct lockdep_map	*lockdep_map;
	struct lockdep_map	own_lockdep_map;
	struct lock_class_key	key;
	char			*lock_name;
#endif
#ifdef CONFIG_SYSFS
	struct wq_device	*wq_dev;	/* I */
#endif
	char			name[WQ_NAME_LEN];	/* I */
	struct rcu_head		rcu;
};

/*
 * CPU grouping for unbound workqueues, one per affinity scope.  Each
 * possible CPU is in exactly one pod of each type.
 */
struct wq_pod_type {
	int			nr_pods;
	cpumask_var_t		*pod_cpus;	/* pod -> CPUs */
	int			*cpu_pod;	/* CPU -> pod */
};

/* user-visible names of enum wq_affn_scope, in its order */
static const char * const wq_affn_names[WQ_AFFN_NR_TYPES] = {
	"default", "cpu", "smt", "cache", "numa", "system",
};

/* ------------------------------------------------------------------------
 * Global state and parameters
 */

static DEFINE_MUTEX(wq_pool_mutex);
static DEFINE_MUTEX(wq_pool_attach_mutex);
static DEFINE_RAW_SPINLOCK(wq_mayday_lock);
static LIST_HEAD(workqueues);		/* PR */
static bool workqueue_freezing;		/* PL */
static u64 wq_prep_gen;			/* PL: apply_wqattrs_prepare() calls */

/* put_unbound_pool() waits here for a manager to finish */
static struct rcuwait manager_wait = __RCUWAIT_INITIALIZER(manager_wait);
static bool wq_online;			/* kworkers can be created */

static DEFINE_IDR(worker_pool_idr);	/* PR: every pool by id */
static DEFINE_HASHTABLE(unbound_pool_hash, UNBOUND_POOL_HASH_ORDER); /* PL */

static DEFINE_PER_CPU_SHARED_ALIGNED(struct worker_pool [NR_STD_WORKER_POOLS],
				     cpu_pools);
static DEFINE_PER_CPU_SHARED_ALIGNED(struct worker_pool [NR_STD_WORKER_POOLS],
				     bh_pools);
/* raises the softirq of a BH pool on a remote CPU */
static DEFINE_PER_CPU(struct irq_work [NR_STD_WORKER_POOLS], bh_kick_irq_work);

static struct kmem_cache *pwq_cache;
static struct wq_pod_type wq_pod_types[WQ_AFFN_NR_TYPES];
static enum wq_affn_scope wq_affn_dfl = WQ_AFFN_CACHE;	/* PL */

/* the attributes new unbound (and ordered) workqueues start with */
static struct workqueue_attrs *unbound_std_attrs[NR_STD_WORKER_POOLS];

/* CPUs unbound workers may use; PL for writes, A as well for readers */
static cpumask_var_t wq_unbound_cpumask;
static cpumask_var_t wq_requested_unbound_cpumask;	/* PL: via sysfs */
static cpumask_var_t wq_isolated_cpumask;		/* PL: via cpuset */
/* online CPUs as unbound pods see them: leaves before the CPU is gone */
static cpumask_var_t wq_online_cpumask;			/* PL */
static struct cpumask wq_cmdline_cpumask __initdata;

/* where the last round-robin pick of an unbound CPU landed, per CPU */
static DEFINE_PER_CPU(int, wq_rr_cpu_last);

/*
 * Unbound pwqs are freed from this kthread_worker: the last reference can
 * be dropped under a pool lock, and freeing needs mutexes.  A dedicated
 * worker cannot deadlock on the pool it would otherwise be queued to.
 */
static struct kthread_worker *pwq_release_worker __ro_after_init;
static LLIST_HEAD(early_pwq_releases);

/*
 * A concurrency managed item that runs this long without sleeping stops
 * counting as running, so that it does not hold back the rest of its pool.
 * ULONG_MAX means "not set on the command line", see wq_intensive_init().
 */
static unsigned long wq_hog_thresh_us = ULONG_MAX;

/* WQ_POWER_EFFICIENT workqueues become unbound when this is set */
static bool wq_power_efficient = IS_ENABLED(CONFIG_WQ_POWER_EFFICIENT_DEFAULT);

/* pick unbound CPUs round robin even when the local CPU would do */
static bool wq_debug_force_rr_cpu = IS_ENABLED(CONFIG_DEBUG_WQ_FORCE_RR_CPU);

module_param_named(debug_force_rr_cpu, wq_debug_force_rr_cpu, bool, 0644);
module_param_named(cpu_intensive_thresh_us, wq_hog_thresh_us, ulong, 0644);
module_param_named(power_efficient, wq_power_efficient, bool, 0444);

#ifdef CONFIG_WQ_CPU_INTENSIVE_REPORT
/* report a function after this many hogs, then at exponential intervals */
static unsigned int wq_hog_report_thresh = 4;
module_param_named(cpu_intensive_warning_thresh, wq_hog_report_thresh, uint, 0644);
#endif

/* the system workqueues, created by workqueue_init_early() */
struct workqueue_struct *system_wq __ro_after_init;
EXPORT_SYMBOL(system_wq);
struct workqueue_struct *system_long_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_long_wq);
struct workqueue_struct *system_percpu_wq __ro_after_init;
EXPORT_SYMBOL(system_percpu_wq);
struct workqueue_struct *system_unbound_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_unbound_wq);
struct workqueue_struct *system_highpri_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_highpri_wq);
struct workqueue_struct *system_dfl_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_dfl_wq);
struct workqueue_struct *system_bh_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_bh_wq);
struct workqueue_struct *system_freezable_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_freezable_wq);
struct workqueue_struct *system_bh_highpri_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_bh_highpri_wq);
struct workqueue_struct *system_power_efficient_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_power_efficient_wq);
/* freezable, and unbound if power efficiency is asked for */
struct workqueue_struct *system_freezable_power_efficient_wq __ro_after_init;
EXPORT_SYMBOL_GPL(system_freezable_power_efficient_wq);

#define CREATE_TRACE_POINTS
#include <trace/events/workqueue.h>

static int worker_thread(void *arg);
static void show_pwq(struct pool_workqueue *pwq);
#ifdef CONFIG_SYSFS
static void workqueue_sysfs_unregister(struct workqueue_struct *wq);
#else
static inline void workqueue_sysfs_unregister(struct workqueue_struct *wq) { }
#endif

/* the normal and the highpri pool of @cpu, threaded or BH */
#define for_each_std_pool(pool, cpu, pools)				\
	for (int __i = 0; __i < NR_STD_WORKER_POOLS &&			\
	     ((pool) = &per_cpu(pools, cpu)[__i], true); __i++)
#define for_each_cpu_pool(pool, cpu)	for_each_std_pool(pool, cpu, cpu_pools)
#define for_each_bh_pool(pool, cpu)	for_each_std_pool(pool, cpu, bh_pools)

/* iterate all pools; needs wq_pool_mutex or RCU */
#define for_each_pool(pool, id)						\
	idr_for_each_entry(&worker_pool_idr, pool, id)

static inline struct list_head *wq_pwq_list(struct workqueue_struct *wq)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held() &&
			 !lockdep_is_held(&wq->mutex),
			 "RCU or wq->mutex needed");
	return &wq->pwqs;
}

/* iterate the pwqs of @wq; needs wq->mutex or RCU */
#define for_each_pwq(pwq, wq)						\
	list_for_each_entry_rcu((pwq), wq_pwq_list(wq), pwqs_node, true)

static bool pool_is_highpri(struct worker_pool *pool)
{
	return pool->attrs->nice < 0;
}

/*
 * Before an item goes on @pool's worklist: the first item on an empty
 * worklist starts the stall watchdog's clock.  pool->lock held.
 */
static void pool_start_clock(struct worker_pool *pool)
{
	if (list_empty(&pool->worklist))
		pool->watchdog_ts = jiffies;
}

/* the system BH workqueue whose items run in @pool */
static struct workqueue_struct *bh_system_wq(struct worker_pool *pool)
{
	return pool_is_highpri(pool) ? system_bh_highpri_wq : system_bh_wq;
}

static struct worker *bh_pool_worker(struct worker_pool *pool)
{
	return list_first_entry(&pool->workers, struct worker, node);
}

/* ------------------------------------------------------------------------
 * Work item state
 *
 * work->data holds everything (layout in include/linux/workqueue.h):
 *
 *   queued:     pwq pointer | flush color | STRUCT flags, PWQ and PENDING set
 *   off queue:  pool id | disable count | OFFQ flags | STRUCT flags
 *
 * PENDING is ownership.  Whoever sets it (test_and_set_bit) may move the
 * item anywhere; nobody else may.  It is given up when execution starts
 * and by cancel/enable.  work->data points at a pwq only while the item is
 * on a list of that pwq's pool, and both writes happen under that pool's
 * lock, so "data points at a pwq of the pool I locked" proves "queued".
 * Off queue, the pool id remembers where the item ran last, so that a new
 * queueing can find a still running instance, and so can flush_work().
 */

static unsigned long work_data(struct work_struct *work)
{
	return atomic_long_read(&work->data);
}

static struct pool_workqueue *data_pwq(unsigned long data)
{
	if (!(data & WORK_STRUCT_PWQ))
		return NULL;
	return (struct pool_workqueue *)(data & WORK_STRUCT_PWQ_MASK);
}

static struct pool_workqueue *get_work_pwq(struct work_struct *work)
{
	return data_pwq(work_data(work));
}

static int data_color(unsigned long data)
{
	return (data >> WORK_STRUCT_COLOR_SHIFT) & (WORK_NR_COLORS - 1);
}

static unsigned long color_bits(int color)
{
	return (unsigned long)color << WORK_STRUCT_COLOR_SHIFT;
}

static int next_color(int color)
{
	return (color + 1) % WORK_NR_COLORS;
}

static int offq_pool_id(unsigned long data)
{
	return (data >> WORK_OFFQ_POOL_SHIFT) & WORK_OFFQ_POOL_NONE;
}

static unsigned int offq_disable(unsigned long data)
{
	return (data & WORK_OFFQ_DISABLE_MASK) >> WORK_OFFQ_DISABLE_SHIFT;
}

static unsigned long offq_pack(int pool_id, unsigned int disable,
			       unsigned long offq_flags)
{
	return ((unsigned long)pool_id << WORK_OFFQ_POOL_SHIFT) |
	       ((unsigned long)disable << WORK_OFFQ_DISABLE_SHIFT) |
	       (offq_flags & WORK_OFFQ_FLAG_MASK);
}

/*
 * work->data of an item off queue that last belonged to @pool, not
 * disabled.  WORK_OFFQ_BH: cancel_work_sync() may busy-wait for items of BH
 * pools.
 */
static unsigned long pool_offq(struct worker_pool *pool)
{
	return offq_pack(pool->id, 0, (pool->flags & POOL_BH) ? WORK_OFFQ_BH : 0);
}

/* only the PENDING owner writes work->data */
static void work_set_data(struct work_struct *work, unsigned long data)
{
	WARN_ON_ONCE(!work_pending(work));
	atomic_long_set(&work->data, data | work_static(work));
}

static void work_set_queued(struct work_struct *work,
			    struct pool_workqueue *pwq, unsigned long flags)
{
	work_set_data(work, (unsigned long)pwq | WORK_STRUCT_PENDING |
		      WORK_STRUCT_PWQ | flags);
}

/* off queue, but the caller keeps ownership */
static void work_set_offq_owned(struct work_struct *work, unsigned long offq)
{
	work_set_data(work, offq | WORK_STRUCT_PENDING);
}

/*
 * Give up ownership.  The write barrier makes our updates of the item
 * visible before the next owner's test_and_set_bit() succeeds.  The full
 * barrier after it orders the clearing against whatever the item's function
 * loads next: a queuer that saw PENDING still set and gave up must be able
 * to rely on the running function seeing what it stored before queueing.
 */
static void work_release(struct work_struct *work, unsigned long offq)
{
	smp_wmb();	/* our updates before the next owner's, see above */
	work_set_data(work, offq);
	smp_mb();	/* the release before the function's loads */
}

/*
 * The pool @work is queued on or last ran on.  Caller holds RCU or
 * wq_pool_mutex; the pool stays valid (not necessarily in use) meanwhile.
 */
static struct worker_pool *get_work_pool(struct work_struct *work)
{
	unsigned long data = work_data(work);
	int id;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held() &&
			 !lockdep_is_held(&wq_pool_mutex),
			 "RCU or wq_pool_mutex needed");

	if (data & WORK_STRUCT_PWQ)
		return data_pwq(data)->pool;

	id = offq_pool_id(data);
	if (id == WORK_OFFQ_POOL_NONE)
		return NULL;
	return idr_find(&worker_pool_idr, id);
}

/*
 * After winning PENDING on an idle item: refuse if it is disabled.  Returns
 * true (and PENDING released again) if the item may not be queued.
 */
static bool work_refuse_if_disabled(struct work_struct *work)
{
	unsigned long data = work_data(work);

	if (likely((data & WORK_STRUCT_PWQ) || !offq_disable(data)))
		return false;
	work_release(work, data & ~WORK_STRUCT_FLAG_MASK);
	return true;
}

/* test_and_set PENDING; true if the caller now owns @work and may queue it */
static bool work_claim(struct work_struct *work)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	return !work_refuse_if_disabled(work);
}

#ifndef CONFIG_DEBUG_OBJECTS_WORK
static inline void work_odebug_deactivate(struct work_struct *work) { }
static inline void work_odebug_activate(struct work_struct *work) { }
#else

static const struct debug_obj_descr work_odebug;

static void *work_odebug_hint(void *addr)
{
	return ((struct work_struct *)addr)->func;
}

static bool work_odebug_is_static(void *addr)
{
	return work_static(addr);
}

/* an active item is being initialized or freed: make it idle first */
static bool work_odebug_fixup(void *addr, enum debug_obj_state state,
			      bool free)
{
	if (state != ODEBUG_STATE_ACTIVE)
		return false;
	cancel_work_sync(addr);
	if (free)
		debug_object_free(addr, &work_odebug);
	else
		debug_object_init(addr, &work_odebug);
	return true;
}

static bool work_odebug_fixup_init(void *addr, enum debug_obj_state state)
{
	return work_odebug_fixup(addr, state, false);
}

static bool work_odebug_fixup_free(void *addr, enum debug_obj_state state)
{
	return work_odebug_fixup(addr, state, true);
}

static const struct debug_obj_descr work_odebug = {
	.fixup_init		= work_odebug_fixup_init,
	.fixup_free		= work_odebug_fixup_free,
	.name			= "work_struct",
	.is_static_object	= work_odebug_is_static,
	.debug_hint		= work_odebug_hint,
};

static void work_odebug_activate(struct work_struct *work)
{
	debug_object_activate(work, &work_odebug);
}

static void work_odebug_deactivate(struct work_struct *work)
{
	debug_object_deactivate(work, &work_odebug);
}

/* the header's INIT_WORK*() and friends call these three */
void destroy_work_on_stack(struct work_struct *work)
{
	debug_object_free(work, &work_odebug);
}
EXPORT_SYMBOL_GPL(destroy_work_on_stack);

void destroy_delayed_work_on_stack(struct delayed_work *dwork)
{
	debug_object_free(&dwork->work, &work_odebug);
	destroy_timer_on_stack(&dwork->timer);
}
EXPORT_SYMBOL_GPL(destroy_delayed_work_on_stack);

void __init_work(struct work_struct *work, int onstack)
{
	if (!onstack) {
		debug_object_init(work, &work_odebug);
		return;
	}
	debug_object_init_on_stack(work, &work_odebug);
}
EXPORT_SYMBOL_GPL(__init_work);

#endif /* CONFIG_DEBUG_OBJECTS_WORK */

/* ------------------------------------------------------------------------
 * Pools and workers
 *
 * Concurrency management: a per-CPU pool aims at exactly one running
 * worker.  nr_running counts busy workers that are not sleeping; when the
 * last one blocks, the scheduler calls wq_worker_sleeping() and an idle
 * worker is woken to carry on.  Workers of unbound, BH and disassociated
 * pools carry WORKER_UNBOUND, never count, and so every queued item simply
 * wakes a worker.
 *
 * Worker creation uses the manager role: before a worker starts running
 * items it makes sure an idle worker remains to take over if it blocks, and
 * creates one if not.  Only one worker per pool manages at a time.  If
 * creating takes too long (memory pressure), the mayday timer asks the
 * rescuers of the workqueues with items in the pool for help.  Idle workers
 * beyond what the pool needs exit after IDLE_WORKER_TIMEOUT.
 */

/* runnable items but nobody running them: wake someone (pool->lock) */
static bool need_more_worker(struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && !pool->nr_running;
}

/* the current worker may take another item (pool->lock) */
static bool keep_working(struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running <= 1;
}

/* work is waiting and no idle worker is left to run it */
static bool need_to_create_worker(struct worker_pool *pool)
{
	return need_more_worker(pool) && !pool->nr_idle;
}

static bool too_many_workers(struct worker_pool *pool)
{
	/* the manager will be idle soon, count it as such */
	int idle = pool->nr_idle + !!(pool->flags & POOL_MANAGER_ACTIVE);
	int busy = pool->nr_workers - idle;

	return idle > MIN_IDLE_WORKERS &&
	       (idle - MIN_IDLE_WORKERS) * IDLE_PER_BUSY_RATIO >= busy;
}

/* set @flags, leaving nr_running if the worker stops counting */
static void worker_set_flags(struct worker *worker, unsigned int flags)
{
	lockdep_assert_held(&worker->pool->lock);

	if ((flags & WORKER_NOT_RUNNING) &&
	    !(worker->flags & WORKER_NOT_RUNNING))
		worker->pool->nr_running--;
	worker->flags |= flags;
}

/* clear @flags, joining nr_running if no NOT_RUNNING flag is left */
static void worker_clr_flags(struct worker *worker, unsigned int flags)
{
	bool was_out = worker->flags & WORKER_NOT_RUNNING;

	lockdep_assert_held(&worker->pool->lock);

	worker->flags &= ~flags;
	if (was_out && !(worker->flags & WORKER_NOT_RUNNING))
		worker->pool->nr_running++;
}

static struct worker *first_idle_worker(struct worker_pool *pool)
{
	return list_first_entry_or_null(&pool->idle_list, struct worker,
					idle_node);
}

static void worker_enter_idle(struct worker *worker)
{
	struct worker_pool *pool = worker->pool;

	lockdep_assert_held(&pool->lock);
	if (WARN_ON_ONCE(worker->flags & WORKER_IDLE))
		return;

	worker->flags |= WORKER_IDLE;
	worker->last_active = jiffies;
	pool->nr_idle++;
	list_add(&worker->idle_node, &pool->idle_list);

	if (too_many_workers(pool) && !timer_pending(&pool->idle_timer))
		mod_timer(&pool->idle_timer, jiffies + IDLE_WORKER_TIMEOUT);

	WARN_ON_ONCE(pool->nr_workers == pool->nr_idle && pool->nr_running);
}

static void worker_leave_idle(struct worker *worker)
{
	if (WARN_ON_ONCE(!(worker->flags & WORKER_IDLE)))
		return;
	list_del_init(&worker->idle_node);
	worker->pool->nr_idle--;
	worker_clr_flags(worker, WORKER_IDLE);
}

/*
 * The worker of @pool running @work, if any.  The function must match too:
 * a freed item whose memory is reused for a new item must not wait for the
 * old one.
 */
static struct worker *find_running_worker(struct worker_pool *pool,
					  struct work_struct *work)
{
	struct worker *worker;

	hash_for_each_possible(pool->busy_hash, worker, busy_node,
			       (unsigned long)work) {
		if (worker->current_work == work &&
		    worker->current_func == work->func)
			return worker;
	}
	return NULL;
}

/*
 * Move @work and the items chained behind it with WORK_STRUCT_LINKED (the
 * barriers of flush_work()) to the tail of @head.
 */
static void move_linked_works(struct work_struct *work, struct list_head *head)
{
	for (;;) {
		struct work_struct *next = list_next_entry(work, entry);
		bool linked = *work_data_bits(work) & WORK_STRUCT_LINKED;

		list_move_tail(&work->entry, head);
		if (!linked)
			return;
		work = next;
	}
}

/*
 * Give @work (and its chain) to @worker.  If another worker of the pool is
 * still running an earlier instance of @work, that worker gets it instead,
 * so that the item never runs twice at once.  True if @worker got it.
 */
static bool assign_work(struct work_struct *work, struct worker *worker)
{
	struct worker *busy;

	lockdep_assert_held(&worker->pool->lock);

	busy = find_running_worker(worker->pool, work);
	if (unlikely(busy)) {
		move_linked_works(work, &busy->scheduled);
		return false;
	}
	move_linked_works(work, &worker->scheduled);
	return true;
}

static void kick_bh_pool(struct worker_pool *pool)
{
	int hi = pool_is_highpri(pool);

#ifdef CONFIG_SMP
	/* a draining pool belongs to a dead CPU and runs on this one */
	if (pool->cpu != smp_processor_id() &&
	    !(pool->flags & POOL_BH_DRAINING)) {
		irq_work_queue_on(&per_cpu(bh_kick_irq_work, pool->cpu)[hi],
				  pool->cpu);
		return;
	}
#endif
	raise_softirq_irqoff(hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
}

static void wake_idle_worker(struct worker_pool *pool, struct worker *idle)
{
	struct task_struct *p = idle->task;

#ifdef CONFIG_SMP
	/*
	 * A worker of a non-strict pod may have wandered out of its pod.
	 * Waking is the cheap moment to bring it back.
	 */
	if (!pool->attrs->affn_strict &&
	    !cpumask_test_cpu(p->wake_cpu, pool->attrs->__pod_cpumask)) {
		int cpu = cpumask_any_and_distribute(pool->attrs->__pod_cpumask,
						     cpu_online_mask);

		if (cpu < nr_cpu_ids) {
			struct work_struct *work = list_first_entry(&pool->worklist,
						struct work_struct, entry);

			p->wake_cpu = cpu;
			get_work_pwq(work)->stats[PWQ_STAT_REPATRIATED]++;
		}
	}
#endif
	wake_up_process(p);
}

/*
 * Wake an idle worker if @pool has runnable items and nobody running them.
 * Returns whether it did.
 */
static bool kick_pool(struct worker_pool *pool)
{
	struct worker *idle;

	lockdep_assert_held(&pool->lock);

	if (!need_more_worker(pool))
		return false;
	/* a BH pool's one worker is off the idle list while it runs items */
	idle = first_idle_worker(pool);
	if (!idle)
		return false;
	if (pool->flags & POOL_BH)
		kick_bh_pool(pool);
	else
		wake_idle_worker(pool, idle);
	return true;
}

/* the CPUs the workers of @pool may run on */
static const struct cpumask *pool_allowed_cpus(struct worker_pool *pool)
{
	if (pool->cpu < 0 && pool->attrs->affn_strict)
		return pool->attrs->__pod_cpumask;
	return pool->attrs->cpumask;
}

/* mark %current as a worker for the scheduler hooks and wq_worker_comm() */
static void worker_mark_task(bool on)
{
	mutex_lock(&wq_pool_attach_mutex);
	current->flags &= ~PF_WQ_WORKER;
	if (on)
		current->flags |= PF_WQ_WORKER;
	mutex_unlock(&wq_pool_attach_mutex);
}

/*
 * Attach @worker to @pool: it follows the pool's CPU binding through
 * hotplug from now on.
 */
static void worker_attach(struct worker *worker, struct worker_pool *pool)
{
	mutex_lock(&wq_pool_attach_mutex);

	if (pool->flags & POOL_DISASSOCIATED)
		worker->flags |= WORKER_UNBOUND;
	else
		kthread_set_per_cpu(worker->task, pool->cpu);

	/* a new kworker was bound at creation; a rescuer moves around */
	if (worker->rescue_wq)
		set_cpus_allowed_ptr(worker->task, pool_allowed_cpus(pool));
	worker->pool = pool;
	list_add_tail(&worker->node, &pool->workers);
	mutex_unlock(&wq_pool_attach_mutex);
}

/* let a detached or disassociated worker run where unbound work may */
static void worker_unbind_task(struct task_struct *task)
{
	lockdep_assert_held(&wq_pool_attach_mutex);

	kthread_set_per_cpu(task, -1);
	if (cpumask_intersects(wq_unbound_cpumask, cpu_active_mask))
		WARN_ON_ONCE(set_cpus_allowed_ptr(task, wq_unbound_cpumask) < 0);
	else
		WARN_ON_ONCE(set_cpus_allowed_ptr(task, cpu_possible_mask) < 0);
}

/* undo worker_attach(); for rescuers, which move between pools */
static void worker_detach(struct worker *worker)
{
	mutex_lock(&wq_pool_attach_mutex);
	worker_unbind_task(worker->task);
	worker->flags &= ~(WORKER_UNBOUND | WORKER_REBOUND);
	list_del(&worker->node);
	worker->pool = NULL;
	mutex_unlock(&wq_pool_attach_mutex);
}

static int format_worker_name(char *buf, size_t size, struct worker *worker,
			      struct worker_pool *pool)
{
	if (worker->rescue_wq)
		return scnprintf(buf, size, "kworker/R-%s",
				 worker->rescue_wq->name);
	if (!pool)
		return scnprintf(buf, size, "kworker/dying");
	if (pool->cpu < 0)
		return scnprintf(buf, size, "kworker/u%d:%d", pool->id,
				 worker->id);
	return scnprintf(buf, size, "kworker/%d:%d%s", pool->cpu, worker->id,
			 pool_is_highpri(pool) ? "H" : "");
}

static struct worker *alloc_worker(int node)
{
	struct worker *worker = kzalloc_node(sizeof(*worker), GFP_KERNEL, node);

	if (worker) {
		INIT_LIST_HEAD(&worker->idle_node);
		INIT_LIST_HEAD(&worker->scheduled);
		INIT_LIST_HEAD(&worker->node);
		worker->flags = WORKER_PREP;	/* not running items yet */
	}
	return worker;
}

/*
 * Create a worker for @pool and leave it idle.  A BH pool's single worker
 * is a bookkeeping object without a task.  Sleeps.
 */
static struct worker *create_worker(struct worker_pool *pool)
{
	char name[WORKER_NAME_LEN];
	struct worker *worker;
	int id;

	id = ida_alloc(&pool->worker_ida, GFP_KERNEL);
	worker = id < 0 ? NULL : alloc_worker(pool->node);
	if (!worker)
		goto fail;
	worker->id = id;

	/* a BH pool's worker is the softirq, it needs no task */
	if (!(pool->flags & POOL_BH)) {
		struct task_struct *task;

		format_worker_name(name, sizeof(name), worker, pool);
		task = kthread_create_on_node(worker_thread, worker,
					      pool->node, "%s", name);
		if (IS_ERR(task)) {
			pr_err_once("workqueue: cannot create %s: %pe\n", name,
				    task);
			goto fail;
		}
		kthread_bind_mask(task, pool_allowed_cpus(pool));
		set_user_nice(task, pool->attrs->nice);
		worker->task = task;
	}
	worker_attach(worker, pool);

	raw_spin_lock_irq(&pool->lock);
	pool->nr_workers++;
	worker_enter_idle(worker);
	raw_spin_unlock_irq(&pool->lock);

	/* the kthread waits to be woken once before worker_thread() runs */
	if (worker->task)
		wake_up_process(worker->task);
	return worker;
fail:
	kfree(worker);
	if (id >= 0)
		ida_free(&pool->worker_ida, id);
	return NULL;
}

/*
 * Tell an idle worker to exit.  It leaves the pool's counts now and
 * detaches itself when it runs (worker_exit()).
 */
static void kill_idle_worker(struct worker *worker)
{
	struct worker_pool *pool = worker->pool;

	lockdep_assert_held(&pool->lock);
	if (WARN_ON_ONCE(!(worker->flags & WORKER_IDLE) ||
			 worker->current_work))
		return;

	pool->nr_workers--;
	pool->nr_idle--;
	list_del_init(&worker->idle_node);
	worker->flags |= WORKER_DIE;
	wake_up_process(worker->task);
}

/* last steps of a kworker told to die; runs as the worker itself */
static void worker_exit(struct worker *worker)
{
	struct worker_pool *pool = worker->pool;

	mutex_lock(&wq_pool_attach_mutex);
	current->flags &= ~PF_WQ_WORKER;
	kthread_set_per_cpu(current, -1);
	ida_free(&pool->worker_ida, worker->id);
	list_del(&worker->node);
	worker->pool = NULL;
	if (list_empty(&pool->workers) && pool->detach_done)
		complete(pool->detach_done);
	mutex_unlock(&wq_pool_attach_mutex);

	kfree(worker);
}

/* reap workers that were idle for IDLE_WORKER_TIMEOUT beyond the need */
static void idle_worker_timeout(struct timer_list *t)
{
	struct worker_pool *pool = from_timer(pool, t, idle_timer);

	raw_spin_lock_irq(&pool->lock);
	while (too_many_workers(pool)) {
		/* the idle list is most recent first: the tail idled longest */
		struct worker *worker = list_last_entry(&pool->idle_list,
							struct worker,
							idle_node);
		unsigned long expires = worker->last_active +
					IDLE_WORKER_TIMEOUT;

		if (time_before(jiffies, expires)) {
			mod_timer(&pool->idle_timer, expires);
			break;
		}
		kill_idle_worker(worker);
	}
	raw_spin_unlock_irq(&pool->lock);
}

/* ask @pwq's rescuer for help; pool->lock and wq_mayday_lock held */
static void send_mayday(struct pool_workqueue *pwq)
{
	struct workqueue_struct *wq = pwq->wq;

	lockdep_assert_held(&wq_mayday_lock);

	if (!wq->rescuer || !list_empty(&pwq->mayday_node))
		return;
	/* the rescuer holds this reference until it is done with @pwq */
	pwq->refcnt++;
	list_add_tail(&pwq->mayday_node, &wq->maydays);
	pwq->stats[PWQ_STAT_MAYDAY]++;
	wake_up_process(wq->rescuer->task);
}

/* the manager has not managed to create a worker for a while */
static void pool_mayday_timeout(struct timer_list *t)
{
	struct worker_pool *pool = from_timer(pool, t, mayday_timer);
	struct work_struct *pos;

	raw_spin_lock_irq(&pool->lock);
	/* creating one may wait for memory that these very items free */
	if (need_to_create_worker(pool)) {
		raw_spin_lock(&wq_mayday_lock);
		list_for_each_entry(pos, &pool->worklist, entry)
			send_mayday(get_work_pwq(pos));
		raw_spin_unlock(&wq_mayday_lock);
	}
	raw_spin_unlock_irq(&pool->lock);
	/* and again until the manager succeeds and deletes us */
	mod_timer(&pool->mayday_timer, jiffies + MAYDAY_INTERVAL);
}

/*
 * Become the pool's manager and create workers until an idle one exists.
 * Returns false if another worker already manages (the caller may go on
 * running items), true if pool->lock was dropped and the caller must look
 * at the pool again.
 */
static bool manage_workers(struct worker *worker)
	__releases(&pool->lock) __acquires(&pool->lock)
{
	struct worker_pool *pool = worker->pool;

	if (pool->flags & POOL_MANAGER_ACTIVE)
		return false;
	pool->flags |= POOL_MANAGER_ACTIVE;
	pool->manager = worker;

	do {
		raw_spin_unlock_irq(&pool->lock);
		mod_timer(&pool->mayday_timer, jiffies + MAYDAY_INITIAL_TIMEOUT);
		while (!create_worker(pool) && need_to_create_worker(pool))
			schedule_timeout_interruptible(CREATE_COOLDOWN);
		del_timer_sync(&pool->mayday_timer);
		raw_spin_lock_irq(&pool->lock);
		/* the new worker may already be busy */
	} while (need_to_create_worker(pool));

	pool->flags &= ~POOL_MANAGER_ACTIVE;
	pool->manager = NULL;
	/* put_unbound_pool() may be waiting for the role */
	rcuwait_wake_up(&manager_wait);
	return true;
}

/* ------------------------------------------------------------------------
 * Scheduler hooks: concurrency management and CPU hogs
 */

#ifdef CONFIG_WQ_CPU_INTENSIVE_REPORT
/*
 * Functions that keep tripping the CPU-intensive threshold probably belong
 * on an unbound workqueue.  Report each, backing off exponentially.
 */
#define WCI_MAX_FUNCS	128

static struct {
	work_func_t	func;
	unsigned long	count;
} wci_funcs[WCI_MAX_FUNCS];
static int wci_nr_funcs;
static DEFINE_RAW_SPINLOCK(wci_lock);

static void wq_cpu_intensive_report(work_func_t func)
{
	unsigned int thresh = READ_ONCE(wq_hog_report_thresh);
	unsigned long count = 0;
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&wci_lock, flags);
	for (i = 0; i < wci_nr_funcs && wci_funcs[i].func != func; i++)
		;
	if (i == wci_nr_funcs && i < WCI_MAX_FUNCS) {
		wci_funcs[i].func = func;
		wci_funcs[i].count = 0;
		wci_nr_funcs++;
	}
	if (i < wci_nr_funcs)
		count = ++wci_funcs[i].count;
	raw_spin_unlock_irqrestore(&wci_lock, flags);

	if (thresh && count >= thresh && is_power_of_2(count + 1 - thresh)) {
		/* called under pool->lock from the tick */
		printk_deferred_enter();
		pr_warn("workqueue: %ps hogged CPU for >%luus %lu times, consider switching to WQ_UNBOUND\n",
			func, wq_hog_thresh_us, count);
		printk_deferred_exit();
	}
}
#else
static inline void wq_cpu_intensive_report(work_func_t func) { }
#endif

/**
 * wq_worker_running - a kworker returned from schedule()
 * @task: the kworker
 *
 * Runs on @task's CPU with the task itself current.
 */
void wq_worker_running(struct task_struct *task)
{
	struct worker *self = kthread_data(task);

	/* only undo what wq_worker_sleeping() did */
	if (READ_ONCE(self->sleeping)) {
		/*
		 * Don't let pools_unbind() slip in between the flag test and
		 * the increment: it zeroes nr_running of a pool it
		 * disassociates.
		 */
		preempt_disable();
		if (!(READ_ONCE(self->flags) & WORKER_NOT_RUNNING))
			self->pool->nr_running++;
		preempt_enable();

		/* the CPU-intensive clock restarts after each sleep */
		self->current_at = task->se.sum_exec_runtime;
		WRITE_ONCE(self->sleeping, 0);
	}
}

/**
 * wq_worker_sleeping - a busy kworker is about to block
 * @task: the kworker, which is %current
 *
 * Called from schedule().  If it was the pool's last running worker, wake
 * another one so that the pool's items keep moving.
 */
void wq_worker_sleeping(struct task_struct *task)
{
	struct worker *self = kthread_data(task);
	struct worker_pool *pool;
	bool woke = false;

	/*
	 * Rescuers and disassociated workers stop here, before touching
	 * ->pool; and so does a worker preempted after an earlier call but
	 * before wq_worker_running().
	 */
	if ((self->flags & WORKER_NOT_RUNNING) || READ_ONCE(self->sleeping))
		return;

	WRITE_ONCE(self->sleeping, 1);
	pool = self->pool;
	raw_spin_lock_irq(&pool->lock);
	/* pools_unbind() may have run meanwhile and reset nr_running */
	if (!(self->flags & WORKER_NOT_RUNNING)) {
		pool->nr_running--;
		woke = kick_pool(pool);
	}
	/* concurrency management handed our item's pool to another worker */
	if (woke && self->current_pwq)
		self->current_pwq->stats[PWQ_STAT_CM_WAKEUP]++;
	raw_spin_unlock_irq(&pool->lock);
}

/**
 * wq_worker_tick - scheduler tick while a kworker runs
 * @task: the kworker, %current on this CPU
 *
 * Called in hardirq context.  An item that hogs the CPU past
 * wq_hog_thresh_us stops counting as running so that the other
 * items of its pool get a worker.
 */
void wq_worker_tick(struct task_struct *task)
{
	struct worker *worker = kthread_data(task);
	unsigned long thresh = READ_ONCE(wq_hog_thresh_us);
	struct pool_workqueue *pwq = worker->current_pwq;
	struct worker_pool *pool;

	/* between items there is nothing to charge or to check */
	if (!pwq)
		return;
	pwq->stats[PWQ_STAT_CPU_TIME] += TICK_USEC;
	if (!thresh)
		return;
	/* a sleeping worker was already taken out of nr_running */
	if ((worker->flags & WORKER_NOT_RUNNING) || READ_ONCE(worker->sleeping))
		return;
	if (task->se.sum_exec_runtime - worker->current_at <
	    (u64)thresh * NSEC_PER_USEC)
		return;

	pool = worker->pool;
	raw_spin_lock(&pool->lock);
	worker_set_flags(worker, WORKER_CPU_INTENSIVE);
	pwq->stats[PWQ_STAT_CPU_INTENSIVE]++;
	wq_cpu_intensive_report(worker->current_func);
	/* the hog left the running count: that wake-up is concurrency management's too */
	if (kick_pool(pool))
		pwq->stats[PWQ_STAT_CM_WAKEUP]++;
	raw_spin_unlock(&pool->lock);
}

/**
 * wq_worker_last_func - the last function a kworker ran
 * @task: a kworker
 *
 * Called by psi from the scheduler while @task is switching out and thus
 * not running any item, which keeps the unlocked read stable.
 *
 * Return: the function, or %NULL if @task has not run any item.
 */
work_func_t wq_worker_last_func(struct task_struct *task)
{
	struct worker *self = kthread_data(task);

	return READ_ONCE(self->last_func);
}

/* ------------------------------------------------------------------------
 * pool_workqueues: references and max_active
 *
 * A pwq is referenced by each of its in-flight items, by each wq->cpu_pwq
 * slot and wq->dfl_pwq that points at it, and by the rescuer while it
 * rescues it.  The last put happens under pool->lock, so the pwq is freed
 * from pwq_release_worker.  When a workqueue's last pwq is gone, the
 * workqueue is freed too: destroy_workqueue() only drops the slot
 * references.
 */

static void get_pwq(struct pool_workqueue *pwq)
{
	lockdep_assert_held(&pwq->pool->lock);
	/* only a live pwq can gain references */
	if (!WARN_ON_ONCE(pwq->refcnt <= 0))
		pwq->refcnt++;
}

static void put_pwq(struct pool_workqueue *pwq)
{
	lockdep_assert_held(&pwq->pool->lock);
	if (likely(--pwq->refcnt))
		return;
	if (unlikely(!pwq_release_worker))
		llist_add(&pwq->early_release, &early_pwq_releases);
	else
		kthread_queue_work(pwq_release_worker, &pwq->release_work);
}

static void put_pwq_unlocked(struct pool_workqueue *pwq)
{
	unsigned long flags;

	if (!pwq)
		return;
	/* pools and pwqs are RCU freed, and we hold a reference */
	raw_spin_lock_irqsave(&pwq->pool->lock, flags);
	put_pwq(pwq);
	raw_spin_unlock_irqrestore(&pwq->pool->lock, flags);
}

static bool pwq_idle(struct pool_workqueue *pwq)
{
	return !pwq->nr_active && list_empty(&pwq->inactive_works);
}

/*
 * Move the first inactive item of @pwq (and its barriers) to the worklist.
 * The caller has already taken the max_active slot for it.
 */
static void pwq_activate_first(struct pool_workqueue *pwq)
{
	struct worker_pool *pool = pwq->pool;
	struct work_struct *work = list_first_entry(&pwq->inactive_works,
						    struct work_struct, entry);

	lockdep_assert_held(&pool->lock);

	trace_workqueue_activate_work(work);
	pool_start_clock(pool);
	move_linked_works(work, &pool->worklist);
	__clear_bit(WORK_STRUCT_INACTIVE_BIT, work_data_bits(work));
}

/*
 * Take a slot of an unbound workqueue's shared max_active count for @pwq.
 * If none is free, @pwq joins the waiters in the same critical section, so
 * a slot freed right after cannot be missed.
 */
static bool wq_active_tryget(struct pool_workqueue *pwq)
{
	struct wq_active *wa = &pwq->wq->active;
	bool ok;

	raw_spin_lock(&wa->lock);
	ok = !pwq->plugged && wa->nr < wa->max;
	if (ok)
		wa->nr++;
	else if (!pwq->plugged && list_empty(&pwq->wait_node))
		list_add_tail(&pwq->wait_node, &wa->waiters);
	raw_spin_unlock(&wa->lock);
	return ok;
}

/* take a max_active slot for one item of @pwq */
static bool pwq_tryget_active(struct pool_workqueue *pwq)
{
	struct workqueue_struct *wq = pwq->wq;
	bool ok;

	lockdep_assert_held(&pwq->pool->lock);

	if (!(wq->flags & WQ_UNBOUND))
		ok = pwq->nr_active < READ_ONCE(wq->max_active);
	else
		ok = wq_active_tryget(pwq);
	if (ok)
		pwq->nr_active++;
	return ok;
}

/*
 * An item of an unbound workqueue finished (or was cancelled) while
 * active: give its slot to the first waiting pwq.  That pwq may belong to
 * another pool; then @caller's lock is dropped while the other pool is
 * locked, and taken again before returning.
 */
static void wq_pass_active(struct workqueue_struct *wq,
			   struct worker_pool *caller)
	__releases(&caller->lock) __acquires(&caller->lock)
{
	struct worker_pool *locked = caller;
	struct wq_active *wa = &wq->active;
	struct pool_workqueue *pwq;

	rcu_read_lock();	/* @pwq and its pool outlive our reservation */
	raw_spin_lock(&wa->lock);
	wa->nr--;
	while (wa->nr < wa->max &&
	       (pwq = list_first_entry_or_null(&wa->waiters,
					       struct pool_workqueue,
					       wait_node))) {
		/* reserve a slot for @pwq before letting go of wa->lock */
		list_del_init(&pwq->wait_node);
		wa->nr++;

		if (pwq->pool != locked) {
			raw_spin_unlock(&wa->lock);
			raw_spin_unlock(&locked->lock);
			locked = pwq->pool;
			raw_spin_lock(&locked->lock);
			raw_spin_lock(&wa->lock);
		}

		/* its items may have been cancelled meanwhile */
		if (pwq->plugged || list_empty(&pwq->inactive_works)) {
			wa->nr--;
			continue;
		}

		pwq->nr_active++;
		pwq_activate_first(pwq);
		if (!list_empty(&pwq->inactive_works) &&
		    list_empty(&pwq->wait_node))
			list_add_tail(&pwq->wait_node, &wa->waiters);
		kick_pool(locked);
	}
	raw_spin_unlock(&wa->lock);

	if (locked != caller) {
		raw_spin_unlock(&locked->lock);
		raw_spin_lock(&caller->lock);
	}
	rcu_read_unlock();
}

/* activate the first inactive item of @pwq if it gets a slot (pool->lock) */
static bool pwq_activate_next(struct pool_workqueue *pwq)
{
	if (list_empty(&pwq->inactive_works) || !pwq_tryget_active(pwq))
		return false;
	pwq_activate_first(pwq);
	kick_pool(pwq->pool);
	return true;
}

/* an active item of @pwq is done; may drop pool->lock for unbound wqs */
static void pwq_put_active(struct pool_workqueue *pwq)
{
	pwq->nr_active--;
	if (pwq->wq->flags & WQ_UNBOUND)
		wq_pass_active(pwq->wq, pwq->pool);
	else
		pwq_activate_next(pwq);
}

/*
 * max_active went up (thaw, workqueue_set_max_active(), unplugging):
 * activate inactive items round robin across the pwqs while slots last.
 */
static void wq_refill_active(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;
	bool progress;

	lockdep_assert_held(&wq->mutex);

	do {
		progress = false;
		for_each_pwq(pwq, wq) {
			struct worker_pool *pool = pwq->pool;
			unsigned long flags;

			/* may run in early boot with IRQs still disabled */
			raw_spin_lock_irqsave(&pool->lock, flags);
			progress |= pwq_activate_next(pwq);
			raw_spin_unlock_irqrestore(&pool->lock, flags);
		}
	} while (progress);
}

/* apply saved_max_active, or 0 to a freezable workqueue while freezing */
static void wq_update_max_active(struct workqueue_struct *wq)
{
	bool frozen = (wq->flags & WQ_FREEZABLE) && workqueue_freezing;
	int max = frozen ? 0 : wq->saved_max_active;

	lockdep_assert_held(&wq->mutex);

	if (max == wq->max_active)
		return;

	WRITE_ONCE(wq->max_active, max);
	if (wq->flags & WQ_UNBOUND) {
		unsigned long flags;

		/* may run in early boot with IRQs still disabled */
		raw_spin_lock_irqsave(&wq->active.lock, flags);
		wq->active.max = max;
		raw_spin_unlock_irqrestore(&wq->active.lock, flags);
	}
	if (max)
		wq_refill_active(wq);
}

/*
 * An item of @pwq leaves the workqueue, finished or cancelled.  @data is
 * its work->data while it was queued.  Must be the caller's last use of the
 * item's state: for unbound wqs pool->lock may be dropped on the way.
 */
static void pwq_dec_nr_in_flight(struct pool_workqueue *pwq,
				 unsigned long data)
{
	int color = data_color(data);

	lockdep_assert_held(&pwq->pool->lock);

	if (!(data & WORK_STRUCT_INACTIVE))
		pwq_put_active(pwq);

	pwq->nr_in_flight[color]--;
	if (unlikely(pwq->flush_color == color) && !pwq->nr_in_flight[color]) {
		/* this pwq is done with the color being flushed */
		pwq->flush_color = -1;
		if (atomic_dec_and_test(&pwq->wq->nr_pwqs_to_flush))
			complete(&pwq->wq->flush_leader->done);
	}
	put_pwq(pwq);
}

/* an ordered wq runs only its oldest pwq; call when the oldest went away */
static void wq_unplug_oldest(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;

	lockdep_assert_held(&wq->mutex);

	pwq = list_first_entry_or_null(&wq->pwqs, struct pool_workqueue,
				       pwqs_node);
	if (!pwq)
		return;
	raw_spin_lock_irq(&pwq->pool->lock);
	pwq->plugged = false;
	raw_spin_unlock_irq(&pwq->pool->lock);
	wq_refill_active(wq);
}

static void put_unbound_pool(struct worker_pool *pool);

/* undo the key registration of wq_init_lockdep(); may sleep */
static void wq_exit_lockdep(struct workqueue_struct *wq)
{
#ifdef CONFIG_LOCKDEP
	if (wq->lockdep_map == &wq->own_lockdep_map)
		lockdep_unregister_key(&wq->key);
#endif
}

/* free @wq and what it owns, after wq_exit_lockdep(); any context */
static void wq_free(struct workqueue_struct *wq)
{
#ifdef CONFIG_LOCKDEP
	if (wq->lockdep_map == &wq->own_lockdep_map && wq->lock_name != wq->name)
		kfree(wq->lock_name);
#endif
	free_percpu(wq->cpu_pwq);
	free_workqueue_attrs(wq->unbound_attrs);
	kfree(wq);
}

static void rcu_free_wq(struct rcu_head *rcu)
{
	wq_free(container_of(rcu, struct workqueue_struct, rcu));
}

static void pwq_release_workfn(struct kthread_work *work)
{
	struct pool_workqueue *pwq =
		container_of(work, typeof(*pwq), release_work);
	struct workqueue_struct *wq = pwq->wq;
	bool wq_gone = false;

	/* a pwq that was never linked must not touch @wq: it may be freed */
	if (!list_empty(&pwq->pwqs_node)) {
		if (!list_empty(&pwq->wait_node)) {
			raw_spin_lock_irq(&wq->active.lock);
			list_del_init(&pwq->wait_node);
			raw_spin_unlock_irq(&wq->active.lock);
		}

		guard(mutex)(&wq->mutex);
		list_del_rcu(&pwq->pwqs_node);
		/* the oldest left of an ordered wq may run now */
		if (!list_empty(&wq->pwqs) && (wq->flags & __WQ_ORDERED))
			wq_unplug_oldest(wq);
		wq_gone = list_empty(&wq->pwqs);
	}

	if (pwq->pool->cpu < 0) {
		guard(mutex)(&wq_pool_mutex);
		put_unbound_pool(pwq->pool);
	}
	kfree_rcu(pwq, rcu);
	/* the last pwq of a destroyed wq frees it, after a grace period */
	if (!wq_gone)
		return;
	wq_exit_lockdep(wq);
	call_rcu(&wq->rcu, rcu_free_wq);
}

static void init_pwq(struct pool_workqueue *pwq, struct workqueue_struct *wq,
		     struct worker_pool *pool)
{
	memset(pwq, 0, sizeof(*pwq));
	pwq->pool = pool;
	pwq->wq = wq;
	pwq->refcnt = 1;
	pwq->flush_color = -1;
	INIT_LIST_HEAD(&pwq->inactive_works);
	INIT_LIST_HEAD(&pwq->wait_node);
	INIT_LIST_HEAD(&pwq->pwqs_node);
	INIT_LIST_HEAD(&pwq->mayday_node);
	kthread_init_work(&pwq->release_work, pwq_release_workfn);
}

/* make @pwq one of @wq's pwqs; nothing happens if it already is */
static void link_pwq(struct pool_workqueue *pwq)
{
	lockdep_assert_held(&pwq->wq->mutex);

	if (list_empty(&pwq->pwqs_node)) {
		/* new items of this pwq join the current flush color */
		pwq->work_color = pwq->wq->work_color;
		list_add_tail_rcu(&pwq->pwqs_node, &pwq->wq->pwqs);
	}
}

/* ------------------------------------------------------------------------
 * Queueing
 */

/* put owned @work on @head of @pwq's pool; pool->lock held */
static void insert_work(struct pool_workqueue *pwq, struct work_struct *work,
			struct list_head *head, unsigned long flags)
{
	struct worker_pool *pool = pwq->pool;

	if (head == &pool->worklist)
		pool_start_clock(pool);
	get_pwq(pwq);
	work_set_queued(work, pwq, flags);
	list_add_tail(&work->entry, head);
	work_odebug_activate(work);
	/* KASAN reports on @work will show where it was queued */
	kasan_record_aux_stack_noalloc(work);
}

/* an ordered unbound wq: one pwq, reached through wq->dfl_pwq */
static bool wq_is_ordered_unbound(struct workqueue_struct *wq)
{
	return (wq->flags & (WQ_UNBOUND | __WQ_ORDERED)) ==
		(WQ_UNBOUND | __WQ_ORDERED);
}

/* is %current running an item of @wq? */
static bool is_chained_work(struct workqueue_struct *wq)
{
	struct worker *worker = current_wq_worker();

	return worker && worker->current_pwq && worker->current_pwq->wq == wq;
}

/*
 * CPU for an unbound item queued on @cpu: @cpu itself if unbound work may
 * run there, else the next allowed online CPU, round robin.
 */
static int wq_select_unbound_cpu(int cpu)
{
	int next;

	if (unlikely(wq_debug_force_rr_cpu))
		pr_warn_once("workqueue: round-robin CPU selection forced, expect performance impact\n");
	else if (cpumask_test_cpu(cpu, wq_unbound_cpumask))
		return cpu;

	next = cpumask_next_and(__this_cpu_read(wq_rr_cpu_last),
				wq_unbound_cpumask, cpu_online_mask);
	if (next >= nr_cpu_ids)
		next = cpumask_first_and(wq_unbound_cpumask, cpu_online_mask);
	if (next >= nr_cpu_ids)
		return cpu;
	__this_cpu_write(wq_rr_cpu_last, next);
	return next;
}

/*
 * Lock the pool of @pwq and return @pwq; but for non-reentrancy, an item
 * still running on another pool of @pwq's wq must be queued there: then
 * lock that pool and return the pwq the item runs for.  Most items come
 * back to the pool they last ran on, which the pool id in work->data tells
 * without a lookup.
 */
static struct pool_workqueue *lock_pwq_or_running(struct pool_workqueue *pwq,
						  struct work_struct *work)
	__acquires(&pool->lock)
{
	unsigned long data = work_data(work);
	struct worker_pool *last_pool = NULL;
	struct worker *running;

	if ((data & WORK_STRUCT_PWQ) || offq_pool_id(data) != pwq->pool->id)
		last_pool = get_work_pool(work);
	if (last_pool && last_pool != pwq->pool) {
		raw_spin_lock(&last_pool->lock);
		running = find_running_worker(last_pool, work);
		if (running && running->current_pwq->wq == pwq->wq)
			return running->current_pwq;
		raw_spin_unlock(&last_pool->lock);
	}
	raw_spin_lock(&pwq->pool->lock);
	return pwq;
}

/* the pwq of @wq that @work goes to, with its pool locked; RCU held */
static struct pool_workqueue *lock_target_pwq(struct workqueue_struct *wq,
					      int cpu, struct work_struct *work)
	__acquires(&pool->lock)
{
	struct pool_workqueue *pwq;

	/*
	 * An ordered wq has a single pwq.  Reading it from one pointer rather
	 * than from the per-CPU slots, which apply_wqattrs_commit() replaces
	 * one by one, never puts an item on an older pwq than an item queued
	 * before it.  Its single active pwq also serializes everything, so
	 * the non-reentrancy check is not needed.
	 */
	if (wq_is_ordered_unbound(wq)) {
		pwq = rcu_dereference(wq->dfl_pwq);
		raw_spin_lock(&pwq->pool->lock);
		return pwq;
	}

	if (cpu == WORK_CPU_UNBOUND) {
		cpu = raw_smp_processor_id();
		if (wq->flags & WQ_UNBOUND)
			cpu = wq_select_unbound_cpu(cpu);
	}
	pwq = rcu_dereference(*per_cpu_ptr(wq->cpu_pwq, cpu));
	return lock_pwq_or_running(pwq, work);
}

/*
 * lock_target_pwq(), again while the pwq found is dead: an unbound pwq may
 * have been replaced and released under us.  A live replacement is
 * installed before the old one can die, so a retry finds it.
 */
static struct pool_workqueue *lock_live_pwq(struct workqueue_struct *wq,
					    int cpu, struct work_struct *work)
	__acquires(&pool->lock)
{
	struct pool_workqueue *pwq;

	for (;;) {
		pwq = lock_target_pwq(wq, cpu, work);
		if (likely(pwq->refcnt))
			return pwq;
		if (WARN_ONCE(!(wq->flags & WQ_UNBOUND),
			      "workqueue: per-cpu pwq for %s on cpu%d has 0 refcnt",
			      wq->name, pwq->pool->cpu))
			return pwq;
		raw_spin_unlock(&pwq->pool->lock);
		cpu_relax();
	}
}

/*
 * Put owned @work on @pwq: on the pool's worklist if the pwq has an active
 * slot for it, else behind the pwq's inactive items.  pool->lock held.
 */
static void pwq_add_work(struct pool_workqueue *pwq, struct work_struct *work)
{
	unsigned long flags = color_bits(pwq->work_color);

	pwq->nr_in_flight[pwq->work_color]++;

	/* items wait behind older inactive ones to keep their order */
	if (list_empty(&pwq->inactive_works) && pwq_tryget_active(pwq)) {
		trace_workqueue_activate_work(work);
		insert_work(pwq, work, &pwq->pool->worklist, flags);
		kick_pool(pwq->pool);
	} else {
		insert_work(pwq, work, &pwq->inactive_works,
			    flags | WORK_STRUCT_INACTIVE);
	}
}

/*
 * Queue owned @work on @wq for @cpu (or WORK_CPU_UNBOUND).  IRQs off: the
 * PENDING bit is ours and the item must not stay in limbo across an IRQ.
 */
static void __queue_work(int cpu, struct workqueue_struct *wq,
			 struct work_struct *work)
{
	struct pool_workqueue *pwq;

	lockdep_assert_irqs_disabled();

	/* a draining or dying wq accepts items only from its own items */
	if (unlikely(wq->flags & (__WQ_DESTROYING | __WQ_DRAINING)) &&
	    WARN_ON_ONCE(!is_chained_work(wq)))
		return;

	rcu_read_lock();
	pwq = lock_live_pwq(wq, cpu, work);
	trace_workqueue_queue_work(cpu, pwq, work);
	if (!WARN_ON(!list_empty(&work->entry)))
		pwq_add_work(pwq, work);
	raw_spin_unlock(&pwq->pool->lock);
	rcu_read_unlock();
}

/**
 * queue_work_on - queue a work item on a specific CPU
 * @cpu: CPU to run @work on, or %WORK_CPU_UNBOUND for the local one
 * @wq: workqueue to use
 * @work: work item to queue
 *
 * The caller must make sure @cpu stays online, or the item may run on any
 * CPU.  A CPU that was never online can not run it at all.  Queueing a
 * disabled item (disable_work()) does nothing.
 *
 * Return: %false if @work was already pending or is disabled, %true if it
 * was queued.
 */
bool queue_work_on(int cpu, struct workqueue_struct *wq,
		   struct work_struct *work)
{
	unsigned long irq_flags;
	bool queued;

	local_irq_save(irq_flags);
	queued = work_claim(work);
	if (queued)
		__queue_work(cpu, wq, work);
	local_irq_restore(irq_flags);
	return queued;
}
EXPORT_SYMBOL(queue_work_on);

/* an online CPU of @node, preferring this one; WORK_CPU_UNBOUND if none */
static int node_cpu(int node)
{
	int here = raw_smp_processor_id(), cpu = nr_cpu_ids;

	if (node >= 0 && node < MAX_NUMNODES && node_online(node))
		cpu = cpu_to_node(here) == node ? here :
		      cpumask_any_and(cpumask_of_node(node), cpu_online_mask);
	return cpu < nr_cpu_ids ? cpu : WORK_CPU_UNBOUND;
}

/**
 * queue_work_node - queue a work item on a CPU of a NUMA node
 * @node: the preferred NUMA node
 * @wq: unbound workqueue to use
 * @work: work item to queue
 *
 * Best effort: the item runs in the pod of an online CPU of @node, chosen as
 * the local CPU if it is on @node, else the first online one.  An invalid
 * or offline @node behaves like queue_work().
 *
 * Return: %false if @work was already pending or is disabled, %true if it
 * was queued.
 */
bool queue_work_node(int node, struct workqueue_struct *wq,
		     struct work_struct *work)
{
	/* per-CPU wqs would need round robin within the node; not done */
	WARN_ON_ONCE(!(wq->flags & WQ_UNBOUND));
	return queue_work_on(node_cpu(node), wq, work);
}
EXPORT_SYMBOL_GPL(queue_work_node);

static void enqueue_delayed_work(int cpu, struct workqueue_struct *wq,
				 struct delayed_work *dwork,
				 unsigned long delay)
{
	struct timer_list *timer = &dwork->timer;

	WARN_ON_ONCE(!wq);
	WARN_ON_ONCE(!list_empty(&dwork->work.entry));
	WARN_ON_ONCE(timer_pending(timer));
	WARN_ON_ONCE(timer->function != delayed_work_timer_fn);

	/* what delayed_work_timer_fn() will need */
	dwork->wq = wq;
	dwork->cpu = cpu;
	/* no delay means now, not at the next tick */
	if (!delay) {
		__queue_work(cpu, wq, &dwork->work);
		return;
	}
	timer->expires = jiffies + delay;

	if (housekeeping_enabled(HK_TYPE_TIMER)) {
		/* keep the timer off isolated CPUs */
		int tcpu = smp_processor_id();

		if (!housekeeping_test_cpu(tcpu, HK_TYPE_TIMER))
			tcpu = housekeeping_any_cpu(HK_TYPE_TIMER);
		add_timer_on(timer, tcpu);
	} else if (cpu == WORK_CPU_UNBOUND) {
		add_timer_global(timer);
	} else {
		add_timer_on(timer, cpu);
	}
}

/**
 * queue_delayed_work_on - queue a work item on a CPU after a delay
 * @cpu: CPU to run the item on, or %WORK_CPU_UNBOUND
 * @wq: workqueue to use
 * @dwork: delayed work item to queue
 * @delay: jiffies to wait; 0 queues at once
 *
 * Return: %false if @dwork was already pending or is disabled, %true if it
 * was queued.
 */
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay)
{
	unsigned long irq_flags;
	bool queued;

	local_irq_save(irq_flags);
	queued = work_claim(&dwork->work);
	if (queued)
		enqueue_delayed_work(cpu, wq, dwork, delay);
	local_irq_restore(irq_flags);
	return queued;
}
EXPORT_SYMBOL(queue_delayed_work_on);

/*
 * What a cancel does besides taking the item off its queue and its timer,
 * or-ed together: see __cancel_work().
 */
enum cancel_flags {
	WORK_CANCEL_DISABLE	= BIT(0),	/* raise its disable count */
	WORK_CANCEL_SYNC	= BIT(1),	/* wait while it runs */
};

static bool try_to_grab_pending(struct work_struct *work,
				struct timer_list *timer,
				unsigned long *irq_flags);

/**
 * mod_delayed_work_on - queue a delayed work item, or change its delay
 * @cpu: CPU to run the item on, or %WORK_CPU_UNBOUND
 * @wq: workqueue to use
 * @dwork: delayed work item
 * @delay: jiffies to wait from now; 0 queues at once
 *
 * Whatever state @dwork is in, it ends up queued to run after @delay
 * (unless disabled).  Safe from any context, including IRQ handlers.
 *
 * Return: %true if @dwork was pending and got its delay changed, %false if
 * it was idle and got queued.
 */
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
			 struct delayed_work *dwork, unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	unsigned long irq_flags;
	bool was_pending = try_to_grab_pending(work, &dwork->timer, &irq_flags);

	/* ours now, whatever it was doing; unless disabled, queue it anew */
	if (!work_refuse_if_disabled(work))
		enqueue_delayed_work(cpu, wq, dwork, delay);
	local_irq_restore(irq_flags);
	return was_pending;
}
EXPORT_SYMBOL_GPL(mod_delayed_work_on);

static void rcu_work_rcufn(struct rcu_head *head);

/**
 * queue_rcu_work - queue a work item after an RCU grace period
 * @wq: workqueue to use
 * @rwork: rcu work item to queue
 *
 * A full grace period passes before the item runs only if this returns
 * %true.  After %false the pending instance will still run, possibly
 * before a full grace period since this call.  An rcu_work can not be
 * cancelled or disabled.
 *
 * Return: %false if @rwork was already pending, %true otherwise.
 */
bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *rwork)
{
	struct work_struct *work = &rwork->work;

	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	/* someone disabled the inner work item behind our back */
	if (WARN_ON_ONCE(work_refuse_if_disabled(work)))
		return false;

	rwork->wq = wq;
	call_rcu_hurry(&rwork->rcu, rcu_work_rcufn);
	return true;
}
EXPORT_SYMBOL(queue_rcu_work);

/* the grace period is over: queue for real */
static void rcu_work_rcufn(struct rcu_head *head)
{
	struct rcu_work *rwork = container_of(head, struct rcu_work, rcu);
	unsigned long irq_flags;

	local_irq_save(irq_flags);
	__queue_work(WORK_CPU_UNBOUND, rwork->wq, &rwork->work);
	local_irq_restore(irq_flags);
}

/**
 * delayed_work_timer_fn - queue a delayed work item when its timer fires
 * @t: the delayed work's timer
 *
 * The timer is IRQ-safe, so IRQs are already off as __queue_work() wants.
 */
void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);

	__queue_work(dwork->cpu, dwork->wq, &dwork->work);
}
EXPORT_SYMBOL(delayed_work_timer_fn);

/* ------------------------------------------------------------------------
 * Running items: the worker loop and the rescuer
 */

/*
 * @worker takes @work, an item of @pwq: off its list and into busy_hash,
 * where find_running_worker() sees it, then released, so that it may be
 * queued again.  pool->lock held.
 */
static void worker_take_work(struct worker *worker, struct work_struct *work,
			     struct pool_workqueue *pwq, unsigned long data)
{
	struct worker_pool *pool = worker->pool;

	list_del_init(&work->entry);
	work_odebug_deactivate(work);
	worker->current_func = work->func;
	worker->current_work = work;
	worker->current_pwq = pwq;
	worker->current_color = data_color(data);
	hash_add(pool->busy_hash, &worker->busy_node, (unsigned long)work);
	pwq->stats[PWQ_STAT_STARTED]++;
	/* BH workers have no task to charge or to name */
	if (worker->task) {
		worker->current_at = worker->task->se.sum_exec_runtime;
		strscpy(worker->desc, pwq->wq->name, WORKER_DESC_LEN);
	}
	pool->watchdog_ts = jiffies;
	WARN_ON_ONCE(!(pool->flags & POOL_DISASSOCIATED) &&
		     raw_smp_processor_id() != pool->cpu);

	/* a CPU-intensive item lets the scheduler, not the pool, decide */
	if (unlikely(pwq->wq->flags & WQ_CPU_INTENSIVE))
		worker_set_flags(worker, WORKER_CPU_INTENSIVE);
	/* workers that don't count must hand remaining items on themselves */
	kick_pool(pool);

	/* from here on the item may be queued again, even run elsewhere */
	work_release(work, pool_offq(pool));
}

/* what an item's function must not leave behind */
static void worker_check_leaks(struct worker *worker, int lock_depth,
			       int rcu_depth)
{
	if (likely(lockdep_depth(current) == lock_depth &&
		   rcu_preempt_depth() == rcu_depth &&
		   (!worker->task || !preempt_count())))
		return;

	pr_err("BUG: workqueue leaked atomic, lock or RCU: %s[%d]\n"
	       "     preempt=0x%08x lock=%d->%d RCU=%d->%d workfn=%ps\n",
	       current->comm, task_pid_nr(current), preempt_count(),
	       lock_depth, lockdep_depth(current), rcu_depth,
	       rcu_preempt_depth(), worker->current_func);
	debug_show_held_locks(current);
	dump_stack();
}

/*
 * Call the function of @work, which @worker has taken, without pool->lock,
 * inside the lockdep maps of its workqueue and of the item, which let
 * lockdep see a flush that would deadlock.
 */
static void worker_call_work(struct worker *worker, struct work_struct *work,
			     bool bh_draining)
{
	int rcu_depth = rcu_preempt_depth();
	int lock_depth = lockdep_depth(current);
#ifdef CONFIG_LOCKDEP
	struct lockdep_map *wq_map = worker->current_pwq->wq->lockdep_map;
	/* the function may free @work: lockdep must use a copy of its map */
	struct lockdep_map work_map;

	lockdep_copy_map(&work_map, &work->lockdep_map);
#endif
	/*
	 * A drained BH item runs nested inside another BH item, possibly of
	 * the same workqueue: its map would be taken recursively.
	 */
	if (!bh_draining)
		lock_map_acquire(wq_map);
	lock_map_acquire(&work_map);
	/*
	 * Only the maps taken above may be held across the function for
	 * flush dependencies; waiting for a completion inside is fine.
	 */
	lockdep_invariant_state(true);
	trace_workqueue_execute_start(work);
	worker->current_func(work);
	/* @work may be gone, the tracepoint records the address only */
	trace_workqueue_execute_end(work, worker->current_func);
	lock_map_release(&work_map);
	if (!bh_draining)
		lock_map_release(wq_map);

	worker_check_leaks(worker, lock_depth, rcu_depth);
}

/* @worker is done with its item of @pwq; pool->lock held, may be dropped */
static void worker_retire_work(struct worker *worker,
			       struct pool_workqueue *pwq, unsigned long data)
{
	/* psi asks for this once we sleep, see wq_worker_last_func() */
	WRITE_ONCE(worker->last_func, worker->current_func);
	pwq->stats[PWQ_STAT_COMPLETED]++;
	worker_clr_flags(worker, WORKER_CPU_INTENSIVE);
	worker->current_pwq = NULL;
	worker->current_func = NULL;
	worker->current_work = NULL;
	hash_del(&worker->busy_node);
	/* last, it may drop pool->lock */
	pwq_dec_nr_in_flight(pwq, data);
}

/*
 * Run @work, which is on @worker->scheduled: take it, call its function,
 * retire it.  Entered and left with pool->lock held; the lock is dropped
 * around the call.  Never inlined: stack traces of a running item (stall
 * and hung-task reports) show this frame by v6.12's name.
 */
static noinline void process_one_work(struct worker *worker,
				      struct work_struct *work)
	__releases(&pool->lock) __acquires(&pool->lock)
{
	struct worker_pool *pool = worker->pool;
	unsigned long data = work_data(work);
	struct pool_workqueue *pwq = data_pwq(data);
	bool bh_draining = pool->flags & POOL_BH_DRAINING;

	worker_take_work(worker, work, pwq, data);
	raw_spin_unlock_irq(&pool->lock);

	worker_call_work(worker, work, bh_draining);
	/*
	 * On !PREEMPTION kernels an item that requeues itself forever would
	 * otherwise starve stop_machine() and RCU on this CPU.
	 */
	if (worker->task)
		cond_resched();

	raw_spin_lock_irq(&pool->lock);
	worker_retire_work(worker, pwq, data);
}

/* run everything on @worker->scheduled, which may grow meanwhile */
static void process_scheduled_works(struct worker *worker)
{
	struct work_struct *work;

	while ((work = list_first_entry_or_null(&worker->scheduled,
						struct work_struct, entry)))
		process_one_work(worker, work);
}

/*
 * Run items of the pool until concurrency management says another worker
 * should, or nothing is left.  pool->lock held, may be dropped.
 */
static void worker_run_pool(struct worker *worker)
{
	struct worker_pool *pool = worker->pool;

	if (!need_more_worker(pool))
		return;
	/* keep an idle worker around to take over when we block */
	while (!pool->nr_idle && manage_workers(worker))
		if (!need_more_worker(pool))
			return;

	WARN_ON_ONCE(!list_empty(&worker->scheduled));
	/* start counting as running; a rebound worker is counted again here */
	worker_clr_flags(worker, WORKER_PREP | WORKER_REBOUND);

	do {
		struct work_struct *work = list_first_entry(&pool->worklist,
							    struct work_struct,
							    entry);

		if (assign_work(work, worker))
			process_scheduled_works(worker);
	} while (keep_working(pool));

	worker_set_flags(worker, WORKER_PREP);
}

static int worker_thread(void *arg)
{
	struct worker *worker = arg;
	struct worker_pool *pool = worker->pool;

	worker_mark_task(true);

	for (;;) {
		raw_spin_lock_irq(&pool->lock);
		if (unlikely(worker->flags & WORKER_DIE)) {
			/* a wakeup meant for work may have hit us: pass it on */
			kick_pool(pool);
			break;
		}

		worker_leave_idle(worker);
		worker_run_pool(worker);
		worker_enter_idle(worker);

		/*
		 * Wakeups come under pool->lock, so setting the state before
		 * unlocking can not lose one.
		 */
		__set_current_state(TASK_IDLE);
		raw_spin_unlock_irq(&pool->lock);
		schedule();
	}
	raw_spin_unlock_irq(&pool->lock);

	worker_exit(worker);
	return 0;
}

/* the first item of @pwq waiting on its pool's worklist */
static struct work_struct *first_pwq_work(struct pool_workqueue *pwq)
{
	struct work_struct *work;

	list_for_each_entry(work, &pwq->pool->worklist, entry)
		if (get_work_pwq(work) == pwq)
			return work;
	return NULL;
}

/*
 * Run @pwq's items in its pool for as long as the pool can't get a worker.
 * Returns true if the rescuer should come back to @pwq later.
 */
static bool rescue_pwq(struct worker *rescuer, struct pool_workqueue *pwq)
{
	struct worker_pool *pool = pwq->pool;
	struct work_struct *work;
	bool again = false;
	int done = 0;

	worker_attach(rescuer, pool);
	raw_spin_lock_irq(&pool->lock);

	WARN_ON_ONCE(!list_empty(&rescuer->scheduled));
	while (pwq->nr_active && need_to_create_worker(pool) &&
	       (work = first_pwq_work(pwq))) {
		if (assign_work(work, rescuer)) {
			pwq->stats[PWQ_STAT_RESCUED]++;
			process_scheduled_works(rescuer);
		}
		/* take turns with other workqueues' pwqs waiting for us */
		if (++done >= RESCUER_BATCH &&
		    !list_empty(&pwq->wq->maydays)) {
			again = true;
			break;
		}
	}

	/* leaving: make sure the regular workers carry on */
	kick_pool(pool);
	raw_spin_unlock_irq(&pool->lock);
	worker_detach(rescuer);
	return again;
}

/*
 * Put the pwqs that send_mayday() pinned for a rescuer that is gone without
 * serving them: kthread_stop() before its first run means rescuer_thread()
 * is never called.  wq->rescuer is NULL, so no more come.
 */
static void drop_maydays(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;

	raw_spin_lock_irq(&wq_mayday_lock);
	while ((pwq = list_first_entry_or_null(&wq->maydays,
					       struct pool_workqueue,
					       mayday_node))) {
		list_del_init(&pwq->mayday_node);
		raw_spin_unlock_irq(&wq_mayday_lock);
		put_pwq_unlocked(pwq);
		raw_spin_lock_irq(&wq_mayday_lock);
	}
	raw_spin_unlock_irq(&wq_mayday_lock);
}

/*
 * A WQ_MEM_RECLAIM workqueue's rescuer.  When a pool can't create workers,
 * possibly because creating one needs memory that only its items would
 * free, the mayday timer hands the pool's pwqs of such workqueues to their
 * rescuers, which run the items themselves.
 */
static int rescuer_thread(void *arg)
{
	struct worker *rescuer = arg;
	struct workqueue_struct *wq = rescuer->rescue_wq;
	bool stop;

	/* a worker for the scheduler, but WORKER_PREP keeps it uncounted */
	worker_mark_task(true);
	set_user_nice(current, RESCUER_NICE_LEVEL);

	for (;;) {
		set_current_state(TASK_IDLE);
		/* drain ->maydays even when stopping: they hold references */
		stop = kthread_should_stop();

		raw_spin_lock_irq(&wq_mayday_lock);
		while (!list_empty(&wq->maydays)) {
			struct pool_workqueue *pwq =
				list_first_entry(&wq->maydays,
						 struct pool_workqueue,
						 mayday_node);

			__set_current_state(TASK_RUNNING);
			list_del_init(&pwq->mayday_node);
			raw_spin_unlock_irq(&wq_mayday_lock);

			if (rescue_pwq(rescuer, pwq)) {
				raw_spin_lock_irq(&pwq->pool->lock);
				raw_spin_lock(&wq_mayday_lock);
				send_mayday(pwq);
				raw_spin_unlock(&wq_mayday_lock);
				raw_spin_unlock_irq(&pwq->pool->lock);
			}
			/* send_mayday()'s reference; the pool may go after it */
			put_pwq_unlocked(pwq);

			raw_spin_lock_irq(&wq_mayday_lock);
		}
		raw_spin_unlock_irq(&wq_mayday_lock);

		if (stop)
			break;
		WARN_ON_ONCE(!(rescuer->flags & WORKER_NOT_RUNNING));
		schedule();
	}

	__set_current_state(TASK_RUNNING);
	worker_mark_task(false);
	return 0;
}

/* ------------------------------------------------------------------------
 * BH pools
 *
 * A BH pool has one worker without a task: the softirq of its CPU.  Items
 * run from workqueue_softirq_action(), called by the TASKLET and HI
 * softirqs, in queueing order.  Each run is bounded like other softirq
 * work and raises the softirq again if items remain.
 */

static void bh_worker(struct worker *worker)
{
	struct worker_pool *pool = worker->pool;
	unsigned long end = jiffies + BH_WORKER_JIFFIES;
	int restarts = BH_WORKER_RESTARTS;

	raw_spin_lock_irq(&pool->lock);
	worker_leave_idle(worker);

	/*
	 * A BH pool stays DISASSOCIATED and its worker WORKER_UNBOUND: it
	 * never counts in nr_running, so there is no WORKER_PREP to clear.
	 */
	while (!list_empty(&pool->worklist) && restarts-- > 0 &&
	       time_before(jiffies, end)) {
		struct work_struct *work = list_first_entry(&pool->worklist,
							    struct work_struct,
							    entry);

		if (assign_work(work, worker))
			process_scheduled_works(worker);
	}

	worker_enter_idle(worker);
	/* items left over: come back in a later softirq run */
	kick_pool(pool);
	raw_spin_unlock_irq(&pool->lock);
}

/**
 * workqueue_softirq_action - run the BH items of this CPU
 * @highpri: run the highpri BH pool (HI_SOFTIRQ) instead of the normal one
 *
 * Called from the tasklet softirq actions.
 */
void workqueue_softirq_action(bool highpri)
{
	struct worker_pool *pool = &this_cpu_ptr(bh_pools)[highpri];

	/* an unlocked peek: a racing queuer raises the softirq again */
	if (need_more_worker(pool))
		bh_worker(bh_pool_worker(pool));
}

struct bh_drain_work {
	struct work_struct	work;
	struct worker_pool	*pool;
	struct completion	done;
};

/* runs in this CPU's softirq the BH items left on a dead CPU's @pool */
static void drain_dead_softirq_workfn(struct work_struct *work)
{
	struct bh_drain_work *drain = container_of(work, struct bh_drain_work,
						   work);
	struct worker_pool *pool = drain->pool;
	bool more;

	raw_spin_lock_irq(&pool->lock);
	pool->flags |= POOL_BH_DRAINING;
	raw_spin_unlock_irq(&pool->lock);

	bh_worker(bh_pool_worker(pool));

	raw_spin_lock_irq(&pool->lock);
	pool->flags &= ~POOL_BH_DRAINING;
	more = need_more_worker(pool);
	raw_spin_unlock_irq(&pool->lock);

	/* bounded like any BH run: requeue rather than hog this CPU */
	if (more)
		queue_work(bh_system_wq(pool), work);
	else
		complete(&drain->done);
}

/**
 * workqueue_softirq_dead - run the BH items of a CPU that went offline
 * @cpu: the dead CPU
 *
 * Called by softirq.c while taking over the dead CPU's tasklets.  The items
 * run in the softirq of the calling CPU; this waits until they are done.
 */
void workqueue_softirq_dead(unsigned int cpu)
{
	struct worker_pool *pool;

	for_each_bh_pool(pool, cpu) {
		struct bh_drain_work drain = { .pool = pool };

		if (!need_more_worker(pool))
			continue;
		init_completion(&drain.done);
		INIT_WORK_ONSTACK(&drain.work, drain_dead_softirq_workfn);
		queue_work(bh_system_wq(pool), &drain.work);
		wait_for_completion(&drain.done);
		destroy_work_on_stack(&drain.work);
	}
}

/* ------------------------------------------------------------------------
 * Flush
 *
 * flush_work() queues a barrier item that completes a completion: right
 * behind the target if it is queued (WORK_STRUCT_LINKED on the target
 * keeps the two together on one worker), or first on the list of the
 * worker running it.
 *
 * __flush_workqueue() uses flush colors.  Each queued item takes its pwq's
 * work_color and is counted in pwq->nr_in_flight[color].  A flush closes
 * the current color c (new items get c + 1) and waits until no pwq has an
 * item of color c.  Only one color drains at a time: the task that started
 * the drain (the leader) is woken by the last pwq, wakes the riders that
 * arrived before the drain began, and starts the next drain for those that
 * arrived during it.  Hence only colors c and c + 1 are ever in flight, and
 * a flush waits at most for the items queued before the next drain starts.
 */

/*
 * Waiting for @target_wq from a memory reclaim context is a deadlock risk
 * unless @target_wq has a rescuer.  Cancelling waits only for a running
 * instance, which is harmless.
 */
static void check_flush_dependency(struct workqueue_struct *target_wq,
				   struct work_struct *target_work,
				   bool from_cancel)
{
	work_func_t target_func = target_work ? target_work->func : NULL;
	struct worker *worker;

	if (from_cancel || (target_wq->flags & WQ_MEM_RECLAIM))
		return;

	worker = current_wq_worker();

	WARN_ONCE(current->flags & PF_MEMALLOC,
		  "workqueue: PF_MEMALLOC task %d(%s) is flushing !WQ_MEM_RECLAIM %s:%ps",
		  current->pid, current->comm, target_wq->name, target_func);
	WARN_ONCE(worker && worker->current_pwq &&
		  (worker->current_pwq->wq->flags &
		   (WQ_MEM_RECLAIM | __WQ_LEGACY)) == WQ_MEM_RECLAIM,
		  "workqueue: WQ_MEM_RECLAIM %s:%ps is flushing !WQ_MEM_RECLAIM %s:%ps",
		  worker->current_pwq->wq->name, worker->current_func,
		  target_wq->name, target_func);
}

static void wq_barrier_func(struct work_struct *work)
{
	complete(&container_of(work, struct wq_barrier_item, work)->done);
}

/*
 * Queue @barr to complete after @target: behind it on its list, or first
 * for @worker if @worker is running it.  pool->lock held.
 */
static void queue_barrier(struct pool_workqueue *pwq,
			  struct wq_barrier_item *barr,
			  struct work_struct *target, struct worker *worker)
{
	/* BH and thread barriers differ in softirq-safety for lockdep */
	static __maybe_unused struct lock_class_key bh_key, thread_key;
	unsigned long flags = WORK_STRUCT_INACTIVE;	/* never a slot */
	struct list_head *before;
	int color;

	INIT_WORK_ONSTACK_KEY(&barr->work, wq_barrier_func,
			      (pwq->wq->flags & WQ_BH) ? &bh_key : &thread_key);
	__set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&barr->work));
	/* waiting on the barrier is waiting on @target for lockdep */
	init_completion_map(&barr->done, &target->lockdep_map);
	barr->task = current;

	if (!worker) {
		unsigned long *bits = work_data_bits(target);

		/* join the chain: keep any LINKED behind @target going */
		flags |= *bits & WORK_STRUCT_LINKED;
		__set_bit(WORK_STRUCT_LINKED_BIT, bits);
		color = data_color(*bits);
		before = target->entry.next;
	} else {
		color = worker->current_color;
		before = worker->scheduled.next;
	}

	pwq->nr_in_flight[color]++;
	insert_work(pwq, &barr->work, before, flags | color_bits(color));
}

/*
 * Tell lockdep we wait for @map: for a wq, or for an item, which is "held"
 * while the item runs.  BH items hold them in softirq context, so taking
 * them with BH enabled would look like a softirq-unsafe lock.
 */
#ifdef CONFIG_LOCKDEP
static void lockdep_touch(struct lockdep_map *map, bool bh)
{
	if (bh)
		local_bh_disable();
	lock_map_acquire(map);
	lock_map_release(map);
	if (bh)
		local_bh_enable();
}

static void touch_wq_lockdep_map(struct workqueue_struct *wq)
{
	if (likely(wq->lockdep_map))
		lockdep_touch(wq->lockdep_map, wq->flags & WQ_BH);
}

static void touch_work_lockdep_map(struct work_struct *work,
				   struct workqueue_struct *wq)
{
	lockdep_touch(&work->lockdep_map, wq->flags & WQ_BH);
}
#else
static inline void touch_wq_lockdep_map(struct workqueue_struct *wq) { }
static inline void touch_work_lockdep_map(struct work_struct *w, struct workqueue_struct *wq) { }
#endif

/*
 * Close the current color and arm every pwq that has items of it.  Returns
 * false if there was nothing to wait for.  wq->mutex held.
 */
static bool wq_start_flush(struct workqueue_struct *wq,
			   struct wq_flusher *leader)
{
	int color = wq->work_color;
	struct pool_workqueue *pwq;

	lockdep_assert_held(&wq->mutex);

	wq->flush_leader = leader;
	wq->work_color = next_color(color);
	/* our own count keeps a fast draining pwq from finishing early */
	atomic_set(&wq->nr_pwqs_to_flush, 1);

	for_each_pwq(pwq, wq) {
		raw_spin_lock_irq(&pwq->pool->lock);
		pwq->work_color = wq->work_color;
		if (pwq->nr_in_flight[color]) {
			pwq->flush_color = color;
			atomic_inc(&wq->nr_pwqs_to_flush);
		}
		raw_spin_unlock_irq(&pwq->pool->lock);
	}

	if (!atomic_dec_and_test(&wq->nr_pwqs_to_flush))
		return true;
	wq->flush_leader = NULL;
	return false;
}

/*
 * The leader's color has drained: release the riders and start the drain
 * the next batch waits for.  wq->mutex held.
 */
static void wq_finish_flush(struct workqueue_struct *wq)
{
	struct wq_flusher *f, *tmp;

	lockdep_assert_held(&wq->mutex);

	for (;;) {
		list_for_each_entry_safe(f, tmp, &wq->flush_riders, node) {
			list_del_init(&f->node);
			complete(&f->done);
		}
		wq->flush_leader = NULL;

		f = list_first_entry_or_null(&wq->flush_next, struct wq_flusher,
					     node);
		if (!f)
			return;
		list_del_init(&f->node);
		list_splice_init(&wq->flush_next, &wq->flush_riders);
		if (wq_start_flush(wq, f))
			return;
		/* nothing was queued since: this batch is done as well */
		complete(&f->done);
	}
}

/**
 * __flush_workqueue - wait for the items queued so far to finish
 * @wq: workqueue to flush
 *
 * Sleeps until every item that was queued on @wq when this was called has
 * finished.  Items queued later may or may not be waited for, but the wait
 * is not livelocked by a stream of new items.
 */
void __flush_workqueue(struct workqueue_struct *wq)
{
	struct wq_flusher me = {
		.node = LIST_HEAD_INIT(me.node),
		.done = COMPLETION_INITIALIZER_ONSTACK_MAP(me.done,
							   (*wq->lockdep_map)),
	};

	if (WARN_ON(!wq_online))
		return;

	touch_wq_lockdep_map(wq);

	mutex_lock(&wq->mutex);
	if (wq->flush_leader) {
		/* an older color is draining, ours comes next */
		list_add_tail(&me.node, &wq->flush_next);
	} else if (!wq_start_flush(wq, &me)) {
		mutex_unlock(&wq->mutex);
		return;
	}
	check_flush_dependency(wq, NULL, false);
	mutex_unlock(&wq->mutex);
	wait_for_completion(&me.done);

	/* riders are done; a leader passes the baton on */
	if (READ_ONCE(wq->flush_leader) == &me) {
		guard(mutex)(&wq->mutex);
		if (wq->flush_leader == &me)
			wq_finish_flush(wq);
	}
}
EXPORT_SYMBOL(__flush_workqueue);

/**
 * drain_workqueue - wait until a workqueue is empty
 * @wq: workqueue to drain
 *
 * Flushes @wq until no item is left.  Meanwhile only items of @wq itself
 * may queue more items on it (chaining); anyone else queueing gets a
 * warning.  Complains if the chain does not end after many flushes.
 */
void drain_workqueue(struct workqueue_struct *wq)
{
	unsigned int flushes = 0;
	struct pool_workqueue *pwq;
	bool busy;

	mutex_lock(&wq->mutex);
	if (!wq->nr_drainers++)
		wq->flags |= __WQ_DRAINING;
	mutex_unlock(&wq->mutex);

	for (;;) {
		__flush_workqueue(wq);

		busy = false;
		mutex_lock(&wq->mutex);
		for_each_pwq(pwq, wq) {
			raw_spin_lock_irq(&pwq->pool->lock);
			busy |= !pwq_idle(pwq);
			raw_spin_unlock_irq(&pwq->pool->lock);
		}
		if (!busy)
			break;
		mutex_unlock(&wq->mutex);

		if (++flushes == 10 || (flushes % 100 == 0 && flushes <= 1000))
			pr_warn("workqueue %s: %s() isn't complete after %u tries\n",
				wq->name, __func__, flushes);
	}

	/* the last drainer lets everybody queue again */
	wq->nr_drainers--;
	if (!wq->nr_drainers)
		wq->flags &= ~__WQ_DRAINING;
	mutex_unlock(&wq->mutex);
}
EXPORT_SYMBOL_GPL(drain_workqueue);

/*
 * The pwq that @work is queued on, or that it is running for; then also
 * the worker running it.  NULL if @work is idle.  @pool->lock held; @pool
 * is where @work->data pointed before the lock was taken.
 */
static struct pool_workqueue *flush_target(struct worker_pool *pool,
					   struct work_struct *work,
					   struct worker **running)
{
	struct pool_workqueue *pwq = get_work_pwq(work);

	*running = NULL;
	if (pwq && pwq->pool == pool)
		return pwq;
	/*
	 * Queued on another pool since we looked.  Only an ordered wq does
	 * that while the item still runs here (after its pwq was replaced),
	 * and the new instance cannot start before this one ends: waiting
	 * for the running one covers every instance queued before the flush.
	 */
	*running = find_running_worker(pool, work);
	return *running ? (*running)->current_pwq : NULL;
}

/*
 * Queue a barrier behind the last queued or running instance of @work.
 * Returns false if @work is idle.
 */
static bool start_flush_work(struct work_struct *work,
			     struct wq_barrier_item *barr, bool from_cancel)
{
	struct workqueue_struct *wq = NULL;
	struct pool_workqueue *pwq;
	struct worker_pool *pool;
	struct worker *running;

	guard(rcu)();
	pool = get_work_pool(work);
	if (!pool)
		return false;

	raw_spin_lock_irq(&pool->lock);
	pwq = flush_target(pool, work, &running);
	if (pwq) {
		wq = pwq->wq;
		check_flush_dependency(wq, work, from_cancel);
		queue_barrier(pwq, barr, work, running);
	}
	raw_spin_unlock_irq(&pool->lock);
	if (!wq)
		return false;

	touch_work_lockdep_map(work, wq);
	/*
	 * In an ordered or rescuer-backed wq, waiting for an item from inside
	 * the wq can deadlock even if it is not the item itself: tell lockdep.
	 */
	if (!from_cancel &&
	    (wq->saved_max_active == 1 || (wq->flags & WQ_MEM_RECLAIM)))
		touch_wq_lockdep_map(wq);
	return true;
}

/* @cflags: those of a cancel that waits for @work, 0 for a flush */
static bool __flush_work(struct work_struct *work, unsigned int cflags)
{
	bool from_cancel = cflags & WORK_CANCEL_SYNC;
	/* filled in by queue_barrier(); unused when @work is idle */
	struct wq_barrier_item barr __uninitialized;
	unsigned long data;

	/* cancel_work_sync() of a BH item may come from atomic context */
	if (!from_cancel)
		might_sleep();
	if (WARN_ON(!wq_online || !work->func) ||
	    !start_flush_work(work, &barr, from_cancel))
		return false;

	/*
	 * Cancel found @work running, not queued.  A BH item runs in softirq
	 * and finishes soon: spin, so cancelling works from atomic context.
	 */
	data = work_data(work);
	if (from_cancel && !WARN_ON_ONCE(data & WORK_STRUCT_PWQ) &&
	    (data & WORK_OFFQ_BH)) {
		while (!try_wait_for_completion(&barr.done)) {
			if (!IS_ENABLED(CONFIG_PREEMPT_RT)) {
				cpu_relax();
				continue;
			}
			/* on RT, let a preempted softirq make progress */
			local_bh_disable();
			local_bh_enable();
		}
	} else {
		wait_for_completion(&barr.done);
	}

	destroy_work_on_stack(&barr.work);
	return true;
}

/**
 * flush_work - wait for the last queueing of a work item to finish
 * @work: the work item to flush
 *
 * Waits until @work has finished running, the instance queued last if it
 * is pending.  Unless it was queued again meanwhile, @work is idle on
 * return.
 *
 * Return: %true if it waited, %false if @work was already idle.
 */
bool flush_work(struct work_struct *work)
{
	return __flush_work(work, 0);
}
EXPORT_SYMBOL_GPL(flush_work);

/**
 * flush_delayed_work - run a delayed work item now and wait for it
 * @dwork: the delayed work item to flush
 *
 * A pending timer is cancelled and the item queued at once; then this waits
 * like flush_work().
 *
 * Return: %true if it waited, %false if @dwork was already idle.
 */
bool flush_delayed_work(struct delayed_work *dwork)
{
	unsigned long irq_flags;

	/* an item whose timer we stopped is still ours to queue */
	local_irq_save(irq_flags);
	if (del_timer_sync(&dwork->timer))
		__queue_work(dwork->cpu, dwork->wq, &dwork->work);
	local_irq_restore(irq_flags);

	return flush_work(&dwork->work);
}
EXPORT_SYMBOL(flush_delayed_work);

/**
 * flush_rcu_work - wait for an rcu work item, grace period included
 * @rwork: the rcu work item to flush
 *
 * Return: %true if it waited, %false if @rwork was already idle.
 */
bool flush_rcu_work(struct rcu_work *rwork)
{
	if (!work_pending(&rwork->work))
		return flush_work(&rwork->work);
	/* it may still be waiting for its grace period */
	rcu_barrier();
	flush_work(&rwork->work);
	return true;
}
EXPORT_SYMBOL(flush_rcu_work);

/* ------------------------------------------------------------------------
 * Cancel, disable and enable
 */

/*
 * An ordered wq queues on its newest pwq even while the item still runs on
 * an older one, which keeps the newest plugged.  A cancel that took such an
 * instance off its queue must wait for the older run: point the off-queue
 * data at that pool.  PENDING is ours, so nobody else writes @work->data.
 */
static void steal_note_older_run(struct work_struct *work,
				 struct pool_workqueue *pwq)
{
	struct pool_workqueue *old;

	for_each_pwq(old, pwq->wq) {
		struct worker_pool *pool = old->pool;
		struct worker *running;

		if (pool == pwq->pool)
			continue;
		raw_spin_lock(&pool->lock);
		running = find_running_worker(pool, work);
		if (running && running->current_pwq == old)
			work_set_offq_owned(work, pool_offq(pool));
		raw_spin_unlock(&pool->lock);
		if (running)
			return;
	}
}

/*
 * @work is PENDING, but not for us.  If it sits on a worklist or inactive
 * list, take it off and keep PENDING for ourselves.  False if it is between
 * states instead: being queued, or its timer firing elsewhere.  IRQs off.
 */
static bool steal_queued(struct work_struct *work)
{
	struct pool_workqueue *pwq;
	struct worker_pool *pool;
	bool stolen = false, plugged = false;
	unsigned long data;

	guard(rcu)();
	pool = get_work_pool(work);
	if (unlikely(!pool))
		return false;

	raw_spin_lock(&pool->lock);
	data = work_data(work);
	pwq = data_pwq(data);
	if (pwq && pwq->pool == pool) {
		work_odebug_deactivate(work);
		/*
		 * An inactive item may carry barriers; they must not stay on
		 * the inactive list where they would wait for a max_active
		 * slot.  INACTIVE stays in @data: no slot is given back.  The
		 * pool may be idle, and after an attribute change no new item
		 * may ever come to it: kick it for the barriers.
		 */
		if (data & WORK_STRUCT_INACTIVE) {
			pool_start_clock(pool);
			move_linked_works(work, &pool->worklist);
		}
		list_del_init(&work->entry);
		if (data & WORK_STRUCT_LINKED)
			kick_pool(pool);
		work_set_offq_owned(work, pool_offq(pool));
		plugged = pwq->plugged;
		pwq_dec_nr_in_flight(pwq, data);
		stolen = true;
	}
	raw_spin_unlock(&pool->lock);
	if (unlikely(plugged))
		steal_note_older_run(work, pwq);
	return stolen;
}

/*
 * Take ownership of @work whatever its state: idle, on its timer, or
 * queued; a running instance is not affected.  Returns whether it was
 * pending.  IRQs stay disabled and the caller restores *@irq_flags.  The
 * busy wait is short because whoever holds PENDING in a transient state
 * does so with IRQs off.  Any context.
 */
static bool try_to_grab_pending(struct work_struct *work,
				struct timer_list *timer,
				unsigned long *irq_flags)
{
	for (;;) {
		local_irq_save(*irq_flags);
		/* the timer is IRQ-safe: if deletion fails it isn't running here */
		if (timer && likely(del_timer(timer)))
			return true;
		if (!test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
			return false;
		if (steal_queued(work))
			return true;
		local_irq_restore(*irq_flags);
		cpu_relax();
	}
}

/*
 * Take @work off its queue and its @timer (a delayed item's, or NULL) and
 * change its disable count by @delta (-1, 0 or 1).  *@depth, if given,
 * receives the new count.  Returns whether @work was pending.  Any context.
 */
static bool work_settle(struct work_struct *work, struct timer_list *timer,
			int delta, unsigned int *depth)
{
	unsigned long irq_flags, data;
	unsigned int disable;
	bool was_pending;

	was_pending = try_to_grab_pending(work, timer, &irq_flags);
	data = work_data(work);
	disable = offq_disable(data) + delta;
	/* out of range either way, as the count is unsigned */
	if (unlikely(disable > WORK_OFFQ_DISABLE_MAX)) {
		if (delta > 0)
			WARN_ONCE(1, "workqueue: work disable count overflowed\n");
		else
			WARN_ONCE(1, "workqueue: work disable count underflowed\n");
		disable -= delta;
	}
	work_release(work, offq_pack(offq_pool_id(data), disable,
				     data & WORK_OFFQ_FLAG_MASK));
	local_irq_restore(irq_flags);

	if (depth)
		*depth = disable;
	return was_pending;
}

/*
 * __cancel_work() with WORK_CANCEL_SYNC.  The item stays disabled while we
 * wait, so that nobody can queue it again meanwhile; without
 * WORK_CANCEL_DISABLE that is undone at the end.
 */
static bool __cancel_work_sync(struct work_struct *work,
			       struct timer_list *timer, unsigned int cflags)
{
	bool was_pending = work_settle(work, timer, 1, NULL);

	/* a BH item may be waited for from any context but hardirq */
	if (!(work_data(work) & WORK_OFFQ_BH))
		might_sleep();
	else
		WARN_ON_ONCE(in_hardirq());

	/* nothing can be running before workqueue_init() */
	if (wq_online)
		__flush_work(work, cflags);
	if (cflags & WORK_CANCEL_DISABLE)
		return was_pending;
	work_settle(work, NULL, -1, NULL);
	return was_pending;
}

/*
 * The one entry point of cancel_work(), disable_work(), their delayed and
 * their _sync variants.  Takes @work off its queue and, for a delayed
 * item, off its @timer (NULL otherwise); and with @cflags:
 *
 *   WORK_CANCEL_DISABLE  leaves it disabled, one level more
 *   WORK_CANCEL_SYNC     waits for a running instance to finish
 *
 * Returns whether @work was pending.
 */
static bool __cancel_work(struct work_struct *work, struct timer_list *timer,
			  unsigned int cflags)
{
	if (cflags & WORK_CANCEL_SYNC)
		return __cancel_work_sync(work, timer, cflags);
	return work_settle(work, timer, (cflags & WORK_CANCEL_DISABLE) ? 1 : 0,
			   NULL);
}

/**
 * cancel_work - cancel a pending work item
 * @work: the work item to cancel
 *
 * Like cancel_delayed_work(), for a work item that isn't a delayed one.
 *
 * Return: %true if @work was pending.
 */
bool cancel_work(struct work_struct *work)
{
	return __cancel_work(work, NULL, 0);
}
EXPORT_SYMBOL(cancel_work);

/**
 * cancel_delayed_work - cancel a pending delayed work item
 * @dwork: the delayed work item to cancel
 *
 * The function may still be running on return; flush, or use
 * cancel_delayed_work_sync(), to wait for it.  Safe from any context,
 * including IRQ handlers.
 *
 * Return: %true if @dwork was pending and got cancelled.
 */
bool cancel_delayed_work(struct delayed_work *dwork)
{
	return __cancel_work(&dwork->work, &dwork->timer, 0);
}
EXPORT_SYMBOL(cancel_delayed_work);

/**
 * cancel_work_sync - cancel a work item and wait for it to finish
 * @work: the work item to cancel
 *
 * On return @work is neither pending nor running anywhere, unless somebody
 * queues it again meanwhile.  It works even if @work requeues itself or
 * moves between workqueues.  Don't use it on a delayed_work's inner item;
 * use cancel_delayed_work_sync().
 *
 * Must be called from sleepable context, except for an item last queued on
 * a BH workqueue, which may be cancelled from any context but hardirq.
 *
 * Return: %true if @work was pending.
 */
bool cancel_work_sync(struct work_struct *work)
{
	return __cancel_work(work, NULL, WORK_CANCEL_SYNC);
}
EXPORT_SYMBOL_GPL(cancel_work_sync);

/**
 * cancel_delayed_work_sync - cancel a delayed work item and wait for it
 * @dwork: the delayed work item to cancel
 *
 * cancel_work_sync() for delayed work items.
 *
 * Return: %true if @dwork was pending.
 */
bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return __cancel_work(&dwork->work, &dwork->timer, WORK_CANCEL_SYNC);
}
EXPORT_SYMBOL(cancel_delayed_work_sync);

/**
 * disable_work - disable a work item and cancel it
 * @work: the work item to disable
 *
 * Increments @work's disable count and cancels it if pending.  While the
 * count is not zero, queueing @work does nothing and returns %false.  The
 * count goes up to 2^%WORK_OFFQ_DISABLE_BITS - 1.  Safe from any context.
 *
 * Return: %true if @work was pending.
 */
bool disable_work(struct work_struct *work)
{
	return __cancel_work(work, NULL, WORK_CANCEL_DISABLE);
}
EXPORT_SYMBOL_GPL(disable_work);

/**
 * disable_delayed_work - disable_work() for a delayed work item
 * @dwork: the delayed work item to disable
 *
 * Return: %true if @dwork was pending.
 */
bool disable_delayed_work(struct delayed_work *dwork)
{
	return __cancel_work(&dwork->work, &dwork->timer, WORK_CANCEL_DISABLE);
}
EXPORT_SYMBOL_GPL(disable_delayed_work);

/**
 * disable_work_sync - disable a work item, cancel it and wait for it
 * @work: the work item to disable
 *
 * disable_work(), then wait for a running instance to finish.  The context
 * rules of cancel_work_sync() apply.
 *
 * Return: %true if @work was pending.
 */
bool disable_work_sync(struct work_struct *work)
{
	return __cancel_work(work, NULL, WORK_CANCEL_DISABLE | WORK_CANCEL_SYNC);
}
EXPORT_SYMBOL_GPL(disable_work_sync);

/**
 * disable_delayed_work_sync - disable_work_sync() for a delayed work item
 * @dwork: the delayed work item to disable
 *
 * Return: %true if @dwork was pending.
 */
bool disable_delayed_work_sync(struct delayed_work *dwork)
{
	return __cancel_work(&dwork->work, &dwork->timer,
			     WORK_CANCEL_DISABLE | WORK_CANCEL_SYNC);
}
EXPORT_SYMBOL_GPL(disable_delayed_work_sync);

/**
 * enable_work - undo one disable_work()
 * @work: the work item to enable
 *
 * Decrements @work's disable count; at zero it may be queued again.  Safe
 * from any context.
 *
 * Return: %true if the disable count is now zero.
 */
bool enable_work(struct work_struct *work)
{
	unsigned int depth;

	work_settle(work, NULL, -1, &depth);
	return !depth;
}
EXPORT_SYMBOL_GPL(enable_work);

/**
 * enable_delayed_work - enable_work() for a delayed work item
 * @dwork: the delayed work item to enable
 *
 * Return: %true if the disable count is now zero.
 */
bool enable_delayed_work(struct delayed_work *dwork)
{
	/* the timer is never pending while disabled */
	return enable_work(&dwork->work);
}
EXPORT_SYMBOL_GPL(enable_delayed_work);

/* ------------------------------------------------------------------------
 * Convenience API and queries
 */

/**
 * current_work - the work item %current is running
 *
 * Return: the item if %current is a kworker running one, else %NULL.
 */
struct work_struct *current_work(void)
{
	struct worker *self = current_wq_worker();

	if (!self)
		return NULL;
	return self->current_work;
}
EXPORT_SYMBOL(current_work);

/**
 * current_is_workqueue_rescuer - is %current a rescuer?
 *
 * Lets an item find out that it runs on its workqueue's rescuer.
 *
 * Return: %true if %current is a rescuer kthread.
 */
bool current_is_workqueue_rescuer(void)
{
	struct worker *self = current_wq_worker();

	return self ? !!self->rescue_wq : false;
}

/**
 * workqueue_congested - does a workqueue have items waiting for max_active?
 * @cpu: the CPU whose pwq to look at, %WORK_CPU_UNBOUND for the local one
 * @wq: the workqueue
 *
 * Only a hint: nothing is locked, the answer may be stale at once.  Each
 * CPU (each pod, for unbound workqueues) has its own answer.
 *
 * Return: %true if items wait on the inactive list of @cpu's pwq.
 */
bool workqueue_congested(int cpu, struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;

	guard(rcu)();
	/* only a hint: where this runs next is of no consequence */
	if (cpu == WORK_CPU_UNBOUND)
		cpu = raw_smp_processor_id();
	pwq = rcu_dereference(*per_cpu_ptr(wq->cpu_pwq, cpu));
	return !list_empty(&pwq->inactive_works);
}
EXPORT_SYMBOL_GPL(workqueue_congested);

/**
 * work_busy - is a work item pending or running?
 * @work: the work item
 *
 * Only a hint, for debugging: the answer may be stale at once.
 *
 * Return: an OR of %WORK_BUSY_PENDING and %WORK_BUSY_RUNNING.
 */
unsigned int work_busy(struct work_struct *work)
{
	unsigned int busy = work_pending(work) ? WORK_BUSY_PENDING : 0;
	struct worker_pool *pool;
	unsigned long irq_flags;

	guard(rcu)();
	pool = get_work_pool(work);
	if (!pool)
		return busy;
	raw_spin_lock_irqsave(&pool->lock, irq_flags);
	if (find_running_worker(pool, work))
		busy |= WORK_BUSY_RUNNING;
	raw_spin_unlock_irqrestore(&pool->lock, irq_flags);
	return busy;
}
EXPORT_SYMBOL_GPL(work_busy);

/**
 * set_worker_desc - describe what the running work item is doing
 * @fmt: printf-style format
 * @...: its arguments
 *
 * Called from a work function; the text (at most %WORKER_DESC_LEN bytes
 * with the NUL) shows up in task dumps and in the kworker's comm.
 */
void set_worker_desc(const char *fmt, ...)
{
	struct worker *self = current_wq_worker();
	va_list args;

	if (!self)
		return;
	va_start(args, fmt);
	vscnprintf(self->desc, WORKER_DESC_LEN, fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_GPL(set_worker_desc);

#ifdef CONFIG_SMP

struct wq_on_cpu {
	struct work_struct	work;
	long			(*fn)(void *arg);
	void			*arg;
	long			ret;
};

static void work_for_cpu_workfn(struct work_struct *work)
{
	struct wq_on_cpu *call = container_of(work, struct wq_on_cpu, work);

	call->ret = call->fn(call->arg);
}

/**
 * work_on_cpu_key - run a function in a kworker of a CPU and wait
 * @cpu: the CPU
 * @fn: the function
 * @arg: its argument
 * @key: lockdep class for the on-stack work item
 *
 * The caller keeps @cpu online and must not hold locks @fn needs.
 *
 * Return: what @fn returned.
 */
long work_on_cpu_key(int cpu, long (*fn)(void *), void *arg,
		     struct lock_class_key *key)
{
	struct wq_on_cpu call = { .fn = fn, .arg = arg };

	INIT_WORK_ONSTACK_KEY(&call.work, work_for_cpu_workfn, key);
	/* flush_work() returns false only if it already ran, never here */
	if (schedule_work_on(cpu, &call.work))
		flush_work(&call.work);
	destroy_work_on_stack(&call.work);
	return call.ret;
}
EXPORT_SYMBOL_GPL(work_on_cpu_key);

/**
 * work_on_cpu_safe_key - work_on_cpu_key() with CPU hotplug held off
 * @cpu: the CPU
 * @fn: the function
 * @arg: its argument
 * @key: lockdep class for the on-stack work item
 *
 * Return: what @fn returned, or -ENODEV if @cpu is offline.
 */
long work_on_cpu_safe_key(int cpu, long (*fn)(void *), void *arg,
			  struct lock_class_key *key)
{
	long ret;

	cpus_read_lock();
	ret = cpu_online(cpu) ? work_on_cpu_key(cpu, fn, arg, key) : -ENODEV;
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(work_on_cpu_safe_key);

#endif /* CONFIG_SMP */

/**
 * execute_in_process_context - run a function in process context
 * @fn: the function
 * @ew: storage for the work item, which must live until @fn has run
 *
 * Calls @fn right away if not in interrupt context, else queues it on the
 * system workqueue.
 *
 * Return: 0 if @fn ran, 1 if it was queued.
 */
int execute_in_process_context(work_func_t fn, struct execute_work *ew)
{
	if (in_interrupt()) {
		INIT_WORK(&ew->work, fn);
		schedule_work(&ew->work);
		return 1;
	}
	fn(&ew->work);
	return 0;
}
EXPORT_SYMBOL_GPL(execute_in_process_context);

/**
 * schedule_on_each_cpu - run a function on every online CPU and wait
 * @func: the function, called from a per-CPU work item on each CPU
 *
 * Slow: it queues one item per CPU on system_percpu_wq and flushes them.
 *
 * Return: 0, or -ENOMEM.
 */
int schedule_on_each_cpu(work_func_t func)
{
	struct work_struct __percpu *works = alloc_percpu(struct work_struct);
	int cpu;

	if (!works)
		return -ENOMEM;

	/* the set of online CPUs must not change between queue and flush */
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		INIT_WORK(per_cpu_ptr(works, cpu), func);
		schedule_work_on(cpu, per_cpu_ptr(works, cpu));
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(works, cpu));
	cpus_read_unlock();

	free_percpu(works);
	return 0;
}

/* ------------------------------------------------------------------------
 * Attributes, pods and unbound pools
 *
 * An unbound workqueue's attributes say which CPUs its items may use
 * (cpumask), at which nice level, and how CPUs are grouped into pods
 * (affn_scope).  Each pod gets a pool whose __pod_cpumask is the pod's part
 * of the cpumask; items queued from a CPU run in that CPU's pod.  With a
 * non-strict scope the pool's workers only start out in the pod, with
 * affn_strict they stay there.  Pools are shared by all workqueues whose
 * pool attributes (nice, cpumask, __pod_cpumask, affn_strict) are equal.
 *
 * Pods are computed from possible CPUs.  A pod none of whose CPUs is online
 * is served by the default pwq, which spans the whole cpumask; CPU hotplug
 * switches a pod between the two when its first CPU comes up or its last
 * goes down, see wq_update_pods().
 */

/**
 * free_workqueue_attrs - free a workqueue_attrs
 * @attrs: what alloc_workqueue_attrs() returned, or %NULL
 */
void free_workqueue_attrs(struct workqueue_attrs *attrs)
{
	if (!attrs)
		return;
	free_cpumask_var(attrs->cpumask);
	free_cpumask_var(attrs->__pod_cpumask);
	kfree(attrs);
}

/**
 * alloc_workqueue_attrs - allocate workqueue_attrs with default values
 *
 * All possible CPUs, nice 0, the default affinity scope.
 *
 * Return: the attrs, or %NULL.
 */
struct workqueue_attrs *alloc_workqueue_attrs(void)
{
	struct workqueue_attrs *attrs = kzalloc(sizeof(*attrs), GFP_KERNEL);

	if (!attrs)
		return NULL;
	if (!alloc_cpumask_var(&attrs->cpumask, GFP_KERNEL) ||
	    !alloc_cpumask_var(&attrs->__pod_cpumask, GFP_KERNEL)) {
		free_workqueue_attrs(attrs);
		return NULL;
	}
	cpumask_copy(attrs->cpumask, cpu_possible_mask);
	cpumask_copy(attrs->__pod_cpumask, cpu_possible_mask);
	attrs->affn_scope = WQ_AFFN_DFL;
	return attrs;
}

static void copy_workqueue_attrs(struct workqueue_attrs *dst,
				 const struct workqueue_attrs *src)
{
	cpumask_copy(dst->cpumask, src->cpumask);
	cpumask_copy(dst->__pod_cpumask, src->__pod_cpumask);
	dst->nice = src->nice;
	dst->affn_scope = src->affn_scope;
	dst->affn_strict = src->affn_strict;
	dst->ordered = src->ordered;
}

/*
 * Pool identity.  A strict pool's workers never leave __pod_cpumask, so
 * its cpumask is normalized to that and does not split pools.
 */
static void wqattrs_normalize_for_pool(struct workqueue_attrs *attrs)
{
	if (attrs->affn_strict)
		cpumask_copy(attrs->cpumask, attrs->__pod_cpumask);
	/* wq-only fields */
	attrs->affn_scope = WQ_AFFN_NR_TYPES;
	attrs->ordered = false;
}

static u32 wqattrs_hash(const struct workqueue_attrs *attrs)
{
	size_t len = BITS_TO_LONGS(nr_cpumask_bits) * sizeof(long);
	u32 hash;

	hash = jhash_2words(attrs->nice, attrs->affn_strict, 0);
	hash = jhash(cpumask_bits(attrs->cpumask), len, hash);
	return jhash(cpumask_bits(attrs->__pod_cpumask), len, hash);
}

static bool wqattrs_equal(const struct workqueue_attrs *a,
			  const struct workqueue_attrs *b)
{
	return a->nice == b->nice && a->affn_strict == b->affn_strict &&
	       cpumask_equal(a->cpumask, b->cpumask) &&
	       cpumask_equal(a->__pod_cpumask, b->__pod_cpumask);
}

/* the pod type @attrs asks for; only SYSTEM exists before the topology */
static const struct wq_pod_type *wqattrs_pod_type(const struct workqueue_attrs *attrs)
{
	enum wq_affn_scope scope = attrs->affn_scope;

	lockdep_assert_held(&wq_pool_mutex);

	if (scope == WQ_AFFN_DFL)
		scope = wq_affn_dfl;
	if (WARN_ON_ONCE(scope >= WQ_AFFN_NR_TYPES) ||
	    !wq_pod_types[scope].nr_pods)
		scope = WQ_AFFN_SYSTEM;
	return &wq_pod_types[scope];
}

/* set up a zeroed pool; on error it can still go to put_unbound_pool() */
static int init_worker_pool(struct worker_pool *pool)
{
	raw_spin_lock_init(&pool->lock);
	pool->cpu = -1;
	pool->id = -1;
	pool->node = NUMA_NO_NODE;
	pool->flags = POOL_DISASSOCIATED;
	pool->watchdog_ts = jiffies;
	INIT_LIST_HEAD(&pool->worklist);
	INIT_LIST_HEAD(&pool->idle_list);
	INIT_LIST_HEAD(&pool->workers);
	hash_init(pool->busy_hash);
	timer_setup(&pool->idle_timer, idle_worker_timeout, TIMER_DEFERRABLE);
	timer_setup(&pool->mayday_timer, pool_mayday_timeout, 0);
	ida_init(&pool->worker_ida);
	INIT_HLIST_NODE(&pool->hash_node);
	pool->refcnt = 1;

	pool->attrs = alloc_workqueue_attrs();
	return pool->attrs ? 0 : -ENOMEM;
}

static int worker_pool_assign_id(struct worker_pool *pool)
{
	int id;

	lockdep_assert_held(&wq_pool_mutex);

	id = idr_alloc(&worker_pool_idr, pool, 0, WORK_OFFQ_POOL_NONE,
		       GFP_KERNEL);
	if (id < 0)
		return id;
	pool->id = id;
	return 0;
}

static void rcu_free_pool(struct rcu_head *head)
{
	struct worker_pool *pool = container_of(head, struct worker_pool, rcu);

	free_workqueue_attrs(pool->attrs);
	ida_destroy(&pool->worker_ida);
	kfree(pool);
}

/*
 * Drop a reference to an unbound pool; the last one destroys it.  Its
 * workers are all idle by then (no pwq, hence no item is left), unless one
 * is still managing.  wq_pool_mutex held.
 */
static void put_unbound_pool(struct worker_pool *pool)
{
	DECLARE_COMPLETION_ONSTACK(detached);
	struct worker *worker;
	bool wait;

	lockdep_assert_held(&wq_pool_mutex);

	if (--pool->refcnt)
		return;
	if (WARN_ON(pool->cpu >= 0) || WARN_ON(!list_empty(&pool->worklist)))
		return;

	if (pool->id >= 0)
		idr_remove(&worker_pool_idr, pool->id);
	hash_del(&pool->hash_node);

	/* take the manager role for good so that nobody creates workers */
	mutex_lock(&wq_pool_attach_mutex);
	raw_spin_lock_irq(&pool->lock);
	while (pool->flags & POOL_MANAGER_ACTIVE) {
		raw_spin_unlock_irq(&pool->lock);
		mutex_unlock(&wq_pool_attach_mutex);
		rcuwait_wait_event(&manager_wait,
				   !(pool->flags & POOL_MANAGER_ACTIVE),
				   TASK_UNINTERRUPTIBLE);
		mutex_lock(&wq_pool_attach_mutex);
		raw_spin_lock_irq(&pool->lock);
	}
	pool->flags |= POOL_MANAGER_ACTIVE;

	while ((worker = first_idle_worker(pool)))
		kill_idle_worker(worker);
	WARN_ON(pool->nr_workers || pool->nr_idle);
	raw_spin_unlock_irq(&pool->lock);

	/* the dying workers detach themselves, the last one completes us */
	wait = !list_empty(&pool->workers);
	if (wait)
		pool->detach_done = &detached;
	mutex_unlock(&wq_pool_attach_mutex);
	if (wait)
		wait_for_completion(&detached);

	del_timer_sync(&pool->idle_timer);
	del_timer_sync(&pool->mayday_timer);

	/* get_work_pool() may still look at it under RCU */
	call_rcu(&pool->rcu, rcu_free_pool);
}

/* the NUMA node that contains all of @mask, or NUMA_NO_NODE */
static int cpumask_node(const struct cpumask *mask)
{
	int cpu = cpumask_first(mask);
	int node;

	if (cpu >= nr_cpu_ids)
		return NUMA_NO_NODE;
	node = cpu_to_node(cpu);
	if (node == NUMA_NO_NODE || !cpumask_subset(mask, cpumask_of_node(node)))
		return NUMA_NO_NODE;
	return node;
}

/* find or create the pool with the pool attributes of @attrs */
static struct worker_pool *get_unbound_pool(const struct workqueue_attrs *attrs)
{
	u32 hash = wqattrs_hash(attrs);
	struct worker_pool *pool;
	int node;

	lockdep_assert_held(&wq_pool_mutex);

	/* share an existing pool if one matches */
	hash_for_each_possible(unbound_pool_hash, pool, hash_node, hash)
		if (wqattrs_equal(pool->attrs, attrs))
			goto found;

	node = cpumask_node(attrs->__pod_cpumask);
	pool = kzalloc_node(sizeof(*pool), GFP_KERNEL, node);
	if (!pool)
		return NULL;
	if (init_worker_pool(pool) < 0)
		goto fail;

	pool->node = node;
	copy_workqueue_attrs(pool->attrs, attrs);
	/* before workqueue_init(), the initial worker comes from there */
	if (worker_pool_assign_id(pool) || (wq_online && !create_worker(pool)))
		goto fail;

	hash_add(unbound_pool_hash, &pool->hash_node, hash);
	return pool;
found:
	pool->refcnt++;
	return pool;
fail:
	put_unbound_pool(pool);
	return NULL;
}

/* pwqs and attributes prepared for an unbound workqueue */
struct apply_wqattrs_ctx {
	struct list_head	list;		/* for batch application */
	u64			gen;		/* numbers this preparation */
	struct workqueue_struct	*wq;
	struct workqueue_attrs	*attrs;		/* to store in the wq */
	struct pool_workqueue	*dfl_pwq;
	struct pool_workqueue	*pwq_tbl[];	/* by CPU */
};

/*
 * A pwq linking @ctx->wq to the pool for @pool_attrs (normalized).  There
 * is one pwq per pool: reuse the one that @ctx already made for that pool,
 * which the pool remembers while wq_pool_mutex is held, so that preparing
 * costs the same for every CPU however many there are.
 */
static struct pool_workqueue *get_unbound_pwq(struct apply_wqattrs_ctx *ctx,
					      struct workqueue_attrs *pool_attrs)
{
	struct pool_workqueue *pwq;
	struct worker_pool *pool;

	pool = get_unbound_pool(pool_attrs);
	if (!pool)
		return NULL;

	if (pool->prep_gen == ctx->gen) {
		pwq = pool->prep_pwq;
		put_unbound_pool(pool);
		/* not visible to anyone yet, no lock needed */
		pwq->refcnt++;
		return pwq;
	}

	pwq = kmem_cache_alloc_node(pwq_cache, GFP_KERNEL, pool->node);
	if (!pwq) {
		put_unbound_pool(pool);
		return NULL;
	}
	init_pwq(pwq, ctx->wq, pool);
	pool->prep_gen = ctx->gen;
	pool->prep_pwq = pwq;
	return pwq;
}

/* put the pwqs @ctx holds: the new ones on failure, the old after commit */
static void apply_wqattrs_cleanup(struct apply_wqattrs_ctx *ctx)
{
	int cpu;

	if (!ctx)
		return;
	put_pwq_unlocked(ctx->dfl_pwq);
	for_each_possible_cpu(cpu)
		put_pwq_unlocked(ctx->pwq_tbl[cpu]);
	free_workqueue_attrs(ctx->attrs);
	kfree(ctx);
}

/*
 * @from as it can be had: its CPUs within @unbound_cpumask, or all of those
 * if it has none there; the pod cpumask starts as the whole of it.
 */
static void wqattrs_usable(struct workqueue_attrs *to,
			   const struct workqueue_attrs *from,
			   const struct cpumask *unbound_cpumask)
{
	copy_workqueue_attrs(to, from);
	cpumask_and(to->cpumask, from->cpumask, unbound_cpumask);
	if (cpumask_empty(to->cpumask))
		cpumask_copy(to->cpumask, unbound_cpumask);
	cpumask_copy(to->__pod_cpumask, to->cpumask);
}

static struct apply_wqattrs_ctx *
apply_wqattrs_prepare(struct workqueue_struct *wq,
		      const struct workqueue_attrs *attrs,
		      const struct cpumask *unbound_cpumask)
{
	struct workqueue_attrs *base = NULL, *tmp = NULL;
	struct apply_wqattrs_ctx *ctx;
	const struct wq_pod_type *pt;
	bool ordered;
	int cpu;

	lockdep_assert_held(&wq_pool_mutex);
	/* per-CPU and BH workqueues have no attributes to change */
	if (WARN_ON(!(wq->flags & WQ_UNBOUND) ||
		    (unsigned int)attrs->affn_scope >= WQ_AFFN_NR_TYPES))
		return ERR_PTR(-EINVAL);

	ctx = kzalloc(struct_size(ctx, pwq_tbl, nr_cpu_ids), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	/* never 0, which a new pool has; a stale prep_pwq is never matched */
	ctx->gen = ++wq_prep_gen;
	ctx->wq = wq;
	ctx->attrs = alloc_workqueue_attrs();
	base = alloc_workqueue_attrs();
	tmp = alloc_workqueue_attrs();
	if (!ctx->attrs || !base || !tmp)
		goto enomem;

	/* what the user asked for, kept for sysfs and later re-application */
	ordered = (wq->flags & __WQ_ORDERED) || attrs->ordered;
	copy_workqueue_attrs(ctx->attrs, attrs);
	cpumask_and(ctx->attrs->cpumask, attrs->cpumask, cpu_possible_mask);
	cpumask_copy(ctx->attrs->__pod_cpumask, ctx->attrs->cpumask);
	ctx->attrs->ordered = ordered;

	wqattrs_usable(base, ctx->attrs, unbound_cpumask);

	/* the default pwq spans the whole cpumask */
	copy_workqueue_attrs(tmp, base);
	wqattrs_normalize_for_pool(tmp);
	ctx->dfl_pwq = get_unbound_pwq(ctx, tmp);
	if (!ctx->dfl_pwq)
		goto enomem;

	pt = wqattrs_pod_type(ctx->attrs);
	for_each_possible_cpu(cpu) {
		copy_workqueue_attrs(tmp, base);
		cpumask_and(tmp->__pod_cpumask, base->cpumask,
			    pt->pod_cpus[pt->cpu_pod[cpu]]);

		if (ordered ||
		    !cpumask_intersects(tmp->__pod_cpumask, wq_online_cpumask)) {
			/* one queue for ordering, or a pod with nobody home */
			ctx->pwq_tbl[cpu] = ctx->dfl_pwq;
			ctx->dfl_pwq->refcnt++;
			continue;
		}
		wqattrs_normalize_for_pool(tmp);
		ctx->pwq_tbl[cpu] = get_unbound_pwq(ctx, tmp);
		if (!ctx->pwq_tbl[cpu])
			goto enomem;
	}

	/*
	 * An ordered wq must finish the items of its current pwq before the
	 * new one may start: plug it until the old pwq is released, which
	 * unplugs the oldest left.  attrs->ordered alone only asks for one pwq.
	 */
	if ((wq->flags & __WQ_ORDERED) && !list_empty(&wq->pwqs))
		ctx->dfl_pwq->plugged = true;

	free_workqueue_attrs(base);
	free_workqueue_attrs(tmp);
	return ctx;

enomem:
	free_workqueue_attrs(base);
	free_workqueue_attrs(tmp);
	apply_wqattrs_cleanup(ctx);
	return ERR_PTR(-ENOMEM);
}

static struct pool_workqueue *install_pwq(struct workqueue_struct *wq,
					  struct pool_workqueue __rcu **slot,
					  struct pool_workqueue *pwq)
{
	struct pool_workqueue *old;

	link_pwq(pwq);
	old = rcu_dereference_protected(*slot, lockdep_is_held(&wq->mutex));
	rcu_assign_pointer(*slot, pwq);
	return old;
}

/* install the prepared pwqs; @ctx holds the old ones afterwards */
static void apply_wqattrs_commit(struct apply_wqattrs_ctx *ctx)
{
	struct workqueue_struct *wq = ctx->wq;
	int cpu;

	mutex_lock(&wq->mutex);

	copy_workqueue_attrs(wq->unbound_attrs, ctx->attrs);
	for_each_possible_cpu(cpu)
		ctx->pwq_tbl[cpu] = install_pwq(wq, per_cpu_ptr(wq->cpu_pwq, cpu),
						ctx->pwq_tbl[cpu]);
	ctx->dfl_pwq = install_pwq(wq, &wq->dfl_pwq, ctx->dfl_pwq);

	/* the rescuer follows the cpumask, see init_rescuer() */
	if (wq->rescuer) {
		struct pool_workqueue *dfl;

		dfl = rcu_dereference_protected(wq->dfl_pwq,
						lockdep_is_held(&wq->mutex));
		set_cpus_allowed_ptr(wq->rescuer->task, dfl->pool->attrs->cpumask);
	}

	mutex_unlock(&wq->mutex);
}

/* apply_workqueue_attrs() with wq_pool_mutex held */
static int apply_workqueue_attrs_locked(struct workqueue_struct *wq,
					const struct workqueue_attrs *attrs)
{
	struct apply_wqattrs_ctx *ctx;

	ctx = apply_wqattrs_prepare(wq, attrs, wq_unbound_cpumask);
	if (!IS_ERR(ctx)) {
		apply_wqattrs_commit(ctx);
		apply_wqattrs_cleanup(ctx);
	}
	return PTR_ERR_OR_ZERO(ctx);
}

/**
 * apply_workqueue_attrs - change the attributes of an unbound workqueue
 * @wq: the unbound workqueue
 * @attrs: the new attributes, from alloc_workqueue_attrs()
 *
 * New pwqs are set up per pod of @attrs' affinity scope; items queued from
 * now on use them, items already queued finish on the old pwqs.  An item
 * that requeues itself back to back stays on its old pwq.  Sleeps.
 *
 * Return: 0 or -errno.
 */
int apply_workqueue_attrs(struct workqueue_struct *wq,
			  const struct workqueue_attrs *attrs)
{
	guard(mutex)(&wq_pool_mutex);
	return apply_workqueue_attrs_locked(wq, attrs);
}

/* ------------------------------------------------------------------------
 * Workqueue lifetime
 */

#ifdef CONFIG_LOCKDEP
static void wq_init_lockdep(struct workqueue_struct *wq,
			    struct lockdep_map *map)
{
	if (map) {
		wq->lockdep_map = map;
		return;
	}
	lockdep_register_key(&wq->key);
	wq->lock_name = kasprintf(GFP_KERNEL, "(wq_completion)%s", wq->name);
	if (!wq->lock_name)
		wq->lock_name = wq->name;
	wq->lockdep_map = &wq->own_lockdep_map;
	lockdep_init_map(wq->lockdep_map, wq->lock_name, &wq->key, 0);
}
#else
static void wq_init_lockdep(struct workqueue_struct *wq,
			    struct lockdep_map *map)
{
}
#endif

/* give a WQ_MEM_RECLAIM workqueue its rescuer; wq_pool_mutex held */
static int init_rescuer(struct workqueue_struct *wq)
{
	struct worker *rescuer;
	char name[WORKER_NAME_LEN];
	int ret;

	lockdep_assert_held(&wq_pool_mutex);

	if (!(wq->flags & WQ_MEM_RECLAIM) || wq->rescuer)
		return 0;

	rescuer = alloc_worker(NUMA_NO_NODE);
	if (!rescuer)
		return -ENOMEM;
	rescuer->rescue_wq = wq;
	format_worker_name(name, sizeof(name), rescuer, NULL);
	rescuer->task = kthread_create(rescuer_thread, rescuer, "%s", name);
	ret = PTR_ERR_OR_ZERO(rescuer->task);
	if (ret) {
		pr_err("workqueue: no rescuer for %s: %pe\n", wq->name,
		       ERR_PTR(ret));
		kfree(rescuer);
		return ret;
	}

	if (wq->flags & WQ_UNBOUND) {
		struct pool_workqueue *dfl = rcu_access_pointer(wq->dfl_pwq);

		kthread_bind_mask(rescuer->task, dfl->pool->attrs->cpumask);
	} else {
		kthread_bind_mask(rescuer->task, cpu_possible_mask);
	}
	mutex_lock(&wq->mutex);
	raw_spin_lock_irq(&wq_mayday_lock);
	wq->rescuer = rescuer;
	raw_spin_unlock_irq(&wq_mayday_lock);
	mutex_unlock(&wq->mutex);
	wake_up_process(rescuer->task);
	return 0;
}

/* per-CPU (and BH) workqueues: one pwq per possible CPU, never replaced */
static int alloc_percpu_pwqs(struct workqueue_struct *wq)
{
	bool highpri = wq->flags & WQ_HIGHPRI;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct worker_pool *pool = (wq->flags & WQ_BH) ?
			&per_cpu(bh_pools, cpu)[highpri] :
			&per_cpu(cpu_pools, cpu)[highpri];
		struct pool_workqueue *pwq;

		pwq = kmem_cache_alloc_node(pwq_cache, GFP_KERNEL, pool->node);
		if (!pwq)
			return -ENOMEM;
		init_pwq(pwq, wq, pool);

		mutex_lock(&wq->mutex);
		link_pwq(pwq);
		mutex_unlock(&wq->mutex);
		RCU_INIT_POINTER(*per_cpu_ptr(wq->cpu_pwq, cpu), pwq);
	}
	return 0;
}

/* unwind a creation that failed before the wq was ever used */
static void free_unused_wq(struct workqueue_struct *wq)
{
	int cpu;

	if (wq->cpu_pwq) {
		if (wq->flags & WQ_UNBOUND) {
			/* the release worker may still look at the pwqs */
			if (pwq_release_worker)
				kthread_flush_worker(pwq_release_worker);
		} else {
			for_each_possible_cpu(cpu) {
				struct pool_workqueue *pwq =
					rcu_access_pointer(*per_cpu_ptr(wq->cpu_pwq, cpu));

				if (pwq)
					kmem_cache_free(pwq_cache, pwq);
			}
		}
	}
	wq_exit_lockdep(wq);
	wq_free(wq);
}

static int clamp_max_active(int max_active, const char *name)
{
	if (max_active < 1 || max_active > WQ_MAX_ACTIVE)
		pr_warn("workqueue: max_active %d requested for %s is out of range, clamping between %d and %d\n",
			max_active, name, 1, WQ_MAX_ACTIVE);
	return clamp_val(max_active, 1, WQ_MAX_ACTIVE);
}

__printf(1, 0)
static struct workqueue_struct *__alloc_workqueue(const char *fmt,
						  unsigned int flags,
						  int max_active,
						  struct lockdep_map *map,
						  va_list args)
{
	struct workqueue_struct *wq;
	bool highpri = flags & WQ_HIGHPRI;
	int ret;

	/* BH workqueues take only WQ_HIGHPRI and no max_active */
	if ((flags & WQ_BH) && (WARN_ON_ONCE(flags & ~__WQ_BH_ALLOWS) ||
				WARN_ON_ONCE(max_active)))
		return NULL;
	/* see WQ_POWER_EFFICIENT in workqueue.h */
	if ((flags & WQ_POWER_EFFICIENT) && wq_power_efficient)
		flags |= WQ_UNBOUND;

	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;

	if (vsnprintf(wq->name, sizeof(wq->name), fmt, args) >= WQ_NAME_LEN)
		pr_warn_once("workqueue: name exceeds WQ_NAME_LEN. Truncating to: %s\n",
			     wq->name);

	/* a BH wq has exactly one execution context per CPU anyway */
	if (flags & WQ_BH)
		max_active = INT_MAX;
	else
		max_active = clamp_max_active(max_active ?: WQ_DFL_ACTIVE,
					      wq->name);

	wq->flags = flags;
	wq->saved_max_active = max_active;
	mutex_init(&wq->mutex);
	INIT_LIST_HEAD(&wq->pwqs);
	INIT_LIST_HEAD(&wq->list);
	INIT_LIST_HEAD(&wq->maydays);
	INIT_LIST_HEAD(&wq->flush_riders);
	INIT_LIST_HEAD(&wq->flush_next);
	raw_spin_lock_init(&wq->active.lock);
	INIT_LIST_HEAD(&wq->active.waiters);
	wq_init_lockdep(wq, map);

	wq->cpu_pwq = alloc_percpu(struct pool_workqueue __rcu *);
	if (!wq->cpu_pwq)
		goto err_free;

	if (flags & WQ_UNBOUND) {
		wq->unbound_attrs = alloc_workqueue_attrs();
		if (!wq->unbound_attrs)
			goto err_free;
	}

	mutex_lock(&wq_pool_mutex);

	/* apply_wqattrs_prepare() adds ->ordered for an ordered wq */
	if (!(flags & WQ_UNBOUND))
		ret = alloc_percpu_pwqs(wq);
	else
		ret = apply_workqueue_attrs_locked(wq, unbound_std_attrs[highpri]);
	if (ret) {
		mutex_unlock(&wq_pool_mutex);
		goto err_free;
	}

	/* max_active starts at 0: this applies it, or keeps it 0 if frozen */
	mutex_lock(&wq->mutex);
	wq_update_max_active(wq);
	mutex_unlock(&wq->mutex);

	list_add_tail_rcu(&wq->list, &workqueues);

	/* before workqueue_init(), the rescuer is created there */
	if (wq_online && init_rescuer(wq) < 0) {
		mutex_unlock(&wq_pool_mutex);
		goto err_destroy;
	}
	mutex_unlock(&wq_pool_mutex);

	if (!(wq->flags & WQ_SYSFS) || !workqueue_sysfs_register(wq))
		return wq;
err_destroy:
	destroy_workqueue(wq);
	return NULL;
err_free:
	free_unused_wq(wq);
	return NULL;
}

#ifdef CONFIG_LOCKDEP
/* for users that share one lockdep map among many similar workqueues */
__printf(1, 5)
struct workqueue_struct *
alloc_workqueue_lockdep_map(const char *fmt, unsigned int flags,
			    int max_active, struct lockdep_map *lockdep_map, ...)
{
	va_list ap;
	struct workqueue_struct *new;

	va_start(ap, lockdep_map);
	new = __alloc_workqueue(fmt, flags, max_active, lockdep_map, ap);
	va_end(ap);
	return new;
}
EXPORT_SYMBOL_GPL(alloc_workqueue_lockdep_map);
#endif

/* documented in workqueue.h, like alloc_workqueue_lockdep_map() above */
__printf(1, 4)
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *new;
	va_list ap;

	va_start(ap, max_active);
	new = __alloc_workqueue(fmt, flags, max_active, NULL, ap);
	va_end(ap);
	return new;
}
EXPORT_SYMBOL_GPL(alloc_workqueue);

/* anything left that a destroyed workqueue should not have? */
static bool pwq_has_leftovers(struct pool_workqueue *pwq)
{
	int color;

	for (color = 0; color < WORK_NR_COLORS; color++)
		if (pwq->nr_in_flight[color])
			return true;
	return !pwq_idle(pwq);
}

/* after draining: complain about a pwq that still has items */
static bool wq_has_leftovers(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;
	bool busy = false;

	guard(mutex)(&wq->mutex);
	for_each_pwq(pwq, wq) {
		raw_spin_lock_irq(&pwq->pool->lock);
		busy = pwq_has_leftovers(pwq);
		if (WARN_ON(busy)) {
			pr_warn("%s: %s has the following busy pwq\n",
				"destroy_workqueue", wq->name);
			show_pwq(pwq);
		}
		raw_spin_unlock_irq(&pwq->pool->lock);
		if (busy)
			break;
	}
	return busy;
}

/**
 * destroy_workqueue - drain and free a workqueue
 * @wq: the workqueue
 *
 * Waits for every queued item first; only @wq's own items may still queue
 * to it meanwhile.  Memory is freed once the last pwq is released.
 */
void destroy_workqueue(struct workqueue_struct *wq)
{
	struct worker *rescuer;
	int cpu;

	/* first, so that a failed check below leaves no name conflict */
	workqueue_sysfs_unregister(wq);

	scoped_guard(mutex, &wq->mutex)
		wq->flags |= __WQ_DESTROYING;
	drain_workqueue(wq);

	/*
	 * No more maydays; the rescuer empties the list and exits, or
	 * drop_maydays() does if it never ran.  Under wq->mutex too, for
	 * apply_wqattrs_commit() of a global re-apply that began before
	 * __WQ_DESTROYING was set.
	 */
	mutex_lock(&wq->mutex);
	raw_spin_lock_irq(&wq_mayday_lock);
	rescuer = wq->rescuer;
	wq->rescuer = NULL;
	raw_spin_unlock_irq(&wq_mayday_lock);
	mutex_unlock(&wq->mutex);
	if (rescuer) {
		kthread_stop(rescuer->task);
		kfree(rescuer);
		drop_maydays(wq);
	}

	/* the locks make pending put_pwq() callers finish first */
	mutex_lock(&wq_pool_mutex);
	if (wq_has_leftovers(wq)) {
		/* leak it rather than free what is still in use */
		mutex_unlock(&wq_pool_mutex);
		rcu_read_lock();
		show_one_workqueue(wq);
		rcu_read_unlock();
		return;
	}
	/* off the list only now, so that freezing can't miss it earlier */
	list_del_rcu(&wq->list);
	mutex_unlock(&wq_pool_mutex);

	/* drop the slot references; the last pwq release frees @wq */
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		struct pool_workqueue __rcu **slot = per_cpu_ptr(wq->cpu_pwq, cpu);

		put_pwq_unlocked(rcu_dereference(*slot));
		RCU_INIT_POINTER(*slot, NULL);
	}
	if (wq->flags & WQ_UNBOUND) {
		put_pwq_unlocked(rcu_dereference(wq->dfl_pwq));
		RCU_INIT_POINTER(wq->dfl_pwq, NULL);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(destroy_workqueue);

/**
 * workqueue_set_max_active - change the max_active of a workqueue
 * @wq: the workqueue, neither BH nor ordered
 * @max_active: the new limit, clamped to [1, %WQ_MAX_ACTIVE]
 *
 * See alloc_workqueue() for what max_active means.  Don't call from IRQ
 * context.
 */
void workqueue_set_max_active(struct workqueue_struct *wq, int max_active)
{
	/* meaningless for BH, and would break the order of an ordered wq */
	if (WARN_ON(wq->flags & (WQ_BH | __WQ_ORDERED)))
		return;

	guard(mutex)(&wq->mutex);
	wq->saved_max_active = clamp_max_active(max_active, wq->name);
	wq_update_max_active(wq);
}
EXPORT_SYMBOL_GPL(workqueue_set_max_active);

/**
 * workqueue_set_min_active - change the min_active of an unbound workqueue
 * @wq: an unbound, non-ordered workqueue
 * @min_active: the new value, clamped to [0, max_active]
 *
 * min_active is the number of interdependent items an unbound workqueue is
 * guaranteed to run at once.  Here max_active is shared by all of a
 * workqueue's pods, so that guarantee always extends to max_active and
 * there is nothing to change: this only checks that @wq is of the kind the
 * call is meant for.
 */
void workqueue_set_min_active(struct workqueue_struct *wq, int min_active)
{
	unsigned int kind = wq->flags & (WQ_BH | WQ_UNBOUND | __WQ_ORDERED);

	WARN_ON(kind != WQ_UNBOUND);
}

/* ------------------------------------------------------------------------
 * CPU hotplug, freezer and the unbound cpumask
 *
 * When a CPU goes down, its per-CPU pools become DISASSOCIATED: every
 * worker gets WORKER_UNBOUND, nr_running is reset, and the workers may run
 * on any CPU while the pending and running items finish.  This happens on
 * the dying CPU itself, so that the scheduler hooks, which run with
 * preemption disabled on that CPU, see a consistent state.  When the CPU
 * comes back, the workers are bound again and marked REBOUND; each rejoins
 * concurrency management when it next starts running items.  BH pools don't
 * care; workqueue_softirq_dead() moves their leftovers instead.
 */

#ifdef CONFIG_SMP

static void pools_unbind(int cpu)
{
	struct worker_pool *pool;
	struct worker *worker;

	for_each_cpu_pool(pool, cpu) {
		mutex_lock(&wq_pool_attach_mutex);
		raw_spin_lock_irq(&pool->lock);

		list_for_each_entry(worker, &pool->workers, node)
			worker->flags |= WORKER_UNBOUND;
		pool->flags |= POOL_DISASSOCIATED;
		/* nobody counts any more: every queued item now wakes a worker */
		pool->nr_running = 0;
		kick_pool(pool);

		raw_spin_unlock_irq(&pool->lock);

		list_for_each_entry(worker, &pool->workers, node)
			worker_unbind_task(worker->task);
		mutex_unlock(&wq_pool_attach_mutex);
	}
}

static void pool_rebind(struct worker_pool *pool)
{
	struct worker *w;

	lockdep_assert_held(&wq_pool_attach_mutex);

	/* bind first: local wakeups must find the workers on this CPU */
	list_for_each_entry(w, &pool->workers, node) {
		WARN_ON_ONCE(set_cpus_allowed_ptr(w->task, cpumask_of(pool->cpu)));
		kthread_set_per_cpu(w->task, pool->cpu);
	}

	raw_spin_lock_irq(&pool->lock);
	pool->flags &= ~POOL_DISASSOCIATED;
	list_for_each_entry(w, &pool->workers, node) {
		unsigned int flags = w->flags;

		/*
		 * Swap UNBOUND for REBOUND in one store: the worker may test
		 * NOT_RUNNING locklessly in wq_worker_running() and must not
		 * see neither.
		 */
		WARN_ON_ONCE(!(flags & WORKER_UNBOUND));
		flags = (flags & ~WORKER_UNBOUND) | WORKER_REBOUND;
		WRITE_ONCE(w->flags, flags);
	}
	raw_spin_unlock_irq(&pool->lock);
}

/*
 * Workers of an unbound pool whose CPUs were all offline had their
 * affinity broken by the scheduler; @cpu is back, restore it.
 */
static void pool_restore_affinity(struct worker_pool *pool, int cpu)
{
	struct worker *worker;

	lockdep_assert_held(&wq_pool_attach_mutex);

	if (!cpumask_test_cpu(cpu, pool_allowed_cpus(pool)))
		return;
	list_for_each_entry(worker, &pool->workers, node)
		WARN_ON_ONCE(set_cpus_allowed_ptr(worker->task,
						  pool_allowed_cpus(pool)) < 0);
}

/**
 * workqueue_prepare_cpu - make sure @cpu's pools have a worker
 * @cpu: the CPU coming up
 *
 * Return: 0 or -ENOMEM.
 */
int workqueue_prepare_cpu(unsigned int cpu)
{
	struct worker_pool *pool;

	for_each_cpu_pool(pool, cpu) {
		if (!pool->nr_workers && !create_worker(pool))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Is @cpu the only online CPU that @wq may use in its pod, so that its
 * coming or going decides whether the pod has a pwq of its own?  The CPUs
 * used are those apply_wqattrs_prepare() computes.
 */
static bool wq_pod_turns_over(struct workqueue_struct *wq, int cpu)
{
	const struct workqueue_attrs *attrs = wq->unbound_attrs;
	const struct wq_pod_type *pt = wqattrs_pod_type(attrs);
	const struct cpumask *want = attrs->cpumask;
	int other;

	if (!cpumask_intersects(want, wq_unbound_cpumask))
		want = cpu_possible_mask;
	if (!cpumask_test_cpu(cpu, want) ||
	    !cpumask_test_cpu(cpu, wq_unbound_cpumask))
		return false;
	for_each_cpu_and(other, pt->pod_cpus[pt->cpu_pod[cpu]], wq_online_cpumask) {
		if (other != cpu && cpumask_test_cpu(other, want) &&
		    cpumask_test_cpu(other, wq_unbound_cpumask))
			return false;
	}
	return true;
}

/*
 * The last CPU of @cpu's pod went down, or there is no memory for a pwq of
 * the pod: the default pwq, which needs none, serves the pod.  Its items
 * run anywhere in the cpumask, never on a pod pwq whose CPUs are all gone.
 */
static void wq_pod_fall_back(struct workqueue_struct *wq, int cpu)
{
	const struct wq_pod_type *pt = wqattrs_pod_type(wq->unbound_attrs);
	struct pool_workqueue *dfl, *old;
	int slot;

	guard(mutex)(&wq->mutex);
	dfl = rcu_dereference_protected(wq->dfl_pwq, lockdep_is_held(&wq->mutex));
	for_each_cpu(slot, pt->pod_cpus[pt->cpu_pod[cpu]]) {
		raw_spin_lock_irq(&dfl->pool->lock);
		get_pwq(dfl);
		raw_spin_unlock_irq(&dfl->pool->lock);
		old = install_pwq(wq, per_cpu_ptr(wq->cpu_pwq, slot), dfl);
		put_pwq_unlocked(old);
	}
}

/*
 * @cpu is the first CPU of its pod to come back: give the pod's slots a pwq
 * of their own again, the one apply_wqattrs_prepare() would compute for
 * them, and leave the other pods' pwqs alone.  wq_pool_mutex held.
 */
static int wq_pod_restore(struct workqueue_struct *wq, int cpu)
{
	const struct workqueue_attrs *attrs = wq->unbound_attrs;
	const struct wq_pod_type *pt = wqattrs_pod_type(attrs);
	const struct cpumask *pod = pt->pod_cpus[pt->cpu_pod[cpu]];
	struct pool_workqueue *pwq, *old;
	struct workqueue_attrs *tmp;
	struct worker_pool *pool;
	int slot;

	lockdep_assert_held(&wq_pool_mutex);

	tmp = alloc_workqueue_attrs();
	if (!tmp)
		return -ENOMEM;
	wqattrs_usable(tmp, attrs, wq_unbound_cpumask);
	cpumask_and(tmp->__pod_cpumask, tmp->cpumask, pod);
	wqattrs_normalize_for_pool(tmp);
	pool = get_unbound_pool(tmp);
	free_workqueue_attrs(tmp);
	if (!pool)
		return -ENOMEM;

	/* the pod may already be on a pwq of that pool (the default one) */
	old = rcu_dereference_protected(*per_cpu_ptr(wq->cpu_pwq, cpu),
					lockdep_is_held(&wq_pool_mutex));
	if (old->pool == pool) {
		put_unbound_pool(pool);
		return 0;
	}
	pwq = kmem_cache_alloc_node(pwq_cache, GFP_KERNEL, pool->node);
	if (!pwq) {
		put_unbound_pool(pool);
		return -ENOMEM;
	}
	init_pwq(pwq, wq, pool);
	/* one reference per slot; nobody sees @pwq yet */
	pwq->refcnt = cpumask_weight(pod);

	guard(mutex)(&wq->mutex);
	for_each_cpu(slot, pod) {
		old = install_pwq(wq, per_cpu_ptr(wq->cpu_pwq, slot), pwq);
		put_pwq_unlocked(old);
	}
	return 0;
}

/*
 * @cpu came up or is going down.  Give a pod whose first CPU came online
 * its own pwq again, and a pod whose last CPU is going down the default
 * pwq, in every unbound wq where that changes something.  Only that pod's
 * slots change, so the cost per wq does not grow with the number of CPUs.
 * wq_pool_mutex held.
 */
static void wq_update_pods(int cpu)
{
	struct workqueue_struct *wq;

	lockdep_assert_held(&wq_pool_mutex);

	list_for_each_entry(wq, &workqueues, list) {
		int ret;

		/*
		 * An ordered wq, or one given attributes with ->ordered, has
		 * a single pwq whatever the pods.
		 */
		if ((wq->flags & (WQ_UNBOUND | __WQ_ORDERED | __WQ_DESTROYING)) !=
		    WQ_UNBOUND || wq->unbound_attrs->ordered ||
		    !wq_pod_turns_over(wq, cpu))
			continue;
		if (!cpumask_test_cpu(cpu, wq_online_cpumask)) {
			wq_pod_fall_back(wq, cpu);
			continue;
		}
		ret = wq_pod_restore(wq, cpu);
		if (ret)
			pr_warn("workqueue: %s: no pwq for the pod of CPU %d: %pe\n",
				wq->name, cpu, ERR_PTR(ret));
	}
}

/**
 * workqueue_online_cpu - bind @cpu's pools to it again
 * @cpu: the CPU that came up
 *
 * Return: 0.
 */
int workqueue_online_cpu(unsigned int cpu)
{
	struct worker_pool *pool;
	int id;

	mutex_lock(&wq_pool_mutex);
	mutex_lock(&wq_pool_attach_mutex);
	for_each_pool(pool, id) {
		/* BH pools don't care, other CPUs' pools neither */
		if (pool->cpu == cpu && !(pool->flags & POOL_BH))
			pool_rebind(pool);
		if (pool->cpu < 0)
			pool_restore_affinity(pool, cpu);
	}
	mutex_unlock(&wq_pool_attach_mutex);
	cpumask_set_cpu(cpu, wq_online_cpumask);
	wq_update_pods(cpu);
	mutex_unlock(&wq_pool_mutex);
	return 0;
}

/**
 * workqueue_offline_cpu - let @cpu's pools run without it
 * @cpu: the CPU going down, which must be the current one
 *
 * Return: 0, or -1 if called on another CPU.
 */
int workqueue_offline_cpu(unsigned int cpu)
{
	if (WARN_ON(cpu != smp_processor_id()))
		return -1;
	pools_unbind(cpu);

	guard(mutex)(&wq_pool_mutex);
	cpumask_clear_cpu(cpu, wq_online_cpumask);
	wq_update_pods(cpu);
	return 0;
}

#endif /* CONFIG_SMP */

#ifdef CONFIG_FREEZER

/* enter or leave the frozen state; every workqueue adjusts max_active */
static void wq_set_frozen(bool frozen)
{
	struct workqueue_struct *wq;

	lockdep_assert_held(&wq_pool_mutex);

	workqueue_freezing = frozen;
	list_for_each_entry(wq, &workqueues, list) {
		guard(mutex)(&wq->mutex);
		wq_update_max_active(wq);
	}
}

/**
 * freeze_workqueues_begin - stop freezable workqueues from starting items
 *
 * Sets the max_active of every freezable workqueue to zero: new items wait
 * on the inactive lists until thaw_workqueues().
 */
void freeze_workqueues_begin(void)
{
	guard(mutex)(&wq_pool_mutex);
	WARN_ON_ONCE(workqueue_freezing);
	wq_set_frozen(true);
}

/**
 * freeze_workqueues_busy - do freezable workqueues still run items?
 *
 * Call between freeze_workqueues_begin() and thaw_workqueues().
 *
 * Return: %true while some freezable workqueue has active items.
 */
bool freeze_workqueues_busy(void)
{
	struct workqueue_struct *wq;
	struct pool_workqueue *pwq;
	bool busy = false;

	mutex_lock(&wq_pool_mutex);
	WARN_ON_ONCE(!workqueue_freezing);

	rcu_read_lock();
	list_for_each_entry(wq, &workqueues, list) {
		if (!(wq->flags & WQ_FREEZABLE))
			continue;
		/* only drops while frozen, an unlocked look is enough */
		for_each_pwq(pwq, wq) {
			WARN_ON_ONCE(pwq->nr_active < 0);
			if (pwq->nr_active)
				busy = true;
		}
		if (busy)
			break;
	}
	rcu_read_unlock();

	mutex_unlock(&wq_pool_mutex);
	return busy;
}

/**
 * thaw_workqueues - let freezable workqueues run again
 *
 * Restores max_active and starts the items that waited.
 */
void thaw_workqueues(void)
{
	guard(mutex)(&wq_pool_mutex);
	if (workqueue_freezing)
		wq_set_frozen(false);
}

#endif /* CONFIG_FREEZER */

/*
 * Re-apply the attributes of every unbound workqueue with @cpumask as the
 * unbound cpumask, all or nothing.  wq_pool_mutex held.
 */
static int wq_apply_unbound_cpumask(const struct cpumask *cpumask)
{
	struct apply_wqattrs_ctx *ctx, *tmp;
	struct workqueue_struct *wq;
	LIST_HEAD(ctxs);
	int ret = 0;

	lockdep_assert_held(&wq_pool_mutex);

	/* prepare all first, so that a failure changes nothing */
	list_for_each_entry(wq, &workqueues, list) {
		if ((wq->flags & (WQ_UNBOUND | __WQ_DESTROYING)) != WQ_UNBOUND)
			continue;
		ctx = apply_wqattrs_prepare(wq, wq->unbound_attrs, cpumask);
		ret = PTR_ERR_OR_ZERO(ctx);
		if (ret)
			break;
		list_add_tail(&ctx->list, &ctxs);
	}

	/* all or nothing: commit only if every workqueue could prepare */
	list_for_each_entry_safe(ctx, tmp, &ctxs, list) {
		list_del(&ctx->list);
		if (!ret)
			apply_wqattrs_commit(ctx);
		apply_wqattrs_cleanup(ctx);
	}
	if (ret)
		return ret;

	scoped_guard(mutex, &wq_pool_attach_mutex)
		cpumask_copy(wq_unbound_cpumask, cpumask);
	return 0;
}

/**
 * workqueue_unbound_exclude_cpumask - keep unbound work off some CPUs
 * @exclude_cpumask: CPUs to exclude, e.g. isolated ones from cpuset
 *
 * The unbound cpumask becomes the requested one minus @exclude_cpumask, or
 * the requested one if nothing would be left.
 *
 * Return: 0 or -errno.
 */
int workqueue_unbound_exclude_cpumask(cpumask_var_t exclude_cpumask)
{
	cpumask_var_t mask;
	int ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;

	mutex_lock(&wq_pool_mutex);
	if (!cpumask_andnot(mask, wq_requested_unbound_cpumask, exclude_cpumask))
		cpumask_copy(mask, wq_requested_unbound_cpumask);
	ret = cpumask_equal(mask, wq_unbound_cpumask) ? 0 :
	      wq_apply_unbound_cpumask(mask);
	if (!ret)
		cpumask_copy(wq_isolated_cpumask, exclude_cpumask);
	mutex_unlock(&wq_pool_mutex);

	free_cpumask_var(mask);
	return ret;
}

/*
 * Set the unbound cpumask, limited to possible CPUs; used by sysfs.
 * Returns -EINVAL if nothing is left of @cpumask.
 */
static int workqueue_set_unbound_cpumask(cpumask_var_t cpumask)
{
	int ret = 0;

	/* isolated CPUs are allowed on purpose when asked for explicitly */
	cpumask_and(cpumask, cpumask, cpu_possible_mask);
	if (cpumask_empty(cpumask))
		return -EINVAL;

	mutex_lock(&wq_pool_mutex);
	if (!cpumask_equal(cpumask, wq_unbound_cpumask))
		ret = wq_apply_unbound_cpumask(cpumask);
	if (!ret)
		cpumask_copy(wq_requested_unbound_cpumask, cpumask);
	mutex_unlock(&wq_pool_mutex);
	return ret;
}

/* the scope whose name @val starts with, case-insensitively */
static int affn_scope_parse(const char *val)
{
	int scope = ARRAY_SIZE(wq_affn_names);

	while (--scope >= 0)
		if (!strncasecmp(val, wq_affn_names[scope],
				 strlen(wq_affn_names[scope])))
			break;
	return scope >= 0 ? scope : -EINVAL;
}

/* workqueue.default_affinity_scope: any scope but "default" itself */
static int wq_affn_dfl_set(const char *val, const struct kernel_param *kp)
{
	int affn = affn_scope_parse(val);
	struct workqueue_struct *wq;

	if (affn <= WQ_AFFN_DFL)
		return -EINVAL;

	mutex_lock(&wq_pool_mutex);
	wq_affn_dfl = affn;
	/* rebuild the pods of the workqueues that follow the default */
	list_for_each_entry(wq, &workqueues, list) {
		if ((wq->flags & (WQ_UNBOUND | __WQ_ORDERED | __WQ_DESTROYING)) ==
		    WQ_UNBOUND &&
		    wq->unbound_attrs->affn_scope == WQ_AFFN_DFL)
			apply_workqueue_attrs_locked(wq, wq->unbound_attrs);
	}
	mutex_unlock(&wq_pool_mutex);
	return 0;
}

static int wq_affn_dfl_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%s\n", wq_affn_names[wq_affn_dfl]);
}

static const struct kernel_param_ops wq_affn_dfl_param_ops = {
	.set	= wq_affn_dfl_set,
	.get	= wq_affn_dfl_get,
};
module_param_cb(default_affinity_scope, &wq_affn_dfl_param_ops, NULL, 0644);

/* ------------------------------------------------------------------------
 * Debug output
 */

/* vprintk() wrapper: the log level of print_worker_info() is the caller's */
static __printf(1, 2) void wq_printk(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

/**
 * print_worker_info - print what a kworker is working on
 * @log_lvl: printk level
 * @task: any task
 *
 * For a kworker that runs an item, prints the workqueue name, the function
 * and the set_worker_desc() text.  Unsynchronized by design (it runs from
 * dump_stack()), so every read is fault-tolerant and may see a mix.
 */
void print_worker_info(const char *log_lvl, struct task_struct *task)
{
	char name[WQ_NAME_LEN] = { };
	char desc[WORKER_DESC_LEN] = { };
	struct workqueue_struct *wq = NULL;
	struct pool_workqueue *pwq = NULL;
	work_func_t fn = NULL;
	struct worker *worker;

	if (!(task->flags & PF_WQ_WORKER))
		return;

	worker = kthread_probe_data(task);
	/* the last byte of each buffer stays NUL whatever we copy */
	copy_from_kernel_nofault(&fn, &worker->current_func, sizeof(fn));
	copy_from_kernel_nofault(desc, worker->desc, sizeof(desc) - 1);
	copy_from_kernel_nofault(&pwq, &worker->current_pwq, sizeof(pwq));
	copy_from_kernel_nofault(&wq, &pwq->wq, sizeof(wq));
	copy_from_kernel_nofault(name, wq->name, sizeof(name) - 1);

	if (!fn && !name[0] && !desc[0])
		return;
	if (strcmp(name, desc))
		wq_printk("%sWorkqueue: %s %ps (%s)\n", log_lvl, name, fn, desc);
	else
		wq_printk("%sWorkqueue: %s %ps\n", log_lvl, name, fn);
}

/*
 * The dumps below assemble each line here and print it whole, so that
 * lines from other CPUs can't cut into them.  A line that fills up is
 * printed and continued on the next one.
 */
struct wq_line {
	char	buf[256];
	int	len;
	bool	comma;		/* next list entry needs a separator */
};

static __printf(2, 3) void wql_add(struct wq_line *l, const char *fmt, ...)
{
	va_list args;

	if (l->len > (int)sizeof(l->buf) - 64) {
		pr_info("%s\n", l->buf);
		l->len = scnprintf(l->buf, sizeof(l->buf), "     ");
	}
	va_start(args, fmt);
	l->len += vscnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, args);
	va_end(args);
}

static void wql_print(struct wq_line *l)
{
	if (l->len)
		pr_info("%s\n", l->buf);
	l->len = 0;
	l->comma = false;
}

static void wql_pool_info(struct wq_line *l, struct worker_pool *pool)
{
	wql_add(l, " cpus=%*pbl", nr_cpumask_bits, pool->attrs->cpumask);
	if (pool->node != NUMA_NO_NODE)
		wql_add(l, " node=%d", pool->node);
	wql_add(l, " flags=0x%x", pool->flags);
	if (pool->flags & POOL_BH)
		wql_add(l, " bh%s", pool_is_highpri(pool) ? "-hi" : "");
	else
		wql_add(l, " nice=%d", pool->attrs->nice);
}

static void wql_worker_id(struct wq_line *l, struct worker *worker)
{
	if (worker->pool->flags & POOL_BH)
		wql_add(l, "bh%s", pool_is_highpri(worker->pool) ? "-hi" : "");
	else
		wql_add(l, "%d%s", task_pid_nr(worker->task),
			worker->rescue_wq ? "(RESCUER)" : "");
}

/*
 * A list of items, compacted: a run of the same function prints as
 * "N*func", a barrier as the pid of the task waiting on it.
 */
struct wq_item_run {
	work_func_t	func;
	int		count;
};

static void wql_items_end(struct wq_line *l, struct wq_item_run *run)
{
	if (!run->count)
		return;
	wql_add(l, "%s ", l->comma ? "," : "");
	if (run->count > 1)
		wql_add(l, "%d*", run->count);
	wql_add(l, "%ps", run->func);
	l->comma = true;
	run->count = 0;
}

static void wql_item(struct wq_line *l, struct wq_item_run *run,
		     struct work_struct *work)
{
	if (work->func == wq_barrier_func) {
		wql_items_end(l, run);
		wql_add(l, "%s BAR(%d)", l->comma ? "," : "",
			task_pid_nr(container_of(work, struct wq_barrier_item,
						 work)->task));
		l->comma = true;
		return;
	}
	if (run->count && run->func != work->func)
		wql_items_end(l, run);
	run->func = work->func;
	run->count++;
}

/* dump one pwq; its pool->lock held */
static void show_pwq(struct pool_workqueue *pwq)
{
	struct worker_pool *pool = pwq->pool;
	struct wq_item_run run = { };
	struct work_struct *work;
	struct wq_line line = { };
	struct worker *worker;
	int bkt;

	wql_add(&line, "  pwq %d:", pool->id);
	wql_pool_info(&line, pool);
	wql_add(&line, " active=%d refcnt=%d%s", pwq->nr_active, pwq->refcnt,
		!list_empty(&pwq->mayday_node) ? " MAYDAY" : "");
	wql_print(&line);

	hash_for_each(pool->busy_hash, bkt, worker, busy_node) {
		if (worker->current_pwq != pwq)
			continue;
		wql_add(&line, "%s ", line.len ? "," : "    in-flight:");
		wql_worker_id(&line, worker);
		wql_add(&line, ":%ps", worker->current_func);
		list_for_each_entry(work, &worker->scheduled, entry)
			wql_item(&line, &run, work);
		wql_items_end(&line, &run);
		line.comma = false;
	}
	wql_print(&line);

	list_for_each_entry(work, &pool->worklist, entry) {
		if (get_work_pwq(work) != pwq)
			continue;
		if (!line.len)
			wql_add(&line, "    pending:");
		wql_item(&line, &run, work);
	}
	wql_items_end(&line, &run);
	wql_print(&line);

	list_for_each_entry(work, &pwq->inactive_works, entry) {
		if (!line.len)
			wql_add(&line, "    inactive:");
		wql_item(&line, &run, work);
	}
	wql_items_end(&line, &run);
	wql_print(&line);
}

/**
 * show_one_workqueue - dump the state of a workqueue
 * @wq: the workqueue; nothing is printed if it is idle
 */
void show_one_workqueue(struct workqueue_struct *wq)
{
	struct pool_workqueue *pwq;
	unsigned long irq_flags;
	bool header = false;

	for_each_pwq(pwq, wq) {
		raw_spin_lock_irqsave(&pwq->pool->lock, irq_flags);
		/* consoles may queue work: don't print under our lock */
		printk_deferred_enter();
		if (!pwq_idle(pwq)) {
			if (!header)
				pr_info("workqueue %s: flags=0x%x\n", wq->name,
					wq->flags);
			header = true;
			show_pwq(pwq);
		}
		printk_deferred_exit();
		raw_spin_unlock_irqrestore(&pwq->pool->lock, irq_flags);
		/* this can be long, and sysrq runs it with IRQs off */
		touch_nmi_watchdog();
	}
}

static void show_one_worker_pool(struct worker_pool *pool)
{
	struct wq_line line = { };
	unsigned long irq_flags, hung;
	struct worker *worker;

	raw_spin_lock_irqsave(&pool->lock, irq_flags);
	/* nothing to see in a pool where everybody idles */
	if (pool->nr_workers == pool->nr_idle)
		goto out;
	/* how long the first pending item has waited */
	hung = list_empty(&pool->worklist) ? 0 :
	       jiffies_to_msecs(jiffies - pool->watchdog_ts) / MSEC_PER_SEC;

	/* consoles may queue work: don't print synchronously under our lock */
	printk_deferred_enter();
	wql_add(&line, "pool %d:", pool->id);
	wql_pool_info(&line, pool);
	wql_add(&line, " hung=%lus workers=%d", hung, pool->nr_workers);
	if (pool->manager)
		wql_add(&line, " manager: %d", task_pid_nr(pool->manager->task));
	list_for_each_entry(worker, &pool->idle_list, idle_node) {
		wql_add(&line, " %s", line.comma ? "" : "idle: ");
		wql_worker_id(&line, worker);
		line.comma = true;
	}
	wql_print(&line);
	printk_deferred_exit();
out:
	raw_spin_unlock_irqrestore(&pool->lock, irq_flags);
	touch_nmi_watchdog();
}

/**
 * show_all_workqueues - dump every busy workqueue and worker pool
 *
 * Used by sysrq-t and the stall watchdog.
 */
void show_all_workqueues(void)
{
	struct workqueue_struct *wq;
	struct worker_pool *pool;
	int id;

	rcu_read_lock();
	pr_info("Showing busy workqueues and worker pools:\n");
	list_for_each_entry_rcu(wq, &workqueues, list)
		show_one_workqueue(wq);
	for_each_pool(pool, id)
		show_one_worker_pool(pool);
	rcu_read_unlock();
}

/**
 * show_freezable_workqueues - dump the freezable workqueues still busy
 *
 * Used when freezing tasks fails.
 */
void show_freezable_workqueues(void)
{
	struct workqueue_struct *wq;

	guard(rcu)();
	pr_info("Showing freezable workqueues that are still busy:\n");
	list_for_each_entry_rcu(wq, &workqueues, list) {
		if (wq->flags & WQ_FREEZABLE)
			show_one_workqueue(wq);
	}
}

/**
 * wq_worker_comm - the name /proc shows for a task
 * @buf: where to write it
 * @size: size of @buf
 * @task: any task
 *
 * For a kworker: its name plus "+desc" while it runs an item, or "-desc"
 * for the last one it ran, where desc is the workqueue name unless
 * set_worker_desc() changed it.
 */
void wq_worker_comm(char *buf, size_t size, struct task_struct *task)
{
	struct worker_pool *pool;
	struct worker *worker;
	int len;

	/* PF_WQ_WORKER and the pool stay put under the attach mutex */
	guard(mutex)(&wq_pool_attach_mutex);
	if (!(task->flags & PF_WQ_WORKER)) {
		strscpy(buf, task->comm, size);
		return;
	}

	worker = kthread_data(task);
	pool = worker->pool;
	len = format_worker_name(buf, size, worker, pool);
	if (!pool)
		return;
	raw_spin_lock_irq(&pool->lock);
	if (worker->desc[0])
		scnprintf(buf + len, size - len, "%c%s",
			  worker->current_work ? '+' : '-', worker->desc);
	raw_spin_unlock_irq(&pool->lock);
}

/* ------------------------------------------------------------------------
 * sysfs
 *
 * /sys/devices/virtual/workqueue/ (also /sys/bus/workqueue/devices/) has
 * the global files cpumask (RW), cpumask_requested and cpumask_isolated,
 * and a directory per WQ_SYSFS workqueue with per_cpu (RO) and max_active
 * (RW); unbound ones add nice, cpumask, affinity_scope and affinity_strict.
 * A write that doesn't parse fails with -EINVAL and changes nothing.
 */

#ifdef CONFIG_SYSFS

struct wq_device {
	struct workqueue_struct	*wq;
	struct device		dev;
};

static struct workqueue_struct *wq_of_dev(struct device *dev)
{
	return container_of(dev, struct wq_device, dev)->wq;
}

static ssize_t max_active_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%d\n", wq_of_dev(dev)->saved_max_active);
}

static ssize_t max_active_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	int max_active, ret = kstrtoint(buf, 10, &max_active);

	/* out of range values are clamped, as alloc_workqueue() does */
	if (ret || max_active < 1)
		return -EINVAL;
	workqueue_set_max_active(wq_of_dev(dev), max_active);
	return count;
}
static DEVICE_ATTR_RW(max_active);

static ssize_t per_cpu_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", !(wq_of_dev(dev)->flags & WQ_UNBOUND));
}
static DEVICE_ATTR_RO(per_cpu);

/* the files of every WQ_SYSFS workqueue */
static struct attribute *wq_sysfs_attrs[] = {
	&dev_attr_max_active.attr,
	&dev_attr_per_cpu.attr,
	NULL,
};
ATTRIBUTE_GROUPS(wq_sysfs);

/* the files of unbound WQ_SYSFS workqueues, in wq_unbound_dev_attrs[] */
enum { WQA_NICE, WQA_CPUMASK, WQA_AFFN_SCOPE, WQA_AFFN_STRICT };

static struct device_attribute wq_unbound_dev_attrs[];

static ssize_t wq_unbound_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct workqueue_struct *wq = wq_of_dev(dev);
	struct workqueue_attrs *attrs = wq->unbound_attrs;

	guard(mutex)(&wq->mutex);
	switch (attr - wq_unbound_dev_attrs) {
	case WQA_NICE:
		return sysfs_emit(buf, "%d\n", attrs->nice);
	case WQA_CPUMASK:
		return sysfs_emit(buf, "%*pb\n", cpumask_pr_args(attrs->cpumask));
	case WQA_AFFN_SCOPE:
		if (attrs->affn_scope != WQ_AFFN_DFL)
			return sysfs_emit(buf, "%s\n",
					  wq_affn_names[attrs->affn_scope]);
		/* show what "default" currently means too */
		return sysfs_emit(buf, "%s (%s)\n", wq_affn_names[WQ_AFFN_DFL],
				  wq_affn_names[wq_affn_dfl]);
	default:
		return sysfs_emit(buf, "%d\n", attrs->affn_strict);
	}
}

/* parse into a copy of the attributes; apply it only if all of it parsed */
static ssize_t wq_unbound_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct workqueue_struct *wq = wq_of_dev(dev);
	struct workqueue_attrs *attrs;
	int val = 0, ret = 0;

	guard(mutex)(&wq_pool_mutex);
	attrs = alloc_workqueue_attrs();
	if (!attrs)
		return -ENOMEM;
	copy_workqueue_attrs(attrs, wq->unbound_attrs);

	switch (attr - wq_unbound_dev_attrs) {
	case WQA_NICE:
		if (kstrtoint(buf, 10, &val) || val < MIN_NICE || val > MAX_NICE)
			ret = -EINVAL;
		attrs->nice = val;
		break;
	case WQA_CPUMASK:
		if (cpumask_parse(buf, attrs->cpumask))
			ret = -EINVAL;
		break;
	case WQA_AFFN_SCOPE:
		val = affn_scope_parse(buf);
		if (val < 0)
			ret = -EINVAL;
		attrs->affn_scope = val;
		break;
	default:
		if (kstrtoint(buf, 10, &val))
			ret = -EINVAL;
		attrs->affn_strict = val;
		break;
	}

	if (!ret)
		ret = apply_workqueue_attrs_locked(wq, attrs);
	free_workqueue_attrs(attrs);
	return ret ?: count;
}

static struct device_attribute wq_unbound_dev_attrs[] = {
	[WQA_NICE] = __ATTR(nice, 0644, wq_unbound_show, wq_unbound_store),
	[WQA_CPUMASK] = __ATTR(cpumask, 0644, wq_unbound_show,
			       wq_unbound_store),
	[WQA_AFFN_SCOPE] = __ATTR(affinity_scope, 0644, wq_unbound_show,
				  wq_unbound_store),
	[WQA_AFFN_STRICT] = __ATTR(affinity_strict, 0644, wq_unbound_show,
				   wq_unbound_store),
};

/* the global files: the unbound cpumask, requested and isolated CPUs */
static struct device_attribute wq_global_dev_attrs[];

static ssize_t wq_global_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	const struct cpumask *masks[] = {
		wq_unbound_cpumask, wq_requested_unbound_cpumask,
		wq_isolated_cpumask,
	};

	guard(mutex)(&wq_pool_mutex);
	return sysfs_emit(buf, "%*pb\n",
			  cpumask_pr_args(masks[attr - wq_global_dev_attrs]));
}

static ssize_t wq_global_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	cpumask_var_t mask;
	int ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ret = cpumask_parse(buf, mask) ? -EINVAL :
	      workqueue_set_unbound_cpumask(mask);
	free_cpumask_var(mask);
	return ret < 0 ? ret : count;
}

static struct device_attribute wq_global_dev_attrs[] = {
	__ATTR(cpumask, 0644, wq_global_show, wq_global_store),
	__ATTR(cpumask_requested, 0444, wq_global_show, NULL),
	__ATTR(cpumask_isolated, 0444, wq_global_show, NULL),
	/* no terminator: used by index, and listed below */
};

static struct attribute *wq_global_attrs[] = {
	&wq_global_dev_attrs[0].attr,
	&wq_global_dev_attrs[1].attr,
	&wq_global_dev_attrs[2].attr,
	NULL,
};
ATTRIBUTE_GROUPS(wq_global);

static const struct bus_type wq_bus = {
	.name		= "workqueue",
	.dev_groups	= wq_sysfs_groups,
};

static int __init wq_sysfs_init(void)
{
	return subsys_virtual_register(&wq_bus, wq_global_groups);
}
core_initcall(wq_sysfs_init);

static void wq_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct wq_device, dev));
}

/**
 * workqueue_sysfs_register - show a workqueue in sysfs
 * @wq: the workqueue, not an ordered one
 *
 * alloc_workqueue() calls this for %WQ_SYSFS.  Calling it directly lets
 * the owner apply attributes before userspace can change them.
 *
 * Return: 0 or -errno.
 */
int workqueue_sysfs_register(struct workqueue_struct *wq)
{
	struct wq_device *wq_dev;
	int i, ret;

	/* a user changing max_active would break the ordering */
	if (WARN_ON(wq->flags & __WQ_ORDERED))
		return -EINVAL;

	wq_dev = kzalloc(sizeof(*wq_dev), GFP_KERNEL);
	if (!wq_dev)
		return -ENOMEM;
	dev_set_name(&wq_dev->dev, "%s", wq->name);
	wq_dev->dev.release = wq_dev_release;
	wq_dev->dev.bus = &wq_bus;
	wq_dev->wq = wq;

	/* announce it only once the unbound files exist too */
	dev_set_uevent_suppress(&wq_dev->dev, true);
	ret = device_register(&wq_dev->dev);
	if (ret) {
		put_device(&wq_dev->dev);
		return ret;
	}

	if (wq->flags & WQ_UNBOUND) {
		for (i = 0; i < ARRAY_SIZE(wq_unbound_dev_attrs); i++) {
			ret = device_create_file(&wq_dev->dev,
						 &wq_unbound_dev_attrs[i]);
			if (ret) {
				device_unregister(&wq_dev->dev);
				return ret;
			}
		}
	}

	wq->wq_dev = wq_dev;
	dev_set_uevent_suppress(&wq_dev->dev, false);
	kobject_uevent(&wq_dev->dev.kobj, KOBJ_ADD);
	return 0;
}

static void workqueue_sysfs_unregister(struct workqueue_struct *wq)
{
	struct wq_device *wq_dev = wq->wq_dev;

	if (!wq_dev)
		return;
	wq->wq_dev = NULL;
	device_unregister(&wq_dev->dev);
}

#endif /* CONFIG_SYSFS */

/* ------------------------------------------------------------------------
 * Stall watchdog
 *
 * A pool that has runnable items but shows no progress (the first item on
 * its worklist unchanged, no item started) for workqueue.watchdog_thresh
 * seconds is reported with a dump of all workqueues.  Lack of WQ_MEM_RECLAIM,
 * bad flush dependencies and items that spin are the usual causes.  The
 * soft lockup detector's touches count as progress, as a stopped guest
 * is no stall.
 */

#ifndef CONFIG_WQ_WATCHDOG
static inline void wq_watchdog_init(void) { }
#else

/* panic after this many stalls were reported; 0 never panics */
static unsigned int wq_panic_on_stall;
module_param_named(panic_on_stall, wq_panic_on_stall, uint, 0644);

static unsigned long wq_watchdog_thresh = 30;	/* seconds, 0 is off */
static struct timer_list wq_watchdog_timer;

/* when the soft lockup detector last vouched for all CPUs, or for each */
static DEFINE_PER_CPU(unsigned long, wq_watchdog_touched_cpu) = INITIAL_JIFFIES;
static unsigned long wq_watchdog_touched = INITIAL_JIFFIES;

/* backtraces of the workers that keep a stalled per-CPU pool's CPU busy */
static void show_stalled_hogs(void)
{
	struct worker_pool *pool;
	struct worker *worker;
	unsigned long irq_flags;
	int id, bkt;

	pr_info("Showing backtraces of running workers in stalled CPU-bound worker pools:\n");
	guard(rcu)();
	for_each_pool(pool, id) {
		if (!pool->cpu_stall)
			continue;
		raw_spin_lock_irqsave(&pool->lock, irq_flags);
		printk_deferred_enter();
		hash_for_each(pool->busy_hash, bkt, worker, busy_node) {
			if (task_is_running(worker->task)) {
				pr_info("pool %d:\n", pool->id);
				sched_show_task(worker->task);
			}
		}
		printk_deferred_exit();
		raw_spin_unlock_irqrestore(&pool->lock, irq_flags);
	}
}

static void wq_watchdog_touch_all(void)
{
	unsigned long now = jiffies;
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(wq_watchdog_touched_cpu, cpu) = now;
	wq_watchdog_touched = now;
}

/* the last sign of life of @pool, from itself or the lockup detector */
static unsigned long pool_last_progress(struct worker_pool *pool)
{
	unsigned long ts = READ_ONCE(pool->watchdog_ts);
	unsigned long touched = pool->cpu >= 0 ?
		READ_ONCE(per_cpu(wq_watchdog_touched_cpu, pool->cpu)) :
		READ_ONCE(wq_watchdog_touched);

	return time_after(touched, ts) ? touched : ts;
}

static void wq_watchdog_timer_fn(struct timer_list *unused)
{
	unsigned long thresh = READ_ONCE(wq_watchdog_thresh) * HZ;
	bool stall = false, cpu_stall = false;
	static unsigned int nr_stalls;
	struct worker_pool *pool;
	struct wq_line line;
	unsigned long secs;
	int id;

	if (!thresh)
		return;

	rcu_read_lock();
	for_each_pool(pool, id) {
		pool->cpu_stall = false;
		if (list_empty(&pool->worklist))
			continue;
		/* a paused VM looks like a stall, don't report it */
		kvm_check_and_clear_guest_paused();
		if (!time_after(jiffies, pool_last_progress(pool) + thresh))
			continue;

		stall = true;
		if (pool->cpu >= 0 && !(pool->flags & POOL_BH)) {
			pool->cpu_stall = true;
			cpu_stall = true;
		}
		line.len = 0;
		wql_pool_info(&line, pool);
		/* long on 64-bit, unsigned long on 32-bit: MSEC_PER_SEC is 1000L */
		secs = jiffies_to_msecs(jiffies - READ_ONCE(pool->watchdog_ts)) /
		       MSEC_PER_SEC;
		pr_emerg("BUG: workqueue lockup - pool%s stuck for %lus!\n",
			 line.buf, secs);
	}
	rcu_read_unlock();

	if (stall) {
		show_all_workqueues();
		if (cpu_stall)
			show_stalled_hogs();
		if (wq_panic_on_stall && ++nr_stalls >= wq_panic_on_stall)
			panic("workqueue: %u stall(s) detected\n", nr_stalls);
	}

	wq_watchdog_touch_all();
	mod_timer(&wq_watchdog_timer, jiffies + thresh);
}

/**
 * wq_watchdog_touch - note that @cpu is alive though its pools may not move
 * @cpu: the CPU
 */
notrace void wq_watchdog_touch(int cpu)
{
	unsigned long quarter = READ_ONCE(wq_watchdog_thresh) * HZ / 4;
	unsigned long now = jiffies;

	/* a bad @cpu still counts as a sign of life for the global stamp */
	if (!WARN_ONCE(cpu < 0, "%s: invalid CPU %d\n", __func__, cpu))
		per_cpu(wq_watchdog_touched_cpu, cpu) = now;

	/* the global stamp is shared: update it only now and then */
	if (time_after(now, READ_ONCE(wq_watchdog_touched) + quarter))
		WRITE_ONCE(wq_watchdog_touched, now);
}

/* (re)start the watchdog with @thresh seconds, or stop it for 0 */
static void wq_watchdog_set_thresh(unsigned long thresh)
{
	WRITE_ONCE(wq_watchdog_thresh, 0);
	del_timer_sync(&wq_watchdog_timer);
	if (!thresh)
		return;
	WRITE_ONCE(wq_watchdog_thresh, thresh);
	wq_watchdog_touch_all();
	mod_timer(&wq_watchdog_timer, jiffies + thresh * HZ);
}

static int wq_watchdog_param_set_thresh(const char *val,
					const struct kernel_param *kp)
{
	unsigned long secs;

	if (kstrtoul(val, 0, &secs))
		return -EINVAL;
	if (secs > MAX_JIFFY_OFFSET / HZ)
		return -ERANGE;
	/* at boot, before the timer is set up, just note the value */
	if (!READ_ONCE(wq_online)) {
		wq_watchdog_thresh = secs;
		return 0;
	}
	wq_watchdog_set_thresh(secs);
	return 0;
}

static void wq_watchdog_init(void)
{
	/* deferrable: an idle system needs no stall checks */
	timer_setup(&wq_watchdog_timer, wq_watchdog_timer_fn,
		    TIMER_DEFERRABLE);
	if (wq_watchdog_thresh)
		wq_watchdog_set_thresh(wq_watchdog_thresh);
}

static const struct kernel_param_ops wq_watchdog_param_ops = {
	.set	= wq_watchdog_param_set_thresh,
	.get	= param_get_ulong,
};
module_param_cb(watchdog_thresh, &wq_watchdog_param_ops, &wq_watchdog_thresh,
		0644);

#endif /* CONFIG_WQ_WATCHDOG */

/* ------------------------------------------------------------------------
 * Initialization
 *
 * Three steps: workqueue_init_early() sets up pools and the system
 * workqueues, so items can be queued (but not run) as soon as the
 * allocators work; workqueue_init() starts the kworkers once kthreads can
 * be created; workqueue_init_topology() builds the pods once the CPU
 * topology is known and re-applies the unbound workqueues' attributes.
 */

/* kick_bh_pool() for a BH pool of another CPU lands here, on that CPU */
static void bh_kick_irq_fn(struct irq_work *irq_work)
{
	struct irq_work *mine = this_cpu_ptr(bh_kick_irq_work);

	raise_softirq(irq_work == &mine[1] ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
}

static void __init restrict_unbound_cpumask(const char *name,
					    const struct cpumask *mask)
{
	if (!cpumask_intersects(wq_unbound_cpumask, mask)) {
		pr_warn("workqueue: Restricting unbound_cpumask (%*pb) with %s (%*pb) leaves no CPU, ignoring\n",
			cpumask_pr_args(wq_unbound_cpumask), name,
			cpumask_pr_args(mask));
		return;
	}
	cpumask_and(wq_unbound_cpumask, wq_unbound_cpumask, mask);
}

static void __init init_cpu_pool(struct worker_pool *pool, int cpu, int nice,
				 unsigned int flags)
{
	if (init_worker_pool(pool))
		panic("workqueue: no memory for the per-CPU pools\n");
	pool->cpu = cpu;
	pool->node = cpu_to_node(cpu);
	pool->flags |= flags;
	cpumask_copy(pool->attrs->cpumask, cpumask_of(cpu));
	cpumask_copy(pool->attrs->__pod_cpumask, cpumask_of(cpu));
	pool->attrs->nice = nice;
	pool->attrs->affn_strict = true;

	mutex_lock(&wq_pool_mutex);
	if (worker_pool_assign_id(pool))
		panic("workqueue: no pool id for a per-CPU pool\n");
	mutex_unlock(&wq_pool_mutex);
}

/* do @cpu0 and @cpu1 belong to the same pod of @scope? */
static bool __init cpus_share_pod(enum wq_affn_scope scope, int cpu0, int cpu1)
{
	switch (scope) {
	case WQ_AFFN_CPU:
		return cpu0 == cpu1;
#ifdef CONFIG_SCHED_SMT
	case WQ_AFFN_SMT:
		return cpumask_test_cpu(cpu0, cpu_smt_mask(cpu1));
#endif
	case WQ_AFFN_CACHE:
		return cpus_share_cache(cpu0, cpu1);
	case WQ_AFFN_NUMA:
		return cpu_to_node(cpu0) == cpu_to_node(cpu1);
	case WQ_AFFN_SYSTEM:
		return true;
	default:
		return cpu0 == cpu1;
	}
}

static void __init init_pod_type(enum wq_affn_scope scope)
{
	struct wq_pod_type *pt = &wq_pod_types[scope];
	int cpu, prev, pod;

	pt->cpu_pod = kcalloc(nr_cpu_ids, sizeof(pt->cpu_pod[0]), GFP_KERNEL);
	if (!pt->cpu_pod)
		goto nomem;

	/* a CPU joins the pod of the first earlier CPU it shares one with */
	pt->nr_pods = 0;
	for_each_possible_cpu(cpu) {
		pt->cpu_pod[cpu] = -1;
		for_each_possible_cpu(prev) {
			if (prev >= cpu)
				break;
			if (cpus_share_pod(scope, cpu, prev)) {
				pt->cpu_pod[cpu] = pt->cpu_pod[prev];
				break;
			}
		}
		if (pt->cpu_pod[cpu] < 0)
			pt->cpu_pod[cpu] = pt->nr_pods++;
	}

	pt->pod_cpus = kcalloc(pt->nr_pods, sizeof(pt->pod_cpus[0]), GFP_KERNEL);
	if (!pt->pod_cpus)
		goto nomem;
	for (pod = 0; pod < pt->nr_pods; pod++)
		if (!zalloc_cpumask_var(&pt->pod_cpus[pod], GFP_KERNEL))
			goto nomem;

	for_each_possible_cpu(cpu)
		cpumask_set_cpu(cpu, pt->pod_cpus[pt->cpu_pod[cpu]]);
	return;
nomem:
	panic("workqueue: no memory for the CPU pods\n");
}

static const int std_nice[NR_STD_WORKER_POOLS] __initconst = {
	0, HIGHPRI_NICE_LEVEL
};

/**
 * workqueue_init_early - first step of workqueue initialization
 *
 * Sets up the pools and the system workqueues.  From here on workqueues can
 * be created and items queued and cancelled; they run once workqueue_init()
 * has created the workers.
 */
void __init workqueue_init_early(void)
{
	struct worker_pool *pool;
	int i, cpu;

	BUILD_BUG_ON(__alignof__(struct pool_workqueue) < __alignof__(long long));

	if (!alloc_cpumask_var(&wq_unbound_cpumask, GFP_KERNEL) ||
	    !alloc_cpumask_var(&wq_requested_unbound_cpumask, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&wq_isolated_cpumask, GFP_KERNEL) ||
	    !alloc_cpumask_var(&wq_online_cpumask, GFP_KERNEL))
		panic("workqueue: no memory for the cpumasks\n");

	cpumask_copy(wq_online_cpumask, cpu_online_mask);

	cpumask_copy(wq_unbound_cpumask, cpu_possible_mask);
	restrict_unbound_cpumask("HK_TYPE_WQ", housekeeping_cpumask(HK_TYPE_WQ));
	restrict_unbound_cpumask("HK_TYPE_DOMAIN",
				 housekeeping_cpumask(HK_TYPE_DOMAIN));
	if (!cpumask_empty(&wq_cmdline_cpumask))
		restrict_unbound_cpumask("workqueue.unbound_cpus",
					 &wq_cmdline_cpumask);
	cpumask_copy(wq_requested_unbound_cpumask, wq_unbound_cpumask);
	cpumask_andnot(wq_isolated_cpumask, cpu_possible_mask,
		       housekeeping_cpumask(HK_TYPE_DOMAIN));

	pwq_cache = KMEM_CACHE(pool_workqueue, SLAB_PANIC);

	/* with nohz_full, let power efficient items move to housekeepers */
	if (housekeeping_enabled(HK_TYPE_TICK))
		wq_power_efficient = true;

	/* the one pod type that works without topology information */
	init_pod_type(WQ_AFFN_SYSTEM);

	for_each_possible_cpu(cpu) {
		i = 0;
		for_each_bh_pool(pool, cpu) {
			init_cpu_pool(pool, cpu, std_nice[i], POOL_BH);
			init_irq_work(&per_cpu(bh_kick_irq_work, cpu)[i],
				      bh_kick_irq_fn);
			i++;
		}
		i = 0;
		for_each_cpu_pool(pool, cpu)
			init_cpu_pool(pool, cpu, std_nice[i++], 0);
	}

	for (i = 0; i < NR_STD_WORKER_POOLS; i++) {
		unbound_std_attrs[i] = alloc_workqueue_attrs();
		if (!unbound_std_attrs[i])
			panic("workqueue: no memory for the default attributes\n");
		unbound_std_attrs[i]->nice = std_nice[i];
	}

	system_percpu_wq = alloc_workqueue("events", 0, 0);
	system_wq = alloc_workqueue("events", 0, 0);
	system_long_wq = alloc_workqueue("events_long", 0, 0);
	system_highpri_wq = alloc_workqueue("events_highpri", WQ_HIGHPRI, 0);
	system_unbound_wq = alloc_workqueue("events_unbound", WQ_UNBOUND,
					    WQ_MAX_ACTIVE);
	system_dfl_wq = alloc_workqueue("events_unbound", WQ_UNBOUND,
					WQ_MAX_ACTIVE);
	system_freezable_wq = alloc_workqueue("events_freezable",
					      WQ_FREEZABLE, 0);
	system_power_efficient_wq = alloc_workqueue("events_power_efficient",
						    WQ_POWER_EFFICIENT, 0);
	system_freezable_power_efficient_wq =
		alloc_workqueue("events_freezable_pwr_efficient",
				WQ_FREEZABLE | WQ_POWER_EFFICIENT, 0);
	system_bh_wq = alloc_workqueue("events_bh", WQ_BH, 0);
	system_bh_highpri_wq = alloc_workqueue("events_bh_highpri",
					       WQ_BH | WQ_HIGHPRI, 0);
	if (!system_wq || !system_percpu_wq || !system_highpri_wq ||
	    !system_long_wq || !system_unbound_wq || !system_dfl_wq ||
	    !system_freezable_wq || !system_power_efficient_wq ||
	    !system_freezable_power_efficient_wq ||
	    !system_bh_wq || !system_bh_highpri_wq)
		panic("workqueue: cannot create the system workqueues\n");
}

/*
 * Default CPU-intensive threshold: 10ms, scaled up to at most 1s on CPUs
 * slower than about 4000 BogoMIPS, where 10ms buys a lot less.
 */
static void __init wq_intensive_init(void)
{
	unsigned long bogo, thresh = 10 * USEC_PER_MSEC;

	if (wq_hog_thresh_us != ULONG_MAX)
		return;

	bogo = max_t(unsigned long, loops_per_jiffy / 500000 * HZ, 1);
	if (bogo < 4000)
		thresh = min_t(unsigned long, thresh * 4000 / bogo,
			       USEC_PER_SEC);
	pr_debug("wq_cpu_intensive_thresh: lpj=%lu BogoMIPS=%lu thresh_us=%lu\n",
		 loops_per_jiffy, bogo, thresh);
	wq_hog_thresh_us = thresh;
}

/**
 * workqueue_init - second step of workqueue initialization
 *
 * Kthreads work now: start the initial workers, the rescuers of the
 * workqueues created so far and the pwq release worker.  Items queued
 * earlier start running.
 */
void __init workqueue_init(void)
{
	struct workqueue_struct *wq;
	struct pool_workqueue *pwq, *next;
	struct llist_node *early;
	struct worker_pool *pool;
	int cpu, bkt;

	wq_intensive_init();

	pwq_release_worker = kthread_create_worker(0, "pool_workqueue_release");
	if (IS_ERR(pwq_release_worker))
		panic("workqueue: cannot create pool_workqueue_release\n");
	early = llist_del_all(&early_pwq_releases);
	llist_for_each_entry_safe(pwq, next, early, early_release)
		kthread_queue_work(pwq_release_worker, &pwq->release_work);

	mutex_lock(&wq_pool_mutex);
	/* NUMA information may have come after workqueue_init_early() */
	for_each_possible_cpu(cpu) {
		int node = cpu_to_node(cpu);

		for_each_cpu_pool(pool, cpu)
			pool->node = node;
		for_each_bh_pool(pool, cpu)
			pool->node = node;
	}
	list_for_each_entry(wq, &workqueues, list)
		WARN(init_rescuer(wq), "workqueue: failed to create early rescuer for %s",
		     wq->name);
	mutex_unlock(&wq_pool_mutex);

	/* a BH pool's worker is the softirq; it exists for every CPU */
	for_each_possible_cpu(cpu) {
		for_each_bh_pool(pool, cpu)
			if (!create_worker(pool))
				panic("workqueue: cannot create the initial workers\n");
	}

	for_each_online_cpu(cpu) {
		for_each_cpu_pool(pool, cpu) {
			mutex_lock(&wq_pool_attach_mutex);
			pool->flags &= ~POOL_DISASSOCIATED;
			mutex_unlock(&wq_pool_attach_mutex);
			if (!create_worker(pool))
				panic("workqueue: cannot create the initial workers\n");
		}
	}

	mutex_lock(&wq_pool_mutex);
	hash_for_each(unbound_pool_hash, bkt, pool, hash_node)
		if (!create_worker(pool))
			panic("workqueue: cannot create the initial workers\n");
	mutex_unlock(&wq_pool_mutex);

	wq_watchdog_init();
	wq_online = true;

	/* BH items queued so far wait for a softirq to be raised */
	for_each_online_cpu(cpu) {
		for_each_bh_pool(pool, cpu) {
			raw_spin_lock_irq(&pool->lock);
			kick_pool(pool);
			raw_spin_unlock_irq(&pool->lock);
		}
	}
}

/**
 * workqueue_init_topology - third step of workqueue initialization
 *
 * Builds the pods of each affinity scope from the CPU topology and
 * re-applies the attributes of the unbound workqueues that exist.
 */
void __init workqueue_init_topology(void)
{
	struct workqueue_struct *wq;
	enum wq_affn_scope scope;

	for (scope = WQ_AFFN_CPU; scope < WQ_AFFN_SYSTEM; scope++)
		init_pod_type(scope);

	mutex_lock(&wq_pool_mutex);
	list_for_each_entry(wq, &workqueues, list) {
		/* an ordered wq has a single pwq whatever the pods */
		if ((wq->flags & (WQ_UNBOUND | __WQ_ORDERED)) == WQ_UNBOUND)
			WARN_ON(apply_workqueue_attrs_locked(wq,
							     wq->unbound_attrs));
	}
	mutex_unlock(&wq_pool_mutex);
}

/*
 * Flushing a system-wide workqueue may wait for anything anybody queued:
 * flush_workqueue() and flush_scheduled_work() warn when they can tell.
 */
void __warn_flushing_systemwide_wq(void)
{
	/* the caller's stack trace says who should get its own workqueue */
	pr_warn("WARNING: Flushing system-wide workqueues will be prohibited in near future.\n");
	dump_stack();
}
EXPORT_SYMBOL(__warn_flushing_systemwide_wq);

/* workqueue.unbound_cpus=<cpulist> limits the unbound cpumask from boot */
static int __init wq_unbound_cpus_param(char *str)
{
	if (str && cpulist_parse(str, &wq_cmdline_cpumask) >= 0)
		return 0;
	cpumask_clear(&wq_cmdline_cpumask);
	pr_warn("workqueue.unbound_cpus: incorrect CPU range, using default\n");
	return 0;
}
early_param("workqueue.unbound_cpus", wq_unbound_cpus_param);
