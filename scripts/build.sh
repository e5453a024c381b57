#!/usr/bin/env bash
# Configure and build Frontline into build/ (or $1), e.g.
#   scripts/build.sh                      release-with-debug-info build in build/
#   scripts/build.sh build-asan -DFL_ASAN=ON -DFL_UBSAN=ON
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DFL_WERROR=ON "$@" >/dev/null
# Show only what matters (warnings, errors); fail when the build fails.
set +e
cmake --build "$dir" -j"$(nproc)" 2>&1 | grep -Ev '^\[|^-- '
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "build failed in $dir (cmake --build exit $status)" >&2; exit 1; }
test -x "$dir/bin/frontline" || { echo "build failed: $dir/bin/frontline missing" >&2; exit 1; }
