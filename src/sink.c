// SPDX-License-Identifier: GPL-2.0
#include "sink.h"
#include "log.h"
#include "map_dump.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct printer {
	struct ew_sink sink;
	const struct env *env;
	int ncpus;
	int fd;			/* standard output, or --output FILE */
	struct ew_buf out;
	uint32_t pending;	/* events rendered into out */
	bool container_column;	/* shown from the start, or since the first container */
};

static struct printer *to_printer(struct ew_sink *s)
{
	return (struct printer *)s;
}

/* The table's column headers, with the columns this printer shows now. */
static void header(struct printer *p)
{
	struct env cols = *p->env;

	cols.show_container = p->container_column;
	ew_table_header(&p->out, &cols);
}

/*
 * O_APPEND and whole-buffer writes: lines from two writers never interleave.
 * The file is checked as trust.h says, at start and at each reopen.
 */
static int open_file(struct printer *p, bool reopen)
{
	struct stat st;
	int fd = ew_output_open(p->env->output, reopen);

	if (fd < 0)
		return fd;
	if (p->fd > STDOUT_FILENO)
		close(p->fd);
	p->fd = fd;
	/* A new (rotated) file starts with the table's header. */
	if (p->env->format == EW_FMT_TABLE && fstat(fd, &st) == 0 &&
	    st.st_size == 0)
		header(p);
	return 0;
}

static int printer_armed(struct ew_sink *s, const char *mechanism)
{
	struct printer *p = to_printer(s);

	if (p->env->format == EW_FMT_TABLE && !p->env->output)
		header(p);
	ew_log_line("Tracing execve via %ss%s... Ctrl-C to end.", mechanism,
		    p->env->watch ? ", reloading the probe when it is saved" : "");
	return 0;
}

static bool printer_exec(struct ew_sink *s, const struct ew_exec *x,
			 const struct ew_when *w)
{
	struct printer *p = to_printer(s);
	struct env cols;

	p->pending++;
	if (p->env->format == EW_FMT_JSON) {
		ew_json_line(&p->out, x, w);
		return false;
	}
	/* The first container seen brings in the CONTAINER column. */
	if (x->container.id[0] && !p->container_column) {
		p->container_column = true;
		header(p);
	}
	cols = *p->env;
	cols.show_container = p->container_column;
	ew_table_row(&p->out, &cols, x, w);
	return false;
}

/* In JSON the consumer sees a loss where the events would have been. */
static void printer_lost(struct ew_sink *s, enum ew_loss_cause c, uint64_t n,
			 const struct ew_when *w)
{
	struct printer *p = to_printer(s);

	if (p->env->format == EW_FMT_JSON)
		ew_json_lost(&p->out, ew_loss_id(c), n, w);
}

static void printer_maps(struct ew_sink *s, const struct ew_probe *probe,
			 unsigned gen, bool replaced)
{
	struct printer *p = to_printer(s);
	bool json = p->env->format == EW_FMT_JSON;
	struct ew_buf maps = { 0 };

	ew_map_dump_all(&maps, probe, p->ncpus, json);
	if (maps.len) {
		if (replaced && !json)
			ew_buf_printf(&p->out, "maps of generation %u, replaced:\n",
				      gen);
		ew_buf_put(&p->out, maps.p, maps.len);
	}
	ew_buf_free(&maps);
}

/* Whole buffers with write(2): a closed pipe ends tracing cleanly. */
static int printer_flush(struct ew_sink *s, struct ew_losses *l)
{
	struct printer *p = to_printer(s);
	int n = p->pending, err = 0;
	size_t off = 0;

	p->pending = 0;
	if (p->out.oom) {
		/* What the buffer holds is incomplete: print none of it. */
		ew_losses_add(l, EW_LOSS_NO_MEMORY, n);
		ew_buf_free(&p->out);
		return 0;
	}
	while (off < p->out.len) {
		ssize_t w = write(p->fd, p->out.p + off, p->out.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			if (err != -EPIPE)
				ew_err("cannot write output: %s", strerror(-err));
			break;
		}
		off += w;
	}
	ew_buf_reset(&p->out);
	return err ? err : n;
}

/* Everything printed so far went to the old file; then the new one. */
static int printer_reopen(struct ew_sink *s)
{
	struct printer *p = to_printer(s);
	int err;

	if (!p->env->output)
		return 0;
	/* A file that may not be used now (a link planted where the rotated
	 * one was) is refused; the lines go on to the file already open. */
	err = open_file(p, true);
	if (err)
		ew_warn("--output %s: not reopened; still writing to the file open before",
			p->env->output);
	else
		ew_info("reopened %s", p->env->output);
	return 0;
}

static void printer_close(struct ew_sink *s)
{
	struct printer *p = to_printer(s);

	if (p->fd > STDOUT_FILENO)
		close(p->fd);
	ew_buf_free(&p->out);
	free(p);
}

static const struct ew_sink_ops printer_ops = {
	.armed = printer_armed,
	.exec = printer_exec,
	.lost = printer_lost,
	.maps = printer_maps,
	.flush = printer_flush,
	.reopen = printer_reopen,
	.close = printer_close,
};

int ew_printer_open(const struct env *env, int ncpus, struct ew_sink **out)
{
	struct printer *p = calloc(1, sizeof(*p));
	int err;

	*out = NULL;
	if (!p) {
		ew_err("out of memory");
		return -ENOMEM;
	}
	p->sink.ops = &printer_ops;
	p->env = env;
	p->ncpus = ncpus;
	p->fd = STDOUT_FILENO;
	p->container_column = env->show_container;
	if (env->output && (err = open_file(p, false))) {
		printer_close(&p->sink);
		return err;
	}
	*out = &p->sink;
	return 0;
}
