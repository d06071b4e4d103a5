#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit tests and the
# integration tests that load real BPF):
#   sudo scripts/test.sh
set -euo pipefail
here=$(dirname "$0")
"$here/setup.sh"
"$here/build.sh"
cd "$here/../build"
ctest --output-on-failure --timeout 900
