#!/usr/bin/env bash
# Boots a Debian distribution kernel (kprobes on, matching headers) under
# qemu and runs execwatch's tests inside it against this tree's build, with
# this machine's root shared read-only over 9p and a tmpfs overlay on top.
#
#   sudo scripts/vmtest.sh [--smoke] [KERNEL-PACKAGE]
#   sudo scripts/vmtest.sh --matrix
#
# KERNEL-PACKAGE defaults to the newest linux-image-6.1.*-amd64 (what
# Debian's linux-image-amd64 points at). --smoke runs only the quick check
# (boot, kprobe attach, one exec with full argv, --selftest, clean detach);
# otherwise the integration suite (core, every exec's door, and storm; the
# container tests need the host's container runtime) runs with --attach
# kprobe and with --attach auto. --matrix runs the full suite on that kernel and on its -rt flavour.
# The guest's console goes to build/vmtest/<package>.log; the last lines
# printed here say what ran, what passed and how long it took.
set -euo pipefail

die() { echo "vmtest: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (sudo scripts/vmtest.sh)"
repo=$(cd "$(dirname "$0")/.." && pwd)
mode=full
case "${1:-}" in
--smoke) mode=smoke; shift ;;
--matrix) mode=matrix; shift ;;
esac
pkg=${1:-}
start=$(date +%s)

need=()
for p in qemu-system-x86 busybox-static cpio kmod; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	      sed -n 's/.*Depends: \(linux-image-6\.1\.[^ ]*-amd64\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || pkg=$(apt-cache pkgnames linux-image-6.1. | grep -E -- '-amd64$' |
			       grep -v -- '-unsigned' | sort -V | tail -n 1)
fi
[ -n "$pkg" ] || die "no linux-image-6.1.*-amd64 package known to apt; run apt-get update"
if [ "$mode" = matrix ]; then
	"$0" "$pkg" && "$0" "${pkg%-amd64}-rt-amd64"
	exit
fi
kver=${pkg#linux-image-}
build=${EW_BUILD_DIR:-$repo/build}	# ctest passes its own build tree
[ -x "$build/execwatch" ] || "$repo/scripts/build.sh"

# The kernel, unpacked (not installed), and its headers, installed: the guest
# sees /lib/modules/$kver/build through the shared root.
work=$(mktemp -d /var/tmp/execwatch-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$pkg" 2>/dev/null >/dev/null) ||
	die "apt-get download $pkg failed"
dpkg-deb -x "$work"/"$pkg"_*.deb "$work/k"
if ! dpkg-query -W -f='${Status}' "linux-headers-$kver" 2>/dev/null | grep -q "ok installed"; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-headers-$kver" >/dev/null ||
		die "cannot install linux-headers-$kver"
fi

# Initramfs: busybox, the modules to reach a 9p root, and /init.
ird=$work/initrd
mkdir -p "$ird"/{bin,mod,proc,sys,dev,mnt/lower,mnt/rw,mnt/root}
cp /bin/busybox "$ird/bin/busybox"
for a in sh mount mkdir insmod switch_root poweroff cat echo sleep umount; do
	ln -s busybox "$ird/bin/$a"
done
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
      9pnet 9pnet_virtio netfs fscache 9p overlay"
for m in $mods; do
	f=$(find "$work/k/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
	[ -n "$f" ] || continue	# built in, or not needed by this kernel
	case "$f" in *.xz) xz -dc "$f" > "$ird/mod/$m.ko" ;; *) cp "$f" "$ird/mod/$m.ko" ;; esac
done
cat > "$ird/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
	 9pnet 9pnet_virtio netfs fscache 9p overlay; do
	[ -f /mod/$m.ko ] && insmod /mod/$m.ko
done
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=262144 hostroot /mnt/lower
mount -t tmpfs tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /mnt/root
r=/mnt/root
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm $r/mnt/vmout
mount -t devpts devpts $r/dev/pts
mount -t tmpfs tmpfs $r/dev/shm
mount -t tmpfs tmpfs $r/run
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmout $r/mnt/vmout
# The overlay becomes the root for the kernel too (not a chroot): a program
# the kernel starts itself (a release_agent) must find the host's files.
exec switch_root $r /bin/bash /mnt/vmout/guest.sh
INIT
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initrd.gz"

# What the guest runs, inside the chroot of the overlaid host root.
out=$work/out
mkdir -p "$out"
cp "$work/k/boot/config-$kver" "$out/config"
cat > "$out/guest.sh" <<GUEST
#!/bin/bash
cp /mnt/vmout/config /boot/config-\$(uname -r) 2>/dev/null
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
export EXECWATCH=$build/execwatch EXECER=$build/tests/integration/execer
export EXECSTORM=$build/tests/integration/execstorm STORM_PER_WORKER=200
export EW_ATTACKS=$build/tests/integration/attacks EW_HELD_TASKS=2000
export PYTHONDONTWRITEBYTECODE=1
cd $repo
status=0
if [ $mode = smoke ]; then
	/usr/bin/python3 tests/integration/vm_smoke.py || status=\$?
else
	for attach in kprobe auto; do
		for t in tests/integration/test_core.py tests/integration/test_every_exec.py \
			 tests/integration/test_storm.py; do
			echo "=== \$t with --attach \$attach"
			EW_TEST_ATTACH=\$attach /usr/bin/python3 \$t || status=1
		done
	done
fi
echo \$status > /mnt/vmout/status
sync
exec /bin/busybox poweroff -f
GUEST
accel="-accel tcg"
if [ -n "${VMTEST_KVM:-}" ] && [ -w /dev/kvm ]; then
	accel="-accel kvm -accel tcg"	# opt-in: KVM hangs or is absent on some machines
fi
mkdir -p "$build/vmtest"
log=$build/vmtest/$pkg.log
echo "vmtest: booting $pkg ($mode), console in $log"
# shellcheck disable=SC2086
timeout 3000 qemu-system-x86_64 $accel -m 2G -smp 2 -nographic -no-reboot -nodefaults \
	-serial stdio -kernel "$work/k/boot/vmlinuz-$kver" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 rdinit=/init panic=-1" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=vmout,security_model=none \
	> "$log" 2>&1 || true
status=$(cat "$out/status" 2>/dev/null || echo "no status: the guest did not finish")
secs=$(( $(date +%s) - start ))
grep -E '^(=== |Ran |OK|FAILED|SKIPPED|smoke)' "$log" | tail -n 20 || true
if [ "$status" = 0 ]; then
	echo "vmtest: $pkg, $mode: passed in ${secs}s"
	exit 0
fi
echo "vmtest: $pkg, $mode: FAILED ($status) in ${secs}s; see $log"
exit 1
