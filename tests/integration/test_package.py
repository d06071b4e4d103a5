#!/usr/bin/python3
"""The Debian package: built with cpack, installed with apt, and then used
as a person would: trace an exec, open the man page, complete an option."""
import json
import os
import subprocess
import unittest

import ewtest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=600, **kw)


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run(os.path.join(REPO, "scripts", "package.sh"))
        assert r.returncode == 0, r.stderr.decode()
        cls.deb = r.stdout.decode().strip().split("\n")[-1]
        r = run("apt-get", "install", "-y", "-q", cls.deb,
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()

    @classmethod
    def tearDownClass(cls):
        run("apt-get", "remove", "-y", "-q", "execwatch",
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))

    def test_control_fields(self):
        info = run("dpkg-deb", "-f", self.deb, "Depends", "Recommends").stdout.decode()
        self.assertRegex(info, r"libbpfcc \(>= 0\.26")
        self.assertRegex(info, r"libbpf1 \(>= ")
        self.assertIn("Recommends: linux-headers-amd64", info)

    def test_installed_binary_traces_an_exec(self):
        p = subprocess.Popen(["/usr/sbin/execwatch", "-o", "json", "--count", "1",
                              "--ppid", str(os.getpid())],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = b""
        while not line.startswith(b"Tracing"):
            line = p.stderr.readline()
            self.assertTrue(line, "execwatch exited before tracing")
        subprocess.run(["/bin/true", "from-the-package"])
        out, err = p.communicate(timeout=ewtest.WAIT)
        self.assertEqual(p.returncode, 0, err)
        ev = json.loads(out)
        self.assertEqual(ev["argv"], ["/bin/true", "from-the-package"])
        self.assertEqual(ev["ppid"], os.getpid())

    def test_man_page_opens(self):
        self.assertEqual(run("man", "-w", "execwatch").stdout.strip(),
                         b"/usr/share/man/man8/execwatch.8")
        r = run("man", "execwatch", env=dict(os.environ, MANPAGER="cat", MANWIDTH="80"))
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"execwatch", r.stdout)
        self.assertIn(b"--containers", r.stdout.replace(b"\xe2\x80\x90", b"-"))

    def test_completion_is_installed(self):
        r = run("bash", "-c", "source /usr/share/bash-completion/completions/execwatch"
                " && complete -p execwatch")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"execwatch", r.stdout)

    def test_shipped_probe_and_workshop(self):
        self.assertTrue(os.path.exists("/usr/share/execwatch/probes/execwatch.bpf.c"))
        self.assertTrue(os.path.exists("/usr/share/execwatch/probes/event.h"))
        self.assertTrue(os.path.exists("/usr/libexec/execwatch/execwatch-compile"))


if __name__ == "__main__":
    ewtest.main()
