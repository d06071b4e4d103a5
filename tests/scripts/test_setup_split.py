#!/usr/bin/python3
"""The set-up split: scripts/run.sh installs what building and tracing need
(scripts/setup.sh run), never the test suite's tools; scripts/test.sh asks for
the test profile. Reads package lists and runs the scripts against stubs: no
BPF is loaded, nothing is installed, no network; any user."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(REPO, "scripts")
SETUP = os.path.join(SCRIPTS, "setup.sh")

# What only the tests use; the run profile must pull in none of it. The issue
# names the first three; the others are as heavy or as test-only.
TEST_ONLY = re.compile(r"^(qemu(-.*)?|podman|valgrind|runc|busybox-static|libcmocka-dev"
                       r"|clang(-[0-9]+)?|libclang-rt-.*|cargo|librust-.*|bpftool|strace"
                       r"|logrotate|bash-completion|libbpf-tools)$")
NAMED = ("qemu-system-x86", "podman", "valgrind")


def listed(profile):
    r = subprocess.run(["bash", SETUP, "--list", profile], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    pkgs = r.stdout.decode().split()
    assert pkgs, "scripts/setup.sh --list %s printed nothing" % profile
    return pkgs


class Profiles(unittest.TestCase):
    def test_run_profile_lists_no_test_tool(self):
        run = listed("run")
        self.assertEqual([p for p in run if TEST_ONLY.match(p)], [])
        for want in ("cmake", "libbpfcc-dev", "libbpf-dev"):
            self.assertIn(want, run)

    def test_test_profile_adds_them(self):
        # Else the check above could pass on a list that means nothing.
        run, test = listed("run"), listed("test")
        self.assertEqual(set(run) - set(test), set())
        for want in NAMED:
            self.assertIn(want, test)

    def test_default_profile_is_test(self):
        # scripts/bench.sh and anyone else calling plain setup.sh get everything.
        r = subprocess.run(["bash", SETUP, "--list"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stdout.decode().split(), listed("test"))

    def test_unknown_profile_refused(self):
        r = subprocess.run(["bash", SETUP, "--list", "bogus"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 2)

    def test_run_profile_pulls_none_in(self):
        """Nor through a dependency: apt's view of what the run profile's
        packages depend on (the run profile installs without Recommends)."""
        if not shutil.which("apt-cache"):
            self.skipTest("no apt-cache")
        run = listed("run")
        probe = subprocess.run(["apt-cache", "show", "--no-all-versions"] + run,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode != 0:
            self.skipTest("apt knows none of the packages yet (no apt-get update)")
        r = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                            "--no-suggests", "--no-conflicts", "--no-breaks",
                            "--no-replaces", "--no-enhances"] + run,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        closure = {l.strip().strip("<>") for l in r.stdout.decode().splitlines()
                   if l and not l[0].isspace()}
        self.assertGreater(len(closure), len(run))
        self.assertEqual(sorted(p for p in closure if TEST_ONLY.match(p)), [])


STUB = """#!/bin/sh
echo "$0 $*" >> "%s"
%s
"""


class Callers(unittest.TestCase):
    """run.sh and test.sh, copied beside stubs that record their calls."""

    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ew-setup-split-")
        self.log = os.path.join(self.d, "calls")
        for sub in ("scripts", "build", "bin"):
            os.mkdir(os.path.join(self.d, sub))

    def tearDown(self):
        shutil.rmtree(self.d)

    def stub(self, path, then=""):
        with open(os.path.join(self.d, path), "w") as f:
            f.write(STUB % (self.log, then))
        os.chmod(os.path.join(self.d, path), 0o755)

    def run_copy(self, script, *args):
        shutil.copy(os.path.join(SCRIPTS, script), os.path.join(self.d, "scripts", script))
        env = dict(os.environ, PATH=os.path.join(self.d, "bin") + ":" + os.environ["PATH"])
        r = subprocess.run(["bash", os.path.join(self.d, "scripts", script)] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           cwd=self.d, timeout=60)
        calls = []
        if os.path.exists(self.log):
            with open(self.log) as f:
                calls = [l.split() for l in f.read().splitlines()]
        return r, [[os.path.relpath(c[0], self.d)] + c[1:] for c in calls]

    def test_run_sh_asks_for_the_run_profile(self):
        for s in ("scripts/setup.sh", "scripts/build.sh", "build/execwatch", "bin/cmake"):
            self.stub(s)
        r, calls = self.run_copy("run.sh", "-x", "--count", "1")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        names = [c[0] for c in calls]
        self.assertEqual(calls[0], ["scripts/setup.sh", "run"])
        # A new build/ is configured without the tests (cmocka, cargo...).
        cmake = [c for c in calls if c[0] == "bin/cmake"]
        self.assertEqual(len(cmake), 1, calls)
        self.assertIn("-DBUILD_TESTING=OFF", cmake[0])
        self.assertLess(names.index("bin/cmake"), names.index("scripts/build.sh"))
        self.assertEqual(calls[-1], ["build/execwatch", "-x", "--count", "1"])

    def test_test_sh_asks_for_the_test_profile(self):
        self.stub("scripts/setup.sh", "exit 3")	# stops test.sh (set -e) before a build
        r, calls = self.run_copy("test.sh")
        self.assertEqual(r.returncode, 3, r.stderr.decode())
        self.assertEqual(calls, [["scripts/setup.sh", "test"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
