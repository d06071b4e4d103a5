#!/usr/bin/python3
"""An unprivileged local user (uid 65534) attacks execwatch, run by root,
through everything that user controls: cgroup names, the files and
directories execwatch opens, its environment, a copy of its binaries,
bpffs. Each case of docs/threat-model.md is reproduced and shown harmless,
with exact assertions. (Bytes that try to fool a terminal or a JSON
parser: test_hostile.py.)"""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

import ewtest
from ewtest import Tracer, run_execer

NOBODY = 65534
IMAGE = ewtest.IMAGE
PODMAN_RUN = ["podman", "--runtime", "runc", "run", "--ulimit", "nofile=1024:1024",
              "--ulimit", "nproc=1024:1024"]
HELPER = os.path.join(os.path.dirname(ewtest.EXECWATCH), "execwatch-compile")


def as_nobody(*cmd, **kw):
    """Runs CMD as uid and gid 65534, no groups; raises if it fails."""
    kw.setdefault("check", True)
    kw.setdefault("timeout", ewtest.WAIT)
    return subprocess.run(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                           "--clear-groups", *cmd], **kw)


def nobody_dir():
    """A directory of the attacker's own, like its home."""
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    os.chown(d, NOBODY, NOBODY)
    return d


def run_execwatch(*args, **kw):
    return subprocess.run([ewtest.EXECWATCH, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=ewtest.WAIT, **kw)


def unified_root():
    """The cgroup v2 hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified
    on a hybrid host."""
    for d in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        if os.path.exists(os.path.join(d, "cgroup.procs")) and \
                os.path.exists(os.path.join(d, "cgroup.subtree_control")):
            return d
    return None


def rmdir_tree(top):
    """Removes a cgroup directory and those below it, deepest first."""
    for dirpath, dirnames, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def one_line(stderr):
    """execwatch's error: exactly one line."""
    lines = stderr.decode(errors="replace").splitlines()
    assert len(lines) == 1, lines
    return lines[0]





def cgroup_of(pid):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            if line.startswith("0::"):
                return line.strip()[3:]
    raise AssertionError("pid %d has no cgroup v2 line" % pid)


class Containers(unittest.TestCase):
    """Cases 1 and 2: labels from cgroup names a user chose, or moved
    below."""

    @classmethod
    def setUpClass(cls):
        cls.unified = unified_root()
        if not cls.unified:
            raise unittest.SkipTest("no cgroup v2 hierarchy mounted")
        ewtest.ensure_image()
        cls.name = "ewhostile-%d" % os.getpid()
        # A real container whose id the user will claim, and whose own
        # processes will try to hide. Its shell reads commands on stdin.
        cls.box = subprocess.Popen(PODMAN_RUN + ["-i", "--rm", "--name", cls.name, IMAGE,
                                                 "/bin/sh"],
                                   stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while True:
            r = subprocess.run(["podman", "inspect", "-f", "{{.Id}} {{.State.Pid}}",
                                cls.name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            parts = r.stdout.split()
            if r.returncode == 0 and len(parts) == 2 and parts[1] != b"0":
                cls.id, cls.pid = parts[0].decode(), int(parts[1])
                break
            assert time.monotonic() < deadline and cls.box.poll() is None, "no container"
            time.sleep(0.1)
        cls.cgroup = cls.unified + cgroup_of(cls.pid)
        # What systemd gives each user: a delegated subtree of its own.
        cls.deleg = os.path.join(cls.unified, "user.slice", "user-%d.slice" % NOBODY,
                                 "user@%d.service" % NOBODY)
        os.makedirs(cls.deleg, exist_ok=True)
        for f in ("", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"):
            os.chown(os.path.join(cls.deleg, f), NOBODY, NOBODY)

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "box"):
            cls.box.stdin.close()
            subprocess.run(["podman", "rm", "-f", "-t", "0", cls.name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cls.box.wait(timeout=ewtest.WAIT)
            rmdir_tree(cls.cgroup)
        if hasattr(cls, "deleg"):
            rmdir_tree(os.path.join(cls.unified, "user.slice", "user-%d.slice" % NOBODY))

    def in_box(self, command):
        self.box.stdin.write(command.encode() + b"\n")
        self.box.stdin.flush()

    def test_1_forged_container_is_the_users_own(self):
        marker = "forged-%d" % os.getpid()
        forged = os.path.join(self.deleg, "docker-%s.scope" % self.id)
        tracers = {
            "containers": Tracer("-o", "json", "--containers"),
            "real": Tracer("-o", "json", "--container", self.id[:12]),
            "users": Tracer("-o", "json", "--container", "%d:%s" % (NOBODY, self.id[:12])),
            "table": Tracer("--containers", "-C"),
        }
        try:
            # Root puts the user's session in its subtree, as systemd does;
            # the user names a cgroup after the real container, moves in,
            # and starts a PID namespace of its own (past --containers).
            inner = ('mkdir "$1" && echo $$ > "$1/cgroup.procs" && '
                     'exec unshare -Urpf sh -c "/bin/true $2; :"')
            outer = ('echo $$ > "$1/cgroup.procs" && exec setpriv --reuid=%d --regid=%d '
                     '--clear-groups sh -c "$2" - "$3" "$4"' % (NOBODY, NOBODY))
            subprocess.run(["sh", "-c", outer, "-", self.deleg, inner, forged, marker],
                           check=True, timeout=ewtest.WAIT)
            ev = tracers["containers"].wait_event(lambda e: e["argv"] == ["/bin/true", marker])
            sh = tracers["containers"].wait_event(
                lambda e: e["argv"][:2] == ["sh", "-c"] and marker in e["argv"][2])
            mine = tracers["users"].wait_event(lambda e: e["argv"] == ["/bin/true", marker])
            tracers["table"].wait_line(marker.encode())
            # A real exec in the real container, so the real tracer has
            # read past the forged one.
            self.in_box("/bin/true real-%s" % marker)
            tracers["real"].wait_event(lambda e: e["argv"] == ["/bin/true", "real-" + marker])
        finally:
            rc = {n: t.stop() for n, t in tracers.items()}
            rmdir_tree(forged)
        self.assertEqual(rc, {n: 0 for n in tracers})
        self.assertEqual((ev["container_id"], ev["container_runtime"], ev["container_kind"],
                          ev["container_owner_uid"]), (self.id, "docker", "user", NOBODY))
        self.assertEqual(sh["alert"], "shell_in_user_container")
        self.assertEqual(mine["container_kind"], "user")
        self.assertFalse([e for e in tracers["real"].events() if marker in " ".join(e["argv"])
                          and e["argv"] != ["/bin/true", "real-" + marker]])
        real = tracers["real"].events()[-1]
        self.assertEqual((real["container_id"], real["container_kind"], real["container_owner_uid"]),
                         (self.id, "system", None))
        line = [l for l in tracers["table"].out if marker.encode() in l and b"/bin/true" in l][0]
        self.assertIn(b" u65534:" + self.id[:5].encode() + b" ", line)

    def test_2_container_process_cannot_hide_below_its_cgroup(self):
        marker = "hidden-%d" % os.getpid()
        deep = os.path.join(self.cgroup, *("d%d" % i for i in range(20)))
        monitor = os.path.join(self.cgroup, "libpod-conmon-x")
        all_ = Tracer("-o", "json")
        one = Tracer("-o", "json", "--container", self.id[:12])
        try:
            for where, cg in (("deep", deep), ("monitor", monitor)):
                os.makedirs(cg, exist_ok=True)
                with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                    f.write(str(self.pid))
                self.in_box("/bin/true %s-%s" % (marker, where))
                for t in (all_, one):
                    t.wait_event(lambda e: e["argv"] == ["/bin/true", "%s-%s" % (marker, where)])
            self.in_box("/bin/sh -c ':' %s-shell" % marker)
            sh = all_.wait_event(lambda e: e["argv"][-1:] == ["%s-shell" % marker])
        finally:
            with open(os.path.join(self.cgroup, "cgroup.procs"), "w") as f:
                f.write(str(self.pid))
            self.assertEqual(all_.stop(), 0)
            self.assertEqual(one.stop(), 0)
            rmdir_tree(os.path.join(self.cgroup, "d0"))
            rmdir_tree(monitor)
        for where in ("deep", "monitor"):
            ev = [e for e in all_.events() if e["argv"] == ["/bin/true", "%s-%s" % (marker, where)]]
            self.assertEqual(len(ev), 1)
            self.assertEqual((ev[0]["container_id"], ev[0]["container_runtime"],
                              ev[0]["container_kind"]), (self.id, "podman", "system"), where)
        self.assertEqual((sh["container_id"], sh["alert"]), (self.id, "shell_in_container"))


class Files(unittest.TestCase):
    """Cases 3 and 4: files and directories the user plants."""

    def setUp(self):
        self.root = tempfile.mkdtemp()          # root's, 0700
        self.secret = os.path.join(self.root, "secret")
        with open(self.secret, "wb") as f:
            f.write(b"root-only secret line\n")
        os.chmod(self.secret, 0o600)
        self.user = nobody_dir()
        self.tmp_names = []

    def tearDown(self):
        shutil.rmtree(self.root)
        shutil.rmtree(self.user)
        for p in self.tmp_names:
            for q in (p, p + ".1"):
                if os.path.lexists(q):
                    os.unlink(q)

    def secret_untouched(self):
        with open(self.secret, "rb") as f:
            self.assertEqual(f.read(), b"root-only secret line\n")

    def tmp_name(self, what):
        p = "/tmp/ew-%s-%d.log" % (what, os.getpid())
        self.tmp_names.append(p)
        return p

    def refused(self, path, why):
        r = run_execwatch("--output", path, "-o", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        line = one_line(r.stderr)
        self.assertTrue(line.startswith("execwatch: --output %s: " % path), line)
        self.assertIn(why, line)
        self.assertIn("; hint: ", line)
        self.assertEqual(ewtest.leftover_progs(), [])

    def test_3_output_planted(self):
        # A link in the user's directory, to a file only root may write.
        link = os.path.join(self.user, "out.log")
        as_nobody("ln", "-s", self.secret, link)
        self.refused(link, "directory %s belongs to uid 65534" % self.user)
        # The same directory, no link: still the user's to swap.
        self.refused(os.path.join(self.user, "new.log"), "belongs to uid 65534")
        # In /tmp itself (sticky, writable by all): a file the user made
        # first, open to all, or a link; or the name the next rotation
        # would take. Refused before any of it is looked at.
        planted = self.tmp_name("planted")
        as_nobody("sh", "-c", 'umask 0; : > "$1"', "-", planted)
        self.refused(planted, "refused: directory /tmp is writable by everyone")
        self.assertEqual(os.path.getsize(planted), 0)
        tlink = self.tmp_name("link")
        as_nobody("ln", "-s", self.secret, tlink)
        self.refused(tlink, "refused: directory /tmp is writable by everyone")
        self.refused(self.tmp_name("fresh"), "refused: directory /tmp is writable by everyone")
        # Root's own file, left writable to others, or with a second name.
        opened = os.path.join(self.root, "open.log")
        with open(opened, "w"):
            pass
        os.chmod(opened, 0o666)
        self.refused(opened, "mode 0666 lets others write it")
        linked = os.path.join(self.root, "linked.log")
        os.link(self.secret, linked)
        self.refused(linked, "it has 2 hard links")
        self.secret_untouched()

    def test_3_output_new_file_is_0600(self):
        path = os.path.join(self.root, "execs.jsonl")
        t = Tracer("--output", path, "-o", "json")
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "mode")
        t.wait(lambda: b'"pid":%d,' % pid in slurp(path))
        self.assertEqual(t.stop(), 0)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_3_output_link_found_at_rotation(self):
        # A link where the rotated file was (only root can make one in
        # root's directory; a user cannot get here): the SIGHUP reopen
        # refuses it and keeps writing to the file already open.
        path = os.path.join(self.root, "rot.log")
        t = Tracer("--output", path, "-o", "json")
        try:
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "before")
            t.wait(lambda: b'"pid":%d,' % pid in slurp(path))
            os.rename(path, path + ".1")
            os.symlink(self.secret, path)
            t.p.send_signal(signal.SIGHUP)
            self.assertTrue(t.wait(lambda: b"not reopened" in b"".join(t.err)), t.stderr())
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "after")
            t.wait(lambda: b'"pid":%d,' % pid in slurp(path + ".1"))
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertIn("--output %s: refused: it is a symbolic link" % path, t.stderr())
        self.secret_untouched()

    def probe_text(self):
        r = run_execwatch("--print-source")
        self.assertEqual(r.returncode, 0)
        return r.stdout

    def test_4_watch_fifo_and_link_swapped_in(self):
        probe = os.path.join(self.user, "my.bpf.c")
        as_nobody("sh", "-c", 'cat > "$1"', "-", probe, input=self.probe_text())
        sudo = dict(os.environ, SUDO_UID=str(NOBODY), SUDO_GID=str(NOBODY))
        # A FIFO renamed over the probe right after a save.
        t = Tracer("--probe", probe, "--watch", env=sudo)
        try:
            as_nobody("sh", "-c", 'mkfifo "$1.new" && mv "$1.new" "$1"', "-", probe)
            self.assertTrue(t.wait(lambda: b"no longer a regular file" in b"".join(t.err)),
                            t.stderr())
        finally:
            t.p.send_signal(signal.SIGINT)
            t0 = time.monotonic()
            rc = t.p.wait(timeout=ewtest.WAIT)
            took = time.monotonic() - t0
            t.stop()
        self.assertEqual(rc, 0)
        self.assertLess(took, 1.0, "SIGINT took %.1f s" % took)
        # A link to a file only root may read, renamed over the probe.
        as_nobody("sh", "-c", 'rm -f "$1" && cat > "$1"', "-", probe, input=self.probe_text())
        t = Tracer("--probe", probe, "--watch", "-o", "json", env=sudo)
        try:
            as_nobody("sh", "-c", 'ln -s "$2" "$1.new" && mv "$1.new" "$1"', "-", probe,
                      self.secret)
            self.assertTrue(t.wait(lambda: b"still tracing" in b"".join(t.err)), t.stderr())
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "old-probe")
            t.wait_event(lambda e: e["pid"] == pid)
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertNotIn(b"root-only secret", b"".join(t.out + t.err))
        # At start: a FIFO is refused at once; root's own file in the
        # user's directory is the user's to swap.
        fifo = os.path.join(self.user, "p.fifo")
        as_nobody("mkfifo", fifo)
        r = run_execwatch("--probe", fifo, env=sudo)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refused: not a regular file", one_line(r.stderr))
        r = run_execwatch("--probe", probe)
        self.assertEqual(r.returncode, 1)
        self.assertIn("directory %s belongs to uid 65534" % self.user, one_line(r.stderr))
        self.assertEqual(ewtest.leftover_progs(), [])


class Compile(unittest.TestCase):
    """Case 5: headers and environment that would steer the compile."""

    def test_5_planted_headers_and_environment(self):
        d = tempfile.mkdtemp()
        evil = tempfile.mkdtemp()
        try:
            r = run_execwatch("--print-source")
            probe = os.path.join(d, "my.bpf.c")
            # The probe's own header, next to it, still works with quotes.
            with open(probe, "wb") as f:
                f.write(b'#include "mine.h"\n#ifndef MINE\n#error mine.h not read\n#endif\n' +
                        r.stdout)
            with open(os.path.join(d, "mine.h"), "w") as f:
                f.write("#define MINE 1\n")
            # Headers planted next to it, where an -I would find them first.
            for sub in ("bcc", "linux"):
                os.mkdir(os.path.join(d, sub))
            os.mkfifo(os.path.join(d, "bcc", "footer.h"))
            for h in ("bcc/helpers.h", "linux/sched.h", "uapi/linux/ptrace.h"):
                os.makedirs(os.path.dirname(os.path.join(d, h)), exist_ok=True)
                with open(os.path.join(d, h), "w") as f:
                    f.write("#error planted %s\n" % h)
            # An event.h beside the probe, and in the environment's paths,
            # that would silence all tracing.
            for where in (d, evil):
                with open(os.path.join(where, "event.h"), "w") as f:
                    f.write("#define EW_FILTER_UID 4242\n#error planted event.h\n")
            env = dict(os.environ, CPATH=evil, C_INCLUDE_PATH=evil,
                       BCC_KERNEL_SOURCE=evil, BCC_SYMFS=evil)
            t = Tracer("--probe", probe, "-o", "json", "-v", env=env)
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "compiled-as-ours")
            ev = t.wait_event(lambda e: e["pid"] == pid)
            self.assertEqual(t.stop(), 0)
            self.assertEqual(ev["argv"], ["/bin/true", "compiled-as-ours"])
            self.assertIn("warning: BCC_KERNEL_SOURCE is ignored", t.stderr())
            self.assertNotIn("planted", t.stderr())
            # compiled, not loaded from the cache: mine.h is not in its key
            self.assertIn('cache: not used: the probe includes "mine.h" from its directory',
                          t.stderr())
            self.assertIn("compile: ", t.stderr())
        finally:
            shutil.rmtree(d)
            shutil.rmtree(evil)

    def test_5_kernel_headers_only_from_roots_directory(self):
        d = nobody_dir()
        try:
            r = run_execwatch("--kernel-headers", d)
            self.assertEqual(r.returncode, 1)
            self.assertIn("--kernel-headers %s: refused: directory %s belongs to uid 65534"
                          % (d, d), one_line(r.stderr))
            self.assertEqual(ewtest.leftover_progs(), [])
        finally:
            shutil.rmtree(d)

    def test_5_kheaders_planted_in_tmp_are_never_used(self):
        if not os.path.exists("/lib/modules/%s/source/include/linux/kconfig.h"
                              % os.uname().release):
            self.skipTest("no split source/build kernel headers here")
        # BCC falls back to /tmp/kheaders-<release> when the headers it was
        # given are not found; a relative --kernel-headers once led it
        # there. The path is made absolute, and BCC's TMPDIR is the
        # compile's private directory.
        rel = os.uname().release
        planted = "/tmp/kheaders-" + rel
        if os.path.exists(planted):
            self.skipTest("%s exists already" % planted)
        try:
            as_nobody("sh", "-c", 'mkdir -p "$1/include/linux" && '
                      'echo "#error planted kheaders" > "$1/include/linux/kconfig.h"',
                      "-", planted)
            # Relative, from /lib/modules/<release>: Debian's "source" half
            # holds include/linux/kconfig.h, so the check passes; BCC, in
            # the compile's directory, would have missed it and gone to /tmp.
            r = subprocess.run([ewtest.EXECWATCH, "--kernel-headers", "source", "--no-cache",
                                "--duration", "1"],
                               cwd="/lib/modules/" + rel, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=ewtest.WAIT)
            self.assertNotIn(b"planted", r.stderr)
            self.assertEqual(ewtest.leftover_progs(), [])
        finally:
            shutil.rmtree(planted, ignore_errors=True)

    def test_9_tmpdir_sticky_or_roots_alone(self):
        """TMPDIR only holds execwatch's private, unguessable directory: a
        sticky /tmp is fine; one anyone may rename entries in is not."""
        r = subprocess.run([ewtest.EXECWATCH, "--duration", "0.1"], env=dict(os.environ, TMPDIR="/tmp"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=ewtest.WAIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = tempfile.mkdtemp()
        try:
            os.chmod(d, 0o777)
            r = subprocess.run([ewtest.EXECWATCH, "--duration", "0.1"], env=dict(os.environ, TMPDIR=d),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=ewtest.WAIT)
            self.assertEqual(r.returncode, 1)
            self.assertIn("TMPDIR %s: refused: directory %s is writable by everyone" % (d, d),
                          one_line(r.stderr))
        finally:
            shutil.rmtree(d)

    def test_9_interrupted_compile_leaves_no_directory(self):
        tmp = tempfile.mkdtemp()
        env = dict(os.environ, TMPDIR=tmp)
        try:
            for sig in (signal.SIGINT, signal.SIGKILL):
                p = subprocess.Popen([ewtest.EXECWATCH, "--no-cache"], env=env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
                # The compile has its directory: stop execwatch there.
                deadline = time.monotonic() + ewtest.WAIT
                while not os.listdir(tmp) and time.monotonic() < deadline and p.poll() is None:
                    time.sleep(0.005)
                self.assertTrue(os.listdir(tmp), "no working directory seen")
                p.send_signal(sig)
                p.wait(timeout=ewtest.WAIT)
                p.stderr.close()
                if sig == signal.SIGINT:
                    self.assertEqual(p.returncode, 0)
                    self.assertEqual(os.listdir(tmp), [])
            # Killed: the helper went with it (PR_SET_PDEATHSIG), and the
            # next start removes what was left.
            left = os.listdir(tmp)
            r = subprocess.run([ewtest.EXECWATCH, "--print-source"], env=env,
                               stdout=subprocess.DEVNULL, timeout=ewtest.WAIT)
            self.assertEqual(r.returncode, 0)
            self.assertEqual(os.listdir(tmp), [], left)
            self.assertEqual(ewtest.leftover_progs(), [])
        finally:
            shutil.rmtree(tmp)


class Privileges(unittest.TestCase):
    """Case 6 and 9: copies that raise privileges; what is left once tracing."""

    def test_6_setcap_and_setuid_copies_refuse(self):
        d = tempfile.mkdtemp()
        os.chmod(d, 0o755)
        secret = os.path.join(d, "secret")
        with open(secret, "w") as f:
            f.write("root only\n")
        os.chmod(secret, 0o600)
        try:
            ew = os.path.join(d, "execwatch")
            shutil.copy(ewtest.EXECWATCH, ew)
            shutil.copy(HELPER, os.path.join(d, "execwatch-compile"))
            # A copy with file capabilities, as docs once suggested.
            subprocess.run(["setcap", "cap_bpf,cap_perfmon+ep", ew], check=True)
            subprocess.run(["setcap", "cap_bpf,cap_perfmon+ep",
                            os.path.join(d, "execwatch-compile")], check=True)
            probe = os.path.join(d, "evil.bpf.c")
            with open(probe, "w") as f:
                f.write("int x;\n")
            os.chmod(probe, 0o644)
            for args in ((), ("--probe", probe)):
                r = as_nobody(ew, *args, check=False, stderr=subprocess.PIPE)
                self.assertEqual(r.returncode, 1)
                self.assertEqual(one_line(r.stderr),
                                 "execwatch: refusing to run with privileges the caller does "
                                 "not have (setuid, setgid or file capabilities); hint: run it "
                                 "as root, with sudo; a setuid, setgid or setcap copy lets any "
                                 "user load BPF programs, which makes them root")
            # The helper alone, with its capabilities: it would load what
            # it is sent; it refuses to start.
            r = as_nobody(os.path.join(d, "execwatch-compile"), check=False,
                          stderr=subprocess.PIPE)
            self.assertEqual(r.returncode, 2)
            self.assertIn("execwatch-compile: refusing to run with privileges", one_line(r.stderr))
            # And run by anyone but execwatch, on a socket of its own.
            r = subprocess.run(["python3", "-c", "import os, socket, sys; a, b = socket.socketpair();"
                                " os.dup2(b.fileno(), 3); os.execv(sys.argv[1], [sys.argv[1]])",
                                HELPER], stderr=subprocess.PIPE, timeout=ewtest.WAIT)
            self.assertEqual(r.returncode, 2)
            self.assertIn("this program is started by execwatch", one_line(r.stderr))
            # A setuid-root copy, told to append to a root-only file.
            subprocess.run(["setcap", "-r", ew], check=True)
            os.chmod(ew, 0o4755)
            r = as_nobody(ew, "--output", secret, check=False, stderr=subprocess.PIPE)
            self.assertEqual(r.returncode, 1)
            self.assertIn("refusing to run with privileges", one_line(r.stderr))
            os.chmod(ew, 0o2755)
            r = as_nobody(ew, check=False, stderr=subprocess.PIPE)
            self.assertEqual(r.returncode, 1)
            with open(secret) as f:
                self.assertEqual(f.read(), "root only\n")
            self.assertEqual(ewtest.leftover_progs(), [])
        finally:
            shutil.rmtree(d)

    @staticmethod
    def status(pid):
        with open("/proc/%d/status" % pid) as f:
            return dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)

    def test_9_confined_once_tracing(self):
        d = tempfile.mkdtemp()
        out = os.path.join(d, "out.jsonl")
        t = Tracer("-o", "json", "-v", "--output", out)
        try:
            st = self.status(t.p.pid)
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "confined")
            t.wait(lambda: b'"pid":%d,' % pid in slurp(out))
            # A rotation still works under the rules: a new file, made in
            # the one directory the loop may create files in.
            os.rename(out, out + ".1")
            t.p.send_signal(signal.SIGHUP)
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "rotated")
            t.wait(lambda: os.path.exists(out) and b'"pid":%d,' % pid in slurp(out))
        finally:
            self.assertEqual(t.stop(), 0)
            shutil.rmtree(d)
        verbose = t.stderr()
        self.assertEqual(int(st["CapEff"], 16), 1 << 39, "CAP_BPF only")
        self.assertEqual(int(st["CapPrm"], 16), 1 << 39)
        self.assertEqual(int(st["CapAmb"], 16), 0)
        self.assertEqual(st["NoNewPrivs"].strip(), "1")
        if os.environ.get("EW_SANITIZED") != "1":   # LeakSanitizer needs clone(), /proc
            self.assertEqual(st["Seccomp"].strip(), "2")
            self.assertIn("execwatch: confined: CAP_BPF only, no_new_privs, seccomp, Landlock",
                          verbose)

    def test_9_watch_keeps_what_reloads_need(self):
        d = tempfile.mkdtemp()
        try:
            probe = os.path.join(d, "p.bpf.c")
            with open(probe, "wb") as f:
                f.write(run_execwatch("--print-source").stdout)
            t = Tracer("--probe", probe, "--watch")
            st = self.status(t.p.pid)
            self.assertEqual(t.stop(), 0)
            self.assertEqual(st["NoNewPrivs"].strip(), "1")
            self.assertEqual(st["Seccomp"].strip(), "0")
        finally:
            shutil.rmtree(d)

    def test_9_closed_standard_output(self):
        d = tempfile.mkdtemp()
        try:
            out = os.path.join(d, "out.jsonl")
            # Standard output closed: a file execwatch opens must not take
            # its place, and nothing goes into another descriptor.
            p = subprocess.Popen(["sh", "-c", 'exec "$@" >&-', "-", ewtest.EXECWATCH,
                                  "-o", "json", "--output", out, "--count", "1",
                                  "-n", "^true$"], stderr=subprocess.PIPE)
            deadline = time.monotonic() + ewtest.WAIT
            while not os.path.exists(out) and time.monotonic() < deadline:
                time.sleep(0.01)
            fd1 = os.readlink("/proc/%d/fd/1" % p.pid)
            err = b""
            while b"Tracing" not in err:
                line = p.stderr.readline()
                self.assertTrue(line, err)
                err += line
            run_execer("fork-execv", "/bin/true", "closed-stdout")
            err += p.stderr.read()
            p.stderr.close()
            self.assertEqual(p.wait(timeout=ewtest.WAIT), 0, err)
            self.assertEqual(fd1, "/dev/null")
            with open(out, "rb") as f:
                lines = f.read().splitlines()
            self.assertEqual(len(lines), 1)
            self.assertIn(b'"argv":["/bin/true","closed-stdout"]', lines[0])
        finally:
            shutil.rmtree(d)

    def test_9_unprivileged_user_with_ambient_capabilities(self):
        # What a unit with User= and AmbientCapabilities= gives: no root,
        # no raised privileges, and CAP_DAC_READ_SEARCH standing in for
        # root's reading of tracefs (checked with the effective rights).
        t = Tracer("-o", "json", prefix=(
            "setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
            "--inh-caps=+bpf,+perfmon,+dac_read_search",
            "--ambient-caps=+bpf,+perfmon,+dac_read_search"))
        (pid, _), _ = run_execer("fork-execv", "/bin/true", "ambient")
        ev = t.wait_event(lambda e: e["pid"] == pid)
        self.assertEqual(t.stop(), 0)
        self.assertEqual(ev["argv"], ["/bin/true", "ambient"])


class Pins(unittest.TestCase):
    """Case 7: bpffs, writable by everyone on many systems."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.probe = os.path.join(self.dir, "p.bpf.c")
        with open(self.probe, "wb") as f:
            f.write(run_execwatch("--print-source").stdout)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def save(self):
        with open(self.probe, "ab") as f:
            f.write(b"\n")

    def test_7_names_taken_in_advance_do_not_stop_a_reload(self):
        mode = os.stat("/sys/fs/bpf").st_mode
        if not mode & stat.S_IWOTH:
            os.chmod("/sys/fs/bpf", 0o1777)    # as many distributions leave it
        t = Tracer("--probe", self.probe, "--watch", "-o", "json")
        planted = ["/sys/fs/bpf/execwatch-%d-%s" % (t.p.pid, s)
                   for s in ("ctl", "stage", "0" * 16, "f" * 16)]
        try:
            for p in planted:
                as_nobody("mkdir", p)
            self.save()
            self.assertTrue(t.wait(lambda: b"reloaded" in b"".join(t.err)), t.stderr())
            (pid, _), _ = run_execer("fork-execv", "/bin/true", "after-reload")
            t.wait_event(lambda e: e["pid"] == pid)
        finally:
            self.assertEqual(t.stop(), 0)
            for p in planted:
                os.rmdir(p)
            os.chmod("/sys/fs/bpf", stat.S_IMODE(mode))
        self.assertEqual(sorted(n for n in os.listdir("/sys/fs/bpf")
                                if n.startswith("execwatch-%d-" % t.p.pid)), [])

    def test_7_bpffs_it_mounts_is_roots_alone(self):
        # In a mount namespace of its own, with no bpffs: execwatch mounts
        # one for the reload, mode 0700.
        t = Tracer("--probe", self.probe, "--watch", prefix=(
            "unshare", "-m", "--propagation", "private", "sh", "-c",
            'umount /sys/fs/bpf 2>/dev/null; exec "$@"', "-"))
        try:
            self.save()
            self.assertTrue(t.wait(lambda: b"reloaded" in b"".join(t.err)), t.stderr())
            with open("/proc/%d/mountinfo" % t.p.pid) as f:
                bpf = [l for l in f if " /sys/fs/bpf " in l and " - bpf " in l]
        finally:
            self.assertEqual(t.stop(), 0)
        self.assertEqual(len(bpf), 1, bpf)
        self.assertIn("mode=700", bpf[0])


class Hardening(unittest.TestCase):
    """Case 9: the binaries are built hardened."""

    def readelf(self, *args):
        return subprocess.run(["readelf", *args], stdout=subprocess.PIPE, check=True,
                              universal_newlines=True).stdout

    def test_9_binaries_are_hardened(self):
        for b in (ewtest.EXECWATCH, HELPER):
            header = self.readelf("-h", b)
            self.assertRegex(header, r"Type:\s+DYN", b + ": not PIE")
            dyn = self.readelf("-d", b)
            self.assertRegex(dyn, r"\(FLAGS_1\).*\bNOW\b.*\bPIE\b|\(FLAGS_1\).*\bPIE\b.*\bNOW\b|"
                             r"\(BIND_NOW\)", b + ": no BIND_NOW")
            self.assertIn("GNU_RELRO", self.readelf("-l", b), b + ": no RELRO")
            syms = self.readelf("--dyn-syms", "-W", b)
            self.assertIn("__stack_chk_fail", syms, b + ": no stack protector")
            if os.environ.get("EW_SANITIZED") != "1":   # a Debug build, ASan instead
                self.assertRegex(syms, r"__\w+_chk@", b + ": no _FORTIFY_SOURCE")


if __name__ == "__main__":
    ewtest.main()
