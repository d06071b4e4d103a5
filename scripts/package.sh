#!/usr/bin/env bash
# Builds the Debian package (cpack -G DEB) with the /usr prefix, in
# build-pkg/, and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-pkg -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DBUILD_TESTING=OFF >/dev/null
cmake --build build-pkg -j "$(nproc)" >/dev/null
(cd build-pkg && cpack -G DEB >/dev/null)
ls "$PWD"/build-pkg/execwatch_*.deb
