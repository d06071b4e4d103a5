"""Shared pieces of execwatch's integration tests.

A test starts the real execwatch (which loads real BPF), waits for its
"Tracing" line, runs programs of its own, waits for their events to be
printed and checks them field by field. Waits are event-driven: a test
waits for a line to appear, never for a fixed time.
"""
import atexit
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "strictjson"))
import strictjson  # noqa: E402

EXECWATCH = os.environ.get("EXECWATCH", "build/execwatch")
EXECER = os.environ.get("EXECER", "build/tests/integration/execer")
SKIP = 77          # ctest's SKIP_RETURN_CODE for these tests
WAIT = 60.0        # generous: machines of this kind differ a lot in speed


def bpf_unavailable():
    """Why real BPF cannot run here, or None. Only then may a test skip."""
    if os.geteuid() != 0:
        return "not running as root"
    if not os.path.exists("/proc/sys/kernel/unprivileged_bpf_disabled"):
        return "this kernel has no bpf() system call"
    return None


def main():
    why = bpf_unavailable()
    if why:
        print(f"SKIPPED: BPF is not available: {why}")
        sys.exit(SKIP)
    unittest.main(verbosity=2)


_RUNNING = set()


@atexit.register
def _stop_leftovers():
    """A test that failed before stopping its tracer must not leave it
    attached for the tests that come after (they count loaded programs)."""
    for p in list(_RUNNING):
        if p.poll() is None:
            p.kill()
            p.wait()


