#!/usr/bin/env bash
# The benchmark: installs what it needs (the peers: libbpf-tools' execsnoop,
# bpftrace, BCC's execsnoop-bpfcc; gnuplot), builds, runs everything in one
# go and writes docs/benchmarks.md and docs/benchmarks.png.
#   sudo scripts/bench.sh [--smoke] [--per N] [--reps N]
set -euo pipefail
here=$(dirname "$0")
"$here/setup.sh"
need=()
for p in libbpf-tools bpftrace bpfcc-tools gnuplot-nox; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
"$here/build.sh"
exec /usr/bin/python3 "$here/bench.py" "$@"
