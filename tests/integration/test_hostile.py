#!/usr/bin/python3
"""Programs whose names and arguments try to hide from a person reading the
output: escaped and visible in the table, exact bytes in JSON."""
import os
import shutil
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer, argv_bytes

NAME = b"\x1b[2Jev\rl\x08\x01\xff"       # clears the screen, returns, backspaces
ARGS = [b"\x1b]0;title\x07", b"line\nbreak", b"\x01\x02nul-adjacent\x7f",
        b"bad\xc3\x28utf8", b"\xe2\x80\xaerevert", b"ok"]


class Hostile(unittest.TestCase):
    def test_hostile_names_and_args(self):
        d = tempfile.mkdtemp().encode()
        prog = os.path.join(d, NAME)
        shutil.copy("/bin/true", prog)
        table = Tracer("-x")
        js = Tracer("-o", "json", "-x")
        try:
            r = subprocess.run([prog] + ARGS)
            self.assertEqual(r.returncode, 0)
            ev = js.wait_event(lambda e: e["filename"].encode("utf-8", "surrogateescape") == prog)
            table.wait(lambda: any(b"\\x1b[2Jev\\rl\\x08\\x01\\xff" in l for l in table.out))
        finally:
            self.assertEqual(table.stop(), 0)
            self.assertEqual(js.stop(), 0)
            shutil.rmtree(d)
        # JSON: the exact bytes, with stray bytes as \udcXX (docs/json.md)
        self.assertEqual(argv_bytes(ev)[1:], ARGS)
        self.assertEqual(ev["comm"].encode("utf-8", "surrogateescape"), NAME)
        # table: nothing raw that a terminal would act on
        out = b"".join(table.out)
        for byte in list(range(0, 0x0a)) + list(range(0x0b, 0x20)) + [0x7f]:
            self.assertNotIn(bytes([byte]), out)
        self.assertNotIn(b"\xe2\x80\xae", out)
        line = [l for l in table.out if b"\\x1b[2Jev" in l and b"title" in l][0]
        self.assertIn(b"\\x1b]0;title\\x07 line\\nbreak \\x01\\x02nul-adjacent\\x7f "
                      b"bad\\xc3(utf8 \\u202erevert ok", line)


if __name__ == "__main__":
    ewtest.main()
