// SPDX-License-Identifier: GPL-2.0
/* What a workshop student sees of a probe's own maps, byte for byte: a
 * count per command, a histogram, hex keys, and the JSON line of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "map_dump.h"

static void check(const struct ew_map_entries *m, bool json, const char *want)
{
	struct ew_buf b = { 0 };

	ew_map_format(&b, m, json);
	assert_false(b.oom);
	assert_string_equal(b.p ? b.p : "", want);
	ew_buf_free(&b);
}

/* char[16] comm keys, u64 counts: sorted by count, largest first. */
static void test_counts_by_comm(void **state)
{
	unsigned char keys[3][16] = { "sh", "bash", "true" };
	uint64_t vals[3] = { 4, 16, 4 };
	struct ew_map_entries m = {
		.name = "exec_counts", .type = BPF_MAP_TYPE_HASH,
		.key_size = 16, .value_size = 8, .n = 3,
		.keys = &keys[0][0], .values = (const unsigned char *)vals,
	};

	check(&m, false, "exec_counts:\n"
	      "  bash                   16\n"
	      "  sh                     4\n"
	      "  true                   4\n");
	check(&m, true, "{\"map\":\"exec_counts\",\"entries\":"
	      "[[\"bash\",16],[\"sh\",4],[\"true\",4]]}\n");
}

/* A map named *hist* with small integer keys: BCC's log2 slots. */
static void test_histogram(void **state)
{
	uint32_t keys[3] = { 1, 3, 4 };
	uint64_t vals[3] = { 2, 8, 4 };
	struct ew_map_entries m = {
		.name = "latency_hist", .type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4, .value_size = 8, .n = 3,
		.keys = (const unsigned char *)keys,
		.values = (const unsigned char *)vals,
	};

	check(&m, false, "latency_hist:\n"
	      "                   value : count    |distribution                            |\n"
	      "         0 -> 0          : 0        |                                        |\n"
	      "         1 -> 1          : 2        |**********                              |\n"
	      "         2 -> 3          : 0        |                                        |\n"
	      "         4 -> 7          : 8        |****************************************|\n"
	      "         8 -> 15         : 4        |********************                    |\n");
	check(&m, true, "{\"map\":\"latency_hist\",\"entries\":[[3,8],[4,4],[1,2]]}\n");
}

/* A key that is neither a number nor a string, and a hostile string key. */
static void test_hex_and_escaped_keys(void **state)
{
	unsigned char keys[2][6] = { { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 },
				     { 'a', 0x1b, '[', '2', 'J', 0 } };
	uint32_t vals[2] = { 7, 1 };
	struct ew_map_entries m = {
		.name = "odd", .type = BPF_MAP_TYPE_HASH,
		.key_size = 6, .value_size = 4, .n = 2,
		.keys = &keys[0][0], .values = (const unsigned char *)vals,
	};

	check(&m, false, "odd:\n"
	      "  0xdeadbeef0001         7\n"
	      "  0x611b5b324a00         1\n");
	check(&m, true, "{\"map\":\"odd\",\"entries\":"
	      "[[\"0xdeadbeef0001\",7],[\"0x611b5b324a00\",1]]}\n");
}

static void test_empty_map(void **state)
{
	struct ew_map_entries m = {
		.name = "nothing", .type = BPF_MAP_TYPE_HASH,
		.key_size = 4, .value_size = 8, .n = 0,
	};

	check(&m, false, "nothing:\n");
	check(&m, true, "{\"map\":\"nothing\",\"entries\":[]}\n");
}

static void test_internal_maps_are_not_printed(void **state)
{
	static const char *const internal[] = { "events", "stage", "scratch", "gen",
						"seqs", "ctl", "drops" };
	size_t i;

	for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		assert_true(ew_map_is_internal(internal[i]));
	assert_false(ew_map_is_internal("exec_counts"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_by_comm),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_hex_and_escaped_keys),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_internal_maps_are_not_printed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
