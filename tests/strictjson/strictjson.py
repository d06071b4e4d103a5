"""Strict JSON Lines checks for execwatch's tests, by the strictjson binary.

The binary (tests/strictjson, built by CMake) parses each line with Rust's
serde_json, which is strict where Python's json module is lenient: it
rejects lone surrogate escapes such as "\\udcff", bytes that are not UTF-8,
NaN and Infinity, and anything after the value.

The binary's path comes from the environment variable STRICTJSON (CMake's
STRICTJSON_BIN, passed by the tests' ENVIRONMENT); without it, the default
build directory's copy, build/tests/strictjson/bin/strictjson relative to the
repository, is used. A missing binary is an error, never a skip.

    import strictjson
    strictjson.check_lines(tracer.out)      # AssertionError on a bad line
    values = strictjson.roundtrip(tracer.out)
"""
import json
import os
import subprocess

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRICTJSON = os.environ.get("STRICTJSON") or os.path.join(
    _REPO, "build", "tests", "strictjson", "bin", "strictjson")


def _run(args, lines):
    data = bytearray()
    for i, line in enumerate(lines, 1):
        if not isinstance(line, (bytes, bytearray)):
            raise TypeError(f"line {i} is {type(line).__name__}, not bytes")
        if line.endswith(b"\n"):
            line = line[:-1]
        if b"\n" in line:
            raise ValueError(f"line {i} holds a newline inside: {bytes(line)[:200]!r}")
        data += line + b"\n"
    try:
        p = subprocess.run([STRICTJSON, *args], input=bytes(data),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise RuntimeError(f"strictjson: no checker at {STRICTJSON}: build it "
                           "(cmake --build build) or set STRICTJSON") from None
    err = p.stderr.decode("utf-8", "replace").rstrip("\n")
    if p.returncode == 1:
        # LINE in the message is the 1-based index into `lines`.
        raise AssertionError(err)
    if p.returncode != 0:
        raise RuntimeError(f"{STRICTJSON} exited {p.returncode}: {err}")
    return p.stdout


def check_lines(lines):
    """Checks `lines` (a list of bytes, one JSON Lines line each, a trailing
    b"\\n" allowed) with serde_json; empty lines are skipped. Raises
    AssertionError with the checker's message on the first invalid line."""
    lines = list(lines)
    out = _run(["--count"], lines)
    want = sum(1 for l in lines if l not in (b"", b"\n"))
    got = int(out)
    if got != want:
        raise RuntimeError(f"strictjson checked {got} lines, expected {want}")


def roundtrip(lines):
    """The values of `lines` as serde_json parsed them: each non-empty line
    re-serialised by serde_json, then decoded by Python. Raises
    AssertionError like check_lines on an invalid line."""
    out = _run(["--roundtrip"], list(lines))
    # Split on b"\n" only: serde_json writes U+2028 and U+0085 unescaped,
    # which str.splitlines() would take for line ends.
    return [json.loads(l) for l in out.split(b"\n") if l]
