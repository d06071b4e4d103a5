#!/usr/bin/python3
"""execwatch in the Linux toolbox: the man page, bash completion, the systemd
unit and the Kubernetes DaemonSet agree with `execwatch --help`, and each
passes the tool that reads it (man, bash, systemd-analyze, a YAML parser).
No BPF is loaded: these run anywhere, as any user."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import yaml

import ewtest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN = os.path.join(REPO, "docs", "execwatch.8")
COMPLETION = os.path.join(REPO, "scripts", "execwatch.bash-completion")
UNIT = os.path.join(REPO, "docs", "deploy", "execwatch.service")
DAEMONSET = os.path.join(REPO, "docs", "deploy", "daemonset.yaml")
EXECWATCH = os.path.abspath(ewtest.EXECWATCH)
BASH_COMPLETION = os.environ.get("BASH_COMPLETION",
                                 "/usr/share/bash-completion/bash_completion")

# Options the man page may document before `execwatch --help` lists them:
# none now; a new option goes into both in the same commit.
PENDING = set()

# "-x, --long ARG" or "--long ARG", then two spaces or more and the text.
SPELLING = re.compile(r"(--?[A-Za-z0-9][A-Za-z0-9-]*)(?: ([A-Z][A-Z_]*))?(, | |$)")


def run(*args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, **kw)


def parse_spellings(text):
    """("-o", "--output-format"), "FMT" from "-o, --output-format FMT  ..."."""
    names, arg, pos = [], "", 0
    while True:
        m = SPELLING.match(text, pos)
        if not m:
            break
        names.append(m.group(1))
        arg = m.group(2) or ""
        if m.group(3) != ", ":
            break
        pos = m.end()
    return tuple(names), arg


def help_options():
    """{option: (group, spellings, ARG)} from `execwatch --help`."""
    r = run(EXECWATCH, "--help")
    assert r.returncode == 0, r.stderr
    opts, group = {}, None
    for line in r.stdout.decode().splitlines():
        if re.match(r"^[A-Z][A-Za-z]*( \(.*\))?:$", line):
            group = line.split()[0].rstrip(":")
        elif re.match(r"^ {2,6}-\S", line):
            names, arg = parse_spellings(line.strip())
            for n in names:
                opts[n] = (group, names, arg)
    assert "--help" in opts and len(opts) > 20, opts
    return opts


def deroff(s):
    """Roff text as it reads: \\- is '-', fonts and zero-width marks go."""
    s = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", s)
    s = s.replace("\\-", "-").replace("\\&", "").replace("\\%", "")
    return s


def man_options():
    """{option: (group, spellings, ARG)} from the .TP tags under OPTIONS."""
    with open(MAN) as f:
        lines = f.read().splitlines()
    opts, group, in_options = {}, None, False
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            in_options = line.split(None, 1)[1].strip('"') == "OPTIONS"
        elif in_options and line.startswith(".SS"):
            group = line.split(None, 1)[1].strip('"')
        elif in_options and line == ".TP":
            tag = deroff(lines[i + 1])
            if tag.startswith((".B ", ".BR ", ".I ", ".IR ")):
                tag = re.sub(r'^\.\w+ ', "", tag).replace('"', "")
            names, arg = parse_spellings(tag)
            for n in names:
                opts[n] = (group, names, arg)
    return opts


class ManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.help = help_options()
        cls.man = man_options()
        with open(MAN) as f:
            # Comment lines are not part of the page.
            cls.text = "".join(l for l in f if not l.startswith('.\\"'))

    def test_every_help_option_is_documented_alike(self):
        for opt, (group, names, arg) in self.help.items():
            with self.subTest(opt=opt):
                self.assertIn(opt, self.man, "not in the man page's OPTIONS")
                mgroup, mnames, marg = self.man[opt]
                self.assertEqual(mnames, names, "spellings differ")
                self.assertEqual(marg, arg, "argument name differs")
                self.assertEqual(mgroup, group, "in another group than in --help")

    def test_every_documented_option_exists(self):
        extra = set(self.man) - set(self.help) - PENDING
        self.assertFalse(extra, "documented, but not in --help")

    def test_every_long_option_mentioned_exists(self):
        mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", deroff(self.text)))
        self.assertFalse(mentioned - set(self.help) - PENDING)

    def test_sections(self):
        for sh in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "OUTPUT",
                   "SIGNALS", "EXIT STATUS", "CAPABILITIES", "ENVIRONMENT",
                   "FILES", "EXAMPLES", "SEE ALSO"):
            self.assertRegex(self.text, r'(?m)^\.SH "?%s"?$' % sh)
        for name in ("NO_COLOR", "TMPDIR", "BCC_KERNEL_SOURCE", "CAP_BPF",
                     "CAP_PERFMON", "CAP_SYS_ADMIN", "/sys/kernel/btf/vmlinux",
                     "execsnoop (8)", "execsnoop-bpfcc (8)", "bpftrace (8)",
                     "bpftool (8)"):
            self.assertIn(name, deroff(self.text))

    def test_renders_without_warnings(self):
        if not shutil.which("man") or not shutil.which("groff"):
            self.skipTest("man or groff is not installed")
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
        r = run("man", "--warnings", "-l", MAN, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, b"")
        page = r.stdout.decode()
        self.assertIn("--container-column", page)
        r = run("groff", "-man", "-ww", "-z", MAN)
        self.assertEqual((r.returncode, r.stderr), (0, b""))

    def test_documented_exit_status_for_a_usage_error(self):
        self.assertEqual(run(EXECWATCH, "--no-such-option").returncode, 2)
        self.assertRegex(self.text, r"(?m)^\.SH EXIT STATUS\n\.TP\n\.B 0\n")


class BashCompletion(unittest.TestCase):
    """The completion function driven as bash would: COMP_WORDS, COMP_CWORD,
    COMP_LINE and COMP_POINT set, _execwatch called, COMPREPLY printed.
    bash-completion's helpers are absent unless a test loads them."""

    def complete(self, *words, with_bash_completion=False):
        line = " ".join(shlex.quote(w) if w else "" for w in words)
        script = ""
        if with_bash_completion:
            script += "source %s\n" % shlex.quote(BASH_COMPLETION)
        else:
            script += ("unset -f _init_completion _filedir 2>/dev/null\n"
                       "complete() { printf 'complete %s\\n' \"$*\" >&2; }\n")
        script += (
            "source %s\n"
            "COMP_WORDS=(%s)\n"
            "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
            "COMP_LINE=%s\n"
            "COMP_POINT=${#COMP_LINE}\n"
            "COMPREPLY=()\n"
            "_execwatch\n"
            "printf '%%s\\n' \"${COMPREPLY[@]}\"\n"
        ) % (shlex.quote(COMPLETION), " ".join(shlex.quote(w) for w in words),
             shlex.quote(line))
        r = run("bash", "--norc", "--noprofile", "-c", script)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.stderr = r.stderr.decode()
        return [w for w in r.stdout.decode().split("\n") if w]

    def test_registers_for_execwatch(self):
        self.complete(EXECWATCH, "")
        self.assertIn("complete -F _execwatch execwatch", self.stderr)

    def test_long_option_prefix(self):
        self.assertEqual(sorted(self.complete(EXECWATCH, "--con")),
                         ["--container", "--container-column", "--containers"])

    def test_values(self):
        for words, want in (
                (("-o", ""), ["json", "table"]),
                (("-o", "j"), ["json"]),
                (("--output-format", ""), ["json", "table"]),
                (("--attach", ""), ["auto", "kprobe", "tracepoint"]),
                (("--attach", "=", "k"), ["kprobe"]),
                (("--alert", ""), ["any", "interactive"])):
            with self.subTest(words=words):
                self.assertEqual(sorted(self.complete(EXECWATCH, *words)), want)

    def test_no_options_where_a_value_goes(self):
        for opt in ("-u", "--uid", "--max-args", "-n", "--container"):
            with self.subTest(opt=opt):
                self.assertEqual(self.complete(EXECWATCH, opt, ""), [])

    def test_file_names(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("mine.bpf.c", "other.txt"):
                open(os.path.join(d, name), "w").close()
            for opt in ("--probe", "--output"):
                with self.subTest(opt=opt):
                    self.assertEqual(self.complete(EXECWATCH, opt, d + "/mi"),
                                     [d + "/mine.bpf.c"])

    def test_options_are_those_of_help(self):
        self.assertEqual(set(self.complete(EXECWATCH, "-")), set(help_options()))

    def test_options_come_from_the_binary_being_completed(self):
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "execwatch")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\ncat <<'EOF'\nUsage: execwatch [OPTION]...\n"
                        "  -Z, --zz-brand-new N  an option from a newer build\n"
                        "  -h, --help               show this help and exit\nEOF\n")
            os.chmod(fake, 0o755)
            self.assertEqual(self.complete(fake, "--zz"), ["--zz-brand-new"])
            self.assertEqual(self.complete(fake, "-Z", ""), [])

    def test_static_fallback_when_help_cannot_run(self):
        missing = "/nonexistent/execwatch"
        self.assertEqual(sorted(self.complete(missing, "--con")),
                         ["--container", "--container-column", "--containers"])
        fallback = set(self.complete(missing, "-"))
        self.assertFalse(set(help_options()) - fallback,
                         "the static list in the completion lags behind --help")
        self.assertFalse(fallback - set(help_options()) - PENDING)

    def test_with_bash_completion_loaded(self):
        if not os.path.exists(BASH_COMPLETION):
            self.skipTest("bash-completion is not installed")
        self.assertEqual(sorted(self.complete(EXECWATCH, "--con",
                                              with_bash_completion=True)),
                         ["--container", "--container-column", "--containers"])
        self.assertEqual(sorted(self.complete(EXECWATCH, "-o", "",
                                              with_bash_completion=True)),
                         ["json", "table"])


