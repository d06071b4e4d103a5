#!/usr/bin/python3
"""Every exec, whatever door it came through, as it really ran.

Each case is an attack program of tests/integration/attacks (or the test's
own exec) and the exact event execwatch must report for it: the 32-bit
entry, a 32-bit image, programs the kernel starts, a seccomp refusal, a
ptrace argv spoofer, 20,000 tasks held inside execve, #! scripts, setuid,
memfd and deleted executables, long file names, failures past the point
of no return. strace -f is the independent oracle for a mixed workload.
"""
import ctypes
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest

import ewtest
from ewtest import Tracer, run_execer, argv_bytes, EXECER

ATTACKS = os.environ.get("EW_ATTACKS", "build/tests/integration/attacks")
SOURCE_ATTACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attacks")
EXEC32 = os.environ.get("EW_EXEC32") or os.path.join(ATTACKS, "exec32")
EXIT0 = os.path.join(ATTACKS, "exit0")


def attack(name):
    return os.path.join(ATTACKS, name)


def run_attack(name, *args, **kw):
    """Runs an attack program; returns the integers of its first line."""
    r = subprocess.run([attack(name), *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=ewtest.WAIT, **kw)
    first = r.stdout.split(b"\n")[0].split()
    return [int(x) for x in first], r


def nobody(*args):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *args]


libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def raw_exec_child(nr, *args):
    """Forks a child that makes the raw exec system call NR with ARGS (ints
    or ctypes values) and exits; returns its pid once it is done."""
    pid = os.fork()
    if pid == 0:
        libc.syscall(nr, *args)
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def argv_array(*strings):
    arr = (ctypes.c_char_p * (len(strings) + 1))(*strings, None)
    return arr


def bad_elf(path):
    """An ELF that passes every check before the point of no return and
    then cannot be mapped: the exec fails with ENOMEM and the process is
    killed with SIGSEGV."""
    hdr = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, 0x400078, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 0x80,
                     0x7f0000000000, 0x1000)
    with open(path, "wb") as f:
        f.write((hdr + ph).ljust(0x80, b"\0"))
    os.chmod(path, 0o755)


