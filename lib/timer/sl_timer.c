/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_timer.c: the per-worker timer wheel (see sl_timer.h for the theory).
 */
#include <stddef.h>

#include "sl_timer.h"

void
sl_wheel_init(struct sl_wheel *wh, uint64_t now_ms)
{
	unsigned int i;

	for (i = 0; i < SL_WHEEL_SLOTS; i++)
		wh->slot[i].next = wh->slot[i].prev = &wh->slot[i];
	wh->last_ms = now_ms;
	wh->armed = 0;
}

/** timer_unlink - take armed timer @t off its slot's list. */
static void
timer_unlink(struct sl_wheel *wh, struct sl_timer *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = NULL;
	wh->armed--;
}

void
sl_timer_arm(struct sl_wheel *wh, struct sl_timer *t, uint64_t expire_ms)
{
	struct sl_timer *head;

	if (sl_timer_armed(t))
		timer_unlink(wh, t);
	/* never place a timer behind the cursor: it would wait a revolution */
	if (expire_ms <= wh->last_ms)
		expire_ms = wh->last_ms + 1;
	t->expire_ms = expire_ms;
	head = &wh->slot[expire_ms & (SL_WHEEL_SLOTS - 1)];
	t->next = head;
	t->prev = head->prev;
	head->prev->next = t;
	head->prev = t;
	wh->armed++;
}

void
sl_timer_cancel(struct sl_wheel *wh, struct sl_timer *t)
{
	if (sl_timer_armed(t))
		timer_unlink(wh, t);
}

unsigned int
sl_wheel_advance(struct sl_wheel *wh, uint64_t now_ms,
	void (*cb)(struct sl_timer *t, void *arg), void *arg)
{
	unsigned int fired = 0;
	uint64_t tick;

	if (now_ms <= wh->last_ms)
		return 0;
	if (wh->armed == 0) {
		wh->last_ms = now_ms;
		return 0;
	}
	/* after a long stall, one revolution visits every slot once */
	tick = wh->last_ms + 1;
	if (now_ms - wh->last_ms > SL_WHEEL_SLOTS)
		tick = now_ms - SL_WHEEL_SLOTS + 1;
	for (; tick <= now_ms; tick++) {
		struct sl_timer *head = &wh->slot[tick & (SL_WHEEL_SLOTS - 1)];
		struct sl_timer *t = head->next;

		while (t != head) {
			struct sl_timer *next = t->next;

			if (t->expire_ms <= now_ms) {
				timer_unlink(wh, t);
				/* a re-arm from cb lands after the cursor */
				wh->last_ms = tick;
				cb(t, arg);
				fired++;
			}
			t = next;
		}
	}
	wh->last_ms = now_ms;
	return fired;
}
