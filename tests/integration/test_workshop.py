#!/usr/bin/python3
"""The eBPF workshop (docs/workshop.md) against real execs: every solution
in docs/workshop/ loads into this execwatch and has exactly the effect the
workshop promises, and stays the shipped probe plus its marked change."""
import difflib
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer, run_execer, EXECER

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKSHOP = os.path.join(REPO, "docs", "workshop")
DOC = os.path.join(REPO, "docs", "workshop.md")
SHIPPED = os.path.join(REPO, "probes", "execwatch.bpf.c")
SOLUTIONS = ["01-root-only.bpf.c", "02-from-bash.bpf.c", "03-count-comm.bpf.c",
             "04-latency-hist.bpf.c", "05-errno-counts.bpf.c", "06-etc-opens.bpf.c"]
NOBODY = 65534


def solution(name):
    return os.path.join(WORKSHOP, name)


def probe_tracer(name, *args):
    return Tracer("--probe", solution(name), *args)


def stopped(t):
    """Stops a -o json tracer: its events, and its maps by name as dicts."""
    rc = t.stop()
    assert rc == 0, t.stderr()
    events, maps = [], {}
    for d in t.events():
        if "map" in d:
            maps[d["map"]] = {k: v for k, v in d["entries"]}
        else:
            events.append(d)
    return events, maps


def execer_pid(*args):
    (pid, _), r = run_execer("fork-execv", *args)
    assert r.returncode == 0, r.stderr
    return pid


def failing_exec(path):
    """An exec of PATH that fails: the caller's pid and the errno it got."""
    (pid, _), r = run_execer("fail", path)
    return pid, int(r.stdout.split(b"\n")[1])


class Sources(unittest.TestCase):
    """What keeps the workshop from rotting when the shipped probe moves on."""

    def test_solutions_are_the_shipped_probe_plus_marked_blocks(self):
        with open(SHIPPED) as f:
            shipped = f.read().splitlines()
        for name in SOLUTIONS:
            with open(solution(name)) as f:
                mine = f.read().splitlines()
            sm = difflib.SequenceMatcher(None, shipped, mine, autojunk=False)
            self.assertTrue([op for op in sm.get_opcodes() if op[0] != "equal"],
                            "%s is the shipped probe unchanged" % name)
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op == "equal":
                    continue
                diff = "\n".join(difflib.unified_diff(shipped, mine, SHIPPED,
                                                      solution(name), lineterm=""))
                self.assertEqual(op, "insert",
                                 "%s changes probes/execwatch.bpf.c lines %d-%d: "
                                 "a solution only adds to the shipped probe; run "
                                 "scripts/workshop-solutions.py to carry the probe's "
                                 "change over:\n%s"
                                 % (name, i1 + 1, i2, diff))
                self.assertTrue(any("workshop:" in l for l in mine[j1:j2]),
                                "%s: lines %d-%d are added without a workshop: "
                                "comment" % (name, j1 + 1, j2))

    def test_doc_points_at_every_solution(self):
        with open(DOC) as f:
            doc = f.read()
        named = set(re.findall(r"docs/workshop/([\w.-]+\.bpf\.c)", doc))
        self.assertEqual(named, set(SOLUTIONS))
        self.assertEqual(sorted(n for n in os.listdir(WORKSHOP) if n.endswith(".bpf.c")),
                         SOLUTIONS)