class SystemdUnit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(UNIT) as f:
            cls.text = f.read()
        cls.settings = {}
        for line in cls.text.splitlines():
            if "=" in line and not line.startswith(("#", "[")):
                k, v = line.split("=", 1)
                cls.settings.setdefault(k, []).append(v)

    def one(self, key):
        self.assertIn(key, self.settings)
        return self.settings[key][-1]

    def test_verify(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed")
        with tempfile.TemporaryDirectory() as d:
            # verify checks that ExecStart's binary exists and that
            # Documentation=man: pages resolve: give it both.
            unit = os.path.join(d, "execwatch.service")
            with open(unit, "w") as f:
                f.write(re.sub(r"(?m)^ExecStart=/usr/sbin/execwatch ",
                               "ExecStart=%s " % EXECWATCH, self.text))
            os.makedirs(os.path.join(d, "man", "man8"))
            shutil.copy(MAN, os.path.join(d, "man", "man8", "execwatch.8"))
            r = run("systemd-analyze", "verify", unit,
                    env=dict(os.environ, MANPATH=os.path.join(d, "man")))
            ours = [l for l in r.stderr.decode().splitlines()
                    if "execwatch" in l]
            self.assertEqual((r.returncode, ours), (0, []), r.stderr)

    def test_exec_start(self):
        args = shlex.split(self.one("ExecStart"))
        self.assertEqual(args[0], "/usr/sbin/execwatch")
        self.assertEqual(args[args.index("-o") + 1], "json")
        out = args[args.index("--output") + 1]
        opts = set(help_options()) | PENDING
        for a in args[1:]:
            if a.startswith("-"):
                self.assertIn(a, opts)
        logdir = os.path.dirname(out)
        self.assertIn(logdir, self.one("ReadWritePaths").split())
        self.assertEqual("/var/log/" + self.one("LogsDirectory"), logdir)

    def test_cache_directory(self):
        # writable under ProtectSystem=strict, root's alone as execwatch checks
        self.assertEqual(self.one("CacheDirectory"), "execwatch")
        self.assertEqual(self.one("CacheDirectoryMode"), "0700")

    def test_sandbox(self):
        caps = {"CAP_BPF", "CAP_PERFMON", "CAP_SYS_RESOURCE"}
        self.assertEqual(set(self.one("CapabilityBoundingSet").split()), caps)
        self.assertEqual(set(self.one("AmbientCapabilities").split()), caps)
        for key, want in (("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                          ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
                          ("Restart", "on-failure"),
                          ("ProtectKernelTunables", "yes"),
                          ("ProtectKernelModules", "no")):
            with self.subTest(key=key):
                self.assertEqual(self.one(key), want)
        ro = self.one("ReadOnlyPaths").split()
        self.assertIn("-/sys/kernel/btf", ro)
        self.assertIn("-/lib/modules", ro)
        self.assertNotIn("ProcSubset", self.settings)


class DaemonSet(unittest.TestCase):
    HOST_PATHS = {"/sys/kernel/btf": True, "/sys/kernel/tracing": None,
                  "/sys/kernel/debug": None, "/lib/modules": True,
                  "/usr/src": True, "/sys/fs/cgroup": True,
                  "/var/cache/execwatch": False}  # the compile cache, written

    @classmethod
    def setUpClass(cls):
        with open(DAEMONSET) as f:
            cls.docs = [d for d in yaml.safe_load_all(f) if d]
        ds = [d for d in cls.docs if d["kind"] == "DaemonSet"]
        assert len(ds) == 1, [d["kind"] for d in cls.docs]
        cls.ds = ds[0]
        cls.pod = cls.ds["spec"]["template"]["spec"]
        cls.c = cls.pod["containers"][0]

    def test_kind_and_host_pid(self):
        self.assertEqual(self.ds["apiVersion"], "apps/v1")
        self.assertIs(self.pod["hostPID"], True)
        labels = self.ds["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(self.ds["spec"]["selector"]["matchLabels"], labels)

    def test_host_mounts(self):
        vols = {v["name"]: v["hostPath"]["path"]
                for v in self.pod["volumes"] if "hostPath" in v}
        mounts = {m["name"]: m for m in self.c["volumeMounts"]}
        for path, read_only in self.HOST_PATHS.items():
            with self.subTest(path=path):
                names = [n for n, p in vols.items() if p == path]
                self.assertEqual(len(names), 1, "no hostPath volume")
                m = mounts[names[0]]
                self.assertEqual(m["mountPath"], path)
                if read_only:
                    self.assertIs(m.get("readOnly"), True)
                elif read_only is False:
                    self.assertFalse(m.get("readOnly", False))

    def test_json_lines_on_stdout(self):
        args = self.c["args"]
        self.assertIn(["-o", "json"], [args[i:i + 2] for i in range(len(args))])
        self.assertNotIn("--output", args)
        opts = set(help_options())
        for a in args:
            if a.startswith("-"):
                self.assertIn(a, opts)

    def test_runs_on_every_node(self):
        self.assertIn({"operator": "Exists"}, self.pod["tolerations"])

    def test_resources_and_privileges(self):
        res = self.c["resources"]
        self.assertTrue(res["requests"]["cpu"] and res["requests"]["memory"])
        self.assertTrue(res["limits"]["memory"])
        sc = self.c["securityContext"]
        self.assertEqual(set(sc["capabilities"]["add"]), {"BPF", "PERFMON", "SYS_RESOURCE"})
        self.assertEqual(sc["capabilities"]["drop"], ["ALL"])
        self.assertIs(sc["privileged"], False)
        self.assertIn(":", self.c["image"])


if __name__ == "__main__":
    # Nothing here loads BPF, so unlike the other integration tests these
    # never skip for want of root.
    unittest.main(verbosity=2)
