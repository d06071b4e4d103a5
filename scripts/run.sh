#!/usr/bin/env bash
# Installs what building and tracing need (scripts/setup.sh run: no test
# tools), builds, and runs execwatch with the given options. As root:
#   scripts/run.sh [OPTION]...        (or: sudo scripts/run.sh [OPTION]...)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh" run
# A new build/ is configured without the tests, whose packages (cmocka,
# cargo...) the run profile leaves out; one scripts/test.sh configured keeps them.
if [ ! -f "$here/../build/CMakeCache.txt" ]; then
	cmake -S "$here/.." -B "$here/../build" -DBUILD_TESTING=OFF \
		-DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
fi
"$here/build.sh"
exec "$here/../build/execwatch" "$@"