class Kprobes(unittest.TestCase):
    """The EW_ATTACH_KPROBE half of every solution."""

    def test_every_solution_attaches_as_kprobes(self):
        if not ewtest.kernel_has_kprobes():
            self.skipTest("this kernel has no kprobes; the compile check below runs")
        for name in SOLUTIONS:
            with self.subTest(name):
                t = probe_tracer(name, "--attach", "kprobe", "-o", "json")
                t.stop()
                self.assertIn("Tracing execve via kprobes", t.stderr())

    def test_kprobe_section_compiles(self):
        # Without kprobes nothing above loads that section: compile it beside
        # tracepoint stubs that satisfy the contract, so the compiler still
        # sees every line of it.
        if os.environ.get("EW_TEST_ATTACH") == "kprobe":
            self.skipTest("stubs are tracepoints")
        stubs = "".join("\nTRACEPOINT_PROBE(syscalls, %s)\n{\n\treturn 0;\n}\n" % tp
                        for tp in ("sys_enter_execve", "sys_exit_execve",
                                   "sys_enter_execveat", "sys_exit_execveat"))
        d = tempfile.mkdtemp(prefix="ewws-kp-")
        try:
            for name in SOLUTIONS:
                with self.subTest(name):
                    with open(solution(name)) as f:
                        text = f.read()
                    path = os.path.join(d, name)
                    with open(path, "w") as f:
                        f.write("#define EW_ATTACH_KPROBE 1\n" + text + stubs)
                    r = subprocess.run([ewtest.EXECWATCH, "--probe", path, "--attach",
                                        "tracepoint", "--duration", "0.1"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       timeout=ewtest.WAIT)
                    self.assertEqual(r.returncode, 0, r.stderr.decode())
        finally:
            shutil.rmtree(d)


class Exercises(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ewws-", dir="/tmp")
        os.chmod(self.tmp, 0o755)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def link(self, name, target="/bin/true"):
        path = os.path.join(self.tmp, name)
        os.symlink(target, path)
        return path

    def test_01_root_only(self):
        t = probe_tracer(SOLUTIONS[0], "-o", "json")
        r = subprocess.run(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                            "--clear-groups", EXECER, "fork-execv", "/bin/true",
                            "ws-as-nobody"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        nobody = int(r.stdout.split()[0])
        root = execer_pid("/bin/true", "ws-as-root")
        ev = t.wait_event(lambda e: e["pid"] == root)
        events, _ = stopped(t)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ev["uid"], 0)
        self.assertNotIn(nobody, [e["pid"] for e in events])
        self.assertEqual({e["uid"] for e in events}, {0})

    def test_02_from_bash(self):
        t = probe_tracer(SOLUTIONS[1], "-o", "json")
        not_bash = execer_pid("/bin/true", "ws-not-bash")
        sh = subprocess.Popen(["bash", "-c", "/bin/true ws-bash-1; /bin/true ws-bash-2; "
                               "exec /bin/true ws-bash-exec"])
        self.assertEqual(sh.wait(timeout=ewtest.WAIT), 0)
        t.wait_event(lambda e: e["argv"] == ["/bin/true", "ws-bash-exec"])
        events, _ = stopped(t)
        by_arg = {e["argv"][1]: e for e in events
                  if len(e["argv"]) == 2 and e["argv"][1].startswith("ws-")}
        self.assertEqual(set(by_arg), {"ws-bash-1", "ws-bash-2", "ws-bash-exec"})
        for arg in ("ws-bash-1", "ws-bash-2"):
            self.assertEqual(by_arg[arg]["ppid"], sh.pid)   # bash's forked child
        # exec without a fork: the caller was bash, the parent is this test
        self.assertEqual(by_arg["ws-bash-exec"]["pid"], sh.pid)
        self.assertEqual(by_arg["ws-bash-exec"]["ppid"], os.getpid())
        pids = [e["pid"] for e in events]
        self.assertNotIn(not_bash, pids)
        # bash itself was exec'd by this python: not reported either
        self.assertFalse([e for e in events if e["pid"] == sh.pid and e["comm"] == "bash"])

    def test_03_count_comm(self):
        prog = self.link("ewws-count")
        t = probe_tracer(SOLUTIONS[2], "-o", "json")
        for _ in range(3):
            execer_pid(prog)
        execer_pid("/bin/true")
        events, maps = stopped(t)
        counts = maps["exec_counts"]
        self.assertEqual(counts["ewws-count"], 3)
        self.assertGreaterEqual(counts["true"], 1)
        self.assertEqual(len([e for e in events if e["comm"] == "ewws-count"]), 3)

    def test_04_latency_hist(self):
        t = probe_tracer(SOLUTIONS[3])
        for _ in range(5):
            execer_pid("/bin/true")
        self.assertEqual(t.stop(), 0, t.stderr())
        out = b"".join(t.out).decode()
        m = re.search(r"^latency_hist:\n {19}value : count    \|distribution {28}\|\n"
                      r"((?: *\d+ -> \d+ *: \d+ *\|[* ]{40}\|\n)+)", out, re.M)
        self.assertTrue(m, out[-3000:])
        slots = [int(c) for c in re.findall(r": (\d+) +\|", m.group(1))]
        self.assertGreaterEqual(sum(slots), 5)
        self.assertTrue(any(slots))
        self.assertIn("*" * 40, m.group(1))     # the fullest slot, full width

    def test_05_errno_counts(self):
        plain = os.path.join(self.tmp, "not-executable")
        with open(plain, "w") as f:
            f.write("data\n")
        os.chmod(plain, 0o644)
        for args in ((), ("-x",)):
            with self.subTest(args=args):
                t = probe_tracer(SOLUTIONS[4], "-o", "json", *args)
                pids = []
                for path, errno in 3 * [("/nonexistent/ws-x", 2)] + [(plain, 13)]:
                    pid, err = failing_exec(path)
                    self.assertEqual(err, errno)
                    pids.append(pid)
                events, maps = stopped(t)
                errors = maps["exec_errors"]
                self.assertGreaterEqual(errors[2], 3)       # ENOENT
                self.assertGreaterEqual(errors[13], 1)      # EACCES
                failed = [e for e in events if e["ret"] != 0]
                if args:
                    self.assertEqual(sorted(e["ret"] for e in failed if e["pid"] in pids),
                                     [-13, -2, -2, -2])
                else:
                    self.assertEqual(failed, [])

    def test_06_etc_opens(self):
        """A second program, on openat, attached because of its name."""
        t = probe_tracer(SOLUTIONS[5], "-o", "json")
        for _ in range(3):
            subprocess.run(["/bin/cat", "/etc/hostname"], stdout=subprocess.DEVNULL,
                           check=True)
        subprocess.run(["/bin/cat", "hostname"], cwd="/etc", stdout=subprocess.DEVNULL,
                       check=True)
        events, maps = stopped(t)
        opens = maps["etc_opens"]
        self.assertGreaterEqual(opens["/etc/hostname"], 3)
        self.assertNotIn("hostname", opens)          # relative: not counted
        self.assertEqual([k for k in opens if not k.startswith("/etc/")], [])
        self.assertGreaterEqual(len([e for e in events if e["argv"] == ["/bin/cat", "/etc/hostname"]]), 3)

if __name__ == "__main__":
    ewtest.main()
