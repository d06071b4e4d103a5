#!/usr/bin/python3
"""Programs whose names and arguments try to hide from a person reading the
output, or to break a log pipeline: escaped and visible in the table; in
JSON, lines every strict parser accepts (serde_json) that still carry every
byte."""
import os
import shutil
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer, argv_bytes, field_bytes, strictjson

NAME = b"\x1b[2Jev\rl\x08\x01\xff"       # clears the screen, returns, backspaces
ARGS = [b"\x1b]0;title\x07", b"line\nbreak", b"\x01\x02nul-adjacent\x7f",
        b"bad\xc3\x28utf8", b"\xe2\x80\xaerevert", b"/etc/pass\xe2\x80\x8bwd",
        b"soft\xc2\xadhyphen", b"tag\xf3\xa0\x80\x81", b"\xff\xfe\xed\xa0\x80", b"ok"]


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
            ev = js.wait_event(lambda e: field_bytes(e, "filename") == prog)
            subprocess.run(["/bin/true", "plain"], check=True)
            plain = js.wait_event(lambda e: e["argv"] == ["/bin/true", "plain"])
            table.wait(lambda: any(b"\\x1b[2Jev\\rl\\x08\\x01\\xff" in l for l in table.out))
        finally:
            self.assertEqual(table.stop(), 0)
            self.assertEqual(js.stop(), 0)
            shutil.rmtree(d)
        # JSON: stray bytes read as U+FFFD, the exact bytes in *_b64
        # (docs/json.md); js.stop() has checked every line with serde_json.
        self.assertEqual(argv_bytes(ev)[1:], ARGS)
        self.assertEqual(field_bytes(ev, "comm"), NAME)
        self.assertEqual(ev["argv"][4], "bad\ufffd(utf8")
        self.assertEqual(ev["argv"][9], "\ufffd" * 5)
        self.assertEqual(ev["comm"], "\x1b[2Jev\rl\x08\x01\ufffd")
        self.assertIn("argv_b64", ev)
        self.assertIn("comm_b64", ev)
        self.assertIn("filename_b64", ev)
        # The same, as serde_json reads the lines.
        mine = [e for e in strictjson.roundtrip(js.out)
                if e.get("event") == "exec" and e["seq"] == ev["seq"] and e["cpu"] == ev["cpu"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(argv_bytes(mine[0])[1:], ARGS)
        self.assertEqual(field_bytes(mine[0], "filename"), prog)
        # A line with nothing to hide has no companions.
        self.assertFalse([k for k in plain if k.endswith("_b64")], plain)
        # table: nothing raw that a terminal would act on
        out = b"".join(table.out)
        for byte in list(range(0, 0x0a)) + list(range(0x0b, 0x20)) + [0x7f]:
            self.assertNotIn(bytes([byte]), out)
        self.assertNotIn(b"\xe2\x80\xae", out)
        line = [l for l in table.out if b"\\x1b[2Jev" in l and b"title" in l][0]
        self.assertIn(b"\\x1b]0;title\\x07 line\\nbreak \\x01\\x02nul-adjacent\\x7f "
                      b"bad\\xc3(utf8 \\u202erevert /etc/pass\\u200bwd soft\\u00adhyphen "
                      b"tag\\U000e0001 \\xff\\xfe\\xed\\xa0\\x80 ok", line)
        for invisible in (b"\xe2\x80\x8b", b"\xc2\xad", b"\xf3\xa0\x80\x81"):
            self.assertNotIn(invisible, out)


if __name__ == "__main__":
    ewtest.main()
