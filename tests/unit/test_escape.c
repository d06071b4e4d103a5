// SPDX-License-Identifier: GPL-2.0
/* ew_escape and ew_utf8_len: what untrusted bytes turn into. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "escape.h"

#define T EW_ESC_TERMINAL
#define Q EW_ESC_TERMINAL_QUOTED
#define J EW_ESC_JSON

/* Escapes LEN bytes of IN and checks the whole buffer against WANT. */
static void check_len(const char *in, size_t len, enum ew_escape_mode mode,
		      const char *want)
{
	struct ew_buf b = { 0 };

	ew_escape(&b, in, len, mode);
	assert_false(b.oom);
	assert_non_null(b.p);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	ew_buf_free(&b);
}

static void check(const char *in, enum ew_escape_mode mode, const char *want)
{
	check_len(in, strlen(in), mode, want);
}

static void check_all(const char *in, const char *want)
{
	check(in, T, want);
	check(in, Q, want);
	check(in, J, want);
}

static void test_plain_ascii(void **state)
{
	check_all("ls -la /tmp/x_y-z.c", "ls -la /tmp/x_y-z.c");
	check_all("~!@#$%^&*()_+{}|:<>?`[];',./", "~!@#$%^&*()_+{}|:<>?`[];',./");
	check_all("", "");
}

static void test_control_escapes(void **state)
{
	check_all("a\nb\tc\rd\\e", "a\\nb\\tc\\rd\\\\e");
	check_all("\\\\", "\\\\\\\\");
}

static void test_esc_byte(void **state)
{
	check("\x1b[31mred", T, "\\x1b[31mred");
	check("\x1b[31mred", Q, "\\x1b[31mred");
	check("\x1b[31mred", J, "\\u001b[31mred");
}

static void test_other_controls(void **state)
{
	check_len("a\0b", 3, T, "a\\x00b");
	check_len("a\0b", 3, J, "a\\u0000b");
	check("\x7f\x01\x1f", T, "\\x7f\\x01\\x1f");
	check("\x7f\x01\x1f", J, "\\u007f\\u0001\\u001f");
	check("\b\f\v", T, "\\x08\\x0c\\x0b");
	check("\b\f\v", J, "\\u0008\\u000c\\u000b");
}

static void test_invalid_byte(void **state)
{
	check("a\xff" "b", T, "a\\xffb");
	check("a\xff" "b", Q, "a\\xffb");
	check("a\xff" "b", J, "a\\ufffdb");
	/* A lone continuation byte. */
	check("\x80", T, "\\x80");
	check("\x80", J, "\\ufffd");
	/* Lead bytes that never start a sequence. */
	check("\xf5\xf8\xfe", T, "\\xf5\\xf8\\xfe");
}

