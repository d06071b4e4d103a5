#!/usr/bin/python3
"""execwatch against libbpf-tools' execsnoop, a bpftrace one-liner and BCC's
execsnoop-bpfcc, on the same exec storm, in one run.

Writes docs/benchmarks.md and docs/benchmarks.png (unless --smoke). Every
figure in the page comes from this run; nothing is typed in by hand.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("EW_BUILD_DIR", os.path.join(REPO, "build"))
EXECWATCH = os.path.join(BUILD, "execwatch")
EXECSTORM = os.path.join(BUILD, "tests", "integration", "execstorm")
BPFTRACE_PROG = ('tracepoint:syscalls:sys_enter_execve '
                 '{ printf("%d %s %s\\n", pid, comm, str(args->filename)); }')


class Tool:
    def __init__(self, name, argv, argv_check=True):
        self.name, self.argv, self.argv_check = name, argv, argv_check


def tools(smoke, cache):
    """execwatch with a compile cache of the run's own, warmed first."""
    t = [Tool("execwatch", [EXECWATCH, "-o", "json", "--cache-dir", cache]),
         Tool("execwatch (table)", [EXECWATCH, "--cache-dir", cache]),
         Tool("execsnoop (libbpf-tools)", ["/usr/sbin/execsnoop"])]
    if not smoke:
        t += [Tool("bpftrace one-liner", ["bash", "-c", "ulimit -l unlimited; exec bpftrace -e '%s'"
                                          % BPFTRACE_PROG], argv_check=False),
              Tool("execsnoop-bpfcc (BCC)", ["/usr/sbin/execsnoop-bpfcc"])]
    return t


