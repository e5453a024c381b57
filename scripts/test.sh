#!/usr/bin/env bash
# Quick start, step 2: run every test (ctest) on a fresh build.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   scripts/test.sh --valgrind   the tests labelled "valgrind" (memcheck) on the build in build/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ "${1:-}" = "--sanitize" ]; then
  scripts/build.sh build-asan -DFL_ASAN=ON -DFL_UBSAN=ON -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
  export FL_SANITIZE=1
  cd build-asan
  exec ctest --output-on-failure --no-tests=error -j2 --timeout 900 -LE valgrind
fi
scripts/build.sh build
cd build
if [ "${1:-}" = "--valgrind" ]; then
  exec ctest --output-on-failure --no-tests=error -j2 --timeout 1500 -L valgrind
fi
ctest --output-on-failure --no-tests=error -j2 --timeout 900 -LE valgrind
