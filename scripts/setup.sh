#!/usr/bin/env bash
# Installs what execwatch needs on Debian 12 and makes kernel headers
# available to BCC. Idempotent: a second run changes nothing. Needs root.
#
#   scripts/setup.sh run           what building and tracing need (scripts/run.sh)
#   scripts/setup.sh [test]        that and what the test suite needs (scripts/test.sh,
#                                  .ci/run, scripts/bench.sh); the default
#   scripts/setup.sh --list [run|test]
#                                  print the profile's packages, one a line, and
#                                  install nothing (no root needed)
#
# The run profile installs without Recommends: nothing it recommends is used to
# build or trace. The test profile keeps them (podman's, say).
set -euo pipefail

die() { echo "setup: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--list] [run|test]" >&2; exit "${1:-2}"; }

list=
case "${1:-}" in
--list) list=1; shift ;;
-h|--help) usage 0 ;;
esac
profile=${1:-test}
[ $# -le 1 ] || usage
case "$profile" in run|test) ;; *) usage ;; esac

# Building and tracing: a C compiler, cmake and the libraries the two
# programs link (CMakeLists.txt's pkg_check_modules), nothing else.
run_packages=(
	gcc make libc6-dev cmake pkg-config	# the build (C only)
	libbpfcc-dev libbpf-dev			# BCC (helper only) and libbpf (tracer)
	libcap-ng-dev libseccomp-dev		# the tracer drops capabilities and filters its system calls
	nettle-dev				# the compile cache's SHA-256 (helper)
)
# What only the tests, the fuzzer, the qemu guest, the benchmark's smoke run
# and the package test use.
test_packages=(
	build-essential				# g++ (libFuzzer links C++) and dpkg-dev, beside gcc
	libcmocka-dev				# unit tests
	python3 bpftool util-linux valgrind	# integration tests: harness, prog checks, setpriv, memcheck
	strace libcap2-bin			# integration tests: strace's view of every door, setcap copies
	podman runc busybox-static		# container tests: real containers, no registry
	qemu-system-x86 cpio kmod		# the kprobe path in a Debian kernel under qemu
	logrotate python3-yaml dpkg-dev bash-completion	# toolbox tests: rotation, deploy files, the .deb, Tab
	clang libclang-rt-14-dev		# the libFuzzer run
	libbpf-tools				# the benchmark's smoke run compares with its execsnoop
	librust-serde-json-dev			# the strict JSON checker (tests/strictjson), built offline
)
packages=("${run_packages[@]}")
apt_opts=(--no-install-recommends)
if [ "$profile" = test ]; then
	packages+=("${test_packages[@]}")
	# Debian's cargo only where none is on PATH already (rustup's, say).
	command -v cargo >/dev/null 2>&1 || packages+=(cargo)
	apt_opts=()
fi

if [ -n "$list" ]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "run as root: scripts/setup.sh $profile (or sudo scripts/setup.sh $profile)"

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_opts[@]}" "$@" >/dev/null
}
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	apt-get update -qq
	apt_updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup ($profile): installing ${missing[*]}"
	apt_update
	apt_install "${missing[@]}"
fi

# BCC compiles the probe against /lib/modules/$(uname -r)/build. Prefer the
# headers of the running kernel; where the archive has none (a custom or
# cloud kernel), link the distribution's generic headers: safe for
# execwatch, whose probe takes every struct offset from the kernel's BTF.
release=$(uname -r)
kdir=/lib/modules/$release
# BCC looks in source/ when build/ and source/ both exist (Debian splits them).
have_headers() {
	[ -e "$kdir/build/include/linux/kconfig.h" ] || [ -e "$kdir/source/include/linux/kconfig.h" ]
}
if ! have_headers; then
	apt_update
	if apt-cache show "linux-headers-$release" >/dev/null 2>&1; then
		echo "setup: installing linux-headers-$release"
		apt_install "linux-headers-$release"
	else
		arch=$(dpkg --print-architecture)
		echo "setup: warning: no headers package for Linux $release; linking Debian's generic linux-headers-$arch instead" >&2
		echo "setup: warning: their struct layouts do not match this kernel; execwatch reads offsets from BTF (/sys/kernel/btf/vmlinux)" >&2
		apt_install "linux-headers-$arch"
		build=$(ls -d /usr/src/linux-headers-*-"$arch" | sort -V | tail -n 1)
		[ -d "$build" ] || die "linux-headers-$arch installed no /usr/src/linux-headers-*-$arch"
		common=${build%-"$arch"}-common
		mkdir -p "$kdir"
		ln -sfn "$build" "$kdir/build"
		[ -d "$common" ] && ln -sfn "$common" "$kdir/source"
		echo "setup: $kdir/build -> $build"
	fi
fi

# BCC reads tracepoint formats from tracefs.
if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing || echo "setup: warning: cannot mount tracefs" >&2
fi