static void test_valid_utf8(void **state)
{
	check_all("caf\xc3\xa9", "caf\xc3\xa9");
	check_all("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
	check_all("\xf0\x9f\x98\x80 ok", "\xf0\x9f\x98\x80 ok");
	/* The largest code point and the first after the C1 block. */
	check_all("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	check_all("\xc2\xa1", "\xc2\xa1");	/* the first after NBSP */
}

static void test_sneaky_code_points(void **state)
{
	check_all("\xc2\x85", "\\u0085");
	check_all("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	check_all("abc\xe2\x80\xae" "cba", "abc\\u202ecba");
	check_all("\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f");
	check_all("\xe2\x81\xa6\xe2\x81\xa9", "\\u2066\\u2069");
	check_all("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");
	check_all("\xd8\x9c", "\\u061c");
	check_all("\xef\xbb\xbf", "\\ufeff");
	/* Spaces that are not U+0020: one argument must not read as two. */
	check_all("a\xc2\xa0" "b", "a\\u00a0b");
	check_all("\xe2\x80\x83\xe3\x80\x80", "\\u2003\\u3000");
	check_all("\xe2\x80\xaf\xe2\x81\x9f", "\\u202f\\u205f");
	check_all("\xe1\x9a\x80", "\\u1680");
}

/* Characters that show nothing: /etc/pass<U+200B>wd must not read as /etc/passwd. */
static void test_invisible_code_points(void **state)
{
	check_all("/etc/pass\xe2\x80\x8bwd", "/etc/pass\\u200bwd");
	check_all("\xc2\xad", "\\u00ad");		/* soft hyphen */
	check_all("\xe2\x80\x8c\xe2\x80\x8d", "\\u200c\\u200d");	/* ZWNJ, ZWJ */
	check_all("\xe2\x81\xa0\xe2\x81\xa4", "\\u2060\\u2064");	/* word joiner, invisible plus */
	check_all("\xe1\xa0\x8e", "\\u180e");	/* Mongolian vowel separator */
	check_all("\xe3\x85\xa4", "\\u3164");	/* Hangul filler */
	check_all("\xef\xb8\x8f", "\\ufe0f");	/* variation selector 16 */
	check_all("\xef\xbf\xb9", "\\ufff9");	/* interlinear annotation anchor */
	/* Above the BMP: \U in the table, a surrogate pair in JSON. */
	check("\xf3\xa0\x80\x81", T, "\\U000e0001");	/* tag LANGUAGE TAG */
	check("\xf3\xa0\x80\x81", J, "\\udb40\\udc01");
	check("\xf3\xa0\x81\xbf", J, "\\udb40\\udc7f");	/* CANCEL TAG */
	check("\xf0\x9d\x85\xb3", T, "\\U0001d173");	/* musical format */
	/* Format controls glibc's wcwidth() gives no width: shorthand, and
	 * Egyptian hieroglyph format controls (to U+1343F). */
	check("/etc/pass\xf0\x9b\xb2\xa0wd", T, "/etc/pass\\U0001bca0wd");
	check("\xf0\x9b\xb2\xa3", T, "\\U0001bca3");
	check("x\xf0\x93\x90\xb0y", T, "x\\U00013430y");
	check("\xf0\x93\x90\xbf", T, "\\U0001343f");
	check("\xd8\x80\xdb\x9d", T, "\\u0600\\u06dd");	/* Arabic number marks */
	check("\xf0\x93\x90\xaf", T, "\xf0\x93\x90\xaf");	/* U+1342F: a glyph */
	/* Visible neighbours are left alone. */
	check_all("\xe2\x80\x90", "\xe2\x80\x90");	/* hyphen U+2010 */
	check_all("\xe2\x81\xb0", "\xe2\x81\xb0");	/* superscript zero U+2070 */
	check_all("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
}

static void test_utf8_valid(void **state)
{
	assert_true(ew_utf8_valid("", 0));
	assert_true(ew_utf8_valid("caf\xc3\xa9", 5));
	assert_true(ew_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(ew_utf8_valid("a\xff", 2));
	assert_false(ew_utf8_valid("\xc3\xa9", 1));	/* cut by the length */
	assert_false(ew_utf8_valid("\xed\xa0\x80", 3));	/* a surrogate */
	assert_true(ew_utf8_valid("a\0b", 3));
}

static void check_b64(const char *in, size_t len, const char *want)
{
	struct ew_buf b = { 0 };

	ew_base64(&b, in, len);
	ew_buf_putc(&b, 0);
	assert_false(b.oom);
	assert_string_equal(b.p, want);
	ew_buf_free(&b);
}

/* RFC 4648, section 10, and every byte value. */
static void test_base64(void **state)
{
	check_b64("", 0, "");
	check_b64("f", 1, "Zg==");
	check_b64("fo", 2, "Zm8=");
	check_b64("foo", 3, "Zm9v");
	check_b64("foob", 4, "Zm9vYg==");
	check_b64("fooba", 5, "Zm9vYmE=");
	check_b64("foobar", 6, "Zm9vYmFy");
	check_b64("\xff\xfe\x00", 3, "//4A");
	check_b64("\xfb\xef\xbe", 3, "++++");
}

static void test_overlong(void **state)
{
	check("\xc0\xaf", T, "\\xc0\\xaf");
	check("\xc0\xaf", J, "\\ufffd\\ufffd");
	check("\xc1\xbf", T, "\\xc1\\xbf");
	check("\xe0\x80\xaf", T, "\\xe0\\x80\\xaf");
	check("\xf0\x80\x80\xaf", J, "\\ufffd\\ufffd\\ufffd\\ufffd");
}

static void test_surrogates(void **state)
{
	check("\xed\xa0\x80", T, "\\xed\\xa0\\x80");
	check("\xed\xa0\x80", J, "\\ufffd\\ufffd\\ufffd");
	check("\xed\xbf\xbf", T, "\\xed\\xbf\\xbf");
	/* The code point just below the surrogates is fine. */
	check_all("\xed\x9f\xbf", "\xed\x9f\xbf");
}

static void test_beyond_unicode(void **state)
{
	check("\xf4\x90\x80\x80", T, "\\xf4\\x90\\x80\\x80");
}

static void test_double_quote(void **state)
{
	check("say \"hi\"", T, "say \"hi\"");
	check("say \"hi\"", Q, "say \\\"hi\\\"");
	check("say \"hi\"", J, "say \\\"hi\\\"");
	check_all("it's", "it's");
}

static void test_truncated_sequence(void **state)
{
	check("ab\xe6\x97", T, "ab\\xe6\\x97");
	check("ab\xe6\x97", J, "ab\\ufffd\\ufffd");
	check("\xc3", T, "\\xc3");
	check("\xf0\x9f\x98", T, "\\xf0\\x9f\\x98");
	/* Cut short by the length, not by the string's NUL. */
	check_len("\xc3\xa9", 1, T, "\\xc3");
	/* Broken in the middle, followed by text. */
	check("\xe6\x97" "a\xc3\xa9", T, "\\xe6\\x97a\xc3\xa9");
}

static void test_appends(void **state)
{
	struct ew_buf b = { 0 };

	ew_buf_puts(&b, "x=");
	ew_escape(&b, "\n\xc3\xa9\x1b", 4, EW_ESC_JSON);
	ew_buf_putc(&b, ';');
	assert_string_equal(b.p, "x=\\n\xc3\xa9\\u001b;");
	ew_buf_free(&b);
}

static void test_utf8_len(void **state)
{
	unsigned cp = 0;

	assert_int_equal(ew_utf8_len((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xe6\x97\xa5", 3, &cp), 3);
	assert_int_equal(cp, 0x65e5);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xe6\x97\xa5", 2, &cp), 0);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xc0\xaf", 2, &cp), 0);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xff", 1, &cp), 0);
	assert_int_equal(ew_utf8_len((const unsigned char *)"\xc3" "A", 2, &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ascii),
		cmocka_unit_test(test_control_escapes),
		cmocka_unit_test(test_esc_byte),
		cmocka_unit_test(test_other_controls),
		cmocka_unit_test(test_invalid_byte),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_sneaky_code_points),
		cmocka_unit_test(test_invisible_code_points),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_beyond_unicode),
		cmocka_unit_test(test_double_quote),
		cmocka_unit_test(test_truncated_sequence),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_utf8_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