class Doors(unittest.TestCase):
    """One tracer (-x, so failures and the 32-bit entry's hooks too)."""

    @classmethod
    def setUpClass(cls):
        cls.t = Tracer("-o", "json", "-x", "--max-args", "64")
        cls.dir = tempfile.mkdtemp(prefix="ew-doors-")

    @classmethod
    def tearDownClass(cls):
        rc = cls.t.stop()
        shutil.rmtree(cls.dir)
        assert rc == 0, cls.t.stderr()
        assert re.search(r"events printed, 0 lost", cls.t.stderr()), cls.t.stderr()

    def ev(self, **want):
        return self.t.wait_event(lambda e: all(e.get(k) == v for k, v in want.items()))

    def test_int80_execve_from_a_64_bit_process(self):
        (pid, parent), r = run_attack("int80_exec", "execve", "/bin/echo", "i80", "a b")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(b"\n")[1], b"i80 a b")
        ev = self.ev(pid=pid, filename="/bin/echo")
        self.assertEqual(ev["argv"], ["/bin/echo", "i80", "a b"])
        self.assertEqual((ev["ppid"], ev["ret"], ev["entry"]), (parent, 0, "compat_execve"))
        self.assertEqual(ev["comm"], "echo")
        self.assertIsNotNone(ev["latency_ns"])
        self.assertFalse(ev["execveat"])

    def test_int80_execveat(self):
        (pid, _), r = run_attack("int80_exec", "execveat", "/bin/true", "at32")
        ev = self.ev(pid=pid, filename="/bin/true")
        self.assertEqual((ev["argv"], ev["entry"]), (["/bin/true", "at32"], "compat_execveat"))
        self.assertTrue(ev["execveat"])

    def test_int80_failure(self):
        (pid, _), r = run_attack("int80_exec", "fail", "/nonexistent/i80", "x")
        self.assertEqual(r.stdout.split(b"\n")[1], b"2")
        ev = self.ev(pid=pid, ret=-2)
        self.assertEqual((ev["filename"], ev["argv"], ev["entry"]),
                         ("/nonexistent/i80", ["/nonexistent/i80", "x"], "compat_execve"))
        self.assertFalse(ev["refused"])

    def test_32_bit_image_and_what_it_runs(self):
        # a 64-bit process execs a 32-bit image, which execs a 64-bit one
        p = subprocess.run([EXEC32, "/bin/echo", "from32"], stdout=subprocess.PIPE,
                           timeout=ewtest.WAIT)
        self.assertEqual(p.stdout, b"from32\n")
        first = self.ev(filename=EXEC32, argv=[EXEC32, "/bin/echo", "from32"])
        ev = self.ev(pid=first["pid"], filename="/bin/echo")
        self.assertEqual((first["entry"], first["ret"]), ("execve", 0))
        self.assertEqual((ev["argv"], ev["entry"]), (["/bin/echo", "from32"], "compat_execve"))
        # a 32-bit image execs a 32-bit image: no 64-bit syscall anywhere
        q = subprocess.Popen([EXEC32, EXEC32, EXEC32])
        self.assertEqual(q.wait(timeout=ewtest.WAIT), 0)
        second = self.ev(pid=q.pid, argv=[EXEC32, EXEC32])
        third = self.ev(pid=q.pid, argv=[EXEC32])
        self.assertEqual((second["entry"], third["entry"]), ("compat_execve", "compat_execve"))
        self.assertLess(second["ts_ns"], third["ts_ns"])

    def test_seccomp_refused(self):
        for mode, entry in (("native", "execve"), ("compat", "compat_execve"),
                            ("native-at", "execveat")):
            (pid, parent), r = run_attack("seccomp_exec", mode, "/bin/echo", "refused", mode)
            self.assertEqual(r.returncode, 0, r.stderr)
            ev = self.ev(pid=pid, ret=-1)       # -EPERM
            self.assertEqual((ev["filename"], ev["argv"]),
                             ("/bin/echo", ["/bin/echo", "refused", mode]))
            self.assertEqual((ev["refused"], ev["entry"], ev["ppid"]), (True, entry, parent))
            self.assertIsNone(ev["latency_ns"])

    def test_failure_past_the_point_of_no_return(self):
        path = os.path.join(self.dir, "ponr.elf")
        bad_elf(path)
        (pid, _), r = run_execer("fail", path, "a")
        self.assertEqual(r.returncode, -signal.SIGSEGV)
        ev = self.ev(pid=pid, ret=-12)          # -ENOMEM, then SIGSEGV
        self.assertEqual(ev["filename"], path)
        self.assertTrue(ev["no_return"])
        self.assertTrue(ev["args_unreadable"])
        self.assertEqual(ev["entry"], "execve")

    def test_failed_exec_with_a_null_argv(self):
        pid = raw_exec_child(59, b"/nonexistent/null-argv", None, None)
        ev = self.ev(pid=pid, ret=-2)
        self.assertEqual((ev["filename"], ev["argv"]), ("/nonexistent/null-argv", []))
        self.assertFalse(ev["args_unreadable"])
        self.assertFalse(ev["args_truncated"])

    def test_file_names_of_4095_bytes_and_longer(self):
        # An absolute path of exactly 4095 bytes (PATH_MAX with its NUL): whole.
        name = self.dir + "/"
        while len(name) < 4095 - 256:
            name += "d" * 200 + "/"
        os.makedirs(name, exist_ok=True)
        exact = name + "t" * (4095 - len(name))
        self.assertEqual(len(exact), 4095)
        shutil.copy("/bin/true", exact)
        (pid, _), r = run_execer("fork-execv", exact, "exact")
        self.assertEqual(r.returncode, 0)
        ev = self.ev(pid=pid, ret=0)
        self.assertEqual((ev["filename"], ev["filename_truncated"]), (exact, False))
        table = Tracer("-l", "in-table$")
        try:
            (pid, _), _ = run_execer("fork-execv", exact, "in-table")
            line = table.wait_line(b" %d " % pid)
        finally:
            table.stop()
        self.assertTrue(line.endswith((exact + " in-table\n").encode()), line[-80:])

    def test_execveat_names_longer_than_path_max(self):
        # execveat with a directory fd and a relative path of 4095 bytes:
        # the kernel names it /dev/fd/N/PATH, longer than any path.
        top = os.open(self.dir, os.O_RDONLY)
        fd, rel = os.dup(top), ""
        while len(rel) < 4095 - 256:
            os.mkdir("d" * 200, dir_fd=fd)
            nfd = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, rel = nfd, rel + "d" * 200 + "/"
        leaf = "t" * (4095 - len(rel))
        rel += leaf
        with open("/bin/true", "rb") as src:
            out = os.open(leaf, os.O_WRONLY | os.O_CREAT, 0o755, dir_fd=fd)
            os.write(out, src.read())
            os.close(out)
        os.close(fd)
        try:
            pid = raw_exec_child(322, top, rel.encode(),
                                 argv_array(b"t", b"long-at"), None, 0)
        finally:
            os.close(top)
        ev = self.ev(pid=pid, argv=["t", "long-at"])
        self.assertEqual(ev["filename"], "/dev/fd/%d/%s" % (top, rel))
        self.assertGreater(len(ev["filename"]), 4095)
        self.assertFalse(ev["filename_truncated"])
        self.assertEqual((ev["exe_kind"], ev["entry"]), ("fd", "execveat"))

    def test_memfd_deleted_and_fd_executables(self):
        with open("/bin/true", "rb") as f:
            image = f.read()
        mfd = os.memfd_create("ew-memfd", 0)
        os.write(mfd, image)
        pid = os.fork()
        if pid == 0:
            os.execve("/proc/self/fd/%d" % mfd, ["memfd-by-path"], {})
        os.waitpid(pid, 0)
        ev = self.ev(pid=pid, argv=["memfd-by-path"])
        self.assertEqual((ev["exe_kind"], ev["filename"]), ("memfd", "/proc/self/fd/%d" % mfd))
        pid = os.fork()
        if pid == 0:
            os.execve(mfd, ["memfd-by-fd"], {})          # fexecve
        os.waitpid(pid, 0)
        ev = self.ev(pid=pid, argv=["memfd-by-fd"])
        self.assertEqual((ev["exe_kind"], ev["entry"]), ("memfd", "execveat"))
        os.close(mfd)
        # a binary whose file is removed before it runs
        gone = os.path.join(self.dir, "deleted-true")
        shutil.copy("/bin/true", gone)
        fd = os.open(gone, os.O_RDONLY)
        os.unlink(gone)
        pid = os.fork()
        if pid == 0:
            os.execve(fd, ["deleted"], {})
        os.waitpid(pid, 0)
        self.assertEqual(self.ev(pid=pid, argv=["deleted"])["exe_kind"], "deleted")
        os.close(fd)
        (pid, _, fd), _ = run_execer("fexecve", "/bin/true", "by-fd")
        self.assertEqual(self.ev(pid=pid, argv=["/bin/true", "by-fd"])["exe_kind"], "fd")
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "plain")
        self.assertEqual(self.ev(pid=pid, argv=["/bin/true", "plain"])["exe_kind"], "file")

    def test_setuid_exec_has_its_effective_user(self):
        r = subprocess.run(nobody("/usr/bin/passwd", "-S"), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=ewtest.WAIT)
        ev = self.ev(filename="/usr/bin/passwd", argv=["/usr/bin/passwd", "-S"])
        self.assertEqual((ev["uid"], ev["euid"], ev["gid"], ev["setuid"]),
                         (65534, 0, 65534, True))
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "not-setuid")
        ev = self.ev(pid=pid)
        self.assertEqual((ev["uid"], ev["euid"], ev["setuid"], ev["ptraced"]),
                         (0, 0, False, False))


