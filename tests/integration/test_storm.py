#!/usr/bin/python3
"""An exec storm with a known ground truth: every exec, every argument, no loss."""
import os
import re
import subprocess
import unittest

import ewtest
from ewtest import Tracer

EXECSTORM = os.environ.get("EXECSTORM", "build/tests/integration/execstorm")


class Storm(unittest.TestCase):
    def test_every_exec_with_full_argv(self):
        workers, per = 2, int(os.environ.get("STORM_PER_WORKER", "1500"))
        tag = "storm-%d" % os.getpid()
        t = Tracer("-o", "json")
        r = subprocess.run([EXECSTORM, "-w", str(workers), "-n", str(per), "-t", tag],
                           stdout=subprocess.PIPE, timeout=ewtest.WAIT * 10)
        self.assertEqual(r.returncode, 0)

        def ours():
            return [e for e in t.events()
                    if len(e["argv"]) == 4 and e["argv"][1] == tag]
        t.wait(lambda: len(ours()) >= workers * per)
        self.assertEqual(t.stop(), 0)
        seen = sorted((int(e["argv"][2]), int(e["argv"][3])) for e in ours())
        want = sorted((w, i) for w in range(workers) for i in range(per))
        self.assertEqual(seen, want)
        for e in ours():
            self.assertEqual(e["argv"][0], "/bin/true")
            self.assertEqual(e["ret"], 0)
            self.assertFalse(e["args_truncated"])
        self.assertRegex(t.stderr(), r"events printed, 0 lost")
        print("storm:", r.stdout.decode().strip())


if __name__ == "__main__":
    ewtest.main()
