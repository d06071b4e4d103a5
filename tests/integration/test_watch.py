#!/usr/bin/python3
"""--probe FILE --watch: edit, save, and the new probe is live without a gap."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import ewtest
from ewtest import Tracer, run_execer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(REPO, "probes", "execwatch.bpf.c")
EXECSTORM = os.environ.get("EXECSTORM", "build/tests/integration/execstorm")
MARK = "sc->e.uid = (u32)uid_gid;"


def save_by_rename(path, text):
    """As vim does by default: write a new file, rename it over the old."""
    tmp = path + ".swp-new"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


class Watch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "my.bpf.c")
        shutil.copy(PROBE, self.path)
        with open(PROBE) as f:
            self.text = f.read()
        self.assertIn(MARK, self.text)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_swap_is_exactly_once_and_errors_keep_the_old_probe(self):
        t = Tracer("--probe", self.path, "--watch", "-o", "json")
        tag = "swap-%d" % os.getpid()

        def storm_uids():
            return [e["uid"] for e in t.events()
                    if len(e.get("argv", ())) == 4 and e["argv"][1] == tag]
        try:
            (before, _), _ = run_execer("fork-execv", "/bin/true", "before-save")
            t.wait_event(lambda e: e["pid"] == before)
            # A storm that runs until told to stop, so that the save lands
            # in its middle on a machine of any speed.
            storm = subprocess.Popen([EXECSTORM, "-w", "2", "-n", "0", "-t", tag],
                                     stdout=subprocess.PIPE)
            self.assertTrue(t.wait(lambda: len(storm_uids()) >= 200), t.stderr())
            save_by_rename(self.path, self.text.replace(MARK, "sc->e.uid = 4242;"))
            self.assertTrue(t.wait(lambda: "reloaded" in t.stderr()), t.stderr())
            self.assertTrue(t.wait(lambda: storm_uids().count(4242) >= 200), t.stderr())
            storm.terminate()
            out, _ = storm.communicate(timeout=ewtest.WAIT)
            self.assertEqual(storm.returncode, 0)
            made = dict(tuple(map(int, l.split()[1:])) for l in out.decode().splitlines()
                        if l.startswith("worker "))
            self.assertEqual(sorted(made), [0, 1])
            t.wait(lambda: len(storm_uids()) >= sum(made.values()))
            (after, _), _ = run_execer("fork-execv", "/bin/true", "after-save")
            ev = t.wait_event(lambda e: e["pid"] == after)
            self.assertEqual(ev["uid"], 4242)

            # a broken save: diagnostics name the file and line; tracing goes on
            broken = self.text.replace(MARK, "sc->e.uid = 4242;") + "this is not C;\n"
            bad_line = broken.count("\n")
            with open(self.path, "w") as f:     # saved in place this time
                f.write(broken)
            self.assertTrue(t.wait(lambda: "did not load" in t.stderr()), t.stderr())
            (late, _), _ = run_execer("fork-execv", "/bin/true", "after-error")
            late_ev = t.wait_event(lambda e: e["pid"] == late)

            # the file removed: reported, tracing goes on
            os.unlink(self.path)
            self.assertTrue(t.wait(lambda: "was removed" in t.stderr()), t.stderr())
            (gone, _), _ = run_execer("fork-execv", "/bin/true", "after-removal")
            t.wait_event(lambda e: e["pid"] == gone)
        finally:
            rc = t.stop()
        err = t.stderr()
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"reloaded %s as generation 2: live \d+ ms" % self.path)
        self.assertIn("%s:%d:" % (self.path, bad_line), err)
        self.assertIn("still tracing with generation 2", err)
        self.assertEqual(late_ev["uid"], 4242)
        self.assertEqual(t.wait_event(lambda e: e["pid"] == before)["uid"], 0)

        # every exec of the storm exactly once; per worker, old then new,
        # and both generations reported some: the swap came mid-storm
        ours = [e for e in t.events() if len(e["argv"]) == 4 and e["argv"][1] == tag]
        seen = sorted((int(e["argv"][2]), int(e["argv"][3])) for e in ours)
        self.assertEqual(seen, sorted((w, i) for w in made for i in range(made[w])))
        for w in made:
            uids = [e["uid"] for e in sorted(ours, key=lambda e: int(e["argv"][3]))
                    if int(e["argv"][2]) == w]
            self.assertEqual(uids, sorted(uids))
            self.assertEqual(set(uids), {0, 4242}, "worker %d saw one generation" % w)
        self.assertRegex(err, r"events printed, 0 lost")
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_a_save_back_to_earlier_text_is_a_cache_hit(self):
        """The generation is not compiled in, and pins count by name: the
        same text is the same compile in every generation."""
        cache = os.path.join(self.dir, "cache")
        other = self.text.replace(MARK, "sc->e.uid = 4242;")
        t = Tracer("--probe", self.path, "--watch", "-o", "json", "-v", "--cache-dir", cache)

        def save_and_see(text, gen, uid):
            save_by_rename(self.path, text)
            self.assertTrue(t.wait(lambda: "as generation %d" % gen in t.stderr()), t.stderr())
            # the generation before reports until it is detached: execs
            # until one comes from the new probe
            deadline = time.monotonic() + ewtest.WAIT
            while time.monotonic() < deadline:
                (pid, _), _ = run_execer("fork-execv", "/bin/true", "gen-%d" % gen)
                if t.wait_event(lambda e: e.get("pid") == pid)["uid"] == uid:
                    break
            else:
                self.fail("generation %d never reported: %s" % (gen, t.stderr()))
            return t.stderr().count("cache: hit")
        try:
            hits = [save_and_see(other, 2, 4242),     # a new text: compiled
                    save_and_see(self.text, 3, 0),    # A, now with pins: compiled
                    save_and_see(other, 4, 4242),     # B again: from the cache
                    save_and_see(self.text, 5, 0)]    # A again: from the cache
        finally:
            rc = t.stop()
        self.assertEqual(rc, 0, t.stderr())
        self.assertEqual(hits, [0, 0, 1, 2])
        self.assertRegex(t.stderr(), r"events printed, 0 lost")
        self.assertEqual(ewtest.leftover_progs(), [])

    def bad_probe(self, text, *want):
        with open(self.path, "w") as f:
            f.write(text)
        r = subprocess.run([ewtest.EXECWATCH, "--probe", self.path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=ewtest.WAIT)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1, err)
        for w in want:
            self.assertIn(w, err)
        last = err.strip().split("\n")[-1]
        self.assertTrue(last.startswith("execwatch: ") and "hint: " in last, last)
        self.assertEqual(ewtest.leftover_progs(), [])
        return err

    def with_exit_body(self, body):
        """The shipped probe with on_exec's body replaced."""
        start = self.text.index("static __always_inline int on_exec(")
        brace = self.text.index("{", start)
        end = self.text.index("\n}\n", brace)
        return self.text[:brace + 1] + body + self.text[end:]

    def test_bad_probes_fail_clearly_and_leave_nothing(self):
        self.bad_probe("", "is empty")
        self.bad_probe("\x7fELF\x00\x00binary", "is not C source")
        self.bad_probe("int main(void) { return 0 }\n", "%s:1:" % self.path,
                       "failed to compile")
        self.bad_probe('#include "no-such-header.h"\n' + self.text,
                       "%s:1:" % self.path, "no-such-header.h", "failed to compile")
        self.bad_probe(self.with_exit_body(
            "\n\tvolatile int i = 0;\n\tfor (;;)\n\t\ti++;\n\treturn 0;"),
            "verifier rejected")
        self.bad_probe(self.with_exit_body(
            "\n\tu64 task = bpf_get_current_task();\n"
            "\treturn *(volatile u32 *)(task + EW_OFF_TASK_TGID);"),
            "verifier rejected")

    def test_watch_needs_probe(self):
        r = subprocess.run([ewtest.EXECWATCH, "--watch"], stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--watch needs --probe FILE", r.stderr)


if __name__ == "__main__":
    ewtest.main()
