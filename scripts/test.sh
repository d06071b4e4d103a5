#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh test: what scripts/run.sh installs
# and the test tools), builds, and runs every test. As root:
#   scripts/test.sh                   (or: sudo scripts/test.sh)
# 1. the whole suite under ctest: unit tests, integration tests with real BPF
#    (containers, live reload, rotation, the .deb, reliability, valgrind), the
#    kprobe smoke test in a qemu guest, the benchmark's smoke run;
# 2. the unit and integration tests again in an ASan+UBSan build with leak
#    checking (build-asan/), where the qemu, package and benchmark runs are left
#    out: they test no code of the tracer that the first pass did not;
# 3. a bounded libFuzzer run over sample decoding and formatting (60 s,
#    FUZZ_SECONDS to change it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh" test
cd "$here/.."
# The tests back on in a build/ that scripts/run.sh configured without them.
if grep -qx 'BUILD_TESTING:BOOL=OFF' build/CMakeCache.txt 2>/dev/null; then
	cmake -S . -B build -DBUILD_TESTING=ON >/dev/null
fi
"$here/build.sh"

(cd build && ctest --output-on-failure --timeout 1200)

if [ -x "$here/fuzz.sh" ]; then
	"$here/fuzz.sh" "${FUZZ_SECONDS:-60}"
fi

cmake -S . -B build-asan -DEW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j "$(nproc)" >/dev/null
cd build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ctest --output-on-failure --timeout 1200 -E '^(vm_kprobe_smoke|integration_package|bench_smoke|integration_valgrind)$'
