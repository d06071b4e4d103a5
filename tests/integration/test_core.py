#!/usr/bin/python3
"""The core tracer against real execs: exact PIDs, PPIDs, RET and argv."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer, run_execer, argv_bytes, EXECER


class JsonEvents(unittest.TestCase):
    """One tracer in JSON mode, failed execs included, for many cases."""

    @classmethod
    def setUpClass(cls):
        cls.t = Tracer("-o", "json", "-x", "--max-args", "128")

    @classmethod
    def tearDownClass(cls):
        rc = cls.t.stop()
        assert rc == 0, cls.t.stderr()

    def by_pid(self, pid, **want):
        def match(ev):
            return ev["pid"] == pid and all(ev[k] == v for k, v in want.items())
        return self.t.wait_event(match)

    def test_fork_execv_shows_full_argv(self):
        (pid, parent), r = run_execer("fork-execv", "/bin/true", "arg1", "arg2")
        self.assertEqual(r.returncode, 0)
        ev = self.by_pid(pid, ret=0)
        self.assertEqual(ev["ppid"], parent)
        self.assertEqual(ev["comm"], "true")
        self.assertEqual(ev["filename"], "/bin/true")
        self.assertEqual(ev["argv"], ["/bin/true", "arg1", "arg2"])
        self.assertEqual(ev["argc"], 3)
        self.assertFalse(ev["args_truncated"])
        self.assertRegex(ev["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
        self.assertGreater(ev["ts_ns"], 0)

    def test_sh_c_chain_links_parents(self):
        (pid, parent), r = run_execer("fork-execv", "/bin/sh", "-c",
                                      "/bin/true chain-one; /bin/true chain-two; :")
        self.assertEqual(r.returncode, 0)
        sh = self.by_pid(pid, comm="sh")
        self.assertEqual(sh["ppid"], parent)
        for word in ("chain-one", "chain-two"):
            ev = self.t.wait_event(lambda e: e["argv"] == ["/bin/true", word])
            self.assertEqual(ev["ppid"], pid)
            self.assertNotEqual(ev["pid"], pid)

    def test_hostile_bytes_round_trip(self):
        args = [b"with space", b'with "quotes"', b"new\nline", b"\x1b[31mred\x1b[0m",
                b"bad\xff\xfeutf8", b"cr\rback\bspace", "é日本".encode()]
        (pid, _), r = run_execer("fork-execv", "/bin/true", *args)
        ev = self.by_pid(pid)
        self.assertEqual(argv_bytes(ev)[1:], args)

    def test_hundred_arguments(self):
        args = ["a%03d" % i for i in range(100)]
        (pid, _), r = run_execer("fork-execv", "/bin/true", *args)
        ev = self.by_pid(pid)
        self.assertEqual(ev["argv"], ["/bin/true"] + args)
        self.assertEqual(ev["argc"], 101)
        self.assertFalse(ev["args_truncated"])

    def test_four_kib_argument(self):
        big = "x" * 4096
        (pid, _), r = run_execer("fork-execv", "/bin/true", big, "after")
        ev = self.by_pid(pid)
        self.assertEqual(ev["argv"], ["/bin/true", big, "after"])
        self.assertFalse(ev["args_truncated"])

    def test_longer_argument_is_cut_visibly(self):
        (pid, _), r = run_execer("fork-execv", "/bin/true", "y" * 5000)
        ev = self.by_pid(pid)
        self.assertEqual(ev["argv"], ["/bin/true", "y" * 4096])
        self.assertTrue(ev["args_truncated"])

    def test_empty_arguments_kept_in_place(self):
        (pid, _), r = run_execer("fork-execv", "/bin/true", "", "x", "")
        ev = self.by_pid(pid)
        self.assertEqual(ev["argv"], ["/bin/true", "", "x", ""])

    def test_failed_exec_has_ret_and_args(self):
        (pid, parent), r = run_execer("fail", "/nonexistent/prog", "a", "b")
        ev = self.by_pid(pid, ret=-2)
        self.assertEqual(ev["ppid"], parent)
        self.assertEqual(ev["comm"], "execer")
        self.assertEqual(ev["filename"], "/nonexistent/prog")
        self.assertEqual(ev["argv"], ["/nonexistent/prog", "a", "b"])

    def test_execveat(self):
        (pid, parent), r = run_execer("execveat", "/bin/true", "at-one")
        ev = self.by_pid(pid, argv=["/bin/true", "at-one"])
        self.assertEqual(ev["ret"], 0)
        self.assertTrue(ev["execveat"])
        self.assertEqual(ev["ppid"], parent)
        self.assertEqual(ev["filename"], "/bin/true")
        self.assertEqual(ev["argv"], ["/bin/true", "at-one"])

    def test_fexecve_empty_path(self):
        (pid, parent, fd), r = run_execer("fexecve", "/bin/true", "by-fd")
        ev = self.by_pid(pid, argv=["/bin/true", "by-fd"])
        self.assertEqual(ev["ret"], 0)
        self.assertTrue(ev["execveat"])
        self.assertEqual(ev["filename"], "/dev/fd/%d" % fd)
        self.assertEqual(ev["argv"], ["/bin/true", "by-fd"])

    def test_exec_from_non_leader_thread(self):
        (tgid, tid, parent), r = run_execer("thread-exec", "/bin/true", "from-thread")
        self.assertNotEqual(tgid, tid)
        ev = self.by_pid(tgid, argv=["/bin/true", "from-thread"])
        self.assertEqual(ev["ret"], 0)
        self.assertFalse(ev["execveat"])
        self.assertEqual(ev["tid"], tid)
        self.assertEqual(ev["ppid"], os.getpid())
        self.assertEqual(ev["argv"], ["/bin/true", "from-thread"])


class Table(unittest.TestCase):
    def test_default_table_hides_failures_and_escapes(self):
        t = Tracer("--attach", "tracepoint")
        try:
            run_execer("fail", "/nonexistent/hidden")
            (pid, parent), _ = run_execer("fork-execv", "/bin/true", "tab\x1b[2Jle", "two words")
            line = t.wait_line(b" %d " % pid)
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertEqual(t.out[0], b"TIME(s) PCOMM            PID    PPID   RET ARGS\n")
        self.assertRegex(line.decode(),
                         r"^\d+\.\d{3}\s+true {13}%d\s+%d\s+0 /bin/true tab\\x1b\[2Jle two words\n$"
                         % (pid, parent))
        self.assertFalse(any(b" -2 /nonexistent/hidden" in l for l in t.out))
        self.assertTrue(any(b"execer fail /nonexistent/hidden" in l for l in t.out))
        self.assertIn("Tracing execve via tracepoints", t.stderr())
        self.assertRegex(t.stderr(), r"\d+ events printed, 0 lost")

    def test_quote_option(self):
        t = Tracer("-q", "--ppid", str(os.getpid()))
        try:
            (pid, _), _ = run_execer("execveat", "/bin/true", "two words", 'say "hi"', "plain")
            line = t.wait_line(b" %d " % pid)
        finally:
            t.stop()
        self.assertTrue(line.endswith(b'/bin/true "two words" "say \\"hi\\"" plain\n'), line)

    def test_count_stops_and_auto_attach(self):
        t = Tracer("--count", "2", "-v", "-o", "json")
        run_execer("fork-execv", "/bin/true", "one")
        run_execer("fork-execv", "/bin/true", "two")
        run_execer("fork-execv", "/bin/true", "three")
        self.assertEqual(t.p.wait(timeout=ewtest.WAIT), 0)
        t.stop()
        self.assertEqual(len(t.out), 2)
        if os.environ.get("EW_TEST_ATTACH") == "kprobe":
            self.assertIn("requested with --attach kprobe", t.stderr())
        elif ewtest.kernel_has_kprobes():
            self.assertIn("attach: kprobes on __x64_sys_execve and __x64_sys_execveat",
                          t.stderr())
            self.assertIn("Tracing execve via kprobes", t.stderr())
        else:
            self.assertIn("attach: tracepoints: this kernel has no kprobes", t.stderr())
        self.assertRegex(t.stderr(), r"offset: EW_OFF_TASK_REAL_PARENT task_struct.real_parent = \d+ \(BTF\)")

    def test_duration_stops(self):
        t = Tracer("--duration", "1")
        self.assertEqual(t.p.wait(timeout=ewtest.WAIT), 0)
        t.stop()


class Lifecycle(unittest.TestCase):
    def probe_dir(self):
        """A directory of root's own for a probe file (not /tmp itself,
        where anyone could plant headers beside it)."""
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        return d

    def test_sigpipe_through_head_exits_zero(self):
        sh = ("%s 2>/tmp/ew-head.err | head -n 3 >/dev/null; echo ${PIPESTATUS[0]}"
              % ewtest.EXECWATCH)
        p = subprocess.Popen(["bash", "-c", sh], stdout=subprocess.PIPE)
        # execs until the pipeline ends, each a fresh fork+exec
        while p.poll() is None:
            subprocess.run(["/bin/true"])
        out, _ = p.communicate(timeout=ewtest.WAIT)
        self.assertEqual(out.strip(), b"0")
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_sigterm_detaches_everything(self):
        t = Tracer()
        self.assertTrue(ewtest.our_progs())
        self.assertEqual(t.stop(signal.SIGTERM), 0)
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_broken_probe_names_file_and_line(self):
        path = os.path.join(self.probe_dir(), "ew-broken-probe.c")
        with open(path, "w") as f:
            f.write('#include "event.h"\nBPF_PERF_OUTPUT(events);\n\nint oops(void *ctx) {\n\treturn undefined_thing;\n}\n')
        t = Tracer("--probe", path, wait_tracing=False)
        rc = t.stop(sig=0)
        self.assertNotEqual(rc, 0)
        self.assertIn("%s:5:" % path, t.stderr())
        self.assertIn("failed to compile", t.stderr())
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_probe_missing_a_handler(self):
        path = os.path.join(self.probe_dir(), "ew-partial-probe.c")
        with open(path, "w") as f:
            f.write('#include "event.h"\nBPF_PERF_OUTPUT(events);\n'
                    'RAW_TRACEPOINT_PROBE(sched_process_exec) { return 0; }\n'
                    'TRACEPOINT_PROBE(syscalls, sys_enter_execve) { return 0; }\n')
        t = Tracer("--probe", path, "--attach", "tracepoint", wait_tracing=False)
        self.assertEqual(t.stop(sig=0), 1)
        self.assertIn("does not define tracepoint__syscalls__sys_exit_execve", t.stderr())
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_missing_headers_names_the_package(self):
        empty = tempfile.mkdtemp()
        try:
            r = subprocess.run([ewtest.EXECWATCH, "--kernel-headers", empty],
                               stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        finally:
            os.rmdir(empty)
        if os.path.exists("/sys/kernel/kheaders.tar.xz"):
            self.skipTest("this kernel carries its own headers")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.count(b"\n"), 1, r.stderr)
        self.assertIn(b"no kernel headers for Linux %s" % os.uname().release.encode(),
                      r.stderr)
        self.assertIn(b"install linux-headers-", r.stderr)
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_attach_kprobe(self):
        if ewtest.kernel_has_kprobes():
            t = Tracer("--attach", "kprobe", "-o", "json")
            (pid, parent), _ = run_execer("fork-execv", "/bin/true", "kp1", "kp2")
            ev = t.wait_event(lambda e: e["pid"] == pid)
            self.assertEqual(t.stop(), 0)
            self.assertIn("Tracing execve via kprobes", t.stderr())
            self.assertEqual((ev["ppid"], ev["argv"]), (parent, ["/bin/true", "kp1", "kp2"]))
            return
        r = subprocess.run([ewtest.EXECWATCH, "--attach", "kprobe"],
                           stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"this kernel has no kprobes", r.stderr)
        self.assertIn(b"--attach tracepoint", r.stderr)
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_missing_probe_file(self):
        r = subprocess.run([ewtest.EXECWATCH, "--probe", "/nonexistent.c"],
                           stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.count(b"\n"), 1)
        self.assertIn(b"--probe /nonexistent.c: cannot open it: No such file or directory; "
                      b"hint: 'execwatch --print-source > my.bpf.c'", r.stderr)

    def test_unknown_option_is_usage_error(self):
        r = subprocess.run([ewtest.EXECWATCH, "--bogus"], stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"unknown option '--bogus'", r.stderr)

    def test_not_root_gets_a_clear_message(self):
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                            "--clear-groups", "--inh-caps=-all", ewtest.EXECWATCH],
                           stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"needs root, or CAP_BPF and CAP_PERFMON", r.stderr)

    def test_selftest_sees_every_canary(self):
        args = [ewtest.EXECWATCH, "--selftest"]
        if os.environ.get("EW_TEST_ATTACH"):
            args += ["--attach", os.environ["EW_TEST_ATTACH"]]
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=ewtest.WAIT)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())
        names = ("execve", "execveat (fexecve)", "failing exec", "#! script",
                 "exec from a thread", "int $0x80 execve", "32-bit image",
                 "exec from 32-bit", "kernel-started", "seccomp-refused")
        for name in names:
            self.assertRegex(out, r"selftest: %s +seen: pid ok, ppid ok, ret ok, "
                                  r"filename ok, argv ok, door ok\n" % re.escape(name))
        # Every door can be made on this machine kind: none is skipped.
        self.assertIn("10/10 canaries seen with every field right, in ", out)
        self.assertNotIn("skipped", out)
        self.assertRegex(out, r"^selftest: attached via (tracepoints|kprobes)\n")
        # The kernel-started canary leaves no cgroup hierarchy behind.
        with open("/proc/self/cgroup") as f:
            self.assertNotIn("name=execwatch-canary-", f.read())

    def test_print_source_shows_flags_and_text(self):
        r = subprocess.run([ewtest.EXECWATCH, "--print-source", "-x", "-u", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"-DEW_FAILS=1", r.stdout)
        self.assertIn(b"-DEW_FILTER_UID=0", r.stdout)
        self.assertIn(b"-DEW_OFF_TASK_REAL_PARENT=", r.stdout)
        self.assertIn(b"BPF_PERF_OUTPUT(events);", r.stdout)


if __name__ == "__main__":
    ewtest.main()
