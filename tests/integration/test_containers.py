#!/usr/bin/python3
"""Real containers (podman with runc): labels, container-only tracing in the
kernel, one-container filtering, and the shell-in-container alert."""
import os
import subprocess
import tempfile
import unittest

import ewtest
from ewtest import Tracer

IMAGE = ewtest.IMAGE
RUN = ["podman", "--runtime", "runc", "run", "--ulimit", "nofile=1024:1024",
       "--ulimit", "nproc=1024:1024"]


def podman(*args, **kw):
    return subprocess.run(["podman", *args], check=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300, **kw).stdout.decode().strip()





class Containers(unittest.TestCase):
    # busybox's sh execs its last command in place (the inner sh keeps the
    # pid) and forks for the others (/bin/true gets a child of its own).
    SCRIPT = "sh -c '/bin/true inner; :'"
    @classmethod
    def setUpClass(cls):
        ewtest.ensure_image()
        tag = "ewtest-%d" % os.getpid()
        cls.names = [tag + "-a", tag + "-b"]
        cls.ids = [podman(*RUN[1:], "-d", "--name", n, IMAGE, "/bin/sleep", "600")
                   for n in cls.names]
        cls.tracers = {
            "containers": Tracer("--containers", "-o", "json"),
            "other": Tracer("--container", cls.ids[1][:12], "-o", "json"),
            "all": Tracer("-o", "json"),
            "table": Tracer("--containers", "-C"),
            "interactive": Tracer("--containers", "--alert", "interactive",
                                  "--alerts-only", "-o", "json"),
        }
        cls.marker = "host-marker-%d" % os.getpid()
        podman("exec", cls.names[0], "/bin/sh", "-c", cls.SCRIPT)
        # an entrypoint script: a shell, but neither a terminal nor from outside
        subprocess.run(RUN + ["--rm", IMAGE, "/bin/sh", "-c", "/bin/true entry; :"],
                       check=True, timeout=300)
        # a person's shell: podman exec -it, on a terminal that script(1) provides
        subprocess.run(["script", "-qec", "podman exec -it %s /bin/sh -c ':'" % cls.names[0],
                        "/dev/null"], check=True, timeout=300, stdout=subprocess.DEVNULL)
        cidfile = tempfile.mktemp()
        subprocess.run(RUN + ["--rm", "--cidfile", cidfile, IMAGE, "/bin/true", "quick"],
                       check=True, timeout=300)
        with open(cidfile) as f:
            cls.quick_id = f.read().strip()
        os.unlink(cidfile)
        subprocess.run(["/bin/true", cls.marker], check=True)
        t = cls.tracers["all"]
        t.wait_event(lambda e: e["argv"] == ["/bin/true", cls.marker])
        for name, t in cls.tracers.items():
            if name != "all":
                t.wait(lambda: False, timeout=0.5)   # past the reorder window
        cls.rc = {name: t.stop() for name, t in cls.tracers.items()}

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["podman", "rm", "-f", "-t", "0", *cls.names],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def events(self, name):
        return self.tracers[name].events()

    def test_all_stopped_cleanly(self):
        self.assertEqual(self.rc, {n: 0 for n in self.tracers})

    def test_exec_carries_the_container_id(self):
        outer = [e for e in self.events("containers")
                 if e["argv"] == ["/bin/sh", "-c", self.SCRIPT]]
        self.assertEqual(len(outer), 1)
        e = outer[0]
        self.assertEqual(e["container_id"], self.ids[0])
        self.assertEqual(e["container_runtime"], "podman")
        self.assertEqual(e["ns_pid"] > 0, True)
        self.assertNotEqual(e["pidns"], 4026531836)
        self.assertIsInstance(e["cgroup_id"], int)
        self.assertIsInstance(e["mntns"], int)

    def test_shells_carry_the_alert(self):
        evs = [e for e in self.events("containers") if e["container_id"] == self.ids[0]]
        outer = [e for e in evs if e["argv"] == ["/bin/sh", "-c", self.SCRIPT]]
        inner = [e for e in evs if e["argv"] == ["sh", "-c", "/bin/true inner; :"]]
        true = [e for e in evs if e["argv"] == ["/bin/true", "inner"]]
        self.assertEqual((len(outer), len(inner), len(true)), (1, 1, 1), evs)
        self.assertEqual(outer[0]["alert"], "shell_in_container")
        self.assertTrue(outer[0]["from_outside"])
        self.assertFalse(outer[0]["tty"])
        self.assertEqual(inner[0]["alert"], "shell_in_container")
        self.assertEqual(inner[0]["pid"], outer[0]["pid"])
        self.assertIsNone(true[0]["alert"])
        self.assertEqual(true[0]["ppid"], inner[0]["pid"])
        self.assertFalse(true[0]["from_outside"])

    def test_containers_only_shows_no_host_exec(self):
        evs = self.events("containers")
        self.assertTrue(evs)
        self.assertTrue(all(e["container_id"] or e["pidns"] != 4026531836 for e in evs))
        self.assertFalse([e for e in evs if self.marker in e["argv"]])
        self.assertFalse([e for e in evs if e["comm"] in ("podman", "conmon", "runc")])
        host = [e for e in self.events("all") if self.marker in e["argv"]]
        self.assertEqual(len(host), 1)
        self.assertIsNone(host[0]["container_id"])

    def test_other_container_filter_shows_none_of_them(self):
        ids = {e["container_id"] for e in self.events("other")}
        self.assertNotIn(self.ids[0], ids)
        self.assertNotIn(self.quick_id, ids)
        self.assertLessEqual(ids, {self.ids[1]})

    def test_exited_container_is_still_labelled(self):
        quick = [e for e in self.events("containers") if e["argv"] == ["/bin/true", "quick"]]
        self.assertEqual(len(quick), 1)
        self.assertEqual(quick[0]["container_id"], self.quick_id)
        self.assertNotEqual(subprocess.run(["podman", "container", "exists", self.quick_id])
                            .returncode, 0)

    def test_table_marks_alerts(self):
        out = [l.decode() for l in self.tracers["table"].out]
        self.assertTrue(out[0].startswith("  TIME(s) CONTAINER    PCOMM"), out[0])
        shell = [l for l in out if ("/bin/sh -c %s" % self.SCRIPT) in l]
        self.assertEqual(len(shell), 1, out)
        self.assertTrue(shell[0].startswith("! "), shell[0])
        self.assertIn(" %s sh " % self.ids[0][:12], shell[0])
        plain = [l for l in out if l.rstrip().endswith("/bin/true inner")]
        self.assertTrue(plain[0].startswith("  "), plain)
        self.assertNotIn("\x1b[", "".join(out))     # not a terminal: no colour

    def test_interactive_mode_alerts_only_on_outside_shells(self):
        evs = self.events("interactive")
        self.assertTrue(evs)
        self.assertTrue(all(e["alert"] == "shell_in_container" for e in evs))
        self.assertTrue(all(e["from_outside"] or e["tty"] for e in evs))
        self.assertEqual([e["argv"] for e in evs if e["container_id"] == self.ids[0]],
                         [["/bin/sh", "-c", self.SCRIPT], ["sh", "-c", "/bin/true inner; :"],
                          ["/bin/sh", "-c", ":"]])
        self.assertFalse([e for e in evs if "/bin/true entry; :" in e["argv"]])

    def test_entrypoint_and_terminal_shells(self):
        evs = self.events("containers")
        entry = [e for e in evs if e["argv"] == ["/bin/sh", "-c", "/bin/true entry; :"]]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]["alert"], "shell_in_container")
        self.assertEqual(entry[0]["ns_pid"], 1)
        self.assertFalse(entry[0]["from_outside"])
        self.assertFalse(entry[0]["tty"])
        term = [e for e in evs if e["argv"] == ["/bin/sh", "-c", ":"]]
        self.assertEqual(len(term), 1)
        self.assertTrue(term[0]["tty"])
        self.assertTrue(term[0]["from_outside"])
        self.assertEqual(term[0]["container_id"], self.ids[0])


if __name__ == "__main__":
    ewtest.main()