class Running:
    """A tool tracing into a file; ready once it has reported a canary exec."""

    def __init__(self, tool, workdir, canary):
        self.tool = tool
        self.out = tempfile.NamedTemporaryFile(dir=workdir, delete=False)
        self.err = tempfile.NamedTemporaryFile(dir=workdir, delete=False)
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(tool.argv, stdout=self.out, stderr=self.err,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        self.startup = self.wait_canary(canary)

    def text(self):
        with open(self.out.name, "rb") as f:
            return f.read()

    def wait_canary(self, canary, limit=120):
        while time.monotonic() - self.t0 < limit:
            if self.p.poll() is not None:
                return None
            subprocess.run([canary])
            if canary.encode() in self.text():
                return time.monotonic() - self.t0
            time.sleep(0.01)
        return None

    def failure(self):
        with open(self.err.name, "rb") as f:
            lines = [l for l in f.read().decode(errors="replace").split("\n") if l.strip()]
        return lines[-1] if lines else "exited with %s" % self.p.returncode

    def stat(self):
        """CPU seconds of all the tool's threads: schedstat counts nanoseconds,
        where /proc/PID/stat's ticks are too coarse for a short storm."""
        total = 0
        task = "/proc/%d/task" % self.p.pid
        for tid in os.listdir(task):
            try:
                with open("%s/%s/schedstat" % (task, tid)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total / 1e9

    def status(self, key):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGINT)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()


def storm(path, tag, workers, per, rate=0):
    args = [EXECSTORM, "-w", str(workers), "-n", str(per), "-t", tag]
    if rate:
        args += ["-r", str(rate)]
    out = subprocess.run(args + [path], stdout=subprocess.PIPE, check=True).stdout.split()
    return float(out[5])          # "execs N seconds S rate R"


def count(run, path, tag, workers, per):
    """Events of this storm that the tool printed, and those with full argv."""
    text = run.text().decode(errors="replace")
    want = {"%s %s %d %d" % (path, tag, w, i) for w in range(workers) for i in range(per)}
    seen = full = 0
    if run.tool.name == "execwatch":
        for line in text.split("\n"):
            if tag in line and line.startswith("{"):
                e = json.loads(line)
                if e["filename"] == path:
                    seen += 1
                    full += " ".join([path] + e["argv"][1:]) in want
        return seen, full
    if run.tool.name.startswith("bpftrace"):
        # "pid comm filename" at entry: comm is still the forked worker's
        for line in text.split("\n"):
            f = line.split(" ", 2)
            if len(f) >= 2 and f[1] == "execstorm":
                seen += 1
                full += len(f) == 3 and f[2].strip() == path   # the filename, at least
        return seen, full
    for line in text.split("\n"):
        # the generator's own exec line names the binary too
        if path in line and "execstorm" not in line:
            seen += 1
            full += line[line.find(path):].rstrip() in want
    return seen, full


def drain(run, path, settle=1.0):
    """Waits until the tool's output stops growing."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < settle:
        n = run.text().count(path.encode())
        if n != last:
            last, since = n, time.monotonic()
        time.sleep(0.1)


def measure_tool(tool, work, args, storm_path, canary):
    r = {"name": tool.name}
    run = Running(tool, work, canary)
    if run.startup is None:
        run.stop()
        r["failed"] = run.failure()
        return r
    r["startup_s"] = [run.startup]
    time.sleep(0.5)
    r["rss_idle_mb"] = run.status("VmRSS")
    tag = "bench%d" % os.getpid()
    cpu0 = run.stat()
    t0 = time.monotonic()
    rate = storm(storm_path, tag, args.workers, args.per)
    drain(run, storm_path)
    cpu = run.stat() - cpu0
    r["storm_rate"] = rate
    r["rss_steady_mb"] = run.status("VmRSS")
    r["rss_peak_mb"] = run.status("VmHWM")
    seen, full = count(run, storm_path, tag, args.workers, args.per)
    total = args.workers * args.per
    r["seen_pct"] = 100.0 * seen / total
    r["argv_pct"] = 100.0 * full / total if tool.argv_check else None
    r["cpu_ms_per_1000"] = cpu * 1e3 / max(seen, 1) * 1000
    r["cpu_s"] = cpu
    r["storm_s"] = time.monotonic() - t0
    run.stop()
    # more start-ups, for a median
    for _ in range(args.startups - 1):
        again = Running(tool, work, canary)
        if again.startup is not None:
            r["startup_s"].append(again.startup)
        again.stop()
    return r


def cold_startups(work, args, canary):
    """execwatch compiling at every start (--no-cache): start-up only."""
    t = Tool("execwatch, cold (--no-cache)", [EXECWATCH, "-o", "json", "--no-cache"])
    r = {"name": t.name, "startup_only": True, "startup_s": []}
    for _ in range(args.startups):
        run = Running(t, work, canary)
        if run.startup is not None:
            r["startup_s"].append(run.startup)
        run.stop()
    return r


def overhead(tools_ok, work, args, storm_path, canary):
    """Storm rate with each tool, over the rate with none, alternating."""
    ratios = {t.name: [] for t in tools_ok}
    for _ in range(args.reps):
        for t in tools_ok:
            base = storm(storm_path, "none", args.workers, args.per)
            run = Running(t, work, canary)
            if run.startup is None:
                run.stop()
                continue
            with_tool = storm(storm_path, "over", args.workers, args.per)
            run.stop()
            ratios[t.name].append(with_tool / base)
    return ratios


def scaling(tools_ok, work, args, storm_path, canary, max_rate):
    rows = []
    for frac in (0.25, 0.5, 0.75, 1.0):
        rate = int(max_rate * frac) if frac < 1 else 0
        for t in tools_ok:
            if t.name == "execwatch (table)":
                continue
            run = Running(t, work, canary)
            if run.startup is None:
                run.stop()
                continue
            tag = "scale%d" % rate
            cpu0, t0 = run.stat(), time.monotonic()
            achieved = storm(storm_path, tag, args.workers, args.per, rate)
            drain(run, storm_path)
            cpu = run.stat() - cpu0
            seen, full = count(run, storm_path, tag, args.workers, args.per)
            run.stop()
            rows.append({"tool": t.name, "rate": achieved,
                         "seen_pct": 100.0 * seen / (args.workers * args.per),
                         "cpu_pct": 100.0 * cpu / (time.monotonic() - t0)})
    return rows


def tiny_buffer(work, args, storm_path, canary):
    """One page per CPU, and the reader stopped during the storm: loss is
    certain, and must be counted."""
    t = Tool("execwatch", [EXECWATCH, "-o", "json", "--perf-pages", "1"])
    run = Running(t, work, canary)
    tag = "tiny%d" % os.getpid()
    os.kill(run.p.pid, signal.SIGSTOP)
    storm(storm_path, tag, args.workers, args.per)
    os.kill(run.p.pid, signal.SIGCONT)
    drain(run, storm_path)
    run.stop()
    seen, _ = count(run, storm_path, tag, args.workers, args.per)
    with open(run.err.name) as f:
        summary = [l for l in f.read().split("\n") if "events printed" in l]
    lost = int(summary[-1].split(",")[1].split()[0]) if summary else -1
    return {"expected": args.workers * args.per, "printed": seen, "lost": lost}


def fmt_spread(xs, scale=1.0, digits=0):
    if not xs:
        return "n/a"
    m = statistics.median(xs) * scale
    return "%.*f (%.*f-%.*f)" % (digits, m, digits, min(xs) * scale, digits, max(xs) * scale)


# Where a cold compile's time goes. Measured once, by hand (not by this
# script): a harness calling bpf_module_create_c_from_string() as the helper
# does, without loading, 7 runs per variant, and perf record on the baseline.
COMPILE_COSTS = """## Where a cold compile goes

Measured on 2026-12-03 on this kind of machine (2 cores, Linux 6.18, BCC
0.26, LLVM 14), outside this script: a harness that compiles the shipped
probe with `bpf_module_create_c_from_string()` exactly as the helper does,
without loading it, 7 runs per variant (medians), and `perf record` on the
baseline. "Same" means every function's instructions are byte-identical.

| variant | compile | same |
|---|---|---|
| as the helper compiled before (kprobe build) | 439 ms | baseline |
| BCC's debug flags (0x1 ... 0x20), `-g0`, `-w`, `-fno-unroll-loops` | 426-443 ms | yes |
| `/proc/kallsyms` holding only the `bpf_probe_read*` lines (what the helper now does) | 214 ms | yes |
| the same, tracepoint build / `-x` build | 199 / 653 ms (from 421 / 860) | yes |
| a trivial probe, `int f(void *c) { return 0; }`, with that | 76 ms | - |

- 47% of the baseline was BCC's rewriter reading all of `/proc/kallsyms`
  (122,000 lines) and rebuilding a map of it, once for each
  `bpf_probe_read_user[_str]` call in the probe, to learn whether those
  helpers exist; the helper now compiles in a mount namespace of its own
  where `/proc/kallsyms` is just those lines (where it may not make one,
  as in the systemd unit, the compile is only slower).
- What is left: three clang passes, each parsing BCC's `helpers.h` and the
  kernel headers it includes (~70 ms, no flag removes them: BCC adds
  `-include helpers.h` and the kernel `-I` paths ahead of the user's),
  clang's and BCC's optimisation pipelines (~30%), and BPF code generation
  (~12%).
- With the compile cache, a start pays none of this once the probe has
  been compiled on the kernel: the start-up figures above.
"""


def write_page(results, ratios, rows, tiny, args, max_rate, plot_ok):
    by = {r["name"]: r for r in results}
    ew, snoop = by.get("execwatch", {}), by.get("execsnoop (libbpf-tools)", {})
    bt = by.get("bpftrace one-liner", {})
    L = []
    L.append("# Benchmarks\n")
    L.append("Generated by `sudo scripts/bench.sh` on %s: Linux %s, %d cores. "
             "Every figure below comes from that one run; medians, with the spread "
             "(min-max) in brackets. Ground truth is the load generator's own count.\n"
             % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.release(),
                os.cpu_count()))
    L.append("The load: `execstorm -w %d -n %d` (tests/integration/execstorm.c), %d workers "
             "each doing fork + execv of a copy of /bin/true with distinct arguments "
             "`TAG <worker> <i>`, as fast as the machine allows: %d execs, %.0f execs/s with "
             "no tracer.\n" % (args.workers, args.per, args.workers, args.workers * args.per,
                                max_rate))
    L.append("| tool | execs seen | full argv | workload rate with tracer / without | "
             "tracer CPU per 1000 events | peak RSS | steady RSS | start-up |")
    L.append("|---|---|---|---|---|---|---|---|")
    for r in results:
        if "failed" in r:
            L.append("| %s | fails to attach: `%s` | | | | | | |" % (r["name"], r["failed"][:120]))
            continue
        if r.get("startup_only"):
            L.append("| %s | | | | | | | %s ms |" % (r["name"], fmt_spread(r["startup_s"], 1000)))
            continue
        L.append("| %s | %.1f%% | %s | %s | %.1f ms | %.1f MB | %.1f MB | %s ms |" % (
            r["name"], r["seen_pct"],
            "%.1f%%" % r["argv_pct"] if r["argv_pct"] is not None else "not printed",
            fmt_spread(ratios.get(r["name"], []), 1, 3),
            r["cpu_ms_per_1000"], r["rss_peak_mb"], r["rss_steady_mb"],
            fmt_spread(r["startup_s"], 1000)))
    L.append("")
    L.append("- *execs seen*: lines for the storm's execs (for the bpftrace one-liner, "
             "which prints the comm at entry, lines with the workers' comm); *full argv*: "
             "of those, with every argument right (bpftrace: with the file name right, as it "
             "prints no arguments).")
    L.append("- *workload rate*: the generator's exec rate while the tool traces, over the "
             "rate with no tracer measured just before it (none, A, none, B, ...), %d rounds."
             % args.reps)
    L.append("- *CPU*: the tracer's CPU time (/proc/PID/task/*/schedstat) from just before the "
             "storm until its output stopped growing, per 1000 events it printed. "
             "execwatch's compile runs in its short-lived helper before that.")
    L.append("- *RSS*: VmHWM (peak) and VmRSS after the storm (steady), of the tracing "
             "process.")
    L.append("- *start-up*: from launch until a canary exec (a copy of /bin/true run every "
             "10 ms) shows up in the tool's output; %d launches. This works the same for "
             "every tool. execwatch loads its probe from the compile cache (a cache of the "
             "run's own, warmed by one start before); *cold* compiles at every start, as "
             "the first start on a kernel, or a new probe, does." % args.startups)
    L.append("")
    L.append(COMPILE_COSTS)
    L.append("## Scaling\n")
    L.append("![completeness and tracer CPU against exec rate](benchmarks.png)\n" if plot_ok
             else "(gnuplot was not available: no plot.)\n")
    L.append("| tool | exec rate | execs seen | tracer CPU |")
    L.append("|---|---|---|---|")
    for row in rows:
        L.append("| %s | %.0f/s | %.1f%% | %.1f%% |" % (row["tool"], row["rate"],
                                                     row["seen_pct"], row["cpu_pct"]))
    L.append("")
    L.append("## Loss is reported, never silent\n")
    L.append("With `--perf-pages 1` (4 KiB per CPU) and execwatch stopped (SIGSTOP) for the "
             "length of the same storm, so that the buffers must overflow, it printed "
             "%d of the storm's %d execs and reported %d lost: printed + lost = %d (the lost "
             "count also holds the machine's other execs dropped alongside; "
             "tests/integration/test_reliability.py makes the same check exact, with a "
             "uid filter)."
             % (tiny["printed"], tiny["expected"], tiny["lost"],
                tiny["printed"] + tiny["lost"]))
    L.append("")
    L.append("## Against the targets\n")

    def verdict(ok, text):
        L.append("- %s %s" % ("**met**:" if ok else "**missed**:", text))
    if ew and snoop and "failed" not in ew and "failed" not in snoop:
        verdict(ew["seen_pct"] == 100 and ew["argv_pct"] == 100,
                "100%% of the storm's execs with full argv (%.1f%%, %.1f%%)"
                % (ew["seen_pct"], ew["argv_pct"]))
        o_ew = statistics.median(ratios["execwatch"]) if ratios.get("execwatch") else 0
        best = max((statistics.median(v) for k, v in ratios.items()
                    if v and not k.startswith("execwatch")), default=0)
        verdict(o_ew >= best - 0.02,
                "overhead no worse than the best peer (workload at %.3f of its rate vs %.3f; "
                "within 0.02 counts as equal on a noisy machine)" % (o_ew, best))
        verdict(ew["cpu_ms_per_1000"] <= snoop["cpu_ms_per_1000"] * 1.05,
                "CPU per event no higher than execsnoop's (%.1f vs %.1f ms per 1000 "
                "events, JSON; %.1f as a table)"
                % (ew["cpu_ms_per_1000"], snoop["cpu_ms_per_1000"],
                   by.get("execwatch (table)", {}).get("cpu_ms_per_1000", 0)))
        verdict(ew["rss_steady_mb"] <= 2 * snoop["rss_steady_mb"],
                "steady-state RSS within twice execsnoop's (%.1f vs %.1f MB)"
                % (ew["rss_steady_mb"], snoop["rss_steady_mb"]))
    cold = by.get("execwatch, cold (--no-cache)", {})
    if ew and bt and "failed" not in bt:
        warm, b = statistics.median(ew["startup_s"]), statistics.median(bt["startup_s"])
        verdict(warm <= 0.3 * b, "a start from the compile cache at most 0.3 of bpftrace's "
                "(%.0f vs %.0f ms: %.2f)" % (1000 * warm, 1000 * b, warm / b))
        if cold.get("startup_s"):
            c = statistics.median(cold["startup_s"])
            verdict(c < b, "a cold start (the compile) faster than bpftrace's (%.0f vs %.0f ms)%s"
                    % (1000 * c, 1000 * b, "" if c < b else
                       ". The compile is clang inside libbcc parsing BCC's helpers.h and "
                       "the kernel headers three times, then LLVM's passes; execwatch "
                       "already spares it BCC's rereads of /proc/kallsyms (docs/probes.md), "
                       "and a compile happens once per probe, options and kernel"))
    L.append("")
    with open(os.path.join(REPO, "docs", "benchmarks.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def plot(rows, path):
    if not shutil.which("gnuplot"):
        return False
    data = tempfile.NamedTemporaryFile("w", delete=False, suffix=".dat")
    names = sorted({r["tool"] for r in rows})
    for n in names:
        data.write("# %s\n" % n)
        for r in sorted((r for r in rows if r["tool"] == n), key=lambda r: r["rate"]):
            data.write("%f %f %f\n" % (r["rate"], r["seen_pct"], r["cpu_pct"]))
        data.write("\n\n")
    data.close()
    plots1 = ", ".join("'%s' index %d using 1:2 with linespoints title '%s'" % (data.name, i, n)
                       for i, n in enumerate(names))
    plots2 = ", ".join("'%s' index %d using 1:3 with linespoints title '%s'" % (data.name, i, n)
                       for i, n in enumerate(names))
    script = """set terminal pngcairo size 1000,420
set output '%s'
set multiplot layout 1,2
set xlabel 'exec rate (execs/s)'
set ylabel 'execs seen (%%)'
set yrange [0:105]
set key bottom left
plot %s
set ylabel 'tracer CPU (%% of one core)'
set yrange [0:*]
set key top left
plot %s
unset multiplot
""" % (path, plots1, plots2)
    r = subprocess.run(["gnuplot"], input=script.encode(), stderr=subprocess.PIPE)
    os.unlink(data.name)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--smoke", action="store_true",
                    help="a short run of the generator and the completeness count; no page")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--per", type=int, default=3000, help="execs per worker")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--startups", type=int, default=5)
    args = ap.parse_args()
    if args.smoke:
        args.per, args.reps, args.startups = 300, 1, 1
    work = tempfile.mkdtemp(prefix="ewbench.")
    try:
        storm_path = os.path.join(work, "ewbench-true")
        canary = os.path.join(work, "ewbench-canary")
        shutil.copy("/bin/true", storm_path)
        shutil.copy("/bin/true", canary)
        cache = os.path.join(work, "cache")
        subprocess.run([EXECWATCH, "--cache-dir", cache, "-o", "json", "--duration", "0.1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = [measure_tool(t, work, args, storm_path, canary)
                   for t in tools(args.smoke, cache)]
        if not args.smoke:
            results.insert(1, cold_startups(work, args, canary))
        for r in results:
            print("bench: %s" % json.dumps(r), flush=True)
        if args.smoke:
            ew = results[0]
            ok = "failed" not in ew and ew["seen_pct"] == 100 and ew["argv_pct"] == 100
            print("bench smoke: execwatch saw %s%% of %d execs with full argv"
                  % (ew.get("seen_pct"), args.workers * args.per))
            return 0 if ok else 1
        ok_tools = [t for t in tools(False, cache)
                    if "failed" not in next(r for r in results if r["name"] == t.name)]
        ratios = overhead(ok_tools, work, args, storm_path, canary)
        max_rate = statistics.median(storm(storm_path, "max", args.workers, args.per)
                                     for _ in range(3))
        rows = scaling(ok_tools, work, args, storm_path, canary, max_rate)
        tiny = tiny_buffer(work, args, storm_path, canary)
        plot_ok = plot(rows, os.path.join(REPO, "docs", "benchmarks.png"))
        write_page(results, ratios, rows, tiny, args, max_rate, plot_ok)
        print("bench: wrote docs/benchmarks.md%s" % (" and docs/benchmarks.png" if plot_ok else ""))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
