#!/usr/bin/python3
"""The quick check in a kprobe-capable guest: boot, kprobe attach, one exec
seen with its full argv and parent, and a clean detach."""
import os
import subprocess
import sys

import ewtest
from ewtest import Tracer, run_execer


def main():
    if not ewtest.kernel_has_kprobes():
        print("smoke: FAILED: this kernel has no kprobes")
        return 1
    t = Tracer("--attach", "kprobe", "-o", "json", "-v")
    (pid, parent), _ = run_execer("fork-execv", "/bin/true", "smoke-a", "smoke b")
    ev = t.wait_event(lambda e: e["pid"] == pid)
    rc = t.stop()
    err = t.stderr()
    checks = {
        "Tracing via kprobes": "Tracing execve via kprobes" in err,
        "headers match": "match the running kernel" in err and "NOT match" not in err,
        "argv": ev["argv"] == ["/bin/true", "smoke-a", "smoke b"],
        "ppid": ev["ppid"] == parent,
        "exit 0": rc == 0,
        "detached": ewtest.leftover_progs() == [],
    }
    st = subprocess.run([ewtest.EXECWATCH, "--selftest"], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, timeout=ewtest.WAIT)
    print(st.stdout.decode(), end="")
    checks["selftest via kprobes"] = (st.returncode == 0 and
                                      b"attached via kprobes" in st.stdout)
    for name, ok in checks.items():
        print("smoke: %s: %s" % (name, "ok" if ok else "FAILED"))
    if not all(checks.values()):
        print(err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
