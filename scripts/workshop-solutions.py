#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the workshop's solutions, docs/workshop/*.bpf.c: each is the
shipped probe (probes/execwatch.bpf.c) with the exercise's blocks, every
line of them marked "workshop", put in at named places. Run it after
changing the probe; tests/integration/test_workshop.py checks that each
solution is the probe plus marked blocks, and runs them all.

    python3 scripts/workshop-solutions.py
"""
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shipped = open(os.path.join(REPO, "probes", "execwatch.bpf.c")).read()

def after(text, anchor, block, nth=1):
    i = -1
    for _ in range(nth):
        i = text.index(anchor, i + 1)
    j = i + len(anchor)
    return text[:j] + block + text[j:]

def before(text, anchor, block):
    i = text.index(anchor)
    return text[:i] + block + text[i:]

STAGE_END = "BPF_TASK_STORAGE(stage, struct ew_stage);\n#endif\n"
ENTERED = "\tentered = s && s->active && s->exec_id + 1 == exec_id;\n"

def header(text, line):
    return after(text, "// SPDX-License-Identifier: GPL-2.0\n", line + "\n")

sols = {}

t = header(shipped, "/* workshop: exercise 1 of docs/workshop.md: report only execs by root. */")
t = after(t, "\t    task_euid(task) != EW_FILTER_UID)\n\t\treturn true;\n#endif\n", """\t/*
\t * workshop: root only: the real uid, the low half of
\t * bpf_get_current_uid_gid(). execwatch -u 0 passes -DEW_FILTER_UID=0 for
\t * the test above, which takes a setuid program's effective uid too.
\t */
\tif ((u32)bpf_get_current_uid_gid() != 0)
\t\treturn true;
""")
sols["01-root-only.bpf.c"] = t

t = header(shipped, "/* workshop: exercise 2 of docs/workshop.md: report only execs called by bash. */")
t = after(t, "\tu8 compat;\t\t/* 32-bit pointers in argv */\n", "\tchar caller[EW_COMM_LEN];\t/* workshop: the caller's name, at entry */\n")
t = before(t, "/* ---- The system call's entry: the caller is still the old program ---- */", """/* workshop: the caller to keep, compared with its NUL ("bash" is not "bashful"). */
#define WORKSHOP_CALLER "bash"

/* workshop: no strcmp() in BPF: a loop of known length, unrolled. */
static __always_inline bool comm_is(const char *comm, const char *want)
{
\tint i;

#pragma unroll
\tfor (i = 0; i < sizeof(WORKSHOP_CALLER); i++)
\t\tif (comm[i] != want[i])
\t\t\treturn false;
\treturn true;
}

""")
t = after(t, "\ts->compat = compat;\n", "\t/* workshop: at entry the comm is still the caller's: exec renames the\n\t * task only once the new image is in. Kept for on_exec(). */\n\tbpf_get_current_comm(&s->caller, sizeof(s->caller));\n")
t = after(t, ENTERED, """\t/*
\t * workshop: only what bash ran. By now the comm is the new program's,
\t * so decide from the caller's name staged at entry (an exec with no
\t * entry seen, such as one the kernel started, has no caller to ask).
\t */
\tif (!entered || !comm_is(s->caller, WORKSHOP_CALLER))
\t\treturn 0;
""")
sols["02-from-bash.bpf.c"] = t

t = header(shipped, "/* workshop: exercise 3 of docs/workshop.md: count execs per command in a map. */")
t = after(t, STAGE_END, """
/*
 * workshop: execs per command, printed by execwatch when it exits. The
 * key is the whole 16-byte comm, zeroed first so that equal names are
 * equal keys; execwatch prints a NUL-padded char[] key as a string.
 */
struct comm_key {
\tchar comm[EW_COMM_LEN];
};
BPF_HASH(exec_counts, struct comm_key, u64, 10240);
""")
t = after(t, ENTERED, """\t/*
\t * workshop: after the filters above, so the counts match what is
\t * printed; after a successful exec the comm is the new program's name.
\t */
\t{
\t\tstruct comm_key k = {};

\t\tbpf_get_current_comm(&k.comm, sizeof(k.comm));
\t\texec_counts.increment(k);
\t}
""")
sols["03-count-comm.bpf.c"] = t

t = header(shipped, "/* workshop: exercise 4 of docs/workshop.md: exec latency as a log2 histogram. */")
t = after(t, STAGE_END, """
/*
 * workshop: exec latency, entry to the new image, in log2 slots of
 * microseconds. "hist" in the name makes execwatch draw it as a histogram.
 */
BPF_HISTOGRAM(latency_hist);
""")
t = after(t, ENTERED, """\t/* workshop: s->enter_ns was taken by on_entry() and staged for us. */
\tif (entered)
\t\tlatency_hist.increment(bpf_log2l((bpf_ktime_get_ns() - s->enter_ns) / 1000));
""")
sols["04-latency-hist.bpf.c"] = t

t = header(shipped, "/* workshop: exercise 5 of docs/workshop.md: count failed execs per errno. */")
t = after(t, STAGE_END, """
/* workshop: failed execs per errno (2 is ENOENT, 13 EACCES), printed at exit. */
BPF_HASH(exec_errors, u32, u64, 256);

static __always_inline void count_errno(long ret)
{
\tu32 err = -ret;

\texec_errors.increment(err);
}
""")
t = after(t, "\tentered = s && s->active;\n", """\t/*
\t * workshop: every failure, shown or not (-x decides that below). On
\t * the kprobe path the kretprobe counts them (it runs without -x too).
\t */
#ifndef EW_ATTACH_KPROBE
\tif (ret < 0)
\t\tcount_errno(ret);
#endif
""")
t = after(t, "int on_kretprobe(void *ctx, long ret)\n{\n\tstruct ew_stage *s;\n\n\tif (!newest())\n\t\treturn 0;\n", """\t/* workshop: the kprobe path's failures, shown or not. */
\tif (ret < 0)
\t\tcount_errno(ret);
""")
sols["05-errno-counts.bpf.c"] = t

t = header(shipped, "/* workshop: exercise 6 of docs/workshop.md: count opens of files under /etc by path. */")
t = after(t, STAGE_END, """
/*
 * workshop: opens of files under WORKSHOP_DIR, by path. A path longer than
 * the key is cut (bpf_probe_read_user_str() keeps the NUL), so two long
 * paths may share a key; the rest of the key stays zero.
 */
#define WORKSHOP_DIR "/etc/"
struct path_key {
\tchar path[64];
};
BPF_HASH(etc_opens, struct path_key, u64, 1024);
""")
t = t + """
/*
 * workshop: a second program beside the exec ones; execwatch attaches it
 * because of its name (tracepoint__syscalls__sys_enter_openat), with either
 * --attach mechanism. The path is the caller's, as written, not resolved.
 */
TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
\tstruct path_key k = {};
\tint i;

\tif (bpf_probe_read_user_str(&k.path, sizeof(k.path), args->filename) <= 0)
\t\treturn 0;
#pragma unroll
\tfor (i = 0; i < sizeof(WORKSHOP_DIR) - 1; i++)
\t\tif (k.path[i] != WORKSHOP_DIR[i])
\t\t\treturn 0;
\tetc_opens.increment(k);
\treturn 0;
}
"""
sols["06-etc-opens.bpf.c"] = t

for name, text in sols.items():
    with open(os.path.join(REPO, "docs", "workshop", name), "w") as f:
        f.write(text)
print(f"{len(sols)} solutions in docs/workshop")
