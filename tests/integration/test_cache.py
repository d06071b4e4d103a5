#!/usr/bin/python3
"""The compile cache: a second start loads what the first compiled, with
the same events; an entry anyone else could have touched, a corrupt one,
or one the verifier now refuses is never used, and is replaced by a
compile; an edit is a new key."""
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer, run_execer

HEADER = 168            # struct file_header in src/helper/cache.c
PROG_RECORD = 72        # struct file_prog: name[64], insn_cnt, pad


class Cache(unittest.TestCase):
    def setUp(self):
        # root's own 0700 directory (mkdtemp), under /tmp (sticky: fine on
        # the way, as for --output)
        self.parent = tempfile.mkdtemp(prefix="ew-cache-")
        self.dir = os.path.join(self.parent, "cache")
        self.addCleanup(shutil.rmtree, self.parent)

    def run_once(self, *args, expect=("cache:",)):
        """One trace until an exec of ours is seen; returns (stderr, event)."""
        t = Tracer("-v", "-o", "json", "--cache-dir", self.dir, *args)
        try:
            (pid, parent), _ = run_execer("fork-execv", "/bin/true", "cached", "two words")
            ev = t.wait_event(lambda e: e["pid"] == pid)
            self.progs = sorted(ewtest.our_progs())
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertEqual((ev["argv"], ev["ppid"], ev["filename"], ev["entry"]),
                         (["/bin/true", "cached", "two words"], parent, "/bin/true", "execve"))
        err = t.stderr()
        for e in expect:
            self.assertIn(e, err)
        return err, ev

    def entries(self):
        return sorted(glob.glob(os.path.join(self.dir, "*.bpfc")))

    def test_second_start_is_a_hit_with_the_same_events(self):
        err, first = self.run_once(expect=("cache: miss (no entry)", "compile: ", "cache: stored"))
        compiled = self.progs
        st = os.stat(self.dir)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (0, 0o700))
        [entry] = self.entries()
        st = os.stat(entry)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777, st.st_nlink), (0, 0o600, 1))
        err, again = self.run_once(expect=("cache: hit",))
        # the same programs, by the same names (bpftool), attached the same way
        self.assertEqual(self.progs, compiled)
        self.assertEqual(len(compiled), 5)
        self.assertEqual(err.count("attached: "), 5)
        self.assertNotIn("compile: ", err)
        self.assertNotIn("cache: stored", err)
        for k in ("comm", "uid", "euid", "container_kind", "mntns", "pidns"):
            self.assertEqual(first[k], again[k], k)
        # other options compile other programs: another key
        err, _ = self.run_once("-x", expect=("cache: miss (no entry)", "cache: stored"))
        self.assertEqual(len(self.entries()), 2)
        ewtest.record("cache_hit", entries=2)

    def test_a_hit_reports_exactly_what_a_compile_does(self):
        """A tracer loaded from the cache and one that compiled, side by
        side on the same execs: the same events, field for field."""
        self.run_once("-x")
        warm = Tracer("-v", "-o", "json", "-x", "--cache-dir", self.dir)
        cold = Tracer("-v", "-o", "json", "-x", "--no-cache")
        try:
            self.assertIn("cache: hit", warm.stderr())
            self.assertIn("compile: ", cold.stderr())
            want = [(run_execer("fork-execv", "/bin/true", "same", str(i), "a b")[0][0],
                     ["/bin/true", "same", str(i), "a b"]) for i in range(3)]
            (fail, _), _ = run_execer("fail", "/nonexistent/same", "x")
            want.append((fail, ["/nonexistent/same", "x"]))
            got = []
            for t in (warm, cold):
                got.append([t.wait_event(lambda e, w=w: (e.get("pid"), e.get("argv")) == w)
                            for w in want])
        finally:
            self.assertEqual(warm.stop(), 0)
            self.assertEqual(cold.stop(), 0)
        when = ("time", "ts_ns", "seq", "cpu", "latency_ns")
        for a, b in zip(*got):
            self.assertEqual({k: v for k, v in a.items() if k not in when},
                             {k: v for k, v in b.items() if k not in when})
        self.assertEqual(got[0][-1]["ret"], -2)

    def test_every_key_input_misses(self):
        self.run_once()
        for args in (("--max-args", "30"), ("--max-arg-len", "300"), ("-u", "0"),
                     ("--containers",)):
            with self.subTest(args=args):
                n = len(self.entries())
                t = Tracer("-v", "-o", "json", "--cache-dir", self.dir, *args)
                self.assertEqual(t.stop(), 0)
                self.assertIn("cache: miss (no entry)", t.stderr())
                self.assertEqual(len(self.entries()), n + 1)

    def test_an_edited_probe_is_a_new_key(self):
        probe = os.path.join(self.parent, "my.bpf.c")
        text = subprocess.run([ewtest.EXECWATCH, "--print-source"], stdout=subprocess.PIPE,
                              check=True).stdout.decode()
        text = text[text.index("// SPDX"):] if "// SPDX" in text else text
        with open(probe, "w") as f:
            f.write(text)
        self.run_once("--probe", probe, expect=("cache: miss", "cache: stored"))
        with open(probe, "a") as f:
            f.write("\n/* an edit */\n")
        self.run_once("--probe", probe, expect=("cache: miss", "cache: stored"))
        self.assertEqual(len(self.entries()), 2)
        with open(probe, "w") as f:
            f.write(text)
        err, _ = self.run_once("--probe", probe, expect=("cache: hit",))

    def test_a_probe_reading_headers_of_its_own_is_not_cached(self):
        """They are not in the key: however the include is spelled."""
        text = subprocess.run([ewtest.EXECWATCH, "--print-source"], stdout=subprocess.PIPE,
                              check=True).stdout.decode()
        with open(os.path.join(self.parent, "mine.h"), "w") as f:
            f.write("#define MINE 1\n")
        probe = os.path.join(self.parent, "mine.bpf.c")
        for spelling in ('#include "mine.h"', '%:include "mine.h"', '#/**/include "mine.h"',
                         '# \\\ninclude "mine.h"', '#import "mine.h"',
                         '#define H "mine.h"\n#include H',
                         '#if __has_include("mine.h")\n#endif'):
            with self.subTest(spelling=spelling):
                with open(probe, "w") as f:
                    f.write(spelling + "\n" + text)
                t = Tracer("-v", "--probe", probe, "--cache-dir", self.dir)
                self.assertEqual(t.stop(), 0)
                self.assertIn("cache: not used: the probe includes", t.stderr())
                self.assertIn("compile: ", t.stderr())
        self.assertEqual(self.entries(), [])

    def flip_and_expect_replaced(self, reason):
        [entry] = self.entries()
        err, _ = self.run_once(expect=("cache: miss (%s)" % reason, "compile: ", "cache: stored"))
        [again] = self.entries()
        st = os.stat(again)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777, st.st_nlink), (0, 0o600, 1))
        self.run_once(expect=("cache: hit",))

    def test_corrupt_or_cut_entry_is_compiled_again(self):
        self.run_once()
        [entry] = self.entries()
        with open(entry, "r+b") as f:
            f.seek(HEADER + PROG_RECORD + 8 * 3)
            b = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([b[0] ^ 0x40]))
        self.flip_and_expect_replaced("truncated or corrupt (its checksum does not match)")
        [entry] = self.entries()
        os.truncate(entry, os.path.getsize(entry) // 2)
        self.flip_and_expect_replaced("truncated or corrupt (its checksum does not match)")

    def test_entry_others_could_write_is_ignored_and_replaced(self):
        self.run_once()
        [entry] = self.entries()
        os.chmod(entry, 0o666)
        self.flip_and_expect_replaced("writable by group or others")
        [entry] = self.entries()
        os.chown(entry, 65534, 65534)
        self.flip_and_expect_replaced("not owned by root")

    def test_planted_link_is_never_followed(self):
        self.run_once()
        [entry] = self.entries()
        target = os.path.join(self.parent, "roots-file")
        shutil.copy(entry, target)
        before = open(target, "rb").read()
        os.unlink(entry)
        os.symlink(target, entry)
        self.flip_and_expect_replaced("a symbolic link")
        self.assertFalse(os.path.islink(entry))
        self.assertEqual(open(target, "rb").read(), before)

    def test_directory_others_can_write_is_not_used(self):
        self.run_once()
        os.chmod(self.dir, 0o777)
        err, _ = self.run_once(expect=("cache: not used: %s: refused: directory %s is writable by everyone"
                                       % (self.dir, self.dir), "compile: "))
        self.assertNotIn("cache: hit", err)
        self.assertNotIn("cache: stored", err)
        os.chmod(self.dir, 0o700)
        os.chown(self.dir, 65534, 65534)
        err, _ = self.run_once(expect=("cache: not used:", "belongs to uid 65534", "compile: "))
        self.assertNotIn("cache: hit", err)

    def test_entry_the_verifier_refuses_is_compiled_again(self):
        """An entry sound on disk (checksum right) whose program the kernel
        now refuses: a compile, never a failure."""
        self.run_once()
        [entry] = self.entries()
        data = bytearray(open(entry, "rb").read())
        # the first program's first instruction: exit, with r0 never set
        at = HEADER + PROG_RECORD
        data[at:at + 8] = bytes([0x95, 0, 0, 0, 0, 0, 0, 0])
        data[136:168] = hashlib.sha256(bytes(data[HEADER:])).digest()
        with open(entry, "wb") as f:
            f.write(data)
        err, _ = self.run_once(expect=("cache: entry not used: the kernel's verifier rejected",
                                       "; compiling", "compile: ", "cache: stored"))
        self.run_once(expect=("cache: hit",))

    def test_no_cache(self):
        self.run_once()
        err, _ = self.run_once("--no-cache", expect=("compile: ",))
        self.assertNotIn("cache:", err)


if __name__ == "__main__":
    ewtest.main()
