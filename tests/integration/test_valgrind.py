#!/usr/bin/python3
"""valgrind memcheck on a short real trace: no error, no leak."""
import os
import re
import signal
import subprocess
import unittest

import ewtest
from ewtest import run_execer


class Valgrind(unittest.TestCase):
    def test_memcheck_clean(self):
        log = "/tmp/ew-valgrind-%d.log" % os.getpid()
        p = subprocess.Popen(["valgrind", "--error-exitcode=3", "--leak-check=full",
                              "--show-leak-kinds=definite,indirect",
                              "--errors-for-leak-kinds=definite,indirect",
                              "--log-file=" + log, ewtest.EXECWATCH, "-o", "json", "-x"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = b""
        while not line.startswith(b"Tracing"):
            line = p.stderr.readline()
            self.assertTrue(line, "execwatch under valgrind did not start")
        pids = [run_execer("fork-execv", "/bin/true", "vg", str(i))[0][0] for i in range(20)]
        run_execer("fail", "/nonexistent/vg")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=ewtest.WAIT * 2)
        with open(log) as f:
            report = f.read()
        os.unlink(log)
        self.assertEqual(p.returncode, 0, report[-3000:])
        self.assertIn("ERROR SUMMARY: 0 errors", report)
        self.assertRegex(report, r"in use at exit: 0 bytes|no leaks are possible")
        got = {int(l.split(b'"pid":')[1].split(b",")[0]) for l in out.splitlines()}
        self.assertTrue(set(pids) <= got)


if __name__ == "__main__":
    ewtest.main()
