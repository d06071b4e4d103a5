"""The strict JSON Lines checker itself: what it must accept and reject.

Needs the built binary (STRICTJSON, see strictjson.py); runs no tracer.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import strictjson  # noqa: E402

# An execwatch-like record, for the shapes the tracer writes.
RECORD = (b'{"time":"2026-11-25T12:13:51.123456789Z","ts_ns":18446744073709551615,'
          b'"cpu":1,"seq":7,"comm":"true","pid":3800,"tid":3800,"ppid":3702,'
          b'"uid":0,"ret":-2,"filename":"/bin/true","argv":["/bin/true","a",""],'
          b'"argc":null,"args_truncated":false,"latency":2.571,'
          b'"container_id":null,"alert":null}')


class Rejects(unittest.TestCase):
    def rejected(self, line, why):
        with self.assertRaises(AssertionError) as cm:
            strictjson.check_lines([b'{"ok":1}', line])
        msg = str(cm.exception)
        self.assertIn("strictjson: <stdin>:2: ", msg)
        self.assertIn(why, msg)
        return msg

    def test_lone_low_surrogate(self):
        msg = self.rejected(b'{"argv":["a\\udcffb"]}', "lone leading surrogate in hex escape")
        # The offending line follows, escaped.
        self.assertIn('line: {"argv":["a\\\\udcffb"]}', msg)

    def test_lone_high_surrogate(self):
        # The wording differs between serde_json versions: only "rejected".
        self.rejected(b'{"s":"\\ud83d"}', "")
        self.rejected(b'{"s":"\\ud83dx"}', "")
        self.rejected(b'{"s":"\\ud83d\\u0041"}', "")

    def test_invalid_utf8(self):
        msg = self.rejected(b'{"s":"\xff\xfe"}', "not valid UTF-8")
        self.assertIn('line: {"s":"\\xff\\xfe"}', msg)
        self.rejected(b'{"s":"\xed\xb3\xbf"}', "not valid UTF-8")  # U+DCFF encoded raw

    def test_trailing_garbage(self):
        self.rejected(b'{"a":1} x', "trailing characters")
        self.rejected(b'{"a":1}{"b":2}', "trailing characters")
        self.rejected(b'{"a":1},', "trailing characters")

    def test_not_json(self):
        self.rejected(b'{"a":NaN}', "expected value")
        self.rejected(b"{'a':1}", "key must be a string")
        self.rejected(b'{"a":1,}', "trailing comma")
        self.rejected(b'{"a":"x\ty"}', "control character")
        self.rejected(b'{"a":1', "EOF")
        self.rejected(b' ', "EOF")

    def test_not_an_object(self):
        self.rejected(b'[1]', "an array, not a JSON object")
        self.rejected(b'"s"', "a string, not a JSON object")

    def test_long_line_is_cut(self):
        msg = self.rejected(b'{"a":"' + b"x" * 500 + b'"}x', "trailing characters")
        shown = msg.split("line: ", 1)[1]
        self.assertEqual(shown, '{"a":"' + "x" * 194 + "...")


class Accepts(unittest.TestCase):
    def test_valid_lines(self):
        strictjson.check_lines([RECORD, b'{}', b'{"a":[1,2.5e-3,true,null,{"b":"\\u001b"}]}\n'])

    def test_surrogate_pair(self):
        strictjson.check_lines([b'{"s":"\\ud83d\\ude00"}'])
        self.assertEqual(strictjson.roundtrip([b'{"s":"\\ud83d\\ude00"}']), [{"s": "\U0001F600"}])

    def test_empty_input(self):
        strictjson.check_lines([])
        p = subprocess.run([strictjson.STRICTJSON, "--count"], input=b"",
                           stdout=subprocess.PIPE, check=True)
        self.assertEqual(p.stdout, b"0\n")

    def test_empty_lines_skipped(self):
        p = subprocess.run([strictjson.STRICTJSON, "--count"], input=b'\n{"a":1}\n\n{}',
                           stdout=subprocess.PIPE, check=True)
        self.assertEqual(p.stdout, b"2\n")


class Roundtrip(unittest.TestCase):
    def test_values_as_python_reads_them(self):
        lines = [RECORD,
                 b'{"f":[0.1,2.571,1e300,-0.0,123456789.123456789],"i":-9223372036854775808}',
                 '{"u":"\u00e9\u2028\u0085\\u202e\\\\ \\"q\\""}'.encode()]
        self.assertEqual(strictjson.roundtrip(lines), [json.loads(l) for l in lines])

    def test_invalid_line_raises(self):
        with self.assertRaises(AssertionError):
            strictjson.roundtrip([b'{"a":"\\udcff"}'])


class Files(unittest.TestCase):
    def test_file_and_line_named(self):
        with tempfile.TemporaryDirectory() as d:
            good, bad = os.path.join(d, "good.jsonl"), os.path.join(d, "bad.jsonl")
            with open(good, "wb") as f:
                f.write(RECORD + b"\n" + RECORD + b"\n")
            with open(bad, "wb") as f:
                f.write(RECORD + b"\n\n" + b'{"a":"\\udcff"}\n')
            p = subprocess.run([strictjson.STRICTJSON, "--count", good, good],
                               stdout=subprocess.PIPE)
            self.assertEqual((p.returncode, p.stdout), (0, b"4\n"))
            p = subprocess.run([strictjson.STRICTJSON, good, bad], stderr=subprocess.PIPE)
            self.assertEqual(p.returncode, 1)
            self.assertTrue(p.stderr.startswith(f"strictjson: {bad}:3: lone".encode()), p.stderr)

    def test_usage_and_io_errors(self):
        for args in (["--nope"], ["--count", "--roundtrip"], ["/nonexistent/x.jsonl"]):
            p = subprocess.run([strictjson.STRICTJSON, *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(p.returncode, 2, args)
            self.assertTrue(p.stderr.startswith(b"strictjson: "), p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