class Tracer:
    """A running execwatch; stdout and stderr are collected as lines."""

    def __init__(self, *args, wait_tracing=True, env=None, prefix=(), stdout=None, cwd=None):
        """ENV: the environment (default ours); PREFIX: a command that
        starts execwatch (unshare, setpriv...); STDOUT: where events go
        instead of being collected (subprocess.DEVNULL for a soak)."""
        attach = os.environ.get("EW_TEST_ATTACH")
        if attach and "--attach" not in args:
            args = ("--attach", attach, *args)
        self.args = [EXECWATCH, *args]
        self.p = subprocess.Popen([*prefix, *self.args],
                                  stdout=subprocess.PIPE if stdout is None else stdout,
                                  stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        _RUNNING.add(self.p)
        self.out, self.err = [], []
        self.parsed = []
        self.cv = threading.Condition()
        streams = ((self.p.stdout, self.out), (self.p.stderr, self.err))
        self.readers = [threading.Thread(target=self._read, args=(s, l), daemon=True)
                        for s, l in streams if s is not None]
        for r in self.readers:
            r.start()
        if wait_tracing:
            ok = self.wait(lambda: any(l.startswith(b"Tracing") for l in self.err)
                           or self.p.poll() is not None)
            if not ok or self.p.poll() is not None:
                self.stop()
                raise AssertionError("execwatch did not start: %s" % self.stderr())

    def _read(self, stream, lines):
        for line in stream:
            with self.cv:
                lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def wait(self, pred, timeout=WAIT):
        end = time.monotonic() + timeout
        with self.cv:
            while not pred():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cv.wait(min(left, 0.2))
        return True

    def stop(self, sig=signal.SIGINT):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        _RUNNING.discard(self.p)
        for r in self.readers:
            r.join(WAIT)
        if self.p.stdout:
            self.p.stdout.close()
        self.p.stderr.close()
        if self.json_output():
            strictjson.check_lines(self.out)    # every line, for a strict parser
        return rc

    def json_output(self):
        """Whether this tracer writes JSON Lines to standard output."""
        a = self.args
        return any(a[i] in ("-o", "--output-format") and a[i + 1] == "json"
                   for i in range(len(a) - 1)) or "--output-format=json" in a

    def stderr(self):
        return b"".join(self.err).decode(errors="replace")

    def events(self):
        """The JSON lines printed so far, parsed (each line once)."""
        with self.cv:
            lines = self.out[len(self.parsed):]
        self.parsed.extend(json.loads(l) for l in lines)
        return list(self.parsed)

    def wait_event(self, pred, timeout=WAIT):
        """The first JSON event matching pred, waiting for it to be printed."""
        found = []

        def check():
            for ev in self.events():
                if pred(ev):
                    found.append(ev)
                    return True
            return False
        if not self.wait(check, timeout):
            raise AssertionError("no matching event; stderr: %s" % self.stderr())
        return found[0]

    def wait_line(self, needle, timeout=WAIT):
        found = []

        def check():
            for l in self.out:
                if needle in l:
                    found.append(l)
                    return True
            return False
        if not self.wait(check, timeout):
            raise AssertionError("no line with %r; stderr: %s" % (needle, self.stderr()))
        return found[0]


def record(name, **figures):
    """Keeps a test's figures for docs/reliability.md, in
    $EW_RELIABILITY_OUT, beside those other tests left there."""
    out = os.environ.get("EW_RELIABILITY_OUT")
    if not out:
        return
    try:
        with open(out) as f:
            all_figures = json.load(f)
    except (OSError, ValueError):
        all_figures = {}
    all_figures[name] = figures
    with open(out + ".tmp", "w") as f:
        json.dump(all_figures, f, indent=1, sort_keys=True)
    os.rename(out + ".tmp", out)


def run_execer(*args):
    """Runs the exec driver; returns the integers it printed before exec."""
    r = subprocess.run([EXECER, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=WAIT)
    first = r.stdout.split(b"\n")[0].split()
    return [int(x) for x in first], r


def field_bytes(ev, key):
    """The exact bytes of a string field (or a list of them): from KEY_b64
    when execwatch wrote one (the bytes are not UTF-8), else the text."""
    raw = ev.get(key + "_b64")
    if raw is None:
        v = ev[key]
        return [a.encode() for a in v] if isinstance(v, list) else v.encode()
    if isinstance(raw, list):
        return [base64.b64decode(a, validate=True) for a in raw]
    return base64.b64decode(raw, validate=True)


def argv_bytes(ev):
    """The exact argument bytes (docs/json.md)."""
    return field_bytes(ev, "argv")


def bpf_prog_names():
    """Names of the BPF programs loaded in the kernel now."""
    r = subprocess.run(["bpftool", "-j", "prog", "show"], stdout=subprocess.PIPE,
                       check=True)
    return [p.get("name", "") for p in json.loads(r.stdout or b"[]")]


def kernel_has_kprobes():
    return os.path.exists("/sys/bus/event_source/devices/kprobe/type")


def our_progs():
    return [n for n in bpf_prog_names()
            if n.startswith(("tracepoint__sys", "syscall__exec", "do_ret_sys_exe",
                             "raw_tracepoint__s", "kprobe_compat_", "kretprobe_compat_"))]


def leftover_progs(timeout=5.0):
    """Our programs still loaded once the kernel has had time to let go:
    it frees a program after its last descriptor closes, not at once."""
    deadline = time.monotonic() + timeout
    left = our_progs()
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = our_progs()
    return left


IMAGE = "localhost/execwatch-test-busybox:latest"


def ensure_image():
    """A busybox-static root file system, imported into podman: the
    container tests' image, no registry needed."""
    if subprocess.run(["podman", "image", "exists", IMAGE]).returncode == 0:
        return
    root = tempfile.mkdtemp()
    try:
        os.makedirs(root + "/bin")
        shutil.copy("/bin/busybox", root + "/bin/busybox")
        for applet in ("sh", "sleep", "true", "cat"):
            os.symlink("busybox", root + "/bin/" + applet)
        tar = root + ".tar"
        subprocess.run(["tar", "-C", root, "-cf", tar, "."], check=True)
        subprocess.run(["podman", "import", tar, IMAGE], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
        os.unlink(tar)
    finally:
        shutil.rmtree(root)
