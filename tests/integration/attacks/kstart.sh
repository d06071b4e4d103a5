#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kstart.sh: make the kernel itself start a program. A usermode-helper
# thread calls kernel_execve: no process makes an execve system call, and
# the new program's parent is kthreadd. The test runs this with a tracer
# attached and then looks for the exec it reports.
#
#   kstart.sh core HELPER      HELPER runs as the core_pattern pipe helper
#                              of one crash: argv [HELPER, core, TOKEN, PID]
#   kstart.sh release HELPER   HELPER runs as the release_agent of a private
#                              cgroup v1 hierarchy: argv [HELPER, /TOKEN]
#
# HELPER is an absolute path to kstart_helper (or anything that appends a
# JSON line holding its argv to HELPER.log). TOKEN is unique to the run
# (ewk<pid of this script>), so another crash on the machine in the
# meantime is not mistaken for ours.
#
# Output: the helper's JSON line from HELPER.log, once it has run: the ids
# (pid, ppid) are the kernel's choice, so they are known only afterwards.
# Exit 0; 1 if the helper did not run within 10 s; 77 if the mechanism is
# not available here (not root, no cgroup v1); 2 on a usage error.
#
# Both are undone on every exit but SIGKILL: core_pattern is put back, the
# hierarchy is unmounted and gone. Needs root.

usage() {
	echo "usage: kstart.sh core|release /ABSOLUTE/PATH/TO/kstart_helper" >&2
	exit 2
}

[ $# -eq 2 ] || usage
mode=$1
helper=$2
case $helper in
/*) ;;
*) usage ;;
esac
# core_pattern splits at spaces: the helper's path must have none.
case $helper in
*[[:space:]]*) echo "kstart.sh: the helper's path has a space" >&2; exit 2 ;;
esac
[ -x "$helper" ] || { echo "kstart.sh: $helper is not executable" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "kstart.sh: needs root" >&2; exit 77; }
token=ewk$$
log=$helper.log

# The helper's line for this run (an argument exactly $1), waiting up to 10 s.
wait_for_helper() {
	i=0
	while [ $i -lt 100 ]; do
		if grep -m 1 -F "\"$1\"" "$log" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "kstart.sh: $helper did not run" >&2
	return 1
}

run_core() {
	pattern=/proc/sys/kernel/core_pattern
	old=$(cat $pattern) || exit 77
	trap 'printf "%s\n" "$old" > $pattern' EXIT
	trap 'exit 1' HUP INT TERM
	# The kernel starts "|PROG ARGS" with the core on its stdin; %p is the pid.
	printf '|%s core %s %%p\n' "$helper" "$token" 2>/dev/null > $pattern || exit 77
	[ "$(cat $pattern)" = "|$helper core $token %p" ] || exit 77
	# A pipe helper runs whatever RLIMIT_CORE is, except 1 byte (the
	# kernel's mark for a helper's own crash). 0 also means no core file
	# if the pattern were to change under us.
	sh -c 'ulimit -c 0; kill -SEGV $$' 2>/dev/null
	wait_for_helper "$token"
}

gone() {
	! grep -q ":name=$name:" /proc/self/cgroup
}

# Gone within a second?
gone_soon() {
	i=0
	until gone; do
		[ $i -ge 10 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# The kernel destroys a v1 hierarchy at unmount only if it has no cgroup
# left, and a cgroup removed a moment ago still counts until it is freed,
# asynchronously. Unmounted too early, the hierarchy lives on, unmounted
# (it would show in every /proc/PID/cgroup). So wait a little first; if it
# survives anyway, mount it again, wait, unmount. Measured here: removal
# 0 s before unmount always needed that; 0.2 s or more never did. A tight
# mount-unmount loop does not help: it kept one alive for 20 s.
drop_hierarchy() {
	sleep 0.5
	umount "$dir"
	tries=0
	until gone_soon || [ $tries -ge 5 ]; do
		tries=$((tries + 1))
		mount -t cgroup -o "none,name=$name" cgroup "$dir" || break
		sleep 1
		umount "$dir"
	done
	rmdir "$dir"
	gone
}

cleanup_release() {
	i=0
	while [ -d "$dir/$token" ] && ! rmdir "$dir/$token" 2>/dev/null && [ $i -lt 10 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	drop_hierarchy || echo "kstart.sh: cgroup hierarchy $name is still there" >&2
}

run_release() {
	# A fresh name each run: an old hierarchy's release_agent is never reused.
	name=$token
	dir=$(mktemp -d) || exit 1
	if ! mount -t cgroup -o "none,name=$name,release_agent=$helper" cgroup "$dir" 2>/dev/null; then
		rmdir "$dir"
		exit 77
	fi
	trap cleanup_release EXIT
	trap 'exit 1' HUP INT TERM
	mkdir "$dir/$token" && echo 1 > "$dir/$token/notify_on_release" || exit 1
	# The cgroup's last task exits: the kernel runs the agent with its path.
	sh -c 'echo $$ > "$1/cgroup.procs" && exec true' sh "$dir/$token" || exit 1
	wait_for_helper "/$token"
}

case $mode in
core) run_core ;;
release) run_release ;;
*) usage ;;
esac
