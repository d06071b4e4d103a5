// SPDX-License-Identifier: GPL-2.0
/*
 * execstorm: an exec load with a known ground truth. K workers each run
 * N fork + execv of PATH with the arguments "TAG <worker> <i>", as fast as
 * the machine allows (or at RATE execs per second in all), then it prints
 * the count and the rate achieved. With -n 0 the workers run until
 * execstorm gets SIGTERM or SIGINT; each then prints "worker W N" (the
 * execs it made: i = 0 .. N-1), so a test knows exactly what ran.
 *
 *   execstorm [-w WORKERS] [-n PER_WORKER] [-r RATE] [-t TAG] [PATH]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	stopping = 1;
}

/* Paced: exec i of a worker starts at i / rate seconds, absolute. */
static void pace(const struct timespec *t0, long i, double rate)
{
	double at = i / rate;
	struct timespec due = { .tv_sec = t0->tv_sec + (time_t)at,
				.tv_nsec = t0->tv_nsec + (long)((at - (time_t)at) * 1e9) };

	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL))
		;
}

static int run_worker(int w, long n, double rate, const char *path,
		      const char *tag)
{
	char ws[16], is[24];
	struct timespec t0;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(ws, sizeof(ws), "%d", w);
	for (i = 0; n ? i < n : !stopping; i++) {
		if (rate > 0)
			pace(&t0, i, rate);
		char *argv[] = { (char *)path, (char *)tag, ws, is, NULL };
		pid_t pid;
		int status;

		snprintf(is, sizeof(is), "%ld", i);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			execv(path, argv);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return 1;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	if (!n) {
		printf("worker %d %ld\n", w, i);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *tag = "storm", *path = "/bin/true";
	long workers = 2, n = 1000;
	pid_t pids[64];
	double rate = 0;
	struct timespec t0, t1;
	int c, w, failed = 0;
	double secs;

	while ((c = getopt(argc, argv, "w:n:r:t:")) != -1) {
		switch (c) {
		case 'w': workers = atol(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'n': n = atol(optarg); break;
		case 't': tag = optarg; break;
		default:
			fprintf(stderr, "usage: execstorm [-w WORKERS] [-n PER_WORKER] [-r RATE] [-t TAG] [PATH]\n");
			return 2;
		}
	}
	if (optind < argc)
		path = argv[optind];
	if (workers < 1 || workers > 64 || n < 0)
		return 2;
	/* No SA_RESTART: a worker's waitpid sees the stop, and retries. */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_stop }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_stop }, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0)
			_exit(run_worker(w, n, rate / workers, path, tag));
	}
	for (w = 0; w < workers; w++) {
		int status = 0;

		while (waitpid(pids[w], &status, 0) < 0) {
			if (errno != EINTR) {
				failed = 1;
				break;
			}
			for (int k = 0; k < workers; k++)	/* pass the stop on */
				kill(pids[k], SIGTERM);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (n)
		printf("execs %ld seconds %.3f rate %.0f\n", workers * n, secs,
		       workers * n / secs);
	return failed;
}