class Scripts(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ew-scripts-")
        self.script = os.path.join(self.dir, "s.sh")
        with open(self.script, "w") as f:
            f.write("#!/bin/sh -e\nexit 0\n")
        os.chmod(self.script, 0o755)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_table_shows_the_command_as_invoked(self):
        t = Tracer("--ppid", str(os.getpid()))
        js = Tracer("-o", "json", "--ppid", str(os.getpid()))
        try:
            p = subprocess.Popen(["./s.sh", "x", "y z"], cwd=self.dir)
            p.wait(timeout=ewtest.WAIT)
            line = t.wait_line(b" %d " % p.pid)
            ev = js.wait_event(lambda e: e["pid"] == p.pid)
            w = subprocess.Popen(["which", "true"], stdout=subprocess.DEVNULL)
            w.wait(timeout=ewtest.WAIT)
            wline = t.wait_line(b" %d " % w.pid)
            wev = js.wait_event(lambda e: e["pid"] == w.pid)
        finally:
            t.stop()
            js.stop()
        self.assertTrue(line.endswith(b" ./s.sh x y z\n"), line)
        self.assertEqual(ev["filename"], "./s.sh")
        self.assertEqual(ev["argv"], ["/bin/sh", "-e", "./s.sh", "x", "y z"])
        self.assertEqual(ev["interpreter"], ["/bin/sh", "-e"])
        self.assertEqual(ev["comm"], "s.sh")
        # Debian's which is "#! /bin/sh": no argument on its #! line
        which = shutil.which("which")
        self.assertTrue(wline.endswith((" %s true\n" % which).encode()), wline)
        self.assertEqual(wev["interpreter"], ["/bin/sh"])
        self.assertEqual(wev["argv"], ["/bin/sh", which, "true"])

    def test_a_binary_has_no_interpreter(self):
        js = Tracer("-o", "json", "--ppid", str(os.getpid()))
        try:
            p = subprocess.Popen(["/bin/true", "bin"])
            p.wait(timeout=ewtest.WAIT)
            ev = js.wait_event(lambda e: e["pid"] == p.pid)
        finally:
            js.stop()
        self.assertIsNone(ev["interpreter"])


class KernelStarted(unittest.TestCase):
    """Programs the kernel starts itself: no exec system call at all."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ew-kstart-")
        self.helper = os.path.join(self.dir, "kstart_helper")
        shutil.copy(attack("kstart_helper"), self.helper)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def start(self, mode):
        t = Tracer("-o", "json")
        try:
            r = subprocess.run([os.path.join(SOURCE_ATTACKS, "kstart.sh"), mode, self.helper],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=ewtest.WAIT)
            if r.returncode == 77:
                self.fail("kstart.sh %s cannot run here: %s" % (mode, r.stderr.decode()))
            self.assertEqual(r.returncode, 0, r.stderr)
            ran = json.loads(r.stdout)
            ev = t.wait_event(lambda e: e["pid"] == ran["pid"] and
                              e["filename"] == self.helper)
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertEqual(ev["argv"], ran["argv"])
        self.assertEqual((ev["entry"], ev["ppid"], ev["uid"]), ("kernel", ran["ppid"], 0))
        self.assertTrue(ran["parent_kthread"])
        self.assertIsNone(ev["latency_ns"])
        return ev

    def test_core_pattern_pipe_helper(self):
        ev = self.start("core")
        self.assertEqual(ev["argv"][:2], [self.helper, "core"])

    def test_cgroup_release_agent(self):
        ev = self.start("release")
        self.assertEqual(len(ev["argv"]), 2)


class Attacks(unittest.TestCase):
    def test_ptrace_spoofer_cannot_rewrite_what_ran(self):
        d = tempfile.mkdtemp(prefix="ew-spoof-")
        marker = os.path.join(d, "ran")
        cmd = "touch %s; echo rm -rf everything >/dev/null" % marker
        t = Tracer("-o", "json")
        try:
            r = subprocess.run([attack("ptrace_spoof"), cmd], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=ewtest.WAIT)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.decode().splitlines()
            child = int(lines[0])
            real, fake = json.loads(lines[1]), json.loads(lines[2])
            ev = t.wait_event(lambda e: e["pid"] == child and e["comm"] == "sh")
        finally:
            self.assertEqual(t.stop(), 0)
            shutil.rmtree(d)
        self.assertEqual(real["argv"], ["/bin/sh", "-c", cmd])
        self.assertNotEqual(fake["argv"], real["argv"])
        self.assertEqual(fake["filename"].lstrip("/"), "bin/ls")
        # what ran, not what the spoofer wrote
        self.assertEqual(ev["argv"], real["argv"])
        self.assertEqual(ev["filename"], "/bin/sh")
        self.assertTrue(ev["ptraced"])  # and it says so
        ewtest.record("ptrace_spoof", real=real["argv"], fake=fake["argv"],
                      reported=ev["argv"])

    def test_20000_tasks_held_inside_execve_do_not_blind_it(self):
        n = int(os.environ.get("EW_HELD_TASKS", "20000"))
        # -x: a failure is reported too, though the held execs use up every
        # kretprobe instance the kprobe path has (docs/kernels.md)
        t = Tracer("-o", "json", "-x", "--perf-pages", "1024")
        start = time.monotonic()
        holder = subprocess.Popen(nobody(attack("exec_holder"), str(n), EXIT0),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            self.assertEqual(holder.stdout.readline(), b"holding %d\n" % n)
            held_after = time.monotonic() - start
            # the machine's other execs, while every one of them is held
            (pid, _), r = run_execer("fork-execv", "/bin/true", "while-held")
            ev = t.wait_event(lambda e: e["pid"] == pid)
            self.assertEqual(ev["argv"], ["/bin/true", "while-held"])
            (fpid, _), _ = run_execer("fail", "/nonexistent/while-held", "f")
            ev = t.wait_event(lambda e: e["pid"] == fpid and e["ret"] == -2)
            self.assertEqual(ev["argv"], ["/nonexistent/while-held", "f"])
            # and the held ones were reported too, each once, before the stop
            self.assertTrue(t.wait(lambda: sum(1 for e in t.events()
                                               if e["filename"] == EXIT0) >= n,
                                   timeout=ewtest.WAIT * 2), t.stderr())
        finally:
            holder.stdin.close()
            holder.wait(timeout=ewtest.WAIT)
            rc = t.stop()
        self.assertEqual(holder.returncode, 0)
        self.assertEqual(rc, 0)
        self.assertEqual(sum(1 for e in t.events() if e["pid"] == fpid and e["ret"]), 1)
        held = [e for e in t.events() if e["filename"] == EXIT0]
        self.assertEqual(len(held), n)
        self.assertEqual(len({e["pid"] for e in held}), n)
        self.assertTrue(all(e["uid"] == 65534 and e["entry"] == "execve" for e in held))
        self.assertRegex(t.stderr(), r"events printed, 0 lost")
        self.assertNotIn("staging", t.stderr())
        ewtest.record("held_in_execve", tasks=n, seconds_to_hold=round(held_after, 1),
                      held_reported=len(held), other_exec_reported=True)


class AgainstStrace(unittest.TestCase):
    """strace -f on a workload of every door: the same execs, the same argv."""

    def test_every_exec_strace_saw(self):
        d = tempfile.mkdtemp(prefix="ew-strace-")
        script = os.path.join(d, "s.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o755)
        work = ("/bin/true a; %s execve /bin/echo i80 >/dev/null; %s /bin/true b32;"
                " %s x y; /bin/sh -c '/bin/true c \"d e\"'; %s fork-execv /bin/true f"
                % (attack("int80_exec"), EXEC32, script, EXECER))
        log = os.path.join(d, "strace.log")
        t = Tracer("-o", "json")
        try:
            subprocess.run(["strace", "-f", "-qq", "-s", "4096", "-e", "trace=execve,execveat",
                            "-e", "signal=none", "-o", log, "/bin/sh", "-c", work],
                           check=True, timeout=ewtest.WAIT)
            want = strace_execs(log)
            self.assertGreaterEqual(len(want), 8)
            t.wait(lambda: set(want) <= invoked(t.events()))
        finally:
            t.stop()
            shutil.rmtree(d)
        self.assertEqual(set(want) - invoked(t.events()), set())
        # each under strace's ptrace, and marked so
        pids = {w[0] for w in want}
        self.assertEqual({e["ptraced"] for e in t.events() if e["pid"] in pids}, {True})
        ewtest.record("strace_doors", strace_execs=len(want), matched=len(want))


def invoked(events):
    """(pid, file name, the caller's argv[1..]) of each exec: what strace
    shows of a #! script, whose new argv begins with the interpreter."""
    out = set()
    for e in events:
        skip = len(e["interpreter"]) + 1 if e["interpreter"] else 1
        out.add((e["pid"], e["filename"], tuple(e["argv"][skip:])))
    return out


STRACE_LINE = re.compile(r'^(\d+) +(?:\[ *\d+\] )?execve\((".*?"), (\[.*?\]), .*\) = 0$')


def strace_execs(log):
    """(pid, file name, argv[1..]) of every successful execve in an
    strace -f -o log (the workload's strings need no C escapes)."""
    out = []
    with open(log) as f:
        for line in f:
            m = STRACE_LINE.match(line.strip())
            if m:
                argv = json.loads(m.group(3))
                out.append((int(m.group(1)), json.loads(m.group(2)), tuple(argv[1:])))
    return out


if __name__ == "__main__":
    ewtest.main()
