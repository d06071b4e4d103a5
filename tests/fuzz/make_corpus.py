#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the seed corpus of fuzz_decode: tests/fuzz/corpus/*.bin.

Each seed is 2 option bytes (see fuzz_decode.c) and a perf sample laid out
as probes/event.h's struct ew_event, then data[]: the cgroup names
(cgroup_len bytes, from the root down, each NUL-ended), the file name (filename_len
bytes, NUL included), the interpreter (interp_len bytes), the argument
area (args_len bytes). Output is the
same on every run: fixed names, fixed contents, no time or randomness.

    python3 tests/fuzz/make_corpus.py [OUTDIR]
"""
import os
import struct
import sys

EW_EVENT_VERSION = 4

F_ARGS_TRUNCATED = 1 << 0
F_ARGS_UNREADABLE = 1 << 1
F_FILENAME_TRUNCATED = 1 << 2
F_FILENAME_UNREADABLE = 1 << 3
F_NEW_IMAGE = 1 << 4
F_ARGC_TRUNCATED = 1 << 6
F_TTY = 1 << 7
F_NS_KNOWN = 1 << 8
F_SECUREEXEC = 1 << 9
F_EXE_MEMFD = 1 << 10
F_EXE_DELETED = 1 << 11
F_EXE_FD = 1 << 12
F_REFUSED = 1 << 13
F_NO_RETURN = 1 << 14
F_ENTERED = 1 << 15
F_CGROUP_NAMES = 1 << 16

ENTRY_EXECVE, ENTRY_EXECVEAT, ENTRY_COMPAT_EXECVE, ENTRY_COMPAT_EXECVEAT, \
    ENTRY_KERNEL = range(1, 6)

# struct ew_event, little-endian, no padding anywhere:
#   u64 ts_ns, enter_ns, seq, cgroup_id                       0..31
#   u32 cpu, pid, tid, ppid                                  32..47
#   u32 uid, gid, euid, egid                                 48..63
#   s32 ret; u32 flags, argc, cgroup_user_uid                64..79
#   u32 mntns, pidns, parent_pidns, ns_pid                   80..95
#   u16 cgroup_len, filename_len, interp_len, args_len       96..103
#   u16 cgroup_level, cgroup_user_level                     104..107
#   u32 entry, version, reserved                            108..119
#   char comm[16]                                           120..135
#   char data[]                                             136
HEADER = struct.Struct("<4Q4I4Ii3I4I6H3I16s")
assert HEADER.size == 136

# Option byte 0.
JSON, SHOW_CONTAINER, COLOR, QUOTE, INTERACTIVE, WALL, UID, SMALL_LEN = (
    1 << i for i in range(8))
# Option byte 1: high nibble indexes max_args, low nibble max_arg_len.
MAX_ARGS = [1, 2, 3, 4, 5, 8, 16, 20, 32, 64, 100, 255, 256, 512, 1023, 1024]
MAX_ARG_LEN = [1, 2, 3, 4, 5, 7, 8, 16, 64, 255, 256, 4095, 4096, 16384,
               32767, 32768]


def opts(flags=0, max_args=20, max_arg_len=4096):
    if flags & SMALL_LEN:
        lo = max_arg_len - 1
        assert 0 <= lo < 16
    else:
        lo = MAX_ARG_LEN.index(max_arg_len)
    return bytes([flags, MAX_ARGS.index(max_args) << 4 | lo])


HEX = "0123456789abcdef"


def hexid(seed):
    """A deterministic 64-hex-digit id."""
    return "".join(HEX[(seed * 7 + i * 13 + (i * i) % 11) % 16] for i in range(64))


def names(*levels):
    """Cgroup names given leaf first (as /proc/PID/cgroup reads backwards),
    sent from the root down."""
    return b"".join(n.encode() + b"\0" for n in reversed(levels))


def sample(*, cgroup=b"", filename=b"/usr/bin/true\0", interp=b"",
           args=b"true\0", comm=b"true", pid=4242, ppid=1000, tid=None,
           uid=1000, gid=1000, euid=None, egid=None, ret=0,
           flags=F_NEW_IMAGE | F_NS_KNOWN | F_ENTERED, cgroup_names=True,
           argc=None, seq=1, cpu=0, level=None, user_level=0, user_uid=0,
           cgroup_id=0x1234, pidns=4026531836, parent_pidns=None, ns_pid=None,
           mntns=4026531841, ts_ns=123456789000, latency_ns=250000,
           entry=ENTRY_EXECVE, version=EW_EVENT_VERSION, lens=None, pad=True):
    """One sample. LENS overrides (cgroup_len, filename_len, interp_len,
    args_len). CGROUP_NAMES: the probe read the cgroup (F_CGROUP_NAMES)."""
    if cgroup_names:
        flags |= F_CGROUP_NAMES
    if argc is None:
        argc = args.count(b"\0") if flags & F_NEW_IMAGE else 0
    cl, fl, il, al = lens if lens else (len(cgroup), len(filename), len(interp),
                                        len(args))
    head = HEADER.pack(
        ts_ns, ts_ns - latency_ns, seq, cgroup_id,
        cpu, pid, pid if tid is None else tid, ppid,
        uid, gid, uid if euid is None else euid, gid if egid is None else egid,
        ret, flags, argc, user_uid,
        mntns, pidns, pidns if parent_pidns is None else parent_pidns,
        pid if ns_pid is None else ns_pid,
        cl, fl, il, al, cgroup.count(b"\0") if level is None else level, user_level,
        entry, version, 0, comm[:16].ljust(16, b"\0"))
    body = head + cgroup + filename + interp + args
    if pad:
        # perf_submit's raw samples come padded to 8 bytes.
        body += b"\0" * (-len(body) % 8)
    return body


def seeds():
    docker_id = hexid(1)
    pod_id = hexid(2)
    crio_id = hexid(3)
    ctr_id = hexid(4)
    podman_id = hexid(5)
    pod_uid = "2f1c7c4e_5a7b_4c1e_9d3e_0b6a1f2e3d4c"
    ns = dict(pidns=4026532500, parent_pidns=4026531836, ns_pid=17)

    yield "host-ls-table", opts(), sample(
        filename=b"/usr/bin/ls\0", args=b"ls\0-la\0/tmp\0", comm=b"bash")

    yield "host-no-ns-json", opts(JSON | WALL | UID), sample(
        filename=b"/usr/bin/env\0", args=b"env\0FOO=bar baz\0sh\0", comm=b"cron",
        flags=F_NEW_IMAGE, cgroup_id=0)

    yield "docker-systemd-bash-tty", opts(SHOW_CONTAINER | COLOR | INTERACTIVE), sample(
        cgroup=names(f"docker-{docker_id}.scope", "system.slice"),
        filename=b"/usr/bin/bash\0", args=b"bash\0-i\0", comm=b"runc:[2:INIT]",
        flags=F_NEW_IMAGE | F_NS_KNOWN | F_TTY, **ns)

    yield "docker-cgroupfs-busybox-sh", opts(SHOW_CONTAINER | JSON), sample(
        cgroup=names(docker_id, "docker"),
        filename=b"/bin/busybox\0", args=b"busybox\0sh\0-c\0id; cat /etc/shadow\0",
        comm=b"containerd-shim", **ns)

    yield "podman-rootless-sh", opts(SHOW_CONTAINER | QUOTE, max_args=3), sample(
        cgroup=names(f"libpod-{podman_id}.scope", "user.slice",
                     "user@1000.service", "user-1000.slice", "user.slice"),
        user_level=3, user_uid=1000,
        filename=b"/bin/sh\0", args=b"sh\0-c\0echo 'hi there'\0", comm=b"conmon",
        pidns=4026532600, parent_pidns=4026532600, ns_pid=1)

    yield "podman-conmon-monitor", opts(SHOW_CONTAINER), sample(
        cgroup=names(f"libpod-conmon-{podman_id}.scope", "machine.slice"),
        filename=b"/usr/bin/conmon\0", args=b"conmon\0--api-version\0001\0",
        comm=b"podman")

    yield "kubernetes-cgroupfs-bash", opts(SHOW_CONTAINER | JSON | INTERACTIVE), sample(
        cgroup=names(pod_id, f"pod{pod_uid.replace('_', '-')}", "besteffort", "kubepods"),
        filename=b"/bin/bash\0", args=b"bash\0", comm=b"kubectl",
        flags=F_NEW_IMAGE | F_NS_KNOWN | F_TTY, **ns)

    yield "kubernetes-systemd-containerd", opts(SHOW_CONTAINER | COLOR), sample(
        cgroup=names(f"cri-containerd-{ctr_id}.scope",
                     f"kubepods-besteffort-pod{pod_uid}.slice",
                     "kubepods-besteffort.slice", "kubepods.slice"),
        filename=b"/usr/local/bin/dash\0", args=b"dash\0", comm=b"nginx", **ns)

    yield "crio-systemd-driver", opts(SHOW_CONTAINER | JSON), sample(
        cgroup=names(f"kubepods-burstable-pod{pod_uid}.slice:crio:{crio_id}",
                     "kubepods-burstable.slice"),
        filename=b"/usr/bin/python3\0", args=b"python3\0-m\0http.server\0",
        comm=b"crio")

    yield "forged-docker-in-user-subtree", opts(SHOW_CONTAINER | JSON), sample(
        cgroup=names(f"docker-{docker_id}.scope", "user@65534.service",
                     "user-65534.slice", "user.slice"),
        filename=b"/bin/sh\0", args=b"sh\0", comm=b"sh", user_level=3,
        user_uid=65534, **ns)
    yield "hidden-deep-below-container", opts(SHOW_CONTAINER | COLOR), sample(
        cgroup=names(*[f"d{i}" for i in range(13, -1, -1)], f"libpod-{podman_id}",
                     "libpod_parent"),
        filename=b"/bin/sh\0", args=b"sh\0", comm=b"sh", level=30, **ns)
    yield "deep-unknown", opts(SHOW_CONTAINER | JSON), sample(
        cgroup=names(*[f"r{i}" for i in range(15, -1, -1)]),
        filename=b"/bin/true\0", args=b"true\0", level=40)
    yield "cgroup-not-read", opts(SHOW_CONTAINER | JSON), sample(
        filename=b"/bin/true\0", args=b"true\0", cgroup_names=False)

    hostile = [
        b"evil",
        b"\x1b[2J\x1b[H\x1b]0;pwned\x07",      # clear screen, set title
        b"a\rb\bc\td\x7fe",                     # CR, BS, TAB, DEL
        b"\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80",  # invalid UTF-8
        "\u202e\u2066gpj.exe\u2069\u2028x\ufeff".encode(),  # bidi, LS, BOM
        b"\xc2\x9b31m\xc2\x85",                 # C1 CSI and NEL
        b"\"quoted\" 'single' back\\slash",
        b"line1\nline2",
        b"\xe2\x82",                            # a cut multibyte sequence
    ]
    yield "hostile-argv-table", opts(QUOTE | WALL | UID), sample(
        filename=b"/tmp/\x1b[31mred\0", args=b"\0".join(hostile) + b"\0",
        comm=b"\x1b[1mbold\xc2\x9b\x7f")
    yield "hostile-argv-json", opts(JSON | SHOW_CONTAINER), sample(
        cgroup=names(f"docker-{docker_id}.scope", "system.slice"),
        filename="/tmp/\u202etxt.sh\0".encode(), args=b"\0".join(hostile) + b"\0",
        comm=b"sh\xff\xfe", **ns)

    yield "empty-args", opts(QUOTE), sample(
        filename=b"/usr/bin/printf\0", args=b"\0\0\0", comm=b"printf")
    yield "no-argv", opts(JSON), sample(
        filename=b"/usr/bin/argv0less\0", args=b"", comm=b"x", argc=0)

    long_arg = bytes(b"A"[0] + i % 26 for i in range(4200))
    yield "args-truncated-area", opts(max_args=4, max_arg_len=4095), sample(
        filename=b"/usr/bin/xargs\0",
        args=b"xargs\0-n1\0" + long_arg,        # the probe's cap: no final NUL
        comm=b"find", flags=F_NEW_IMAGE | F_ARGS_TRUNCATED | F_NS_KNOWN,
        argc=5000)
    yield "small-arg-len", opts(SMALL_LEN | QUOTE, max_args=2, max_arg_len=2), sample(
        filename=b"/sbin/shutdown\0", args=b"shutdown\0-h\0now\0",
        comm=b"sudo", cgroup=names(docker_id, "docker"), **ns)

    yield "failed-exec-enoent", opts(JSON), sample(
        filename=b"/nonexistent/prog\0", args=b"prog\0--flag\0",
        comm=b"bash", ret=-2, flags=F_NS_KNOWN)
    yield "failed-exec-unreadable", opts(), sample(
        filename=b"\0", args=b"", comm=b"fuzzer", ret=-14,
        flags=F_FILENAME_UNREADABLE | F_ARGS_UNREADABLE)
    yield "failed-exec-argc-truncated", opts(JSON, max_args=1024), sample(
        filename=b"/bin/echo\0", args=b"echo\0" + b"x\0" * 60, comm=b"sh",
        ret=-7, flags=F_ARGC_TRUNCATED)
    yield "execveat-no-nul-filename", opts(JSON | QUOTE), sample(
        filename=b"/dev/fd/3", args=b"prog\0", comm=b"fexecve",
        flags=F_NEW_IMAGE | F_EXE_FD | F_FILENAME_TRUNCATED,
        entry=ENTRY_EXECVEAT)
    yield "script-interp-table", opts(QUOTE), sample(
        filename=b"./s.sh\0", interp=b"/bin/sh\0",
        args=b"/bin/sh\0-e\0./s.sh\0x y\0", comm=b"s.sh")
    yield "script-interp-json-nested", opts(JSON), sample(
        filename=b"./s.sh\0", interp=b"/usr/bin/env\0",
        args=b"/usr/bin/env\0python3\0./inner\0./s.sh\0a\0", comm=b"s.sh")
    yield "setuid-memfd-compat", opts(JSON | UID), sample(
        filename=b"/proc/self/fd/3\0", args=b"x\0", comm=b"3", uid=65534,
        gid=65534, euid=0, egid=0,
        flags=F_NEW_IMAGE | F_SECUREEXEC | F_EXE_MEMFD | F_ENTERED,
        entry=ENTRY_COMPAT_EXECVE)
    yield "kernel-started", opts(JSON), sample(
        filename=b"/usr/share/apport/apport\0", args=b"apport\0-p\0" + b"4242\0",
        comm=b"apport", ppid=2, uid=0, gid=0, flags=F_NEW_IMAGE,
        entry=ENTRY_KERNEL)
    yield "refused-seccomp", opts(JSON), sample(
        filename=b"/bin/sh\0", args=b"sh\0-c\0id\0", comm=b"app", ret=-1,
        flags=F_NS_KNOWN | F_REFUSED, entry=ENTRY_EXECVE)
    yield "failed-no-return", opts(), sample(
        filename=b"./bad.elf\0", args=b"", comm=b"loader", ret=-22,
        flags=F_NO_RETURN | F_ARGS_UNREADABLE | F_ENTERED)

    # Malformed: decoding must refuse them.
    good = sample(filename=b"/bin/true\0", args=b"true\0", pad=False)
    yield "bad-short-header", opts(), good[:50]
    yield "bad-sizes-lie", opts(), sample(
        filename=b"/bin/true\0", args=b"true\0", lens=(0, 10, 0, 4000), pad=False)
    yield "bad-interp-len", opts(), sample(
        filename=b"./s\0", interp=b"/bin/sh\0", args=b"sh\0", lens=(0, 4, 9000, 3),
        pad=False)
    yield "bad-version", opts(JSON), sample(version=1)
    yield "bad-cgroup-len-max", opts(SHOW_CONTAINER), sample(
        cgroup=b"docker-", lens=(65535, 65535, 65535, 65535), pad=False)

    # The same input also feeds ew_mark_lines and ew_syscall_fnname.
    yield "text-kallsyms", opts(), (
        b"ffffffff81000000 T _stext\n"
        b"ffffffff812a4f30 T __ia32_compat_sys_execve\n"
        b"ffffffff812a4f80 t __x64_sys_execve\n"
        b"ffffffff812a5000 T __x64_sys_execveat\n"
        b"ffffffffc0a01000 t sys_execve\t[ew_mod]\n")
    yield "text-probe-source", opts(), (
        b"#include <linux/sched.h>\n"
        b"TRACEPOINT_PROBE(syscalls, sys_enter_execve) {\n"
        b"\treturn 0;\n}\n"
        b"  TRACEPOINT_PROBE (sched, sched_process_exec) { return (0); }\n"
        b"TRACEPOINT_PROBE(a, b\n"
        b"TRACEPOINT_PROBE")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    written = set()
    for name, o, body in seeds():
        path = os.path.join(out, name + ".bin")
        assert name not in written, name
        written.add(name)
        with open(path, "wb") as f:
            f.write(o + body)
    # Seeds this script no longer makes would linger: remove them.
    for old in sorted(os.listdir(out)):
        if old.endswith(".bin") and old[:-4] not in written:
            os.unlink(os.path.join(out, old))
    print(f"{len(written)} seeds in {out}")


if __name__ == "__main__":
    main()
