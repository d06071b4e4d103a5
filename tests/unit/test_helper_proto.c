// SPDX-License-Identifier: GPL-2.0
/* Framing and fd passing between execwatch and its helper, over a socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper_proto.h"

#define BIG (1u << 20)

static int sp[2];

static int setup(void **state)
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp);
}

static int teardown(void **state)
{
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	return 0;
}

static void expect_frame(int sock, uint32_t type, const void *data,
			 uint32_t len)
{
	struct ew_frame f;

	assert_int_equal(ew_recv(sock, &f), 0);
	assert_int_equal(f.type, type);
	assert_int_equal(f.len, len);
	assert_non_null(f.data);
	assert_memory_equal(f.data, data, len);
	assert_int_equal(f.data[len], 0);
	assert_int_equal(f.nfds, 0);
	ew_frame_free(&f);
	assert_null(f.data);
}

static void test_round_trip(void **state)
{
	static const char bin[] = { 'a', 0, 'b', 0, (char)0xff };

	assert_int_equal(ew_send(sp[0], EW_REQ_SOURCE, "int x;", 6), 0);
	assert_int_equal(ew_send(sp[0], EW_REQ_GO, NULL, 0), 0);
	assert_int_equal(ew_send(sp[0], EW_MSG_ERROR, bin, sizeof(bin)), 0);
	assert_int_equal(ew_send_str(sp[0], EW_REQ_CFLAG, "-DEW_GEN=1"), 0);
	assert_int_equal(ew_send_str(sp[0], EW_MSG_INFO, ""), 0);
	expect_frame(sp[1], EW_REQ_SOURCE, "int x;", 6);
	expect_frame(sp[1], EW_REQ_GO, "", 0);
	expect_frame(sp[1], EW_MSG_ERROR, bin, sizeof(bin));
	expect_frame(sp[1], EW_REQ_CFLAG, "-DEW_GEN=1", 10);
	expect_frame(sp[1], EW_MSG_INFO, "", 0);
}

static void fill(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(i * 31 + i / 4096);
}

/* More than the socket buffer holds: a child writes while we read. */
static void test_large_frame(void **state)
{
	char *want = malloc(BIG);
	struct ew_frame f;
	int status;
	pid_t pid;

	assert_non_null(want);
	fill(want, BIG);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int err = ew_send(sp[0], EW_REQ_SOURCE, want, BIG);

		err = err ? err : ew_send(sp[0], EW_REQ_GO, NULL, 0);
		free(want);
		_exit(err ? 1 : 0);
	}
	assert_int_equal(ew_recv(sp[1], &f), 0);
	assert_int_equal(f.type, EW_REQ_SOURCE);
	assert_int_equal(f.len, BIG);
	assert_memory_equal(f.data, want, BIG);
	assert_int_equal(f.data[BIG], 0);
	ew_frame_free(&f);
	expect_frame(sp[1], EW_REQ_GO, "", 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(want);
}

static void test_too_large(void **state)
{
	static const uint32_t hdr[2] = { EW_MSG_DIAG, EW_MAX_FRAME + 1 };
	struct ew_frame f;

	/* Refused before anything is written. */
	assert_int_equal(ew_send(sp[0], EW_MSG_DIAG, "x", EW_MAX_FRAME + 1),
			 -EMSGSIZE);
	assert_int_equal(ew_send(sp[0], EW_MSG_DONE, "ok", 2), 0);
	expect_frame(sp[1], EW_MSG_DONE, "ok", 2);
	/* And refused when a peer claims it. */
	assert_int_equal(write(sp[0], hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(ew_recv(sp[1], &f), -EMSGSIZE);
	assert_null(f.data);
	assert_int_equal(f.nfds, 0);
}

static void test_end_of_stream(void **state)
{
	static const uint32_t hdr[2] = { EW_MSG_DIAG, 10 };
	struct ew_frame f;

	assert_int_equal(ew_send(sp[0], EW_MSG_DONE, NULL, 0), 0);
	/* A frame cut short by the peer going away. */
	assert_int_equal(write(sp[0], hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(write(sp[0], "abc", 3), 3);
	close(sp[0]);
	sp[0] = -1;
	expect_frame(sp[1], EW_MSG_DONE, "", 0);
	assert_int_equal(ew_recv(sp[1], &f), -EPIPE);
	assert_null(f.data);
	assert_int_equal(ew_recv(sp[1], &f), -EPIPE);
	/* Writing to a closed peer is an error, not SIGPIPE. */
	assert_int_equal(ew_send(sp[1], EW_MSG_DONE, NULL, 0), -EPIPE);
}

static void check_pipe(int wfd, int rfd, const char *msg)
{
	char buf[32] = "";
	size_t n = strlen(msg);

	assert_int_equal(write(wfd, msg, n), (ssize_t)n);
	assert_int_equal(read(rfd, buf, sizeof(buf) - 1), (ssize_t)n);
	assert_string_equal(buf, msg);
}

static void test_send_fds(void **state)
{
	struct ew_fd_desc desc[2];
	struct ew_fd_desc got[2];
	struct ew_frame f;
	int p1[2], p2[2], fds[2];

	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	memset(desc, 0, sizeof(desc));
	desc[0].kind = EW_FD_MAP;
	desc[0].map_type = 4;
	desc[0].key_size = 4;
	desc[0].value_size = 4;
	desc[0].max_entries = 2;
	strcpy(desc[0].name, "events");
	desc[1].kind = EW_FD_LINK;
	strcpy(desc[1].name, "syscall__execve");
	fds[0] = p1[0];
	fds[1] = p2[0];

	assert_int_equal(ew_send_fds(sp[0], desc, fds, 2), 0);
	assert_int_equal(ew_send_str(sp[0], EW_MSG_DONE, "after"), 0);
	/* Only the received copies are left to read from. */
	close(p1[0]);
	close(p2[0]);

	assert_int_equal(ew_recv(sp[1], &f), 0);
	assert_int_equal(f.type, EW_MSG_FDS);
	assert_int_equal(f.len, sizeof(desc));
	memcpy(got, f.data, sizeof(got));
	assert_memory_equal(got, desc, sizeof(desc));
	assert_int_equal(f.nfds, 2);
	assert_true(fcntl(f.fds[0], F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(f.fds[1], F_GETFD) & FD_CLOEXEC);
	check_pipe(p1[1], f.fds[0], "one");
	check_pipe(p2[1], f.fds[1], "two");
	ew_frame_free(&f);
	assert_int_equal(f.nfds, 0);

	/* The next frame carries no fds. */
	expect_frame(sp[1], EW_MSG_DONE, "after", 5);
	/* ew_frame_free closed the received ends: writers now see EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(write(p1[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p1[1]);
	close(p2[1]);
}

static void test_send_fds_invalid(void **state)
{
	struct ew_fd_desc desc[EW_MAX_FDS + 1];
	int fds[EW_MAX_FDS + 1] = { 0 };

	memset(desc, 0, sizeof(desc));
	assert_int_equal(ew_send_fds(sp[0], desc, fds, 0), -EINVAL);
	assert_int_equal(ew_send_fds(sp[0], desc, fds, -1), -EINVAL);
	assert_int_equal(ew_send_fds(sp[0], desc, fds, EW_MAX_FDS + 1), -EINVAL);
	assert_int_equal(ew_send(sp[0], EW_MSG_DONE, NULL, 0), 0);
	expect_frame(sp[1], EW_MSG_DONE, "", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_of_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_fds_invalid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
