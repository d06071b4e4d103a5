#!/usr/bin/python3
"""--output FILE: appended to, reopened on SIGHUP, rotated by the real
logrotate while an exec storm runs, with every event in exactly one file."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer

EXECSTORM = os.environ.get("EXECSTORM", "build/tests/integration/execstorm")


class Output(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.log = os.path.join(self.dir, "execs.log")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def lines(self, path):
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(not data or data.endswith(b"\n"), "a split line in %s" % path)
        return data.split(b"\n")[:-1]

    def test_logrotate_loses_and_splits_nothing(self):
        t = Tracer("-o", "json", "--output", self.log)
        conf = os.path.join(self.dir, "logrotate.conf")
        with open(conf, "w") as f:
            f.write("%s {\n\trotate 2\n\tcreate 0640 root root\n\tpostrotate\n"
                    "\t\tkill -HUP %d\n\tendscript\n}\n" % (self.log, t.p.pid))
        tag = "rotate-%d" % os.getpid()
        per = int(os.environ.get("STORM_PER_WORKER", "1500"))
        storm = subprocess.Popen([EXECSTORM, "-w", "2", "-n", str(per), "-t", tag],
                                 stdout=subprocess.DEVNULL)
        # rotate once events are flowing
        t.wait(lambda: os.path.getsize(self.log) > 20000)
        r = subprocess.run(["logrotate", "-f", "-s", os.path.join(self.dir, "state"), conf],
                           stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(storm.wait(timeout=ewtest.WAIT * 10), 0)

        def ours():
            evs = []
            for p in (self.log + ".1", self.log):
                evs += [json.loads(l) for l in self.lines(p)]
            return [e for e in evs if len(e["argv"]) == 4 and e["argv"][1] == tag]
        t.wait(lambda: len(ours()) >= 2 * per)
        self.assertEqual(t.stop(), 0, t.stderr())
        self.assertEqual(t.out, [])       # nothing on standard output
        old, new = self.lines(self.log + ".1"), self.lines(self.log)
        self.assertTrue(old and new, "both files hold events")
        seen = sorted((int(e["argv"][2]), int(e["argv"][3])) for e in ours())
        self.assertEqual(seen, sorted((w, i) for w in range(2) for i in range(per)))
        self.assertRegex(t.stderr(), r"events printed, 0 lost")

    def test_table_output_appends_with_a_header_per_file(self):
        with open(self.log, "w") as f:
            f.write("earlier line\n")
        t = Tracer("--output", self.log)
        (pid, _), _ = ewtest.run_execer("fork-execv", "/bin/true", "to-file")
        t.wait(lambda: b" %d " % pid in open(self.log, "rb").read())
        os.rename(self.log, self.log + ".1")
        t.p.send_signal(1)
        t.wait(lambda: os.path.exists(self.log))
        (pid2, _), _ = ewtest.run_execer("fork-execv", "/bin/true", "to-new-file")
        t.wait(lambda: os.path.exists(self.log) and
               b" %d " % pid2 in open(self.log, "rb").read())
        self.assertEqual(t.stop(), 0)
        old = open(self.log + ".1").read().split("\n")
        new = open(self.log).read().split("\n")
        self.assertEqual(old[0], "earlier line")      # appended, not truncated
        self.assertFalse(any(l.startswith("TIME(s)") for l in old))
        self.assertTrue(new[0].startswith("TIME(s) PCOMM"))
        self.assertTrue(any(l.endswith("/bin/true to-new-file") for l in new))

    def test_unwritable_output_is_a_clear_error(self):
        r = subprocess.run([ewtest.EXECWATCH, "--output", "/nonexistent/dir/x.log"],
                           stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, b"execwatch: --output /nonexistent/dir/x.log: directory "
                         b"/nonexistent does not exist; hint: create it first, or name "
                         b"another place\n")
        self.assertEqual(ewtest.leftover_progs(), [])


if __name__ == "__main__":
    ewtest.main()
