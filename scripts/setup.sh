#!/usr/bin/env bash
# Installs what execwatch needs to build, run and test on Debian 12, and
# makes kernel headers available to BCC. Idempotent: a second run changes
# nothing. Needs root.
set -euo pipefail

die() { echo "setup: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (sudo scripts/setup.sh)"

packages=(
	build-essential cmake pkg-config	# the build
	libbpfcc-dev libbpf-dev			# BCC (helper only) and libbpf (tracer)
	libcap-ng-dev libseccomp-dev		# the tracer drops capabilities and filters its system calls
	nettle-dev				# the compile cache's SHA-256 (helper)
	libcmocka-dev				# unit tests
	python3 bpftool util-linux valgrind	# integration tests: harness, prog checks, setpriv, memcheck
	podman runc busybox-static		# container tests: real containers, no registry
	qemu-system-x86 cpio kmod		# the kprobe path in a Debian kernel under qemu
	logrotate python3-yaml dpkg-dev bash-completion	# toolbox tests: rotation, deploy files, the .deb, Tab
	clang libclang-rt-14-dev		# the libFuzzer run
	libbpf-tools				# the benchmark's smoke run compares with its execsnoop
	librust-serde-json-dev			# the strict JSON checker (tests/strictjson), built offline
)
# Debian's cargo only where none is on PATH already (rustup's, say).
command -v cargo >/dev/null 2>&1 || packages+=(cargo)

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
	echo "setup: installing ${missing[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-headers-$release" >/dev/null
	else
		arch=$(dpkg --print-architecture)
		echo "setup: warning: no headers package for Linux $release; linking Debian's generic linux-headers-$arch instead" >&2
		echo "setup: warning: their struct layouts do not match this kernel; execwatch reads offsets from BTF (/sys/kernel/btf/vmlinux)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-headers-$arch" >/dev/null
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
