/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workqueue internals that the scheduler, async, psi and procfs need to
 * see.  Nothing outside kernel/ should include this file.
 */
#ifndef _KERNEL_WORKQUEUE_INTERNAL_H
#define _KERNEL_WORKQUEUE_INTERNAL_H

#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/workqueue.h>

struct worker_pool;
struct pool_workqueue;

/*
 * One execution context of a worker_pool: a kworker kthread, a rescuer
 * kthread, or, for a BH pool, the softirq of the pool's CPU (then ->task is
 * NULL).  The letters after each field name the lock that guards it; the
 * legend is at the top of kernel/workqueue.c.
 */
struct worker {
	struct list_head	idle_node;	/* L: on pool->idle_list when idle */
	struct hlist_node	busy_node;	/* L: in pool->busy_hash when busy */
	struct list_head	scheduled;	/* L: items this worker must run */

	/* what the worker is running now; K: see the legend */
	struct work_struct	*current_work;	/* K */
	work_func_t		current_func;	/* K */
	struct pool_workqueue	*current_pwq;	/* K */
	unsigned int		current_color;	/* K: flush color of that item */
	u64			current_at;	/* K: CPU time at start or wakeup */
	work_func_t		last_func;	/* K: read by psi while switching */

	unsigned int		flags;		/* L: WORKER_*, self may peek */
	int			sleeping;	/* S: in schedule() as a busy worker */
	unsigned long		last_active;	/* L: jiffies when it went idle */

	struct task_struct	*task;		/* I: NULL for a BH worker */
	struct worker_pool	*pool;		/* A: pool attached to */
	struct list_head	node;		/* A: on pool->workers */
	int			id;		/* I: the M of kworker/N:M */

	/* the wq name or set_worker_desc() text, shown in task dumps */
	char			desc[WORKER_DESC_LEN];	/* S */

	/* only a rescuer has this: the workqueue it exists for */
	struct workqueue_struct	*rescue_wq;	/* I */
};

/**
 * current_wq_worker - the struct worker of %current, if it is a kworker
 *
 * Return: %NULL in interrupt context or when %current is not a worker.
 */
static inline struct worker *current_wq_worker(void)
{
	bool kworker = in_task() && (current->flags & PF_WQ_WORKER);

	return kworker ? kthread_data(current) : NULL;
}

/* called by the scheduler when a busy kworker blocks and wakes up again */
void wq_worker_sleeping(struct task_struct *task);
void wq_worker_running(struct task_struct *task);

/* called from the scheduler tick while a kworker is on the CPU */
void wq_worker_tick(struct task_struct *task);

/* psi asks which function a kworker ran last */
work_func_t wq_worker_last_func(struct task_struct *task);

#endif /* _KERNEL_WORKQUEUE_INTERNAL_H */
