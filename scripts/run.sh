#!/usr/bin/env bash
# Installs what is missing, builds, and runs execwatch with the given options:
#   sudo scripts/run.sh [OPTION]...
set -euo pipefail
here=$(dirname "$0")
"$here/setup.sh"
"$here/build.sh"
exec "$here/../build/execwatch" "$@"
