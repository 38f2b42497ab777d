/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_timer.h: a per-worker hashed timer wheel with millisecond ticks.
 *
 * Theory of operation: the wheel has SL_WHEEL_SLOTS list heads; a timer due
 * at time T (ms) sits in slot T % SL_WHEEL_SLOTS. Each poll iteration the
 * worker advances the wheel from the last tick it processed to "now"; for each
 * tick it walks that slot and fires the timers whose deadline has passed,
 * leaving the ones that are one or more revolutions away. Arm, re-arm and
 * cancel are O(1) (intrusive doubly-linked lists, no allocation). The cost of
 * an iteration is proportional to the ticks elapsed plus the timers sitting in
 * those slots, never to the number of idle flows. One wheel per worker: no
 * locks.
 */
#ifndef SL_TIMER_H
#define SL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define SL_WHEEL_SLOTS 4096u	/* power of two; ~4 s per revolution */

/** A timer, embedded in the object it times. */
struct sl_timer {
	struct sl_timer *next;
	struct sl_timer *prev;
	uint64_t expire_ms;	/**< deadline; valid while armed */
};

/** The wheel. */
struct sl_wheel {
	struct sl_timer slot[SL_WHEEL_SLOTS];	/**< list heads */
	uint64_t last_ms;			/**< last tick processed */
	unsigned int armed;			/**< timers armed */
};

/**
 * sl_wheel_init - set up an empty wheel.
 * @wh: wheel
 * @now_ms: current time in ms
 */
void sl_wheel_init(struct sl_wheel *wh, uint64_t now_ms);

/** sl_timer_init - mark @t as not armed (call once before use). */
static inline void
sl_timer_init(struct sl_timer *t)
{
	t->next = t->prev = NULL;
	t->expire_ms = 0;
}

/** sl_timer_armed - whether @t is in a wheel. */
static inline bool
sl_timer_armed(const struct sl_timer *t)
{
	return t->next != NULL;
}

/**
 * sl_timer_arm - arm or re-arm @t to fire at @expire_ms.
 * @wh: wheel
 * @t: timer (armed or not)
 * @expire_ms: absolute deadline in ms; a deadline in the past fires at the
 *	next advance.
 */
void sl_timer_arm(struct sl_wheel *wh, struct sl_timer *t, uint64_t expire_ms);

/** sl_timer_cancel - disarm @t if armed. */
void sl_timer_cancel(struct sl_wheel *wh, struct sl_timer *t);

/**
 * sl_wheel_advance - fire every timer due at or before @now_ms.
 * @wh: wheel
 * @now_ms: current time in ms
 * @cb: called once per expired timer, already disarmed (it may re-arm it)
 * @arg: passed to @cb
 *
 * Return: number of timers fired.
 */
unsigned int sl_wheel_advance(struct sl_wheel *wh, uint64_t now_ms,
	void (*cb)(struct sl_timer *t, void *arg), void *arg);

#endif /* SL_TIMER_H */
