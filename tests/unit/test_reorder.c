// SPDX-License-Identifier: GPL-2.0
/* The reorder window: kernel timestamp order across per-CPU buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "events.h"
#include "reorder.h"

static struct ew_exec *mk(uint64_t ts, uint32_t cpu, uint64_t seq)
{
	struct ew_exec *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->ts_ns = ts;
	x->cpu = cpu;
	x->seq = seq;
	return x;
}

static void push(struct ew_reorder *r, uint64_t ts, uint32_t cpu, uint64_t seq)
{
	assert_int_equal(ew_reorder_push(r, mk(ts, cpu, seq)), 0);
}

static void expect_pop(struct ew_reorder *r, uint64_t horizon, uint64_t ts,
		       uint32_t cpu, uint64_t seq)
{
	struct ew_exec *x = ew_reorder_pop(r, horizon);

	assert_non_null(x);
	assert_int_equal(x->ts_ns, ts);
	assert_int_equal(x->cpu, cpu);
	assert_int_equal(x->seq, seq);
	free(x);
}

static void test_empty(void **state)
{
	struct ew_reorder r = { 0 };

	assert_null(ew_reorder_pop(&r, UINT64_MAX));
	assert_int_equal(ew_reorder_oldest(&r), 0);
	ew_reorder_free(&r);
}

static void test_out_of_order(void **state)
{
	struct ew_reorder r = { 0 };

	push(&r, 500, 0, 1);
	push(&r, 100, 1, 1);
	push(&r, 400, 2, 1);
	push(&r, 200, 0, 2);
	push(&r, 300, 3, 1);
	assert_int_equal(r.len, 5);
	expect_pop(&r, UINT64_MAX, 100, 1, 1);
	expect_pop(&r, UINT64_MAX, 200, 0, 2);
	expect_pop(&r, UINT64_MAX, 300, 3, 1);
	expect_pop(&r, UINT64_MAX, 400, 2, 1);
	expect_pop(&r, UINT64_MAX, 500, 0, 1);
	assert_null(ew_reorder_pop(&r, UINT64_MAX));
	ew_reorder_free(&r);
}

static void test_horizon(void **state)
{
	struct ew_reorder r = { 0 };

	push(&r, 300, 0, 3);
	push(&r, 100, 0, 1);
	push(&r, 200, 0, 2);
	assert_int_equal(ew_reorder_oldest(&r), 100);
	assert_null(ew_reorder_pop(&r, 99));
	expect_pop(&r, 150, 100, 0, 1);
	assert_null(ew_reorder_pop(&r, 150));
	assert_int_equal(ew_reorder_oldest(&r), 200);
	/* The horizon is inclusive. */
	expect_pop(&r, 200, 200, 0, 2);
	assert_null(ew_reorder_pop(&r, 299));
	assert_int_equal(ew_reorder_oldest(&r), 300);
	/* A late event older than the held one goes first. */
	push(&r, 250, 1, 9);
	assert_int_equal(ew_reorder_oldest(&r), 250);
	expect_pop(&r, 1000, 250, 1, 9);
	expect_pop(&r, 1000, 300, 0, 3);
	assert_int_equal(ew_reorder_oldest(&r), 0);
	ew_reorder_free(&r);
}

static void test_ties(void **state)
{
	struct ew_reorder r = { 0 };

	push(&r, 100, 2, 5);
	push(&r, 100, 1, 8);
	push(&r, 100, 2, 4);
	push(&r, 100, 0, 9);
	push(&r, 100, 1, 7);
	push(&r, 99, 5, 1);
	expect_pop(&r, 100, 99, 5, 1);
	expect_pop(&r, 100, 100, 0, 9);
	expect_pop(&r, 100, 100, 1, 7);
	expect_pop(&r, 100, 100, 1, 8);
	expect_pop(&r, 100, 100, 2, 4);
	expect_pop(&r, 100, 100, 2, 5);
	assert_null(ew_reorder_pop(&r, 100));
	ew_reorder_free(&r);
}

/* Same nanosecond and CPU: the per-CPU sequence decides. */
static void test_ties_seq(void **state)
{
	static const uint64_t seqs[] = { 5, 3, 8, 1, 7, 2, 6, 4, 10, 9 };
	struct ew_reorder r = { 0 };
	uint64_t i;

	for (i = 0; i < 10; i++)
		push(&r, 100, 1, seqs[i]);
	for (i = 1; i <= 10; i++)
		expect_pop(&r, 100, 100, 1, i);
	ew_reorder_free(&r);
}

/* Enough events to grow the heap several times, in a scrambled order. */
static void test_many(void **state)
{
	struct ew_reorder r = { 0 };
	uint64_t prev = 0;
	uint32_t i, n = 1000;

	for (i = 0; i < n; i++)
		push(&r, (i * 7919u) % n + 1, i % 4, i);
	assert_int_equal(r.len, n);
	assert_int_equal(ew_reorder_oldest(&r), 1);
	for (i = 0; i < n; i++) {
		struct ew_exec *x = ew_reorder_pop(&r, UINT64_MAX);

		assert_non_null(x);
		assert_int_equal(x->ts_ns, prev + 1);
		prev = x->ts_ns;
		free(x);
	}
	assert_int_equal(r.len, 0);
	ew_reorder_free(&r);
}

/*
 * free() is wrapped at link time (see CMakeLists.txt): the test records
 * which of its events were released.
 */
#define TRACKED 200

void __real_free(void *p);
void __wrap_free(void *p);

static void *tracked[TRACKED];
static bool released[TRACKED];
static size_t ntracked;

void __wrap_free(void *p)
{
	size_t i;

	for (i = 0; p && i < ntracked; i++)
		if (tracked[i] == p)
			released[i] = true;
	__real_free(p);
}

/* Freeing with events still held releases them too. */
static void test_free_with_items(void **state)
{
	struct ew_reorder r = { 0 };
	size_t i;

	for (i = 0; i < TRACKED; i++) {
		struct ew_exec *x = mk(1000 - i, 0, i);

		tracked[i] = x;
		released[i] = false;
		assert_int_equal(ew_reorder_push(&r, x), 0);
	}
	ntracked = TRACKED;
	expect_pop(&r, UINT64_MAX, 801, 0, 199);
	assert_true(released[199]);
	for (i = 0; i < TRACKED - 1; i++)
		assert_false(released[i]);
	ew_reorder_free(&r);
	for (i = 0; i < TRACKED; i++)
		assert_true(released[i]);
	ntracked = 0;
	assert_null(r.heap);
	assert_int_equal(r.len, 0);
	assert_int_equal(r.cap, 0);
	/* Usable again after free. */
	push(&r, 5, 0, 0);
	expect_pop(&r, 5, 5, 0, 0);
	ew_reorder_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_horizon),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_ties_seq),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_free_with_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
