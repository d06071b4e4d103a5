// SPDX-License-Identifier: GPL-2.0
/* The loss ledger and the sequence-number arithmetic: every loss counted
 * once, and what is reported while tracing adds up to the summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "losses.h"

struct reports {
	uint64_t by_cause[EW_LOSS_CAUSES];
	int calls;
};

static void collect(void *ctx, enum ew_loss_cause c, uint64_t n)
{
	struct reports *r = ctx;

	r->by_cause[c] += n;
	r->calls++;
}

static void test_reports_add_up_to_the_total(void **state)
{
	struct ew_losses l = { 0 };
	struct reports r = { 0 };

	ew_losses_add(&l, EW_LOSS_PERF_FULL, 5);
	ew_losses_add(&l, EW_LOSS_STAGE, 2);
	ew_losses_report(&l, collect, &r);
	assert_int_equal(r.calls, 2);
	/* Nothing new: nothing reported again. */
	ew_losses_report(&l, collect, &r);
	assert_int_equal(r.calls, 2);
	ew_losses_add(&l, EW_LOSS_PERF_FULL, 3);
	ew_losses_add(&l, EW_LOSS_MALFORMED, 1);
	ew_losses_report(&l, collect, &r);
	assert_int_equal(r.calls, 4);
	assert_int_equal(r.by_cause[EW_LOSS_PERF_FULL], 8);
	assert_int_equal(r.by_cause[EW_LOSS_STAGE], 2);
	assert_int_equal(r.by_cause[EW_LOSS_MALFORMED], 1);
	assert_int_equal(ew_losses_total(&l), 11);
}

static void check_summary(const struct ew_losses *l, uint64_t printed,
			  const char *want)
{
	struct ew_buf b = { 0 };

	ew_losses_summary(&b, l, printed);
	assert_string_equal(b.p, want);
	ew_buf_free(&b);
}

static void test_summary(void **state)
{
	struct ew_losses l = { 0 };

	check_summary(&l, 12, "12 events printed, 0 lost");
	ew_losses_add(&l, EW_LOSS_PERF_FULL, 951);
	check_summary(&l, 50, "50 events printed, 951 lost (perf buffer full: 951)");
	ew_losses_add(&l, EW_LOSS_STAGE, 3);
	ew_losses_add(&l, EW_LOSS_NO_MEMORY, 1);
	check_summary(&l, 50, "50 events printed, 955 lost (perf buffer full: 951, "
		      "staging map full: 3, out of memory: 1)");
}

static void test_every_cause_is_named(void **state)
{
	int c, d;

	for (c = 0; c < EW_LOSS_CAUSES; c++) {
		assert_non_null(ew_loss_name(c));
		assert_non_null(ew_loss_hint(c));
		/* JSON ids: lower case and underscores, distinct. */
		assert_int_equal(strspn(ew_loss_id(c), "abcdefghijklmnopqrstuvwxyz_"),
				 strlen(ew_loss_id(c)));
		for (d = 0; d < c; d++)
			assert_string_not_equal(ew_loss_id(c), ew_loss_id(d));
	}
}

static void test_gaps(void **state)
{
	struct ew_seqs s;

	assert_int_equal(ew_seqs_init(&s, 2), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 1), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 2), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 5), 2);	/* 3 and 4 */
	/* CPUs are numbered apart. */
	assert_int_equal(ew_seqs_saw(&s, 1, 4), 3);
	/* Unnumbered samples and impossible CPUs count nothing. */
	assert_int_equal(ew_seqs_saw(&s, 0, 0), 0);
	assert_int_equal(ew_seqs_saw(&s, 7, 100), 0);
	/* A number already settled is not a new gap. */
	assert_int_equal(ew_seqs_saw(&s, 0, 4), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 6), 0);
	ew_seqs_free(&s);
}

/* Losses at the end of a burst leave no gap: the tick finds them a second
 * later, and a later gap does not count them again. */
static void test_tick_counts_silence_once(void **state)
{
	uint64_t now[2] = { 0, 0 };
	struct ew_seqs s;

	assert_int_equal(ew_seqs_init(&s, 2), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 1), 0);
	now[0] = 4;		/* the probe numbered 2..4 too */
	/* A tick remembers what was numbered, but blames nothing yet: those
	 * samples may still be on their way. */
	assert_int_equal(ew_seqs_tick(&s, now), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 2), 0);
	/* A second later, 3 and 4 never came. */
	now[0] = 6;
	assert_int_equal(ew_seqs_tick(&s, now), 2);
	/* 5 and 6 arrive: no gap before them, nothing counted twice. */
	assert_int_equal(ew_seqs_saw(&s, 0, 5), 0);
	assert_int_equal(ew_seqs_saw(&s, 0, 6), 0);
	assert_int_equal(ew_seqs_tick(&s, now), 0);
	/* At the end, whatever was numbered and not received. */
	now[0] = 9;
	now[1] = 2;
	assert_int_equal(ew_seqs_final(&s, now), 5);
	assert_int_equal(ew_seqs_final(&s, now), 0);
	ew_seqs_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_add_up_to_the_total),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_every_cause_is_named),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_tick_counts_silence_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
