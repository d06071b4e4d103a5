#!/usr/bin/env bash
# Builds the libFuzzer target with clang in build-fuzz/ and runs it for a
# bounded time on a copy of the seed corpus:
#   scripts/fuzz.sh [SECONDS]            (default 60)
# New inputs go to build-fuzz/corpus, crashes to build-fuzz/crashes; the
# repository's tests/fuzz/corpus is only read. Ends with one line
#   fuzz: N executions in S s, C crashes
# and writes the same as build-fuzz/summary.json. Exits non-zero on a
# crash, an invariant failure, a timeout or running out of memory, with
# the reproducer's path in the output.
set -euo pipefail

secs=${1:-60}
if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: $0 [SECONDS]" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
target=$build/tests/fuzz/fuzz_decode

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DEW_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if ! cmake --build "$build" --target fuzz_decode -j"$(nproc)" || [ ! -x "$target" ]; then
	echo "fuzz: fuzz_decode was not built: the top-level CMakeLists.txt needs" \
		"option(EW_FUZZ ...) and tests/CMakeLists.txt add_subdirectory(fuzz)" \
		"when EW_FUZZ is ON" >&2
	exit 1
fi

mkdir -p "$build/corpus" "$build/crashes"
cp -p "$root"/tests/fuzz/corpus/* "$build/corpus/"

log=$build/fuzz.log
rc=0
# Inputs as large as the largest seed, and a little more.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
"$target" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 \
	-artifact_prefix="$build/crashes/" "$build/corpus" 2>&1 | tee "$log" ||
	rc=$?

# "Done N runs in S second(s)" ends a run that went the whole time; after
# a crash there is none, and libFuzzer's final stats say how far it got.
done_re='s/^Done \([0-9]\+\) runs in \([0-9]\+\) second.*/'
runs=$(sed -n "${done_re}\\1/p" "$log" | tail -1)
took=$(sed -n "${done_re}\\2/p" "$log" | tail -1)
if [ -z "$runs" ]; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]\+\).*/\1/p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]\+\).*/\1/p' "$log" | tail -1)
	if [ -n "$runs" ] && [ -n "$rate" ] && [ "$rate" -gt 0 ]; then
		took=$((runs / rate))
	fi
fi
runs=${runs:-0}
took=${took:-0}
artifacts=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log")
crashes=$(printf '%s' "$artifacts" | grep -c . || true)
if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
	crashes=1	# died without writing a unit: still a failure
fi

printf '{"executions": %s, "seconds": %s, "crashes": %s}\n' \
	"$runs" "$took" "$crashes" >"$build/summary.json"
echo "fuzz: $runs executions in $took s, $crashes crashes"
if [ "$crashes" -ne 0 ]; then
	for a in $artifacts; do
		echo "fuzz: reproducer: $a (run: $target $a)"
	done
	exit 1
fi
