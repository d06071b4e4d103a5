#!/usr/bin/python3
"""Load, loss, faults and privileges: nothing lost without being counted,
nothing leaked, nothing left attached.

SOAK_SECONDS sets the soak's length (default 20: short in CI, long on demand).
Figures go to $EW_RELIABILITY_OUT (JSON) for docs/reliability.md.
"""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import ewtest
from ewtest import Tracer, run_execer

EXECSTORM = os.environ.get("EXECSTORM", "build/tests/integration/execstorm")
record = ewtest.record


def summary(err):
    m = re.search(r"(\d+) events printed, (\d+) lost", err)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def nobody(*args):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *args]


class Reliability(unittest.TestCase):
    def test_tiny_buffer_counts_every_loss(self):
        """printed + lost == the execs that happened, exactly."""
        per = 500
        t = Tracer("-o", "json", "--perf-pages", "1", "-u", "65534")
        t.p.send_signal(signal.SIGSTOP)    # nobody reads: the buffer fills
        tag = "tiny-%d" % os.getpid()
        r = subprocess.run(nobody(EXECSTORM, "-w", "2", "-n", str(per), "-t", tag),
                           stdout=subprocess.PIPE, timeout=ewtest.WAIT * 5)
        self.assertEqual(r.returncode, 0)
        t.p.send_signal(signal.SIGCONT)
        t.wait(lambda: False, timeout=1)
        self.assertEqual(t.stop(), 0)
        printed, lost = summary(t.stderr())
        truth = 2 * per + 1                 # and execstorm's own exec
        self.assertGreater(lost, 0, t.stderr())
        self.assertEqual(printed + lost, truth, t.stderr())
        self.assertIn("perf buffer full: %d" % lost, t.stderr())
        # Reported as it happened: the warnings add up to the summary, and
        # so do the JSON stream's own lost lines, nothing suppressed.
        warned = [int(n) for n in re.findall(r"warning: (\d+) events lost \(perf buffer full\)",
                                             t.stderr())]
        lines = [e for e in t.events() if e["event"] == "lost"]
        self.assertEqual(sum(warned), lost, t.stderr())
        self.assertEqual(sum(e["count"] for e in lines), lost)
        self.assertEqual({e["cause"] for e in lines}, {"perf_buffer_full"})
        self.assertEqual(len([e for e in t.events() if e["event"] == "exec"]), printed)
        record("tiny_buffer", execs=truth, printed=printed, lost=lost,
               warnings=len(warned), warned=sum(warned))

    def test_losses_are_warned_about_within_a_second(self):
        """A burst lost while execwatch reads: the warning comes while it
        is still tracing, not at the end."""
        t = Tracer("-o", "json", "--perf-pages", "1", "-u", "65534")
        t.p.send_signal(signal.SIGSTOP)
        r = subprocess.run(nobody(EXECSTORM, "-w", "2", "-n", "300", "-t", "late"),
                           stdout=subprocess.PIPE, timeout=ewtest.WAIT * 5)
        self.assertEqual(r.returncode, 0)
        t.p.send_signal(signal.SIGCONT)
        # Nothing more happens; the loss shows up in the stream by itself.
        self.assertTrue(t.wait(lambda: any(e["event"] == "lost" for e in t.events()),
                               timeout=5), t.stderr())
        self.assertIn("events lost (perf buffer full)", t.stderr())
        self.assertEqual(t.stop(), 0)

    def test_soak_no_loss_no_growth(self):
        secs = float(os.environ.get("SOAK_SECONDS", "20"))
        t = Tracer("-o", "json", stdout=subprocess.DEVNULL)
        tag = "soak-%d" % os.getpid()
        warm = end = None
        rounds = execs = 0
        start = time.monotonic()
        while time.monotonic() - start < secs or rounds < 2:
            r = subprocess.run([EXECSTORM, "-w", "2", "-n", "500", "-t", tag],
                               stdout=subprocess.PIPE, timeout=ewtest.WAIT * 5)
            self.assertEqual(r.returncode, 0)
            execs += 1000
            rounds += 1
            if rounds == 1:        # after warm-up
                warm = (status_kb(t.p.pid, "VmRSS"), len(os.listdir("/proc/%d/fd" % t.p.pid)))
        end = (status_kb(t.p.pid, "VmRSS"), len(os.listdir("/proc/%d/fd" % t.p.pid)))
        self.assertEqual(t.stop(), 0)
        printed, lost = summary(t.stderr())
        self.assertEqual(lost, 0, t.stderr())
        self.assertGreaterEqual(printed, execs)
        if os.environ.get("EW_SANITIZED") != "1":  # ASan's quarantine grows by design
            self.assertLessEqual(end[0] - warm[0], 512,
                                 "RSS grew from %d to %d kB" % (warm[0], end[0]))
        self.assertEqual(end[1], warm[1], "fds grew")
        record("soak", seconds=round(time.monotonic() - start, 1), storm_execs=execs,
               printed=printed, lost=lost, rss_kb_after_warmup=warm[0], rss_kb_end=end[0],
               fds_after_warmup=warm[1], fds_end=end[1])

    def test_kill_9_leaves_nothing_and_a_new_one_starts(self):
        t = Tracer("-o", "json")
        storm = subprocess.Popen([EXECSTORM, "-w", "2", "-n", "1000", "-t", "kill9"],
                                 stdout=subprocess.DEVNULL)
        t.wait(lambda: len(t.out) > 50)
        t.p.send_signal(signal.SIGKILL)
        t.p.wait()
        storm.wait(timeout=ewtest.WAIT * 5)
        t.stop()
        self.assertEqual(ewtest.leftover_progs(), [])
        for events in glob.glob("/sys/kernel/tracing/kprobe_events"):
            self.assertNotIn("execwatch", open(events).read())
        self.assertEqual(glob.glob("/sys/fs/bpf/execwatch-*"), [])
        again = Tracer("-o", "json")
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "after-kill")
        again.wait_event(lambda e: e["pid"] == pid)
        self.assertEqual(again.stop(), 0)

    def test_two_instances_both_see_everything(self):
        a, b = Tracer("-o", "json"), Tracer("-o", "json")
        tag = "two-%d" % os.getpid()
        subprocess.run([EXECSTORM, "-w", "2", "-n", "500", "-t", tag], check=True,
                       stdout=subprocess.DEVNULL, timeout=ewtest.WAIT * 5)
        for t in (a, b):
            t.wait(lambda: sum(1 for e in t.events() if e["argv"][1:2] == [tag]) >= 1000)
        for t in (a, b):
            self.assertEqual(t.stop(), 0)
            seen = sorted((e["argv"][2], e["argv"][3]) for e in t.events()
                          if len(e["argv"]) == 4 and e["argv"][1] == tag)
            self.assertEqual(len(seen), 1000)
            self.assertEqual(len(set(seen)), 1000)

    def test_full_disk_is_a_clear_error(self):
        d = tempfile.mkdtemp()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", d],
                       check=True)
        try:
            t = Tracer("-o", "json", "--output", os.path.join(d, "execs.log"))
            storm = subprocess.Popen([EXECSTORM, "-w", "2", "-n", "2000", "-t", "full"],
                                     stdout=subprocess.DEVNULL)
            rc = t.p.wait(timeout=ewtest.WAIT)
            storm.kill()
            storm.wait()
            t.stop()
        finally:
            subprocess.run(["umount", d])
            os.rmdir(d)
        self.assertEqual(rc, 1)
        self.assertIn("cannot write output: No space left on device", t.stderr())
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_watched_probe_replaced_by_a_directory(self):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "p.bpf.c")
        shutil.copy(os.path.join(os.path.dirname(__file__), "..", "..", "probes",
                                 "execwatch.bpf.c"), path)
        t = Tracer("--probe", path, "--watch", "-o", "json")
        os.unlink(path)
        os.mkdir(path)
        os.rename(path, path + ".d")
        os.mkdir(path + ".tmp")
        os.rename(path + ".tmp", path)       # a directory moved into place
        self.assertTrue(t.wait(lambda: "no longer a regular file" in t.stderr()
                               or "was removed" in t.stderr()), t.stderr())
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "still-traced")
        t.wait_event(lambda e: e["pid"] == pid)
        self.assertEqual(t.stop(), 0)
        shutil.rmtree(d)

    def test_privileges(self):
        # an ordinary user
        r = subprocess.run(nobody(ewtest.EXECWATCH), stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"needs root, or CAP_BPF and CAP_PERFMON", r.stderr)
        # root with every capability dropped
        r = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-all",
                            ewtest.EXECWATCH], stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"this process has neither", r.stderr)
        # an ordinary user with CAP_BPF and CAP_PERFMON: as the kernel allows
        r = subprocess.run(nobody("--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon",
                                  ewtest.EXECWATCH, "--count", "1", "--duration", "10"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        err = r.stderr.decode()
        if r.returncode == 0:
            self.assertIn("Tracing", err)
        else:
            self.assertEqual(r.returncode, 1)
            last = err.strip().split("\n")[-1]
            self.assertRegex(last, r"^execwatch: .*; hint: ")
        record("privileges", bpf_perfmon_only=("works" if r.returncode == 0
                                               else err.strip().split("\n")[-1]))
        self.assertEqual(ewtest.leftover_progs(), [])


if __name__ == "__main__":
    ewtest.main()
